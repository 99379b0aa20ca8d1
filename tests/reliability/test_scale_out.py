"""More than one machine: two web processes and two memo workers share one database, one Redis
(broker, cache and so sessions) and an S3-compatible object store, and nothing else.

Each is started with the command of docker-compose.yml: two gunicorns (``web``) and two Celery
workers (``worker-memos``), with a private Redis and moto's S3 server on free ports, all on the
suite's own database (PostgreSQL, or the SQLite file of the embedded suite). Every process has a
``MEDIA_ROOT`` of its own that must stay empty: a file on local disk would be on one machine
only. The test speaks HTTP to both web processes as one signed-in chair whose requests go to
either of them, as behind a load balancer.

The processes run with the local settings (DEBUG off), as the workers of the other reliability
tests do: the test settings keep files in memory, the local settings take the storage, cache and
broker from the environment as production does.
"""

from __future__ import annotations

import contextlib
import hashlib
import socket
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import transaction
from django.urls import reverse

from deliberation.models import BeraadState, Tag
from reports.models import Memo, MemoKind, MemoState
from reports.tasks import memo_render_task
from tests.compose import compose_command, database_url_for_subprocess, venv_env
from tests.deliberation.helpers import advance, inclusion, submitted
from tests.deliberation.test_concurrency import at_once
from tests.factories import PASSWORD, BeraadFactory, ThemeFactory
from tests.processes import (
    SIGNED_IN,
    TASK_TIMEOUT,
    Browser,
    Process,
    RedisServer,
    Web,
    files_under,
    sending_to_broker,
    start_memo_worker,
    start_web,
    totp_code,
    wait_for,
)
from tests.reports.helpers import started_session
from tests.test_gunicorn import free_port

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

BUCKET = "rodedraden-memos"
PREFIX = "scale-out"
S3_CREDENTIALS = {"S3_ACCESS_KEY_ID": "moto", "S3_SECRET_ACCESS_KEY": "moto"}
REGION = "eu-west-1"


# --- The processes ------------------------------------------------------------------------------
class S3Server:
    """moto's S3 server on a free port (state in memory: gone when it stops)."""

    def __init__(self, directory: Path, cleanup: contextlib.ExitStack):
        self.port = free_port()
        self.process = Process.start(
            "moto_server",
            ["moto_server", "-H", "127.0.0.1", "-p", str(self.port)],
            log=directory / "moto.log",
            env=venv_env(),
        )
        cleanup.callback(self.process.stop)
        wait_for(self.answers, what="the S3 server", timeout=30, watch=(self.process,))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name=REGION,
            aws_access_key_id=S3_CREDENTIALS["S3_ACCESS_KEY_ID"],
            aws_secret_access_key=S3_CREDENTIALS["S3_SECRET_ACCESS_KEY"],
        )

    def answers(self) -> bool:
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
        except OSError:  # not listening yet
            return False
        return True

    def keys(self) -> list[str]:
        listing = self.client().list_objects_v2(Bucket=BUCKET)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client().get_object(Bucket=BUCKET, Key=key)["Body"].read()


@dataclass
class Machines:
    """Two web processes (``a``, ``b``), two memo workers, and what they share."""

    s3: S3Server
    redis: RedisServer
    a: Web
    b: Web
    workers: tuple[Process, Process]
    media: list[Path]  # the MEDIA_ROOT of every process; all stay empty

    @property
    def webs(self) -> tuple[Web, Web]:
        return (self.a, self.b)


CACHE_DB = 2  # the cache's Redis database (the broker's is 0), as in docker-compose.yml


def start_machines(cleanup: contextlib.ExitStack, root: Path) -> Machines:
    """moto, Redis, the two workers and the two web processes, each web process once it
    answers /health/ and each worker once it is ready."""
    s3 = S3Server(root, cleanup)
    s3.client().create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    redis = RedisServer(root, cleanup)
    redis.start()
    storage = {
        **S3_CREDENTIALS,
        "S3_BUCKET": BUCKET,
        "S3_ENDPOINT_URL": s3.url,
        "S3_REGION": REGION,
        "S3_PREFIX": PREFIX,
    }
    media = []

    def own_media(name: str) -> Path:
        folder = root / f"media-{name}"
        folder.mkdir()
        media.append(folder)
        return folder

    workers = tuple(
        start_memo_worker(
            cleanup, root, broker=redis.url, media=own_media(name), name=name, **storage
        )
        for name in ("worker-1", "worker-2")
    )
    web = {
        "DATABASE_URL": database_url_for_subprocess(),
        "CELERY_BROKER_URL": redis.url,
        "CACHE_URL": f"redis://127.0.0.1:{redis.port}/{CACHE_DB}",
        "DJANGO_SETTINGS_MODULE": "rodedraden.settings.local",  # as the workers
        "DEBUG": "false",
        **storage,
    }
    # Both at once (each waits until it answers /health/).
    with ThreadPoolExecutor(max_workers=2) as pool:
        a, b = pool.map(
            lambda name: start_web(cleanup, root, MEDIA_ROOT=str(own_media(name)), **web),
            ("web-a", "web-b"),
        )
    # The very commands of docker-compose.yml (pinned by tests/test_compose.py).
    assert [web.process.popen.args for web in (a, b)] == [compose_command("web")] * 2
    assert [worker.popen.args for worker in workers] == [compose_command("worker-memos")] * 2
    everything = [s3.process, redis.process, *workers, a.process, b.process]
    # Stopped all at once (the stops below then wait for each): callbacks run last first.
    cleanup.callback(lambda: [process.popen.terminate() for process in everything])
    for worker in workers:
        wait_for(
            lambda worker=worker: " ready." in worker.output(),
            what=f"{worker.name} ready",
            timeout=TASK_TIMEOUT,
            watch=(worker,),
        )
    return Machines(s3, redis, a, b, workers, media)


def sign_in_through_both(chair, machines: Machines) -> tuple[Browser, Browser]:
    """The chair signs in (password and code) on web A; the same browser, with the same
    cookies, also reaches web B, as behind a load balancer."""
    # The web processes run with the local settings, which do not read the test suite's MD5
    # hashes: a PBKDF2 hash (few iterations, quick), upgraded to Argon2 at the sign-in.
    hasher = PBKDF2PasswordHasher()
    chair.password = hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
    chair.save(update_fields=["password"])
    a = Browser(machines.a.port)
    a.sign_in(chair.username, PASSWORD, code=totp_code(chair))
    b = Browser(machines.b.port)
    b.cookies = a.cookies  # one cookie jar
    return a, b


def assert_nothing_on_local_disk(machines: Machines) -> None:
    for folder in machines.media:
        assert files_under(folder) == [], folder


# --- The steps -----------------------------------------------------------------------------------
def assert_signed_in_on_both(a: Browser, b: Browser, machines: Machines) -> None:
    """(a) The session made on A is valid on B, and lives in the shared cache."""
    for browser in (a, b):
        page = browser.get("/dashboard/")
        assert page.status == 200, (browser.port, page.status, page.headers["Location"])
        assert SIGNED_IN in page.text
    with machines.redis.client() as client:
        client.execute_command("SELECT", CACHE_DB)
        cached = b" ".join(client.keys("*"))
    assert a.cookies["sessionid"].encode() in cached


def assert_signed_out_on_both(a: Browser, b: Browser, machines: Machines) -> None:
    """(a) Signed out through B, the session is over on A too. With a cache of its own per
    process (sessions are read through it), A would still serve it from its copy."""
    signed_in = a.cookies["sessionid"]
    token = b.csrf_token("/dashboard/")
    assert b.post("/account/uitloggen/", {"csrfmiddlewaretoken": token}).status == 302
    assert "sessionid" not in a.cookies
    for web in machines.webs:  # the old cookie, kept by someone, opens nothing anywhere
        stale = Browser(web.port)
        stale.cookies["sessionid"] = signed_in
        page = stale.get("/dashboard/")
        assert page.status == 302
        assert page.headers["Location"].startswith("/account/inloggen/")


def session_to_tag(chair, body, other_body):
    """In beraad, six signals (three of each body), three themes: 18 tags to set."""
    beraad = BeraadFactory(chair=chair, bodies=[body, other_body])
    period = {"period_start": beraad.period_start, "period_end": beraad.period_end}
    signals = [submitted(body, **period) for _ in range(3)]
    signals += [submitted(other_body, **period) for _ in range(3)]
    beraad = advance(beraad, chair, BeraadState.IN_BERAAD)
    themes = ThemeFactory.create_batch(3)
    return beraad, [(inclusion(signal), theme) for signal in signals for theme in themes]


def assert_tags_through_both_are_all_there(a: Browser, b: Browser, beraad, pairs) -> None:
    """(b) Tags set and taken off through both web processes at once."""
    token = a.csrf_token(reverse("deliberation:workspace", kwargs={"pk": beraad.pk}))
    path = reverse("deliberation:tag", kwargs={"pk": beraad.pk})

    def toggle(browser: Browser, pair, tagged: bool):
        data = {"inclusion": pair[0].pk, "theme": pair[1].pk, "tagged": "1" if tagged else "0"}
        answer = browser.post(path, {"csrfmiddlewaretoken": token, **data})
        assert answer.status == 302, (browser.port, answer.status, answer.text)
        return browser.port

    # Every pair tagged, alternately through A and B, eight requests at a time; the first
    # three pairs also through the other process at the same moment.
    calls = []
    for i, pair in enumerate(pairs):
        first, second = (a, b) if i % 2 else (b, a)
        calls.append(lambda p=pair, w=first: toggle(w, p, True))
        if i < 3:
            calls.append(lambda p=pair, w=second: toggle(w, p, True))
    with ThreadPoolExecutor(max_workers=8) as pool:
        served_by = list(pool.map(lambda call: call(), calls))
    assert set(served_by) == {a.port, b.port}

    def tags():
        return set(Tag.objects.filter(beraad=beraad).values_list("inclusion_id", "theme_id"))

    everything = {(inc.pk, theme.pk) for inc, theme in pairs}
    assert tags() == everything
    assert Tag.objects.filter(beraad=beraad).count() == len(pairs)  # the doubled ones once

    # Every other pair untagged, again through both at once.
    off = pairs[::2]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda ip: toggle((a, b)[ip[0] % 2], ip[1], False), enumerate(off)))
    assert tags() == everything - {(inc.pk, theme.pk) for inc, theme in off}


def assert_one_memo_rendered_once_and_served_by_the_other(
    a: Browser, b: Browser, beraad, machines: Machines
) -> None:
    """(c) The definitive memo, asked for through both web processes at the same moment, and
    its rendering delivered twice, one delivery to each worker: one memo, rendered once.
    (d) Its PDF, in the bucket only, downloaded through the web process that did not ask."""
    path = reverse("reports:memo-request", args=[beraad.pk])
    form = {"csrfmiddlewaretoken": a.csrf_token(f"{path}?kind=definitief"), "kind": "definitief"}
    since = {worker.name: len(worker.output()) for worker in machines.workers}
    webs_since = {web.port: len(web.process.output()) for web in machines.webs}

    # Both workers are held, so that each takes one delivery of the rendering below.
    for worker in machines.workers:
        worker.pause()
    try:
        results = at_once(lambda: a.post(path, form), lambda: b.post(path, form))
        assert [outcome for outcome, _ in results] == ["ok", "ok"], results
        assert [answer.status for _, answer in results] == [302, 302]
        [memo] = Memo.objects.filter(beraad=beraad)  # one row, whichever process won
        assert (memo.kind, memo.state) == (MemoKind.DEFINITIEF, MemoState.WACHTEND)
        assert memo.queued_at is not None
        # The same task once more, as a broker delivers it again after a lost connection.
        with sending_to_broker(machines.redis.url):
            memo_render_task.delay(memo_id=memo.pk)
        # The memo held (the row locked; on SQLite the database): each worker takes one
        # delivery and waits, and then they go at once.
        with transaction.atomic():
            Memo.objects.select_for_update().get(pk=memo.pk)
            for worker in machines.workers:
                worker.resume()
            for worker in machines.workers:
                wait_for(
                    lambda worker=worker: (
                        "Task reports.memo_render[" in worker.output(since[worker.name])
                    ),
                    what=f"{worker.name} to take a delivery",
                    timeout=TASK_TIMEOUT,
                    watch=machines.workers,
                )
    finally:
        for worker in machines.workers:
            worker.resume()

    def both_done():
        logs = [w.output(since[w.name]) for w in machines.workers]
        return all("Task reports.memo_render[" in log and "succeeded" in log for log in logs)

    wait_for(both_done, what="both deliveries done", timeout=TASK_TIMEOUT, watch=machines.workers)
    memo.refresh_from_db()
    assert memo.state == MemoState.KLAAR
    logs = "".join(worker.output(since[worker.name]) for worker in machines.workers)
    assert logs.count(f"Memo {memo.pk} rendered") == 1, logs
    assert logs.count("succeeded in") == 2, logs  # one rendered (True), one found it done
    assert (logs.count("s: True"), logs.count("s: False")) == (1, 1), logs
    assert Memo.objects.filter(beraad=beraad).count() == 1

    # The PDF is in the bucket, once, and on no local disk.
    key = f"{PREFIX}/{memo.file.name}"
    assert machines.s3.keys() == [key]
    assert hashlib.sha256(machines.s3.read(key)).hexdigest() == memo.sha256
    assert_nothing_on_local_disk(machines)

    # Downloaded through the web process that did not make the request.
    [requester] = [
        web
        for web in machines.webs
        if f"Memo {memo.pk} requested" in web.process.output(webs_since[web.port])
    ]
    other = b if requester is machines.a else a
    download = reverse("reports:memo-download", args=[memo.pk])
    answer = other.get(download)
    assert answer.status == 200, (answer.status, answer.headers["Location"])
    assert answer.headers["Content-Type"] == "application/pdf"
    assert hashlib.sha256(answer.body).hexdigest() == memo.sha256

    # Control: it is the bucket's object that is served, read at each download.
    machines.s3.client().put_object(Bucket=BUCKET, Key=key, Body=b"%PDF-1.7\n%%EOF\n")
    assert other.get(download).body == b"%PDF-1.7\n%%EOF\n"


# --- The test -------------------------------------------------------------------------------------
def test_two_web_processes_and_two_workers_share_the_database_redis_and_the_bucket_only(
    chair, body, other_body, cleanup, tmp_path
):
    # One test with steps rather than a test per step: starting the six processes is most of
    # its time, and processes kept between transactional tests would keep stale content types.
    machines = start_machines(cleanup, tmp_path)
    to_tag, pairs = session_to_tag(chair, body, other_body)
    adopted = started_session(
        chair, body, other_body, state=BeraadState.VASTGESTELD, season="voorjaar"
    )
    a, b = sign_in_through_both(chair, machines)

    assert_signed_in_on_both(a, b, machines)
    assert_tags_through_both_are_all_there(a, b, to_tag, pairs)
    assert_one_memo_rendered_once_and_served_by_the_other(a, b, adopted, machines)
    assert_signed_out_on_both(a, b, machines)
