"""Faults, with real processes: the broker down, a worker killed mid-render, PostgreSQL restarted
under a running gunicorn, the cache unreachable or killed mid-session.

Every process is started here with the command of docker-compose.yml (the workers, gunicorn) or
as a private server on a free port (Redis, a PostgreSQL cluster), so the shared services of the
test run are never touched; each is stopped in a ``finally`` (the ``cleanup`` fixture), and every
wait has a deadline.

The workers run with the local settings: the test settings keep files in memory, the local
settings in ``MEDIA_ROOT``, a folder this test process reads through a FileSystemStorage too.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from unittest import mock

import psutil
import psycopg
import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from deliberation.models import BeraadState
from reports import services as report_services
from reports.models import Memo, MemoState
from signals.models import Signal, SignalState
from tests.compose import PROJECT_ROOT, database_url_for_subprocess, venv_env
from tests.conftest import Client
from tests.deliberation.helpers import advance, submitted
from tests.factories import PASSWORD, BeraadFactory, SignalFactory
from tests.processes import (
    SIGNED_IN,
    TASK_TIMEOUT,
    Browser,
    RedisServer,
    files_under,
    sending_to_broker,
    start_memo_worker,
    start_web,
    totp_code,
    wait_for,
)
from tests.reports.helpers import started_session
from tests.test_gunicorn import free_port

pytestmark = [pytest.mark.services]


def memo_in_state(memo: Memo, state: str):
    return lambda: Memo.objects.filter(pk=memo.pk, state=state).first()


def assert_the_only_pdf(memo: Memo, media: Path) -> None:
    """The memo has one file, the only one in the storage, and its hash is the stored one."""
    assert memo.file.name == f"memos/{memo.beraad_id}/{memo.filename}"
    assert files_under(media) == [media / memo.file.name]
    data = (media / memo.file.name).read_bytes()
    assert data.startswith(b"%PDF-")
    assert hashlib.sha256(data).hexdigest() == memo.sha256
    assert memo.size == len(data)


def big_session(chair, body, other_body, *, signals: int):
    """A session in beraad whose memo lists ``signals`` signals of the rekenkamer in its
    appendix: a few seconds of rendering, long enough to kill a worker in the middle."""
    beraad = BeraadFactory(chair=chair, bodies=[body, other_body])
    period = {"period_start": beraad.period_start, "period_end": beraad.period_end}
    SignalFactory.create_batch(
        signals, body=body, state=SignalState.INGEDIEND, submitted_at=timezone.now(), **period
    )
    submitted(other_body, **period)
    return advance(beraad, chair, BeraadState.IN_BERAAD)


def unacknowledged(broker: RedisServer) -> dict[str, float]:
    """The tasks a worker took from Redis and has not acknowledged: delivery tag → when
    (kombu's ``unacked_index``)."""
    with broker.client() as client:
        return {
            tag.decode(): score
            for tag, score in client.zrange("unacked_index", 0, -1, withscores=True)
        }


SIGNAL_FORM = {
    "title": "Terugbelverzoeken niet opgevolgd",
    "description": "Inwoners worden niet teruggebeld na een verzoek daartoe.",
    "period_start": "2026-01-01",
    "period_end": "2026-06-30",
    "case_count": "7",
    "impact": "midden",
    "source_reference": "Kwartaalrapportage Q2",
    "details_indeling": ["doelmatigheid"],
    "details_rapport": "",
    "details_opvolging": "",
}


# --- Broker down ----------------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_signals_are_saved_and_a_memo_waits_until_it_is_back(
    client, member, chair, body, other_body, private_redis, media, cleanup, tmp_path
):
    beraad = started_session(chair, body, other_body)
    private_redis.stop()
    assert not private_redis.ping()

    # A member saves a signal through the form.
    client.force_login(member)
    response = client.post(reverse("signals:signal-create", args=[body.slug]), SIGNAL_FORM)
    assert response.status_code == 302
    signal_ = Signal.objects.get(title=SIGNAL_FORM["title"])
    assert (signal_.body, signal_.author, signal_.state) == (body, member, SignalState.CONCEPT)

    # The chair asks for a memo: accepted, and it waits.
    chair_client = Client()
    chair_client.force_login(chair)
    with sending_to_broker(private_redis.url):
        response = chair_client.post(reverse("reports:memo-request", args=[beraad.pk]), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [(reverse("reports:memo-list", args=[beraad.pk]), 302)]
    assert "Het memo wordt gemaakt. Op deze pagina ziet u wanneer het klaar is." in (
        response.content.decode()
    )
    memo = Memo.objects.get(beraad=beraad)
    assert (memo.state, memo.queued_at, memo.attempts) == (MemoState.WACHTEND, None, 0)

    # The broker is back, a worker runs, and beat's sweep (five minutes later) queues the memo.
    private_redis.start()
    worker = start_memo_worker(cleanup, tmp_path, broker=private_redis.url, media=media, name="w")
    later = timezone.now() + report_services.STALE_WAITING + timedelta(seconds=1)
    with sending_to_broker(private_redis.url):
        assert report_services.memos_requeue_stale(now=later) == 1

    memo = wait_for(
        memo_in_state(memo, MemoState.KLAAR),
        what="a ready memo",
        timeout=TASK_TIMEOUT,
        watch=(worker,),
    )
    assert Memo.objects.filter(beraad=beraad).count() == 1
    assert memo.attempts == 1
    assert_the_only_pdf(memo, media)


# --- A worker killed mid-render -------------------------------------------------------------------
VISIBILITY_TIMEOUT = 3  # seconds; CELERY_VISIBILITY_TIMEOUT of both workers


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_render_leaves_one_memo_and_one_pdf_after_redelivery(
    chair, body, other_body, private_redis, media, cleanup, tmp_path
):
    beraad = big_session(chair, body, other_body, signals=150)
    with sending_to_broker(private_redis.url):
        memo = report_services.memo_request(beraad=beraad, user=chair)
    short = {"CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT)}
    first = start_memo_worker(
        cleanup, tmp_path, broker=private_redis.url, media=media, name="first", **short
    )
    wait_for(
        memo_in_state(memo, MemoState.BEZIG),
        what="the rendering to start",
        timeout=TASK_TIMEOUT,
        watch=(first,),
    )

    first.kill()  # the worker and its pool process, mid-render

    memo.refresh_from_db()
    assert memo.state == MemoState.BEZIG, "the worker was not killed in the middle of rendering"
    assert files_under(media) == []
    in_flight = unacknowledged(private_redis)
    assert len(in_flight) == 1, in_flight  # taken, never acknowledged
    # Redis gives a task back once it is unacknowledged for longer than the visibility
    # timeout; a worker looks for such tasks when it starts.
    delivered_at = max(in_flight.values())
    time.sleep(max(0.0, delivered_at + VISIBILITY_TIMEOUT + 0.5 - time.time()))
    second = start_memo_worker(
        cleanup, tmp_path, broker=private_redis.url, media=media, name="second", **short
    )

    memo = wait_for(
        memo_in_state(memo, MemoState.KLAAR),
        what="a ready memo after redelivery",
        timeout=TASK_TIMEOUT,
        watch=(second,),
    )
    wait_for(
        lambda: not unacknowledged(private_redis),
        what="the task acknowledged",
        timeout=15,
        watch=(second,),
    )
    assert Memo.objects.filter(beraad=beraad).count() == 1
    assert_the_only_pdf(memo, media)


@pytest.mark.django_db(transaction=True)
def test_a_pool_process_killed_mid_render_gives_the_task_back_to_its_worker(
    chair, body, other_body, private_redis, media, cleanup, tmp_path
):
    """The out-of-memory killer takes the process that renders, not the worker: the worker
    rejects the task back to the queue (acks_late + reject_on_worker_lost) and renders it
    again in a new pool process, without waiting for the visibility timeout."""
    beraad = big_session(chair, body, other_body, signals=150)
    with sending_to_broker(private_redis.url):
        memo = report_services.memo_request(beraad=beraad, user=chair)
    worker = start_memo_worker(cleanup, tmp_path, broker=private_redis.url, media=media, name="w")
    wait_for(
        memo_in_state(memo, MemoState.BEZIG),
        what="the rendering to start",
        timeout=TASK_TIMEOUT,
        watch=(worker,),
    )

    [pool_process] = psutil.Process(worker.pid).children(recursive=True)
    pool_process.kill()

    memo.refresh_from_db()
    assert memo.state == MemoState.BEZIG, "the pool process was not killed mid-render"
    memo = wait_for(
        memo_in_state(memo, MemoState.KLAAR),
        what="a ready memo after the requeue",
        timeout=TASK_TIMEOUT,
        watch=(worker,),
    )
    assert "WorkerLostError" in worker.output()
    [new_pool_process] = psutil.Process(worker.pid).children(recursive=True)
    assert new_pool_process.pid != pool_process.pid
    assert Memo.objects.filter(beraad=beraad).count() == 1
    assert_the_only_pdf(memo, media)


class ProcessDied(BaseException):
    """Stands in for a pool process killed mid-render: nothing after it runs in that process,
    not even the task's ``except Exception``; its transaction is rolled back."""


@pytest.mark.django_db
def test_after_the_last_attempt_died_mid_render_the_memo_fails_instead_of_looping(
    chair, body, other_body, media
):
    beraad = started_session(chair, body, other_body)
    memo = report_services.memo_request(beraad=beraad, user=chair)
    # Out of memory on every try: each delivery (the first, then the redeliveries after each
    # lost process) dies in the middle of rendering.
    with mock.patch("reports.pdf.render_to_pdf", side_effect=ProcessDied):
        for _attempt in range(report_services.MAX_ATTEMPTS):
            with pytest.raises(ProcessDied):
                report_services.memo_render(memo_id=memo.pk)
    memo.refresh_from_db()
    assert memo.state == MemoState.BEZIG  # as the dead processes left it

    rendered = report_services.memo_render(memo_id=memo.pk)  # the next redelivery

    memo.refresh_from_db()
    assert (rendered, memo.state, memo.file.name) == (False, MemoState.MISLUKT, "")
    assert files_under(media) == []


def assert_pages_render_signed_in(browser: Browser, paths: list[str]) -> None:
    for path in paths:
        page = browser.get(path)
        assert page.status == 200, (path, page.status, page.headers["Location"], page.text)
        assert SIGNED_IN in page.text, path


# --- PostgreSQL restarted -------------------------------------------------------------------------
def postgres_bindir() -> Path:
    found = shutil.which("pg_ctl")
    if found and (Path(found).resolve().parent / "initdb").exists():
        return Path(found).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not candidates:
        pytest.skip("the PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    return Path(candidates[-1]).parent


class PostgresCluster:
    """A PostgreSQL cluster of this test alone, on a free port, with trust authentication.
    PostgreSQL refuses to run as root: then it runs as the ``postgres`` user."""

    def __init__(self, cleanup: contextlib.ExitStack):
        self.bindir = postgres_bindir()
        self.user = "postgres" if os.geteuid() == 0 else None
        # Not under pytest's tmp_path, which the postgres user may not enter.
        self.root = Path(tempfile.mkdtemp(prefix="rodedraden-pg-"))
        cleanup.callback(shutil.rmtree, self.root, ignore_errors=True)
        if self.user:
            shutil.chown(self.root, self.user, self.user)
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        self.port = free_port()
        self.started = False
        cleanup.callback(self.stop)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def run(self, program: str, *args: str) -> None:
        # Output to a file, not a pipe: the server that pg_ctl starts would hold a pipe open.
        output = self.root / f"{program}.out"
        with output.open("w") as out:
            result = subprocess.run(
                [str(self.bindir / program), *args],
                cwd=self.root,
                user=self.user,
                group=self.user,
                extra_groups=[] if self.user else None,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=60,
                check=False,
            )
        if result.returncode != 0:
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            pytest.fail(f"{program} {' '.join(args)}: {output.read_text()}\n{log}")

    def pg_ctl(self, *args: str) -> None:
        self.run("pg_ctl", "--pgdata", str(self.data), "--wait", "--timeout", "30", *args)

    def start(self) -> None:
        self.run(
            "initdb", "--pgdata", str(self.data), "--username", "postgres", "--auth", "trust",
            "--encoding", "UTF8", "--locale", "C", "--no-sync",
        )  # fmt: skip
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.started = True
        self.pg_ctl("--log", str(self.log), "--options", options, "start")

    def restart(self) -> None:
        """``pg_ctl restart -m fast``: every connection is ended, the server comes back."""
        self.pg_ctl("--log", str(self.log), "--mode", "fast", "restart")

    def stop(self) -> None:
        if self.started and (self.data / "postmaster.pid").exists():
            self.pg_ctl("--mode", "immediate", "stop")

    def client_backends(self) -> set[int]:
        """The server processes of the connections other than this one."""
        with psycopg.connect(self.url, autocommit=True, connect_timeout=5) as connection:
            rows = connection.execute(
                "SELECT pid FROM pg_stat_activity"
                " WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
            ).fetchall()
        return {pid for (pid,) in rows}


def manage(env: dict, *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"manage.py {args[0]}: {result.stdout}{result.stderr}"


CREATE_MEMBER = f"""
from tests.factories import MembershipFactory, OversightBodyFactory
body = OversightBodyFactory(name="Rekenkamer", slug="rekenkamer", kind="rekenkamer")
MembershipFactory(body=body, user__username="lid", user__password={PASSWORD!r})
"""


def cluster_with_a_member(cleanup) -> PostgresCluster:
    """A PostgreSQL of this test's own, migrated, with the member "lid" of the Rekenkamer."""
    cluster = PostgresCluster(cleanup)
    cluster.start()
    env = venv_env(
        DJANGO_SETTINGS_MODULE="rodedraden.settings.test",
        DATABASE_URL=cluster.url,
        ENV_FILE="/nonexistent",
        CELERY_BROKER_URL="",
        CACHE_URL="",
    )
    manage(env, "migrate", "--noinput")
    manage(env, "shell", "-c", CREATE_MEMBER)
    return cluster


def test_after_a_postgresql_restart_the_next_request_succeeds(tmp_path, cleanup):
    cluster = cluster_with_a_member(cleanup)
    # One gunicorn worker that keeps its database connection for a minute.
    port = start_web(
        cleanup, tmp_path, workers=1, DATABASE_URL=cluster.url, CONN_MAX_AGE="60", CACHE_URL=""
    ).port
    browser = Browser(port)
    browser.sign_in("lid", PASSWORD)
    assert_pages_render_signed_in(browser, ["/organen/rekenkamer/"])
    kept = cluster.client_backends()
    assert_pages_render_signed_in(browser, ["/"])
    assert len(kept) == 1
    assert cluster.client_backends() == kept  # one connection, kept between requests

    cluster.restart()
    assert cluster.client_backends() == set()  # the kept connection is gone

    page = browser.get("/organen/rekenkamer/")
    assert page.status == 200, (page.status, page.text)
    assert SIGNED_IN in page.text  # the session survived in the database
    assert "Rekenkamer" in page.text
    new = cluster.client_backends()
    assert len(new) == 1
    assert new.isdisjoint(kept)
    health = browser.get("/health/")
    assert (health.status, json.loads(health.text)) == (200, {"status": "ok", "database": "ok"})


# --- Cache down -----------------------------------------------------------------------------------
MEMBER_PAGES = ["/", "/organen/rekenkamer/", "/beraden/"]
CHAIR_PAGES = ["/", "/organen/rekenkamer/", "/beraden/", "/dashboard/"]


@pytest.mark.django_db(transaction=True)
def test_with_the_cache_unreachable_users_sign_in_and_pages_render(
    member, chair, body, other_body, cleanup, tmp_path
):
    started_session(chair, body, other_body)
    nothing_listens = free_port()
    port = start_web(
        cleanup,
        tmp_path,
        DATABASE_URL=database_url_for_subprocess(),
        CACHE_URL=f"redis://127.0.0.1:{nothing_listens}/0",
    ).port

    as_member = Browser(port)
    as_member.sign_in(member.username, PASSWORD)
    assert_pages_render_signed_in(as_member, MEMBER_PAGES)

    as_chair = Browser(port)
    as_chair.sign_in(chair.username, PASSWORD, code=totp_code(chair))
    assert_pages_render_signed_in(as_chair, CHAIR_PAGES)
    # The sessions live in the database (cached_db), the cache being only in front of it.
    for browser in (as_member, as_chair):
        assert Session.objects.filter(session_key=browser.cookies["sessionid"]).exists()


@pytest.mark.django_db(transaction=True)
def test_with_the_cache_killed_mid_session_pages_render_and_users_stay_signed_in(
    member, chair, body, other_body, private_redis, cleanup, tmp_path
):
    started_session(chair, body, other_body)
    port = start_web(
        cleanup, tmp_path, DATABASE_URL=database_url_for_subprocess(), CACHE_URL=private_redis.url
    ).port
    as_member = Browser(port)
    as_member.sign_in(member.username, PASSWORD)
    as_chair = Browser(port)
    as_chair.sign_in(chair.username, PASSWORD, code=totp_code(chair))
    assert_pages_render_signed_in(as_member, MEMBER_PAGES)
    assert_pages_render_signed_in(as_chair, CHAIR_PAGES)
    with private_redis.client() as cache:
        cached = b" ".join(cache.keys("*"))
    for browser in (as_member, as_chair):  # the sessions are read from the cache
        assert browser.cookies["sessionid"].encode() in cached

    private_redis.kill()

    assert_pages_render_signed_in(as_member, MEMBER_PAGES)
    assert_pages_render_signed_in(as_chair, CHAIR_PAGES)
