"""Writes to the audit trail that no model change makes: sign-ins, exports, downloads."""

from collections.abc import Iterable
from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEvent


def audit_event_record(
    *,
    event: AuditEvent,
    obj: models.Model | None = None,
    model: type[models.Model] | None = None,
    actor=None,
    details: dict[str, Any] | None = None,
) -> LogEntry:
    """Records one event about ``obj`` (or about ``model`` as a whole, for an export).

    ``details`` must hold facts, never text a user typed: counts, formats, a filter's field
    names, a reason code. Within a request, django-auditlog's middleware adds the address and,
    when ``actor`` is not given, the signed-in user.
    """
    model = model or obj.__class__  # not type(): request.user is a lazy object
    # Saved as auditlog's own model, so that its request context (address, account) applies.
    return LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(model, for_concrete_model=False),
        object_pk="" if obj is None else str(obj.pk),
        object_id=obj.pk if obj is not None and isinstance(obj.pk, int) else None,
        object_repr=str(obj) if obj is not None else str(model._meta.verbose_name_plural),
        action=LogEntry.Action.ACCESS,
        actor=actor,
        additional_data={"event": str(event), **(details or {})},
    )


def audit_bulk_changes_record(
    *,
    objects: Iterable[models.Model],
    action: int = LogEntry.Action.UPDATE,
    changes: dict[str, list] | None = None,
) -> int:
    """Entries for writes that bypass save() (``QuerySet.update()``, ``bulk_create()``): one
    per object, with the same request context and labels as auditlog's own entries."""
    written = 0
    for obj in objects:
        LogEntry.objects.log_create(
            obj,
            force_log=True,
            action=action,
            changes=changes if changes is not None else {},
        )
        written += 1
    return written
