"""A whole memo worker dies mid-render (issue 17, point 10): the memo leaves *bezig* as soon as
its heartbeat is stale, without waiting for the broker's visibility timeout, and a new worker
makes it, once.

Real processes with the commands of docker-compose.yml, as in test_faults.py: beat and the
default worker (which runs beat's sweep), the memo worker that is killed (its process group,
as when its container or machine dies) and the one that takes over; a private Redis, the test's
database (PostgreSQL, or the SQLite file in the embedded run). The heartbeat, the time after
which a render counts as lost and the sweep's interval are made short through the environment
of the processes (0.5 s, 3 s and 1 s instead of 10 s, 75 s and 30 s).
"""

from __future__ import annotations

import time

import pytest

from reports import services as report_services
from reports.models import Memo, MemoState
from tests.processes import (
    TASK_TIMEOUT,
    files_under,
    sending_to_broker,
    start_memo_worker,
    start_service,
    wait_for,
)
from tests.reliability.test_faults import assert_the_only_pdf, big_session, unacknowledged

pytestmark = [pytest.mark.services]

FAST = {
    "MEMO_HEARTBEAT_SECONDS": "0.5",
    "MEMO_LOST_AFTER_SECONDS": "3",
    "MEMO_SWEEP_SECONDS": "1",
}
NOTICED_WITHIN = 60  # seconds from the kill; 3 + 1 with these settings, on a busy machine


@pytest.mark.django_db(transaction=True)
def test_a_memo_worker_killed_mid_render_is_noticed_in_seconds_and_rendered_once(
    chair, body, other_body, private_redis, media, cleanup, tmp_path
):
    beraad = big_session(chair, body, other_body, signals=150)
    with sending_to_broker(private_redis.url):
        memo = report_services.memo_request(beraad=beraad, user=chair)
    broker = private_redis.url
    beat = start_service(cleanup, tmp_path, "beat", broker=broker, media=media, **FAST)
    sweeper = start_service(cleanup, tmp_path, "worker", broker=broker, media=media, **FAST)
    first = start_memo_worker(cleanup, tmp_path, broker=broker, media=media, name="first", **FAST)

    # It renders, and beats on the memo row meanwhile.
    memo = wait_for(
        lambda: Memo.objects.filter(
            pk=memo.pk, state=MemoState.BEZIG, heartbeat_at__gt=memo_started_at(memo)
        ).first(),
        what="the rendering to start and beat",
        timeout=TASK_TIMEOUT,
        watch=(first, beat, sweeper),
    )

    first.kill()  # the worker and its pool process: the whole container, mid-render
    killed = time.monotonic()

    memo.refresh_from_db()
    assert memo.state == MemoState.BEZIG, "the worker was not killed in the middle of rendering"
    assert len(unacknowledged(private_redis)) == 1  # its task waits for the visibility timeout
    memo = wait_for(
        lambda: Memo.objects.filter(pk=memo.pk).exclude(state=MemoState.BEZIG).first(),
        what="the lost rendering noticed",
        timeout=NOTICED_WITHIN,
        watch=(beat, sweeper),
    )
    noticed_after = time.monotonic() - killed
    # No memo worker runs: it waits in the queue, not for the task the dead worker holds.
    assert memo.state == MemoState.WACHTEND, (memo.state, noticed_after)
    assert files_under(media) == []

    second = start_memo_worker(cleanup, tmp_path, broker=broker, media=media, name="second", **FAST)
    memo = wait_for(
        lambda: Memo.objects.filter(pk=memo.pk, state=MemoState.KLAAR).first(),
        what="a ready memo from the new worker",
        timeout=TASK_TIMEOUT,
        watch=(second, beat, sweeper),
    )
    assert memo.attempts == 2
    assert memo.render_owner != ""
    assert Memo.objects.filter(beraad=beraad).count() == 1
    assert_the_only_pdf(memo, media)  # and no temporary file left


def memo_started_at(memo: Memo):
    """When the render started (the first heartbeat is written with it)."""
    started = Memo.objects.filter(pk=memo.pk).values_list("started_at", flat=True).first()
    return started or memo.requested_at
