"""Signing in, signing out and failed sign-ins go into the audit trail."""

from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import pre_save

from .models import NEUTRAL_LABEL_MODELS, AuditEvent
from .services import audit_event_record


def neutral_label(sender, instance, **kwargs):
    """Entries about records whose name is free text (a signal's title) name them by kind and
    number instead, and no entry copies the account's e-mail address."""
    instance.actor_email = None
    content_type = instance.content_type
    if f"{content_type.app_label}.{content_type.model}" in NEUTRAL_LABEL_MODELS:
        instance.object_repr = f"{content_type.name} #{instance.object_pk}"


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
    pre_save.connect(neutral_label, sender=LogEntry, dispatch_uid="audit-neutral-label")
    user_logged_in.connect(on_login, dispatch_uid="audit-login")
    user_logged_out.connect(on_logout, dispatch_uid="audit-logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="audit-login-failed")
