"""Every write of the reports app: asking for a memo, rendering it (in a Celery task, on its
own queue), retrying, re-queueing what got stuck, and logging downloads."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import logging
import os
import posixpath
import secrets
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage
from django.db import DatabaseError, connection, transaction
from django.db.models import Max, Q
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
# A rendering that still beats after this long is stuck all the same (longer than the task's
# hard time limit, which ends it anyway); one that stopped beating is lost much sooner
# (settings.MEMO_LOST_AFTER_SECONDS).
STALE_RENDERING = timedelta(minutes=15)
# The codes in Memo.error that Memo.failure_message puts in words.
WORKER_LOST = "WorkerLost"
STORAGE_FULL = "StorageFull"


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
    """Render a memo version. Idempotent: a version that is ready (or gone), or that another
    live process is rendering, is left alone, so a task delivered twice renders once. Returns
    whether this call rendered it.

    Three steps, none of them holding a lock or a transaction while WeasyPrint works:

    1. the claim (a short transaction) records the attempt, this process as the render's
       owner and a first heartbeat, and commits them, so an attempt whose worker is killed
       halfway (out of memory, a lost machine) still counts, and the memo fails after
       MAX_ATTEMPTS of those instead of being rendered again forever;
    2. the rendering, while a thread writes the heartbeat on the row (``memos_requeue_stale``
       queues a render again whose heartbeat stopped); the PDF is written to the storage under
       a temporary name (``_stage``);
    3. the finish (a short transaction, the row locked) moves the file into place and marks the
       memo ready, but only while the claim is still this call's: a render that was given up
       as lost meanwhile, and taken over, throws its file away.
    """
    from .memo import memo_context
    from .pdf import render_to_pdf

    claim = _memo_claim(memo_id=memo_id)
    if claim is None:
        return False
    memo, attempt = claim
    with _heartbeat(memo_id=memo_id, attempt=attempt):
        with translation.override("nl"):  # the memo is Dutch, whoever asked for it
            context = memo_context(
                beraad=memo.beraad, definitive=memo.is_definitive, version=memo.version
            )
            rendered = render_to_pdf(MEMO_TEMPLATE, context)
        storage = memo.file.storage
        target = memo_path(memo, memo.filename)
        staged = _stage(storage=storage, target=target, data=rendered.pdf)
    published = None
    try:
        with transaction.atomic():
            memo = (
                Memo.objects.select_for_update(of=("self",))
                .select_related("beraad")
                .filter(pk=memo_id, state=MemoState.BEZIG, attempts=attempt, render_owner=_owner())
                .first()
            )
            if memo is None:  # done, failed or taken over meanwhile: this render is not needed
                if staged:
                    _delete_quietly(storage, staged)
                logger.info(
                    "Memo %s: attempt %s was taken over; its file is dropped", memo_id, attempt
                )
                return False
            # One file per version, also after a worker died mid-way and left one behind.
            if memo.file:
                memo.file.delete(save=False)
            if storage.exists(target):
                storage.delete(target)
            published = _publish(storage=storage, staged=staged, target=target, data=rendered.pdf)
            memo.file.name = published
            memo.sha256 = hashlib.sha256(rendered.pdf).hexdigest()
            memo.page_count = rendered.page_count
            memo.size = len(rendered.pdf)
            memo.state = MemoState.KLAAR
            memo.finished_at = timezone.now()
            memo.error = ""
            memo.save()
    except BaseException:
        # Nothing of a failed finish stays in the storage: no file without its row.
        if staged:
            _delete_quietly(storage, staged)
        if published:
            _delete_quietly(storage, published)
        raise
    logger.info("Memo %s rendered: %s pages", memo.pk, memo.page_count)
    return True


def _owner() -> str:
    """Who renders: this machine, process and thread."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def _owner_alive(owner: str) -> bool:
    """Whether the render of ``owner`` may still be going on, as far as this machine can tell:
    a process of this machine that is gone (a pool process killed, its task given back) or
    this very thread (it is here, so not rendering) is not; a thread of this process is while
    it runs; a render on another machine is until its heartbeat stops."""
    host, pid, thread = [*owner.rsplit(":", 2), "", "", ""][:3]
    if host != socket.gethostname() or not pid.isdigit() or not thread.isdigit():
        return True
    if int(pid) == os.getpid():
        if int(thread) == threading.get_ident():
            return False
        return any(running.ident == int(thread) for running in threading.enumerate())
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _lost_before(now) -> object:
    return now - timedelta(seconds=settings.MEMO_LOST_AFTER_SECONDS)


def _is_lost(*, now) -> Q:
    """A rendering whose heartbeat stopped (or that never beat since it started), or that is
    stuck past the task's time limit."""
    lost_before = _lost_before(now)
    return (
        Q(heartbeat_at__lt=lost_before)
        | Q(heartbeat_at__isnull=True, started_at__lt=lost_before)
        | Q(started_at__lt=now - STALE_RENDERING)
    )


def _memo_claim(*, memo_id: int) -> tuple[Memo, int] | None:
    """Step 1 of ``memo_render``: the memo and the number of this attempt, or None when there
    is nothing to render (ready, failed, gone, or rendered by a live process right now)."""
    with transaction.atomic():
        memo = (
            Memo.objects.select_for_update(of=("self",))
            .select_related("beraad")
            .filter(pk=memo_id)
            .first()
        )
        if memo is None or memo.state in (MemoState.KLAAR, MemoState.MISLUKT):
            return None
        now = timezone.now()
        if (
            memo.state == MemoState.BEZIG
            and not Memo.objects.filter(pk=memo.pk).filter(_is_lost(now=now)).exists()
            and _owner_alive(memo.render_owner)
        ):
            logger.info("Memo %s is being rendered by %s; left alone", memo.pk, memo.render_owner)
            return None
        if memo.attempts >= MAX_ATTEMPTS:
            # Every attempt so far ended without a word: its worker was lost mid-render (the
            # failures that raise are marked failed by the task itself). A memo put back to
            # waiting by the stale-requeue lands here too; a retry by the chair starts at 0.
            memo.state = MemoState.MISLUKT
            memo.error = WORKER_LOST
            memo.finished_at = now
            memo.save(update_fields=["state", "error", "finished_at"])
            logger.error("Memo %s failed: its worker was lost %s times", memo.pk, memo.attempts)
            return None
        memo.state = MemoState.BEZIG
        memo.started_at = memo.heartbeat_at = now
        memo.attempts += 1
        memo.render_owner = _owner()
        memo.save(update_fields=["state", "started_at", "heartbeat_at", "attempts", "render_owner"])
    return memo, memo.attempts


class _Heartbeat(threading.Thread):
    """Writes ``heartbeat_at`` on the memo row every MEMO_HEARTBEAT_SECONDS while the render
    goes on: a statement of its own in autocommit, on the thread's own connection, for this
    claim only (a claim taken over is not kept alive)."""

    def __init__(self, *, memo_id: int, attempt: int, owner: str, interval: float):
        super().__init__(name=f"memo-{memo_id}-heartbeat", daemon=True)
        self.memo_id, self.attempt, self.owner, self.interval = memo_id, attempt, owner, interval
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.interval):
                try:
                    Memo.objects.filter(
                        pk=self.memo_id,
                        state=MemoState.BEZIG,
                        attempts=self.attempt,
                        render_owner=self.owner,
                    ).update(heartbeat_at=timezone.now())
                except DatabaseError:
                    # The next beat tries again; too many missed ones and the sweep takes the
                    # render for lost, which costs a second rendering, never a second file.
                    logger.warning("Memo %s: the heartbeat could not be written", self.memo_id)
        finally:
            connection.close()


@contextlib.contextmanager
def _heartbeat(*, memo_id: int, attempt: int):
    interval = settings.MEMO_HEARTBEAT_SECONDS
    if interval <= 0:
        yield
        return
    beat = _Heartbeat(memo_id=memo_id, attempt=attempt, owner=_owner(), interval=interval)
    beat.start()
    try:
        yield
    finally:
        beat.stopped.set()
        beat.join(timeout=5)


def _delete_quietly(storage: Storage, name: str) -> None:
    try:
        if storage.exists(name):
            storage.delete(name)
    except Exception:
        logger.exception("A leftover file could not be removed from the storage")


def _renames(storage: Storage) -> bool:
    """A local folder: a file is written beside its place and renamed into it."""
    return isinstance(storage, FileSystemStorage)


def _stage(*, storage: Storage, target: str, data: bytes) -> str | None:
    """Where the storage renames: write ``data`` beside ``target`` under a temporary name (the
    storage's own save, then flushed to disk) and return that name; a file cut short (a full
    disk) is removed and the error raised. Other storages (S3, memory) have no rename: None,
    and ``_publish`` saves the complete bytes under the final name."""
    if not _renames(storage):
        return None
    directory, filename = posixpath.split(target)
    temporary = posixpath.join(directory, f".{filename}.{secrets.token_hex(8)}.partial")
    try:
        temporary = storage.save(temporary, ContentFile(data))
        with open(storage.path(temporary), "rb") as written:
            os.fsync(written.fileno())
    except BaseException:
        _delete_quietly(storage, temporary)
        raise
    return temporary


def _publish(*, storage: Storage, staged: str | None, target: str, data: bytes) -> str:
    """Put the complete file at ``target``: rename the staged file over it (atomic in one
    folder), or save the bytes there and remove whatever a failed save left behind."""
    if staged is not None:
        os.replace(storage.path(staged), storage.path(target))
        return target
    try:
        return storage.save(target, ContentFile(data))
    except BaseException:
        _delete_quietly(storage, target)
        raise


def memo_failure_reason(error: BaseException) -> str:
    """The code stored in Memo.error for an error: its type, or what Memo.failure_message
    explains (never the error's text, which may quote content)."""
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
        return STORAGE_FULL
    return type(error).__name__


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
    was lost (its heartbeat stopped: the worker died); a lost rendering on its last attempt
    fails instead. Beat runs this every MEMO_SWEEP_SECONDS; the task is idempotent, so this
    is safe. Returns how many were queued."""
    from .tasks import memo_render_task

    now = now or timezone.now()
    lost = Memo.objects.filter(_is_lost(now=now), state=MemoState.BEZIG)
    last_ids = list(lost.filter(attempts__gte=MAX_ATTEMPTS).values_list("pk", flat=True))
    if Memo.objects.filter(_is_lost(now=now), pk__in=last_ids, state=MemoState.BEZIG).update(
        state=MemoState.MISLUKT, error=WORKER_LOST, finished_at=now
    ):
        logger.error("Memos %s failed: their worker was lost on the last attempt", last_ids)
        _audit_states(last_ids, MemoState.BEZIG, MemoState.MISLUKT)
    lost_ids = list(lost.values_list("pk", flat=True))
    if Memo.objects.filter(_is_lost(now=now), pk__in=lost_ids, state=MemoState.BEZIG).update(
        state=MemoState.WACHTEND
    ):
        logger.warning("Memos %s: their rendering was lost; queued again", lost_ids)
        _audit_states(lost_ids, MemoState.BEZIG, MemoState.WACHTEND)
    # Waiting too long, and not queued again just now (beat comes every MEMO_SWEEP_SECONDS).
    waiting = Memo.objects.filter(
        Q(queued_at__isnull=True) | Q(queued_at__lt=now - STALE_WAITING),
        state=MemoState.WACHTEND,
        requested_at__lt=now - STALE_WAITING,
    )
    ids = sorted(
        set(waiting.values_list("pk", flat=True))
        | set(
            Memo.objects.filter(pk__in=lost_ids, state=MemoState.WACHTEND).values_list(
                "pk", flat=True
            )
        )
    )
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
