"""The lockout policy (django-axes), for passwords and second-factor codes alike.

Two limits, both within the cool-off (``AXES_COOLOFF_HOURS``):

- ``AXES_FAILURE_LIMIT`` failures for one username from one address lock that pair: someone
  guessing from one place locks out only themselves;
- ``AXES_USERNAME_FAILURE_LIMIT`` failures for one username from all addresses together lock
  that username everywhere: guessing spread over many addresses is bounded too.

A wrong code from the authenticator app (or a wrong recovery code) is a failed sign-in like a
wrong password, counted by the same policy (``code_failed``), so django-otp's own throttle,
which doubles a wait on the device after each wrong code whatever the address, is switched off
(``OTP_TOTP_THROTTLE_FACTOR = 0``): whoever knows the password can no longer make the real
user's right codes be refused elsewhere.

A successful sign-in resets the failures of its own username and address only, so the real
user signing in does not lift the lock of the address that was guessing.
"""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.conf import settings
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_credentials
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_login_failed
from django.db.models import Sum

# The reason the audit trail records for a wrong code (rodedraden.audit.receivers).
CODE_FAILURE = "code"


class LockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler with a second, per-username limit across addresses."""

    def username_failures(self, request, credentials: dict | None = None) -> int:
        username = get_client_username(request, credentials)
        if not username:
            return 0
        attempts = AccessAttempt.objects.filter(username=username)
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0

    def username_locked(self, request, credentials: dict | None = None) -> bool:
        return (
            settings.AXES_LOCK_OUT_AT_FAILURE
            and self.username_failures(request, credentials) >= settings.AXES_USERNAME_FAILURE_LIMIT
        )

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        return super().is_locked(request, credentials) or self.username_locked(request, credentials)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        if (
            request is not None
            and not request.axes_locked_out
            and not self.is_whitelisted(request, credentials)
            and self.username_locked(request, credentials)
        ):
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes",
                request=request,
                username=get_client_username(request, credentials),
                ip_address=request.axes_ip_address,
            )


def credentials_of(user) -> dict:
    """What django-axes counts a failure of ``user`` by: the username, never what was typed."""
    return get_credentials(user.get_username())


def code_allowed(request, user) -> bool:
    """Whether ``user`` may try a code from the address of ``request`` now."""
    return AxesProxyHandler.is_allowed(request, credentials_of(user))


def code_failed(request, user, *, sender=None) -> None:
    """A wrong code (or one tried while locked out): counted by django-axes and recorded in
    the audit trail, as a failed sign-in of ``user`` from the address of ``request``."""
    user_login_failed.send(
        sender=sender or __name__,
        credentials=credentials_of(user),
        request=request,
        failure=CODE_FAILURE,
    )
