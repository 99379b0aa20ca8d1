"""The one second factor Rode draden offers: an authenticator app (TOTP), in our own forms."""

from django_otp.plugins.otp_totp.models import TOTPDevice
from two_factor.plugins.registry import GeneratorMethod, registry


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
