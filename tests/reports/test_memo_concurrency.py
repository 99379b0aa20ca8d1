"""Memo requests and renderings at the same moment, in threads with their own database
connections: the definitive memo is still made once, version numbers never collide, and two
deliveries of one render task render once. On PostgreSQL the threads really race (row locks);
on SQLite the database serialises them."""

from __future__ import annotations

import threading
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from deliberation.models import BeraadState
from reports import services
from reports.models import Memo, MemoKind, MemoState
from tests.reports.helpers import started_session

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_storage")]

DELAY = "reports.tasks.memo_render_task.delay"


def at_once(*calls):
    """Run the calls in threads that start together; [(outcome, value or exception)]."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = ("ok", call())
        except Exception as error:
            results[index] = ("error", error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(not thread.is_alive() for thread in threads)
    return results


def test_two_definitive_requests_at_once_make_one_definitive_memo(chair, body, other_body):
    beraad = started_session(chair, body, other_body, state=BeraadState.VASTGESTELD)

    def request():
        return services.memo_request(beraad=beraad, user=chair, definitive=True).pk

    with mock.patch(DELAY) as delay:
        results = at_once(request, request)
    outcomes = sorted(outcome for outcome, _value in results)
    assert outcomes == ["error", "ok"]
    error = next(value for outcome, value in results if outcome == "error")
    assert isinstance(error, ValidationError)
    assert list(Memo.objects.values_list("kind", "version")) == [(MemoKind.DEFINITIEF, 1)]
    assert delay.call_count == 1


def test_concept_requests_at_once_get_their_own_version_numbers(chair, body, other_body):
    beraad = started_session(chair, body, other_body)

    def request():
        return services.memo_request(beraad=beraad, user=chair).version

    with mock.patch(DELAY):
        results = at_once(request, request, request)
    assert sorted(results) == [("ok", 1), ("ok", 2), ("ok", 3)]
    assert sorted(Memo.objects.values_list("version", flat=True)) == [1, 2, 3]


def test_two_deliveries_at_once_render_once(chair, body, other_body):
    beraad = started_session(chair, body, other_body)
    with mock.patch(DELAY):
        memo = services.memo_request(beraad=beraad, user=chair)

    def deliver():
        return services.memo_render(memo_id=memo.pk)

    results = at_once(deliver, deliver)
    assert sorted(results) == [("ok", False), ("ok", True)]
    memo.refresh_from_db()
    assert memo.state == MemoState.KLAAR
    # Every delivery counts as an attempt (so that deliveries whose worker died add up); the
    # second may be counted before it waits for the first to finish.
    assert memo.attempts in (1, 2)
    assert Memo.objects.count() == 1
