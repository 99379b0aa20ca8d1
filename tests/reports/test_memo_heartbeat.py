"""A lost render is noticed in a minute or two, not a quarter of an hour (issue 17, point 10).

While a memo is rendered its worker writes a heartbeat on the memo row; beat's sweep (every
``MEMO_SWEEP_SECONDS``) puts a render whose heartbeat is older than ``MEMO_LOST_AFTER_SECONDS``
back in the queue, or marks it failed after the last attempt. A new delivery takes over a
render whose process is gone (a pool process killed on this machine) at once; a render that
still beats elsewhere is left alone. The process test that kills a whole worker is in
tests/reliability/test_memo_worker_lost.py."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from reports import services, tasks
from reports.models import Memo, MemoKind, MemoState
from reports.pdf import Rendered
from rodedraden import celery_app
from tests.reports.helpers import FAKE_PDF, started_session

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_storage")]

DELAY = "reports.tasks.memo_render_task.delay"


def lost_after() -> timedelta:
    return timedelta(seconds=settings.MEMO_LOST_AFTER_SECONDS)


def rendering(beraad, version=1, **fields) -> Memo:
    memo = Memo.objects.create(beraad=beraad, version=version, kind=MemoKind.CONCEPT)
    Memo.objects.filter(pk=memo.pk).update(state=MemoState.BEZIG, **fields)
    return memo


def test_detection_takes_a_minute_or_two():
    beat = settings.CELERY_BEAT_SCHEDULE["memos-requeue-stale"]
    assert beat["task"] == tasks.memos_requeue_stale_task.name
    assert beat["schedule"] == settings.MEMO_SWEEP_SECONDS <= 60
    # A render is lost after a few missed heartbeats, and noticed by the next sweep.
    assert settings.MEMO_LOST_AFTER_SECONDS >= 3 * settings.MEMO_HEARTBEAT_SECONDS
    assert settings.MEMO_LOST_AFTER_SECONDS + settings.MEMO_SWEEP_SECONDS <= 120


def test_the_visibility_timeout_outlasts_every_task_and_countdown_but_only_just():
    """Redis gives an unacknowledged task to another worker after the visibility timeout: a
    render (hard time limit), or a retry waiting for its countdown, must never be delivered
    twice meanwhile; a task whose worker died comes back in minutes, not hours."""
    visibility = celery_app.conf.broker_transport_options["visibility_timeout"]
    assert visibility == settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    longest_countdown = max(tasks.retry_countdown(retries) for retries in range(3))
    assert visibility > settings.CELERY_TASK_TIME_LIMIT + longest_countdown
    assert settings.CELERY_TASK_TIME_LIMIT > settings.CELERY_TASK_SOFT_TIME_LIMIT
    assert visibility <= 10 * 60


def test_a_render_whose_heartbeat_stopped_is_queued_again_by_the_sweep(chair, body, other_body):
    beraad = started_session(chair, body, other_body)
    now = timezone.now()
    silent = now - lost_after() - timedelta(seconds=1)
    lost = rendering(beraad, 1, started_at=now - timedelta(minutes=3), heartbeat_at=silent)
    never_beat = rendering(beraad, 2, started_at=silent)  # died before its first heartbeat
    beating = rendering(
        beraad,
        3,
        started_at=now - timedelta(minutes=10),
        heartbeat_at=now - timedelta(seconds=5),
    )
    just_started = rendering(beraad, 4, started_at=now - timedelta(seconds=5))

    with mock.patch(DELAY) as delay:
        assert services.memos_requeue_stale(now=now) == 2

    assert sorted(c.kwargs["memo_id"] for c in delay.call_args_list) == [lost.pk, never_beat.pk]
    states = dict(Memo.objects.values_list("pk", "state"))
    assert states == {
        lost.pk: MemoState.WACHTEND,
        never_beat.pk: MemoState.WACHTEND,
        beating.pk: MemoState.BEZIG,
        just_started.pk: MemoState.BEZIG,
    }
    assert Memo.objects.get(pk=lost.pk).queued_at == now


def test_a_render_lost_on_its_last_attempt_fails_at_once(chair, body, other_body):
    beraad = started_session(chair, body, other_body)
    now = timezone.now()
    memo = rendering(
        beraad,
        attempts=services.MAX_ATTEMPTS,
        started_at=now - timedelta(minutes=2),
        heartbeat_at=now - lost_after() - timedelta(seconds=1),
    )
    with mock.patch(DELAY) as delay:
        assert services.memos_requeue_stale(now=now) == 0
    delay.assert_not_called()
    memo.refresh_from_db()
    assert (memo.state, memo.error) == (MemoState.MISLUKT, services.WORKER_LOST)
    assert memo.finished_at == now
    assert memo.failure_message == (
        "Het maken werd telkens afgebroken voordat het klaar was (de verwerking stopte)."
    )


def test_a_waiting_memo_is_not_queued_again_at_every_sweep(chair, body, other_body):
    beraad = started_session(chair, body, other_body)
    memo = Memo.objects.create(beraad=beraad, version=1, kind=MemoKind.CONCEPT)
    now = timezone.now()
    Memo.objects.filter(pk=memo.pk).update(requested_at=now - timedelta(hours=1))
    with mock.patch(DELAY) as delay:
        assert services.memos_requeue_stale(now=now) == 1
        sweep = timedelta(seconds=settings.MEMO_SWEEP_SECONDS)
        assert services.memos_requeue_stale(now=now + sweep) == 0  # queued a moment ago
        assert services.memos_requeue_stale(now=now + services.STALE_WAITING * 2) == 1
    assert delay.call_count == 2


# --- Taking over a render -------------------------------------------------------------------------
def dead_pid() -> int:
    """The id of a process of this machine that has ended (and was reaped)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait(timeout=30)
    return process.pid


def test_a_delivery_takes_over_at_once_from_a_process_of_this_machine_that_is_gone(
    chair, body, other_body
):
    """A pool process killed mid-render: its worker gives the task back at once, and the new
    delivery must not wait for the heartbeat to go stale."""
    beraad = started_session(chair, body, other_body)
    now = timezone.now()
    memo = rendering(
        beraad,
        attempts=1,
        started_at=now,
        heartbeat_at=now,
        render_owner=f"{socket.gethostname()}:{dead_pid()}:1",
    )
    assert services.memo_render(memo_id=memo.pk) is True
    memo.refresh_from_db()
    assert (memo.state, memo.attempts) == (MemoState.KLAAR, 2)


def test_a_delivery_leaves_a_render_that_beats_on_another_machine_alone(chair, body, other_body):
    beraad = started_session(chair, body, other_body)
    now = timezone.now()
    elsewhere = "another-machine.invalid:4242:1"
    memo = rendering(beraad, attempts=1, started_at=now, heartbeat_at=now, render_owner=elsewhere)
    with mock.patch("reports.pdf.render_to_pdf") as render:
        assert services.memo_render(memo_id=memo.pk) is False
    render.assert_not_called()
    memo.refresh_from_db()
    assert (memo.state, memo.attempts, memo.render_owner) == (MemoState.BEZIG, 1, elsewhere)

    # Once its heartbeat is stale, the next delivery takes over.
    Memo.objects.filter(pk=memo.pk).update(heartbeat_at=now - lost_after() - timedelta(seconds=1))
    assert services.memo_render(memo_id=memo.pk) is True
    memo.refresh_from_db()
    assert (memo.state, memo.attempts) == (MemoState.KLAAR, 2)


@pytest.mark.django_db(transaction=True)
def test_the_worker_beats_on_the_memo_row_while_it_renders(chair, body, other_body, settings):
    """The heartbeat is written by a thread of its own, on its own connection, committed
    while the rendering goes on (another connection sees it)."""
    settings.MEMO_HEARTBEAT_SECONDS = 0.05
    beraad = started_session(chair, body, other_body)
    with mock.patch(DELAY):
        memo = services.memo_request(beraad=beraad, user=chair)
    seen = []

    def render(*args, **kwargs):
        started = Memo.objects.get(pk=memo.pk)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:  # read on another thread's connection
            reader = threading.Thread(target=lambda: seen.append(read_heartbeat(memo.pk)))
            reader.start()
            reader.join(timeout=20)
            if seen[-1] is not None and seen[-1] > started.heartbeat_at:
                break
            time.sleep(0.05)
        return Rendered(html="", pdf=FAKE_PDF, page_count=1)

    with mock.patch("reports.pdf.render_to_pdf", side_effect=render):
        assert services.memo_render(memo_id=memo.pk) is True
    memo.refresh_from_db()
    assert memo.state == MemoState.KLAAR
    assert seen[-1] is not None, seen
    assert seen[-1] > memo.started_at, seen
    assert memo.render_owner.startswith(f"{socket.gethostname()}:")


def read_heartbeat(memo_id):
    try:
        return Memo.objects.filter(pk=memo_id).values_list("heartbeat_at", flat=True).first()
    finally:
        connection.close()
