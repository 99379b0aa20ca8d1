"""Removing what is past its retention term (settings.RETENTION_DAYS), and nothing else.

Each kind has its own clock (see the settings): an adopted beraad counts from its adoption and
takes with it everything that belongs to it; signals that never went into a beraad count from
their last change; concept memos from their request; audit entries from their moment; expired
sign-in sessions go as well. Whatever a beraad still in progress holds is never touched (its
concept memos included), nor anything inside its term. Each run is recorded (RetentionRun)
and each kind it removed from gets one entry in the audit trail, with the numbers of the
records removed.
"""

from datetime import datetime, timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from deliberation.models import FROZEN_STATES, Beraad, BeraadSignal, BeraadState
from deliberation.services import signals_for_intake
from reports.models import Memo, MemoKind
from rodedraden.audit.models import AuditEntry, AuditEvent
from rodedraden.audit.services import audit_event_record
from rodedraden.idempotency.models import KEPT, IdempotencyKey
from signals.models import Signal, SignalState

from .models import RetentionRun


def retention_cutoffs(*, now: datetime) -> dict[str, datetime]:
    return {kind: now - timedelta(days=days) for kind, days in settings.RETENTION_DAYS.items()}


def _delete_memos(memos) -> list[int]:
    """Deletes memo rows now and their files once the transaction has committed."""
    removed = []
    for memo in memos:
        name, storage = memo.file.name, memo.file.storage
        if name:
            transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
        removed.append(memo.pk)
        memo.delete()
    return removed


@transaction.atomic
def retention_apply(*, now: datetime | None = None) -> RetentionRun:
    now = now or timezone.now()
    cutoffs = retention_cutoffs(now=now)
    run = RetentionRun.objects.create(
        started_at=now, cutoffs={kind: moment.isoformat() for kind, moment in cutoffs.items()}
    )
    removed: dict[str, list] = {}

    # Adopted beraden past their term, with their memos and the signals discussed in them.
    beraden = list(
        Beraad.objects.select_for_update()
        .filter(state__in=FROZEN_STATES, adopted_at__lt=cutoffs["sessions"])
        .order_by("pk")
    )
    if beraden:
        removed["memos_of_sessions"] = _delete_memos(
            Memo.objects.filter(beraad__in=beraden).order_by("pk")
        )
        signal_ids = list(
            BeraadSignal.objects.filter(beraad__in=beraden)
            .values_list("signal_id", flat=True)
            .distinct()
        )
        removed["sessions"] = [beraad.pk for beraad in beraden]
        Beraad.objects.filter(pk__in=removed["sessions"]).delete()
        # A signal that is also part of a younger beraad stays with it.
        discussed = Signal.objects.filter(pk__in=signal_ids).exclude(
            Exists(BeraadSignal.objects.filter(signal=OuterRef("pk")))
        )
        removed["signals_of_sessions"] = sorted(discussed.values_list("pk", flat=True))
        discussed.delete()

    # Concept memos of adopted beraden past their term (the drafts of a beraad in progress
    # stay; definitive memos live as long as their beraad).
    removed["memos"] = _delete_memos(
        Memo.objects.filter(
            kind=MemoKind.CONCEPT,
            beraad__state__in=FROZEN_STATES,
            requested_at__lt=cutoffs["memos"],
        ).order_by("pk")
    )

    # Signals that never went into a beraad, from their last change; not those a planned
    # beraad will take in at its start.
    awaited = set()
    for planned in Beraad.objects.filter(
        state__in=(BeraadState.GEPLAND, BeraadState.VOORBEREIDING)
    ):
        awaited.update(signals_for_intake(planned).values_list("pk", flat=True))
    outside = Signal.objects.exclude(
        Exists(BeraadSignal.objects.filter(signal=OuterRef("pk")))
    ).exclude(pk__in=awaited)
    expired = outside.filter(
        state=SignalState.CONCEPT, updated_at__lt=cutoffs["concept_signals"]
    ) | outside.exclude(state=SignalState.CONCEPT).filter(updated_at__lt=cutoffs["signals"])
    removed["signals"] = sorted(expired.values_list("pk", flat=True))
    Signal.objects.filter(pk__in=removed["signals"]).delete()

    # The audit trail's own entries, then the sign-in sessions that expired.
    # The lockout's failed attempts once their cool-off is over (they name what was typed).
    cooloff = timedelta(hours=settings.AXES_COOLOFF_TIME)
    attempts = AccessAttempt.objects.filter(attempt_time__lt=now - cooloff)
    removed["login_attempts"] = list(attempts.values_list("pk", flat=True))
    attempts.delete()
    audit = AuditEntry.objects.filter(timestamp__lt=cutoffs["audit"])
    removed["audit"] = list(audit.values_list("pk", flat=True))
    audit.delete()
    expired_sessions = Session.objects.filter(expire_date__lt=now)
    removed["login_sessions"] = [None] * expired_sessions.delete()[0]
    # The keys of sent forms, once a form can no longer come again (counted, not listed).
    sent_forms = IdempotencyKey.objects.filter(created_at__lt=now - KEPT)
    removed["sent_forms"] = [None] * sent_forms.delete()[0]

    removed = {kind: ids for kind, ids in removed.items() if ids}
    run.removed = {kind: len(ids) for kind, ids in removed.items()}
    run.removed_ids = {
        kind: ids for kind, ids in removed.items() if kind not in ("login_sessions", "sent_forms")
    }
    run.finished_at = timezone.now()
    run.save(update_fields=["removed", "removed_ids", "finished_at"])
    models_by_kind = {
        "sessions": Beraad,
        "memos_of_sessions": Memo,
        "memos": Memo,
        "signals_of_sessions": Signal,
        "signals": Signal,
        "audit": AuditEntry,
        "login_sessions": Session,
        "login_attempts": AccessAttempt,
        "sent_forms": IdempotencyKey,
    }
    for kind, ids in removed.items():
        audit_event_record(
            event=AuditEvent.RETENTION,
            model=models_by_kind[kind],
            details={
                "kind": kind,
                "count": len(ids),
                "cutoff": run.cutoffs.get(
                    "sessions" if kind.endswith("_of_sessions") else kind, now.isoformat()
                ),
                "run": run.pk,
                **({"ids": ids} if kind not in ("login_sessions", "sent_forms") else {}),
            },
        )
    return run
