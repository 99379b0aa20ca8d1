"""The main pages on the large data set: throughput and latency against gunicorn on
PostgreSQL, each beside a trivial view of the same server; query counts and server time at
10,000 and at 100,000 signals.

One fresh process (``python -m bench.pages``) does the whole run:

1. it creates a PostgreSQL database of its own (as bench.load does, on the server
   ``BENCH_LOAD_POSTGRES_URL`` names, by default the local one), migrates it and builds the
   data set of :mod:`bench.dataset`: :data:`SIGNALS` signals, 40 sessions, 5 bodies;
2. it signs in, as the two-step login leaves a session (the login itself is bench.load's):
   a body member for the signal list (their body's workspace, ``/organen/<slug>/``: a fifth
   of all signals, 25 a page) and its search (``?q=``), and the chair for the tagging
   workspace of the session now and for the dashboard (the chair sees every session; a
   reader only the shared ones);
3. in this process, with ``django.test.Client`` on the same database and the same settings
   (DEBUG off), it counts each page's SQL queries and times :data:`SCALE_REQUESTS` sequential
   requests after :data:`WARMUPS` untimed ones: the server's own time, without HTTP or load.
   Each of these requests comes after the data version was raised (as after any write), so
   the page cache (rodedraden.pagecache) misses and the page is rendered from the database;
   then :data:`SCALE_REQUESTS` more from the page cache. The trivial view is timed the same
   way: it does no work of its own, so a change in its time between the two sizes is the
   machine's (a slower host), shown beside the scale ratios;
4. it starts the ``web`` command of docker-compose.yml (gunicorn, :data:`bench.load.WORKERS`
   workers of :data:`bench.load.THREADS` threads) with :mod:`bench.settings`, whose URLs add
   a trivial view (``HttpResponse("ok")``, behind the same middleware: session, user, second
   factor, CSP, audit) and, from a thread pool in this process (keep-alive connections,
   ``http.client``), loads the trivial view, the signal list, the workspace and the dashboard
   one after the other, each twice:

   - **closed loop, saturating**: :data:`USERS` clients, each sending its next request as soon
     as the last one is answered, for :data:`CLOSED_SECONDS` s: the throughput (requests/s),
     and each page's throughput as a share of the trivial view's. Its latency is reported
     but has no target: with zero think time 20 clients queue for two cores, so p95 is about
     20 / throughput whatever the page;
   - **paced, 20 concurrent users**: :data:`USERS` users, each asking for the page once every
     :data:`PACE_SECONDS` s (an open, fixed schedule per user, started at random offsets) for
     :data:`PACED_SECONDS` s. This is what the target "p95 under 200 ms at 20 concurrent
     users" is measured on: 20 people at work who each load a page every second or so, not
     20 scripts without pause. The latency runs from the moment the request was due, so a
     request that had to wait for the client's previous one counts that wait;

   the load generator shares the two cores with gunicorn and PostgreSQL (it costs the server
   the same for every page, the trivial view's figure included);
5. it adds signals up to :data:`GROWN_SIGNALS` in all to the same database
   (:func:`bench.dataset.grow`: to the earlier sessions and as new drafts and submissions; the
   session now keeps its size) and counts and times the pages again in-process: the queries
   must stay the same, the signal list, its search and the dashboard within
   :data:`MAX_SCALE_RATIO` times their time at :data:`SIGNALS`;
6. it drops the database and prints one JSON line.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import secrets
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .common import Metric, Report, percent, run_child, signed_in_client

MODULE = "bench.pages"
SETTINGS = "bench.settings"
SIGNALS = 10_000
GROWN_SIGNALS = 100_000
USERS = 20
CLOSED_SECONDS = 8.0
PACED_SECONDS = 10.0
PACE_SECONDS = 1.0  # each paced user asks for a page this often
WARMUP_SECONDS = 2.0  # of closed loop per page before it is measured (every worker warm)
WARMUPS = 3
SCALE_REQUESTS = 15
SEARCH = "brieven"  # a word of about a quarter of the signals' titles and texts

# The targets of the issue.
MIN_THROUGHPUT_SHARE = 0.30  # of the trivial view's
MAX_P95_MS = 200.0  # paced, 20 users
MAX_SCALE_RATIO = 2.0  # server time at GROWN_SIGNALS / at SIGNALS

LOADED = ("signal list", "workspace", "dashboard")  # compared with the trivial view
SCALED = ("signal list", "search", "dashboard")  # the ratio target of the scale check
TRIVIAL = "trivial view"


# --- The parent: runs the child, reads the targets -------------------------------------------
def run(signals: int = SIGNALS, grown: int = GROWN_SIGNALS) -> Report:
    _progress(f"{signals} signals, then {grown} (builds the data first)")
    started = time.perf_counter()
    child = run_child(MODULE, "--signals", str(signals), "--grown", str(grown))
    child["elapsed_s"] = round(time.perf_counter() - started, 1)
    return Report(name="pages", metrics=metrics(child), data=child)


def _progress(message: str) -> None:
    print(f"bench pages: {message}…", file=sys.stderr, flush=True)


def _ms(value: float) -> str:
    return f"{value:.0f} ms" if value >= 10 else f"{value:.1f} ms"


def throughput_share(page: dict, trivial: dict) -> float:
    return page["rps"] / trivial["rps"] if trivial["rps"] else 0.0


def scale_ratio(small: dict, large: dict) -> float:
    return large["p50_ms"] / small["p50_ms"] if small["p50_ms"] else float("inf")


def metrics(child: dict) -> list[Metric]:
    """The table's rows; the targets of the issue on the figures of the child."""
    small, large = str(child["signals"]), str(child["grown"])
    load, inproc = child["load"], child["in_process"]
    trivial = load[TRIVIAL]
    label = f"{int(small):,} / {int(large):,} signals"
    rows = [
        Metric("server", child["server"]),
        Metric(
            "data set",
            f"{int(small):,} signals (built in {child['build_s'][small]:.0f} s), grown to "
            f"{int(large):,} (in {child['build_s'][large]:.0f} s); "
            f"{child['counts'][small]['sessions']} sessions, "
            f"{child['counts'][small]['bodies']} bodies",
        ),
        Metric(
            f"{TRIVIAL}: throughput, closed loop, {child['users']} clients",
            f"{trivial['rps']:.0f}/s (p95 {_ms(trivial['p95_ms'])})",
        ),
    ]
    for name in LOADED:
        page = load[name]
        share = throughput_share(page, trivial)
        rows.append(
            Metric(
                f"{name}: throughput, closed loop, {child['users']} clients (share of trivial)",
                f"{page['rps']:.1f}/s ({percent(share)}); p95 {_ms(page['p95_ms'])}, saturated",
                f"≥ {percent(MIN_THROUGHPUT_SHARE)}",
                share >= MIN_THROUGHPUT_SHARE and page["errors"] == 0,
            )
        )
    for name in (TRIVIAL, *LOADED):
        paced = child["paced"][name]
        rows.append(
            Metric(
                f"{name}: p95 (p50), {child['users']} users × 1 request / "
                f"{child['pace_s']:g} s, paced",
                f"{_ms(paced['p95_ms'])} ({_ms(paced['p50_ms'])}), {paced['rps']:.1f}/s",
                f"< {MAX_P95_MS:g} ms" if name != TRIVIAL else "",
                paced["p95_ms"] < MAX_P95_MS and paced["errors"] == 0 if name != TRIVIAL else None,
            )
        )
    rendered = {name: f for name, f in inproc[small].items() if name != TRIVIAL}
    for name, figures in rendered.items():
        queries = [figures["queries"], inproc[large][name]["queries"]]
        rows.append(
            Metric(
                f"{name}: queries, {label}",
                " / ".join(map(str, queries)),
                "equal",
                queries[0] == queries[1],
            )
        )
    for name, figures in rendered.items():
        ratio = scale_ratio(figures, inproc[large][name])
        scaled = name in SCALED
        rows.append(
            Metric(
                f"{name}: server time (median, page cache missed), {label}",
                f"{_ms(figures['p50_ms'])} / {_ms(inproc[large][name]['p50_ms'])} ({ratio:.2f}×)",
                f"≤ {MAX_SCALE_RATIO:g}×" if scaled else "",
                ratio <= MAX_SCALE_RATIO if scaled else None,
            )
        )
    if TRIVIAL in inproc[small]:
        trivial_times = [inproc[small][TRIVIAL]["p50_ms"], inproc[large][TRIVIAL]["p50_ms"]]
        rows.append(
            Metric(
                f"{TRIVIAL}: server time (median), {label} (the machine's drift: the data "
                "set plays no part in it)",
                " / ".join(map(_ms, trivial_times))
                + f" ({trivial_times[1] / trivial_times[0]:.2f}×)",
            )
        )
    for name, figures in rendered.items():
        cached = [figures["cached_p50_ms"], inproc[large][name]["cached_p50_ms"]]
        rows.append(
            Metric(
                f"{name}: server time (median, from the page cache), {label}",
                " / ".join(map(_ms, cached)),
            )
        )
    rows.append(Metric("run time (build, measure, load, grow)", f"{child['elapsed_s']:.0f} s"))
    return rows


# --- The child: the data set, in-process figures, gunicorn under load --------------------------
def _pages(data: Any) -> dict[str, tuple[str, Any]]:
    """Each page's address and who asks for it."""
    from django.urls import reverse

    from .urls import TRIVIAL_PATH

    body, member = data.world.bodies[0]
    listing = reverse("signals:body-detail", kwargs={"slug": body.slug})
    return {
        TRIVIAL: (TRIVIAL_PATH, member),
        "signal list": (listing, member),
        "search": (f"{listing}?q={SEARCH}", member),
        "workspace": (
            reverse("deliberation:workspace", kwargs={"pk": data.current.pk}),
            data.chair,
        ),
        "dashboard": (reverse("reports:dashboard"), data.chair),
    }


def _in_process(pages: dict[str, tuple[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per page (not the trivial view), sequential: its queries and its median time when the
    page cache misses (the data version raised before each request: the page as rendered
    after a write), and its median time when the cache holds it."""
    from django.db import connection

    from rodedraden.pagecache.services import data_version_bump

    queries = [0]

    def count(execute, sql, params, many, context):
        queries[0] += 1
        return execute(sql, params, many, context)

    clients: dict[int, Any] = {}
    result = {}
    for name, (path, user) in pages.items():
        client = clients.setdefault(user.pk, signed_in_client(user))
        if name == TRIVIAL:  # no work of its own: what changes in its time is the machine
            for _ in range(WARMUPS):
                client.get(path)
            samples = []
            for _ in range(SCALE_REQUESTS):
                begin = time.perf_counter_ns()
                client.get(path)
                samples.append((time.perf_counter_ns() - begin) / 1e6)
            result[name] = {"p50_ms": round(statistics.median(samples), 2)}
            continue

        def get(client: Any = client, path: str = path, *, cold: bool = True) -> int:
            if cold:
                data_version_bump()  # a write has just been committed: nothing cached holds
            begin = time.perf_counter_ns()
            response = client.get(path)
            elapsed = time.perf_counter_ns() - begin
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered {response.status_code}")
            return elapsed

        for _ in range(WARMUPS):
            get()
        data_version_bump()
        queries[0] = 0
        with connection.execute_wrapper(count):
            get(cold=False)  # a miss all the same: the version has just been raised
        samples = sorted(get() / 1e6 for _ in range(SCALE_REQUESTS))
        warm = [get(cold=False) / 1e6 for _ in range(SCALE_REQUESTS)]
        result[name] = {
            "queries": queries[0],
            "p50_ms": round(statistics.median(samples), 2),
            "min_ms": round(samples[0], 2),
            "max_ms": round(samples[-1], 2),
            "cached_p50_ms": round(statistics.median(warm), 2),
        }
    return result


class _Connection:
    """A keep-alive connection to the server, for one client thread."""

    def __init__(self, port: int, cookie: str):
        self.port, self.headers = port, {"Cookie": f"sessionid={cookie}"}
        self.http: http.client.HTTPConnection | None = None

    def get(self, path: str) -> int:
        """The status of one GET, the body read to its end."""
        for attempt in (1, 2):  # the server may close a kept-alive connection in between
            if self.http is None:
                self.http = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                self.http.request("GET", path, headers=self.headers)
                response = self.http.getresponse()
                response.read()
                return response.status
            except (http.client.HTTPException, OSError):
                self.http.close()
                self.http = None
                if attempt == 2:
                    return 0
        return 0

    def close(self) -> None:
        if self.http is not None:
            self.http.close()


def _summary(samples_ns: list[int], errors: list[int], seconds: float) -> dict[str, Any]:
    ms = sorted(sample / 1e6 for sample in samples_ns)
    return {
        "requests": len(ms),
        "errors": len(errors),
        "error_statuses": sorted(set(errors)),
        "seconds": round(seconds, 2),
        "rps": round(len(ms) / seconds, 2),
        "p50_ms": round(statistics.median(ms), 1),
        "p95_ms": round(statistics.quantiles(ms, n=100, method="inclusive")[94], 1),
        "max_ms": round(ms[-1], 1),
    }


def _run_users(users: int, body: Callable[[int, list[int], list[int]], None]) -> tuple:
    """``body(user, samples, errors)`` in a thread per user; all samples and errors."""
    samples: list[list[int]] = [[] for _ in range(users)]
    errors: list[list[int]] = [[] for _ in range(users)]
    threads = [
        threading.Thread(target=body, args=(user, samples[user], errors[user]))
        for user in range(users)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [s for per in samples for s in per], [e for per in errors for e in per]


def closed_loop(port: int, path: str, cookie: str, *, users: int, seconds: float) -> dict:
    """``users`` clients without think time for ``seconds``: throughput and latency."""
    started = time.perf_counter()
    deadline = started + seconds

    def user(_index: int, samples: list[int], errors: list[int]) -> None:
        connection = _Connection(port, cookie)
        try:
            while time.perf_counter() < deadline:
                begin = time.perf_counter_ns()
                status = connection.get(path)
                samples.append(time.perf_counter_ns() - begin)
                if status != 200:
                    errors.append(status)
        finally:
            connection.close()

    samples, errors = _run_users(users, user)
    return _summary(samples, errors, time.perf_counter() - started)


def paced(port: int, path: str, cookie: str, *, users: int, pace: float, seconds: float) -> dict:
    """``users`` users, each asking once every ``pace`` s (from a random offset) for
    ``seconds``; each latency counted from the moment the request was due."""
    rng = random.Random(len(path))  # noqa: S311 (offsets of a benchmark, not a secret)
    offsets = [rng.uniform(0, pace) for _ in range(users)]
    started = time.perf_counter()

    def user(index: int, samples: list[int], errors: list[int]) -> None:
        connection = _Connection(port, cookie)
        due = started + offsets[index]
        try:
            while due < started + seconds:
                if (wait := due - time.perf_counter()) > 0:
                    time.sleep(wait)
                status = connection.get(path)
                samples.append(int((time.perf_counter() - due) * 1e9))
                if status != 200:
                    errors.append(status)
                due += pace
        finally:
            connection.close()

    samples, errors = _run_users(users, user)
    return _summary(samples, errors, time.perf_counter() - started)


def _session_cookie(user: Any) -> str:
    return signed_in_client(user).cookies["sessionid"].value


def _under_load(port: int, pages: dict[str, tuple[str, Any]], users: int) -> dict[str, Any]:
    cookies: dict[int, str] = {}
    closed, paced_figures = {}, {}
    for name in (TRIVIAL, *LOADED):
        path, user = pages[name]
        cookie = cookies.setdefault(user.pk, _session_cookie(user))
        _progress(f"{name} under load")
        closed_loop(port, path, cookie, users=users, seconds=WARMUP_SECONDS)
        closed[name] = closed_loop(port, path, cookie, users=users, seconds=CLOSED_SECONDS)
        paced_figures[name] = paced(
            port, path, cookie, users=users, pace=PACE_SECONDS, seconds=PACED_SECONDS
        )
    return {"load": closed, "paced": paced_figures}


def _measure(signals: int, grown: int, users: int, *, load: bool = True) -> dict[str, Any]:
    from . import dataset
    from .load import ADMIN_URL_ENV, DEFAULT_ADMIN_URL, _admin, _database_url, _gunicorn, _setup

    admin_url = os.environ.get(ADMIN_URL_ENV, DEFAULT_ADMIN_URL)
    name = f"rodedraden_pages_{os.getpid()}_{secrets.token_hex(4)}"
    database_url = _database_url(admin_url, name)
    folder = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    # The server's key: the sessions signed in here must hold there.
    secret_key = os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
    _admin(admin_url, f'CREATE DATABASE "{name}"')
    try:
        _setup(database_url, SETTINGS)
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection, connections

        settings.ALLOWED_HOSTS.append("testserver")  # the in-process client's, here only
        call_command("migrate", verbosity=0)
        _progress(f"building {signals} signals")
        started = time.perf_counter()
        data = dataset.build(signals)
        build_s = {str(signals): round(time.perf_counter() - started, 1)}
        counts = {str(signals): data.counts()}
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # as autovacuum leaves a database
        pages = _pages(data)
        in_process = {str(signals): _in_process(pages)}
        version = f"{connection.pg_version // 10000}.{connection.pg_version % 10000}"
        connections.close_all()

        from .load import THREADS, WORKERS

        loaded = {}
        if load:
            with _gunicorn(database_url, folder, SETTINGS, secret_key) as port:
                loaded = _under_load(port, pages, users)

        _progress(f"growing to {grown} signals")
        started = time.perf_counter()
        dataset.grow(data, grown - signals)
        build_s[str(grown)] = round(time.perf_counter() - started, 1)
        counts[str(grown)] = data.counts()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # as autovacuum leaves a database
        in_process[str(grown)] = _in_process(pages)
        connections.close_all()
        return {
            "server": (
                f"gunicorn {WORKERS} workers × {THREADS} threads, PostgreSQL {version}, "
                f"{SETTINGS} (DEBUG off)"
            ),
            "signals": signals,
            "grown": grown,
            "users": users,
            "pace_s": PACE_SECONDS,
            "closed_s": CLOSED_SECONDS,
            "paced_s": PACED_SECONDS,
            "build_s": build_s,
            "counts": counts,
            "paths": {name: path for name, (path, _user) in pages.items()},
            "in_process": in_process,
            **loaded,
        }
    finally:
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        _admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    """The child's entry point: the whole run, its figures as one JSON line."""
    parser = argparse.ArgumentParser(prog=f"python -m {MODULE}", description=main.__doc__)
    parser.add_argument("--signals", type=int, default=SIGNALS)
    parser.add_argument("--grown", type=int, default=GROWN_SIGNALS)
    parser.add_argument("--users", type=int, default=USERS)
    parser.add_argument(
        "--no-load", action="store_true", help="in-process figures only (no table: for work on it)"
    )
    args = parser.parse_args(argv)
    figures = _measure(args.signals, args.grown, args.users, load=not args.no_load)
    print(json.dumps(figures, sort_keys=True), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
