"""The one second factor Rode draden offers: an authenticator app (TOTP), in our own forms."""

from django_otp.plugins.otp_totp.models import TOTPDevice
from two_factor.plugins.registry import GeneratorMethod, registry


def linked_app(user) -> TOTPDevice | None:
    """The user's confirmed authenticator app, whatever its name (django-two-factor-auth only
    looks for one named "default"; the admin may have left another)."""
    if not user or not user.is_authenticated:  # the login wizard has False before the password
        return None
    apps = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk")
    return apps.filter(name="default").first() or apps.first()


class AuthenticatorAppMethod(GeneratorMethod):
    form_path = "rodedraden.accounts.forms.AppLinkForm"

    def recognize_device(self, device):
        return isinstance(device, TOTPDevice)

    def get_setup_forms(self, *args):
        from .forms import AppLinkForm

        return {"generator": AppLinkForm}

    def get_token_form_class(self):
        from .forms import CodeForm

        return CodeForm


def register() -> None:
    """Replaces django-two-factor-auth's own generator method (same code, our forms)."""
    registry.unregister(AuthenticatorAppMethod.code)
    registry.register(AuthenticatorAppMethod())
