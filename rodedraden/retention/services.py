"""Removing what is past its retention term (settings.RETENTION_DAYS), and nothing else.

What is removed, and on which clock, each app declares in its own retention policies
(rodedraden/retention/registry.py): an adopted beraad counts from its adoption and takes with
it everything that belongs to it; signals that never went into a beraad count from their last
change; concept memos from their request; audit entries from their moment; expired sign-in
sessions go as well. Whatever a beraad still in progress holds is never touched (its concept
memos included), nor anything inside its term. This module knows no domain model: it runs the
registered policies in one transaction, records the run (RetentionRun) and gives each kind of
record it removed one entry in the audit trail, with the numbers of the records removed.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from rodedraden.audit.models import AuditEvent
from rodedraden.audit.services import audit_event_record

from .models import RetentionRun
from .registry import Removal, RetentionContext, policies


def retention_cutoffs(*, now: datetime) -> dict[str, datetime]:
    return {kind: now - timedelta(days=days) for kind, days in settings.RETENTION_DAYS.items()}


@transaction.atomic
def retention_apply(*, now: datetime | None = None) -> RetentionRun:
    now = now or timezone.now()
    cutoffs = retention_cutoffs(now=now)
    run = RetentionRun.objects.create(
        started_at=now, cutoffs={kind: moment.isoformat() for kind, moment in cutoffs.items()}
    )
    context = RetentionContext(now=now, cutoffs=cutoffs)
    removals: dict[str, Removal] = {}
    for policy in policies():
        for removal in policy.apply(context):
            if removal.kind in removals:
                raise RuntimeError(f"Two retention policies remove {removal.kind!r}.")
            if removal.ids:
                removals[removal.kind] = removal

    run.removed = {kind: len(removal.ids) for kind, removal in removals.items()}
    run.removed_ids = {
        kind: list(removal.ids) for kind, removal in removals.items() if removal.listed
    }
    run.finished_at = timezone.now()
    run.save(update_fields=["removed", "removed_ids", "finished_at"])
    for kind, removal in removals.items():
        audit_event_record(
            event=AuditEvent.RETENTION,
            model=removal.model,
            details={
                "kind": kind,
                "count": len(removal.ids),
                "cutoff": run.cutoffs.get(removal.term, now.isoformat()),
                "run": run.pk,
                **({"ids": list(removal.ids)} if removal.listed else {}),
            },
        )
    return run
