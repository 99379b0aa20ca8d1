"""Every write of the reports app: asking for a memo, rendering it (in a Celery task, on its
own queue), retrying, re-queueing what got stuck, and logging downloads."""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from deliberation.models import FROZEN_STATES, STARTED_STATES, Beraad
from rodedraden.accounts.models import Role, User
from rodedraden.audit.models import AuditEvent
from rodedraden.audit.services import audit_bulk_changes_record, audit_event_record

from .models import Memo, MemoDownload, MemoKind, MemoState, memo_path

logger = logging.getLogger(__name__)

MEMO_TEMPLATE = "reports/memo.html"
MAX_ATTEMPTS = 3
STALE_WAITING = timedelta(minutes=5)
STALE_RENDERING = timedelta(minutes=15)  # longer than the task's hard time limit


def _queue(memo: Memo) -> None:
    """Queue the rendering once the row is committed; a broker that is down leaves the memo
    waiting (the beat task queues it again), never an error page."""
    from .tasks import memo_render_task

    def send():
        try:
            memo_render_task.delay(memo_id=memo.pk)
        except Exception:
            logger.warning("Memo %s: the broker did not take the task; it waits.", memo.pk)
            return
        Memo.objects.filter(pk=memo.pk, queued_at__isnull=True).update(queued_at=timezone.now())

    transaction.on_commit(send)


def memo_request_refusal(*, beraad: Beraad, definitive: bool) -> str | None:
    """Why a memo of this kind cannot be asked for now, or None: the rule of ``memo_request``,
    which the confirmation page asks too."""
    if definitive:
        if beraad.state not in FROZEN_STATES:
            return _("The definitive memo follows once the beraad is adopted.")
        if beraad.memos.filter(kind=MemoKind.DEFINITIEF).exists():
            return _("The definitive memo has been made already; it never changes.")
    elif beraad.state not in STARTED_STATES or beraad.state in FROZEN_STATES:
        return _("A concept memo can be made while the beraad is in session or in draft.")
    return None


@transaction.atomic
def memo_request(*, beraad: Beraad, user: User, definitive: bool = False) -> Memo:
    """Ask for a new version of the memo: a concept (as often as wanted, from the moment the
    beraad has started) or the definitive one (once, from the adopted content)."""
    if not user.is_active or user.role != Role.CHAIR:
        raise PermissionDenied
    beraad = Beraad.objects.select_for_update().get(pk=beraad.pk)
    refusal = memo_request_refusal(beraad=beraad, definitive=definitive)
    if refusal:
        raise ValidationError(refusal)
    version = (beraad.memos.aggregate(latest=Max("version"))["latest"] or 0) + 1
    memo = Memo.objects.create(
        beraad=beraad,
        version=version,
        kind=MemoKind.DEFINITIEF if definitive else MemoKind.CONCEPT,
        requested_by=user,
    )
    _queue(memo)
    logger.info("Memo %s requested (%s)", memo.pk, memo.kind)
    return memo


def memo_render(*, memo_id: int) -> bool:
    """Render a memo version. Idempotent: a version that is ready (or gone) is left alone, so a
    task delivered twice renders once. Returns whether this call rendered it.

    Two transactions, deliberately not one: the first records the attempt and commits it, so
    an attempt whose worker is killed halfway (out of memory, a lost machine) still counts,
    and the memo fails after MAX_ATTEMPTS of those instead of being rendered again forever.
    The second renders with the row locked: a delivery that arrives meanwhile waits for that
    lock, then finds the memo done.
    """
    from .memo import memo_context
    from .pdf import render_to_pdf

    with transaction.atomic():
        memo = Memo.objects.select_for_update().filter(pk=memo_id).first()
        if memo is None or memo.state in (MemoState.KLAAR, MemoState.MISLUKT):
            return False
        if memo.attempts >= MAX_ATTEMPTS:
            # Every attempt so far ended without a word: its worker was lost mid-render (the
            # failures that raise are marked failed by the task itself). A memo put back to
            # waiting by the stale-requeue lands here too; a retry by the chair starts at 0.
            memo.state = MemoState.MISLUKT
            memo.error = "WorkerLost"
            memo.finished_at = timezone.now()
            memo.save(update_fields=["state", "error", "finished_at"])
            logger.error("Memo %s failed: its worker was lost %s times", memo.pk, memo.attempts)
            return False
        memo.state = MemoState.BEZIG
        memo.started_at = timezone.now()
        memo.attempts += 1
        memo.save(update_fields=["state", "started_at", "attempts"])
    # … then it is rendered with the row locked: a second delivery waits, then finds it done.
    with transaction.atomic():
        memo = (
            Memo.objects.select_for_update(of=("self",))
            .select_related("beraad")
            .filter(pk=memo_id)
            .first()
        )
        if memo is None or memo.state == MemoState.KLAAR:
            return False
        with translation.override("nl"):  # the memo is Dutch, whoever asked for it
            context = memo_context(
                beraad=memo.beraad, definitive=memo.is_definitive, version=memo.version
            )
            rendered = render_to_pdf(MEMO_TEMPLATE, context)
        # One file per version, also after a worker died mid-way and left one behind.
        if memo.file:
            memo.file.delete(save=False)
        target = memo_path(memo, memo.filename)
        if memo.file.storage.exists(target):
            memo.file.storage.delete(target)
        memo.file.save(memo.filename, ContentFile(rendered.pdf), save=False)
        memo.sha256 = hashlib.sha256(rendered.pdf).hexdigest()
        memo.page_count = rendered.page_count
        memo.size = len(rendered.pdf)
        memo.state = MemoState.KLAAR
        memo.finished_at = timezone.now()
        memo.error = ""
        memo.save()
    logger.info("Memo %s rendered: %s pages", memo.pk, memo.page_count)
    return True


@transaction.atomic
def memo_mark_waiting(*, memo_id: int) -> None:
    """An attempt failed and another one follows: the memo waits again."""
    if Memo.objects.filter(pk=memo_id, state=MemoState.BEZIG).update(state=MemoState.WACHTEND):
        _audit_states([memo_id], MemoState.BEZIG, MemoState.WACHTEND)


@transaction.atomic
def memo_mark_failed(*, memo_id: int, reason: str) -> None:
    """The rendering failed for good (retries used up). ``reason`` names the error type only,
    never content."""
    memo = Memo.objects.select_for_update().filter(pk=memo_id).exclude(state=MemoState.KLAAR)
    previous = memo.values_list("state", flat=True).first()
    if memo.update(state=MemoState.MISLUKT, error=reason[:300], finished_at=timezone.now()):
        _audit_states([memo_id], previous, MemoState.MISLUKT)


def _audit_states(memo_ids, source: str, target: str) -> None:
    """State moves made with update() (no model signals) go into the audit trail too."""
    audit_bulk_changes_record(
        objects=Memo.objects.filter(pk__in=memo_ids), changes={"state": [source, target]}
    )


@transaction.atomic
def memo_retry(*, memo: Memo, user: User) -> Memo:
    if not user.is_active or user.role != Role.CHAIR:
        raise PermissionDenied
    memo = Memo.objects.select_for_update().get(pk=memo.pk)
    if memo.state != MemoState.MISLUKT:
        raise ValidationError(_("Only a memo that failed can be tried again."))
    memo.state = MemoState.WACHTEND
    memo.error = ""
    memo.attempts = 0
    memo.queued_at = None
    memo.save(update_fields=["state", "error", "attempts", "queued_at"])
    _queue(memo)
    return memo


def memos_requeue_stale(*, now=None) -> int:
    """Queue again the memos that waited too long (the broker was away) or whose rendering
    stopped (a worker died): the task is idempotent, so this is safe."""
    from .tasks import memo_render_task

    now = now or timezone.now()
    waiting = Memo.objects.filter(state=MemoState.WACHTEND, requested_at__lt=now - STALE_WAITING)
    stuck = Memo.objects.filter(state=MemoState.BEZIG, started_at__lt=now - STALE_RENDERING)
    stuck_ids = list(stuck.values_list("pk", flat=True))
    if Memo.objects.filter(pk__in=stuck_ids, state=MemoState.BEZIG).update(
        state=MemoState.WACHTEND
    ):
        _audit_states(stuck_ids, MemoState.BEZIG, MemoState.WACHTEND)
    ids = list(waiting.values_list("pk", flat=True)) + list(
        Memo.objects.filter(
            state=MemoState.WACHTEND, started_at__lt=now - STALE_RENDERING
        ).values_list("pk", flat=True)
    )
    ids = sorted(set(ids))
    for memo_id in ids:
        memo_render_task.delay(memo_id=memo_id)
    Memo.objects.filter(pk__in=ids).update(queued_at=now)
    return len(ids)


@transaction.atomic
def memo_log_download(*, memo: Memo, user: User) -> MemoDownload:
    audit_event_record(
        event=AuditEvent.DOWNLOAD,
        obj=memo,
        actor=user,
        details={"kind": memo.kind, "version": memo.version, "sha256": memo.sha256},
    )
    return MemoDownload.objects.create(memo=memo, user=user)
