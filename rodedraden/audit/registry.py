"""Which models the audit trail follows, which of their fields it masks, and how it names them.

Free-text fields are recorded as "changed, so many characters", never with their content:
what users type is scanned for personal data before it is saved, but the trail outlives the
records (its own retention term), so it keeps none of their text. The fields masked are the
ones listed here and every field declared guarded (``field.guarded``, signals/guard.py), so
that a field guarded later is masked without anyone remembering to list it. The snapshot of an
adopted beraad, password hashes, second-factor secrets and timestamps that change with every
save are left out altogether.

A record is named in the trail by its kind and number (``signaal #12``), never by its string
form, which is free text (a signal's title, a theme's name) or a person's name; a
second-factor device by its kind and number too (``TOTP-apparaat 12``). The records of a
many-to-many change (a signal's aspects, a beraad's bodies) are named the same way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from auditlog.registry import auditlog
from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models.signals import m2m_changed
from django.utils import translation
from django.utils.encoding import smart_str

from rodedraden.accounts.devices import device_label, is_device_model

MASK = "rodedraden.audit.registry.describe_text"
ALWAYS_EXCLUDED = ["updated_at", "created_at", "version"]

# model label → (fields masked as free text, further fields left out). Guarded fields are
# masked whether they are listed or not (masked_fields).
FOLLOWED = {
    "accounts.User": (
        # A new password is recorded as changed, never its hash.
        ["first_name", "last_name", "email", "job_title", "password"],
        ["last_login", "date_joined"],
    ),
    "signals.OversightBody": (["name", "description"], []),
    "signals.Membership": ([], []),
    "signals.Aspect": (["name", "description"], []),
    "signals.OrganisationUnit": (["name"], []),
    "signals.Signal": (["title", "description", "source_reference", "details"], []),
    "deliberation.Beraad": (
        ["title", "agenda", "attendance", "minutes", "summary"],
        ["snapshot"],
    ),
    "deliberation.Intake": ([], []),
    "deliberation.BeraadSignal": ([], []),
    "deliberation.Theme": (["name", "description"], []),
    "deliberation.Tag": ([], []),
    "deliberation.Analysis": (["text"], []),
    "deliberation.Recommendation": (["text", "response_reason", "owner", "progress"], []),
    "reports.Memo": ([], ["error"]),
    # Switching two factors on and off; the secrets themselves never.
    "otp_totp.TOTPDevice": ([], ["key", "last_t", "drift", "throttling_failure_timestamp"]),
}
M2M = {
    "signals.Signal": ["aspects", "organisation_units"],
    "deliberation.Beraad": ["bodies"],
}

EMPTY = "—"
MASKED = re.compile(r"\[\d+ tekens\]")


def describe_text(value: str) -> str:
    """What the trail keeps of a free-text value: whether there was one, and its length."""
    value = smart_str(value)
    if value in ("", "None", "{}", "[]"):
        return EMPTY
    return f"[{len(value)} tekens]"  # stored, so in the data's language


def is_masked(value) -> bool:
    """Whether ``value`` is what describe_text makes of a text (and so holds none of it)."""
    return isinstance(value, str) and (value == EMPTY or MASKED.fullmatch(value) is not None)


def masked_fields(model: type[models.Model]) -> list[str]:
    """The fields of ``model`` whose values the trail masks: the listed ones and every field
    declared guarded."""
    model = model._meta.concrete_model
    listed = FOLLOWED.get(model._meta.label, ([], []))[0]
    present = {field.name for field in model._meta.get_fields()}
    guarded = [field.name for field in model._meta.get_fields() if getattr(field, "guarded", False)]
    return [name for name in dict.fromkeys([*listed, *guarded]) if name in present]


def record_label(model: type[models.Model] | None, pk, *, fallback: str = "") -> str:
    """How the trail names record ``pk`` of ``model``: its kind and number, in the data's
    language (whatever language the request that wrote it spoke)."""
    if model is not None and is_device_model(model):
        return device_label(model, pk)
    with translation.override(settings.LANGUAGE_CODE):
        kind = str(model._meta.verbose_name) if model is not None else fallback
    return f"{kind} #{pk}"


def mask_changes(model: type[models.Model] | None, changes):
    """``changes`` of an entry about ``model`` with nothing of a masked field left in it, and
    the records of a many-to-many change named by their labels only."""
    if not isinstance(changes, Mapping) or model is None:
        return changes
    masked = set(masked_fields(model))
    result = {}
    for name, change in changes.items():
        if isinstance(change, Mapping) and change.get("type") == "m2m":
            related = _related_model(model, name)
            result[name] = {
                **change,
                "objects": [
                    value if _is_label_of(related, value) else describe_text(value)
                    for value in change.get("objects") or []
                ],
            }
        elif name in masked and isinstance(change, list | tuple):
            result[name] = [value if is_masked(value) else describe_text(value) for value in change]
        else:
            result[name] = change
    return result


def _related_model(model, name):
    try:
        return model._meta.get_field(name).related_model
    except Exception:  # a field that is gone: its records are masked
        return None


def _is_label_of(model, value) -> bool:
    if model is None or not isinstance(value, str):
        return False
    _kind, _hash, number = value.rpartition(" #")
    return number.isdigit() and value == record_label(model, number)


# --- Many-to-many changes ------------------------------------------------------------------------
def _m2m_receiver(owner: type[models.Model], field_name: str):
    """Records a change of ``owner.field_name`` (django-auditlog's own receiver would name the
    records by their string form, and log every record of the other model on a clear)."""
    from auditlog.receivers import check_disable

    field = owner._meta.get_field(field_name)
    through = field.remote_field.through
    source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
    pending = "_audit_m2m_cleared_" + field_name

    @check_disable
    def receiver(sender, instance, action, reverse, model, pk_set, **kwargs):
        if action == "pre_clear":
            mine, theirs = (target, source) if reverse else (source, target)
            rows = through.objects.filter(**{f"{mine}_id": instance.pk})
            setattr(instance, pending, set(rows.values_list(f"{theirs}_id", flat=True)))
            return
        if action not in ("post_add", "post_remove", "post_clear"):
            return
        if action == "post_clear":
            pk_set = getattr(instance, pending, set())
            if hasattr(instance, pending):
                delattr(instance, pending)
        if not pk_set:
            return
        operation = "add" if action == "post_add" else "delete"
        if reverse:
            # instance is the record on the other side: one entry per owner it left or joined.
            label = record_label(type(instance), instance.pk)
            for pk in sorted(pk_set):
                _log_m2m(owner, pk, field_name, operation, [label])
        else:
            labels = [record_label(model, pk) for pk in sorted(pk_set)]
            _log_m2m(owner, instance.pk, field_name, operation, labels)

    return receiver


def _log_m2m(owner, pk, field_name: str, operation: str, labels: list[str]) -> None:
    from auditlog.cid import get_cid
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(owner),
        object_pk=str(pk),
        object_id=pk if isinstance(pk, int) else None,
        object_repr=record_label(owner, pk),
        action=LogEntry.Action.UPDATE,
        changes={field_name: {"type": "m2m", "operation": operation, "objects": labels}},
        cid=get_cid(),
    )


_M2M_RECEIVERS = []  # kept alive: the signal holds weak references


def register_models() -> None:
    for label, (_listed, excluded) in FOLLOWED.items():
        model = apps.get_model(label)
        fields = {field.name for field in model._meta.get_fields()}
        auditlog.register(
            model,
            mask_fields=masked_fields(model),
            mask_callable=MASK,
            exclude_fields=[name for name in ALWAYS_EXCLUDED if name in fields] + excluded,
            # Many-to-many changes are recorded by our own receivers (_m2m_receiver).
            m2m_fields=[],
        )
        for field_name in M2M.get(label, []):
            receiver = _m2m_receiver(model, field_name)
            _M2M_RECEIVERS.append(receiver)
            m2m_changed.connect(
                receiver,
                sender=model._meta.get_field(field_name).remote_field.through,
                dispatch_uid=f"audit-m2m-{label}-{field_name}",
            )
