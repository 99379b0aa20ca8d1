"""The platform's own retention policies: the lockout's failed attempts, the audit trail, the
sign-in sessions and the keys of sent forms. They run after the apps' policies (order 900+)."""

from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session

from rodedraden.audit.models import AuditEntry
from rodedraden.idempotency.models import KEPT, IdempotencyKey

from .registry import Removal, RetentionContext, RetentionPolicy, register


def login_attempts_remove(context: RetentionContext) -> list[Removal]:
    """The lockout's failed attempts once their cool-off is over (they name what was typed)."""
    cooloff = timedelta(hours=settings.AXES_COOLOFF_TIME)
    attempts = AccessAttempt.objects.filter(attempt_time__lt=context.now - cooloff)
    ids = list(attempts.values_list("pk", flat=True))
    attempts.delete()
    return [Removal(kind="login_attempts", model=AccessAttempt, ids=ids)]


def audit_remove(context: RetentionContext) -> list[Removal]:
    """The audit trail's own entries, from their moment."""
    audit = AuditEntry.objects.filter(timestamp__lt=context.cutoffs["audit"])
    ids = list(audit.values_list("pk", flat=True))
    audit.delete()
    return [Removal(kind="audit", model=AuditEntry, ids=ids, term="audit")]


def login_sessions_remove(context: RetentionContext) -> list[Removal]:
    """The sign-in sessions that expired (counted, not listed)."""
    count = Session.objects.filter(expire_date__lt=context.now).delete()[0]
    return [Removal(kind="login_sessions", model=Session, ids=[None] * count, listed=False)]


def sent_forms_remove(context: RetentionContext) -> list[Removal]:
    """The keys of sent forms, once a form can no longer come again (counted, not listed)."""
    count = IdempotencyKey.objects.filter(created_at__lt=context.now - KEPT).delete()[0]
    return [Removal(kind="sent_forms", model=IdempotencyKey, ids=[None] * count, listed=False)]


def register_platform_policies() -> None:
    register(RetentionPolicy(name="login_attempts", apply=login_attempts_remove, order=900))
    register(RetentionPolicy(name="audit", apply=audit_remove, order=910))
    register(RetentionPolicy(name="login_sessions", apply=login_sessions_remove, order=920))
    register(RetentionPolicy(name="sent_forms", apply=sent_forms_remove, order=930))
