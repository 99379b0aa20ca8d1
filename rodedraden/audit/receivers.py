"""Signing in, signing out and failed sign-ins go into the audit trail."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from .models import AuditEvent
from .services import audit_event_record


def on_login(sender, request, user, **kwargs):
    audit_event_record(event=AuditEvent.LOGIN, obj=user, actor=user)


def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_event_record(event=AuditEvent.LOGOUT, obj=user, actor=user)


def on_login_failed(sender, credentials, request=None, **kwargs):
    """A failed sign-in names the account when the username is one; what was typed into the
    username field is never kept (people type their password there by mistake)."""
    User = get_user_model()
    username = credentials.get(User.USERNAME_FIELD) or credentials.get("username") or ""
    account = User.objects.filter(**{User.USERNAME_FIELD: username}).first() if username else None
    locked = bool(getattr(request, "axes_locked_out", False))
    audit_event_record(
        event=AuditEvent.LOGIN_FAILED,
        obj=account,
        model=User,
        details={
            "reason": "locked_out" if locked else "credentials",
            "known_account": bool(account),
        },
    )


def connect() -> None:
    user_logged_in.connect(on_login, dispatch_uid="audit-login")
    user_logged_out.connect(on_logout, dispatch_uid="audit-logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="audit-login-failed")
