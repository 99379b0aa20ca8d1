"""Signing in, signing out and failed sign-ins go into the audit trail; every entry is named
and masked before it is saved (neutral_label)."""

from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import pre_save

from .models import AuditEvent
from .registry import mask_changes, record_label
from .services import audit_event_record


def neutral_label(sender, instance, **kwargs):
    """What every entry keeps, whoever writes it (auditlog, our services, a bulk change): the
    record by its kind and number, never its string form (a signal's title, a theme's name, a
    person's name); the values of masked fields masked, and the records of a many-to-many
    change by their labels; no copy of the account's e-mail address, and no serialised copy
    of the record."""
    instance.actor_email = None
    instance.serialized_data = None
    content_type = instance.content_type
    model = content_type.model_class()
    if instance.object_pk not in (None, ""):
        instance.object_repr = record_label(model, instance.object_pk, fallback=content_type.model)
    instance.changes = mask_changes(model, instance.changes)


def on_login(sender, request, user, **kwargs):
    audit_event_record(event=AuditEvent.LOGIN, obj=user, actor=user)


def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_event_record(event=AuditEvent.LOGOUT, obj=user, actor=user)


def on_login_failed(sender, credentials, request=None, failure="credentials", **kwargs):
    """A failed sign-in names the account when the username is one; what was typed into the
    username field is never kept (people type their password there by mistake). ``failure``
    says what was wrong: the password ("credentials") or a second-factor code ("code",
    rodedraden.accounts.lockout); never the code itself."""
    User = get_user_model()
    username = credentials.get(User.USERNAME_FIELD) or credentials.get("username") or ""
    account = User.objects.filter(**{User.USERNAME_FIELD: username}).first() if username else None
    locked = bool(getattr(request, "axes_locked_out", False))
    audit_event_record(
        event=AuditEvent.LOGIN_FAILED,
        obj=account,
        model=User,
        details={
            "reason": "locked_out" if locked else failure,
            "known_account": bool(account),
        },
    )


def connect() -> None:
    pre_save.connect(neutral_label, sender=LogEntry, dispatch_uid="audit-neutral-label")
    user_logged_in.connect(on_login, dispatch_uid="audit-login")
    user_logged_out.connect(on_logout, dispatch_uid="audit-logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="audit-login-failed")
