"""Second-factor devices are named by their kind and number, never after their owner.

django-otp names a device "<name> (<owner>)": ``default (Marieke Jansen)``. That string is what
the audit trail keeps of the device (its ``object_repr``), and what the admin shows in titles,
confirmations and messages. Here every device is called by its kind and its number instead
(``TOTP-apparaat 12``), in the data's language like the rest of the trail: the account a device
belongs to is its foreign key, shown live where someone may see it.
"""

from __future__ import annotations

from django.db import models

# By model label; a device of another kind is an "Apparaat".
DEVICE_KINDS = {
    "otp_totp.totpdevice": "TOTP-apparaat",
    "otp_static.staticdevice": "Herstelcodes",
}
DEVICE_KIND_OTHER = "Apparaat"


def device_label(model: type[models.Model], pk) -> str:
    """The name of device ``pk`` of ``model``: its kind and its number."""
    concrete = model._meta.concrete_model
    kind = DEVICE_KINDS.get(concrete._meta.label_lower, DEVICE_KIND_OTHER)
    return f"{kind} {pk}" if pk is not None else kind


def is_device_model(model: type[models.Model] | None) -> bool:
    from django_otp.models import Device

    return model is not None and issubclass(model, Device)


def _device_str(self) -> str:
    return device_label(type(self), self.pk)


def name_devices_by_kind() -> None:
    """Every django-otp device (of every plugin) is named by kind and number."""
    from django_otp.models import Device

    Device.__str__ = _device_str
