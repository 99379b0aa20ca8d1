"""The forms of the two-step login, in the application's words."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from two_factor import forms as two_factor_forms

# django-otp has no Dutch catalogue: its messages, in our words.
OTP_ERROR_MESSAGES = {
    **two_factor_forms.AuthenticationTokenForm.otp_error_messages,
    "token_required": _("Type the code."),
    "invalid_token": _("That code is not right. Check it and try again."),
    "n_failed_attempts": ngettext_lazy(
        "After %(failure_count)d wrong code, checking is paused briefly. Try again in a moment.",
        "After %(failure_count)d wrong codes, checking is paused briefly. Try again in a moment.",
        "failure_count",
    ),
    "verification_not_allowed": _("Checking codes is paused for a moment. Try again soon."),
}


class CodeForm(two_factor_forms.AuthenticationTokenForm):
    """The six digits the authenticator app shows now."""

    otp_error_messages = OTP_ERROR_MESSAGES

    otp_token = forms.RegexField(
        label=_("Code from your authenticator app"),
        help_text=_("Six digits; the app shows a new code every 30 seconds."),
        regex=r"^[0-9]*$",
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={"autofocus": True, "inputmode": "numeric", "autocomplete": "one-time-code"}
        ),
    )


class RecoveryCodeForm(two_factor_forms.BackupTokenForm):
    """One of the ten recovery codes, each good for one sign-in."""

    otp_error_messages = OTP_ERROR_MESSAGES

    otp_token = forms.CharField(
        label=_("Recovery code"),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )


class AppLinkForm(two_factor_forms.TOTPDeviceForm):
    """Setting up: the first code the app shows proves it holds the secret."""

    token = forms.IntegerField(
        label=_("Code from your authenticator app"),
        min_value=0,
        max_value=999_999,
        widget=forms.TextInput(
            attrs={"autofocus": True, "inputmode": "numeric", "autocomplete": "one-time-code"}
        ),
    )
    error_messages = {
        "invalid_token": _("That code is not right. Type the code the app shows now.")
    }


class DisableForm(two_factor_forms.DisableForm):
    understand = forms.BooleanField(label=_("Yes, switch two-step verification off for my account"))
