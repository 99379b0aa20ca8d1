"""Load (issue 6): the report of bench/load.py's run — 50 body members entering signals and
two chairs tagging, for 60 seconds, against gunicorn on PostgreSQL — turns a lost write, a
failed request or too small a run into a failure.

The run itself (about 90 seconds and more) is `make bench`'s (`python -m bench load`), not the
test suite's: these tests check, fast and on made-up figures, that its report judges right.
"""

import copy

import pytest

from bench import load

# --- The report's targets, on made-up figures ---------------------------------------------------
PASSING = {
    "server": "gunicorn 5 workers x 4 threads, PostgreSQL 15.0, rodedraden.settings.local",
    "users": {"members": 50, "chairs": 2},
    "duration_s": 60.0,
    "elapsed_s": 95.0,
    "failures": 0,
    "errors": [],
    "sign_in": {
        "seconds": 12.5,
        "endpoints": [
            {
                "name": "login: password",
                "method": "POST",
                "requests": 52,
                "p50_ms": 900.0,
                "p95_ms": 2000.0,
            },
        ],
    },
    "stats": {
        "endpoints": [
            {
                "name": "signal create",
                "method": "POST",
                "requests": 600,
                "p50_ms": 80.0,
                "p95_ms": 300.0,
            },
        ],
        "total": {"requests": 3000, "rps": 50.0},
    },
    "signals": {
        "acknowledged": 600,
        "in_database": 600,
        "lost": 0,
        "unacknowledged": 0,
        "wrong_title": 0,
    },
    "tags": {
        "created": 80,
        "removed": 20,
        "expected": 142,
        "in_database": 142,
        "missing": 0,
        "unexpected": 0,
    },
    "lost_writes": 0,
    "server_log": {"5xx": 0, "tracebacks": 0},
}


def metrics(**changes):
    child = copy.deepcopy(PASSING)
    for path, value in changes.items():
        *parents, key = path.split("__")
        target = child
        for parent in parents:
            target = target[parent]
        target[key] = value
    return {metric.name: metric for metric in load._metrics(child)}


def failed(**changes) -> list[str]:
    return [name for name, metric in metrics(**changes).items() if metric.passed is False]


def test_the_report_passes_zero_errors_and_zero_lost_writes():
    rows = metrics()
    assert failed() == []
    assert rows["lost writes (signals, tags)"].result == "PASS"
    assert rows["failed requests (server: 5xx, tracebacks)"].result == "PASS"
    assert rows["signal create: requests, p50 / p95"].value == "600, 80 ms / 300 ms"
    assert rows["login: password: requests, p50 / p95"].value == "52, 900 ms / 2000 ms"
    assert rows["requests after sign-in (throughput)"].value == "3000 (50.0/s)"


@pytest.mark.parametrize(
    ("changes", "row"),
    [
        ({"lost_writes": 1}, "lost writes (signals, tags)"),
        ({"signals__acknowledged": 0}, "lost writes (signals, tags)"),
        ({"tags__created": 0, "tags__removed": 0}, "lost writes (signals, tags)"),
        ({"failures": 1}, "failed requests (server: 5xx, tracebacks)"),
        ({"server_log__5xx": 1}, "failed requests (server: 5xx, tracebacks)"),
        ({"server_log__tracebacks": 1}, "failed requests (server: 5xx, tracebacks)"),
        ({"users__members": 49}, "users, duration"),
        ({"users__chairs": 1}, "users, duration"),
        ({"duration_s": 59.0}, "users, duration"),
    ],
)
def test_the_report_fails_a_lost_write_an_error_or_too_small_a_run(changes, row):
    assert failed(**changes) == [row]


def test_the_access_log_counts_statuses_server_errors_and_created_signals(tmp_path):
    (tmp_path / "gunicorn.log").write_text(
        '127.0.0.1 [01/Jan/2026:10:00:00 +0100] "GET /organen/fg/ HTTP/1.1" 200 9000 40ms\n'
        '127.0.0.1 [01/Jan/2026:10:00:01 +0100] "POST /organen/fg/signalen/nieuw/ HTTP/1.1"'
        " 302 0 90ms\n"
        '127.0.0.1 [01/Jan/2026:10:00:01 +0100] "POST /organen/fg/signalen/nieuw/ HTTP/1.1"'
        " 200 30000 90ms\n"
        '127.0.0.1 [01/Jan/2026:10:00:02 +0100] "POST /beraden/1/werkruimte/tag/ HTTP/1.1"'
        " 500 145 12ms\n"
        "2026-01-01 10:00:02,000 ERROR django.request Internal Server Error\n"
        "Traceback (most recent call last):\n",
        encoding="utf-8",
    )
    assert load._server_log(tmp_path) == {
        "statuses": {"200": 2, "302": 1, "500": 1},
        "5xx": 1,
        "tracebacks": 1,
        "signals_created": 1,
    }
