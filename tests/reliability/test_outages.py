"""Outages of the database and the cache (issue 17, points 9 and 13).

While PostgreSQL cannot be reached every page answers 503 with a Dutch "tijdelijk niet
beschikbaar" page and ``Retry-After``, ``/health/`` its 503 JSON (also with a session cookie),
and a write that was committed is reported as done even when the session cannot be saved after
it. While Redis cannot be reached the log says so once, and once when it is back, instead of a
traceback per cache call.

The fast tests make the database unreachable in-process (every new cursor is refused as a
refused connection is); the slow one stops a PostgreSQL cluster of its own under a running
gunicorn, in both CI modes, as tests/reliability/test_faults.py does.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import runpy
import sqlite3
from unittest import mock

import psycopg
import pytest
from django.contrib.sessions.models import Session
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import override_settings
from django.urls import reverse
from django.utils.module_loading import import_string

from rodedraden import outages
from rodedraden.outages import database_unavailable
from signals.models import Signal
from tests.compose import PROJECT_ROOT
from tests.conftest import Client
from tests.factories import PASSWORD
from tests.processes import SIGNED_IN, Browser, start_web
from tests.reliability.test_faults import PostgresCluster, cluster_with_a_member
from tests.signals.test_signal_views import form_data
from tests.test_gunicorn import free_port

UNAVAILABLE_TITLE = "Tijdelijk niet beschikbaar"


def driver_error(error: Exception) -> Exception:
    """Django's error for ``error`` of the driver, chained to it as Django's wrapper does."""
    wrapper = (
        InterfaceError if isinstance(error, psycopg.InterfaceError | sqlite3.InterfaceError)
        else OperationalError
    )  # fmt: skip
    try:
        raise error
    except Exception as cause:
        try:
            raise wrapper(*cause.args) from cause
        except wrapper as wrapped:
            return wrapped


def sqlite_error(message: str, code: int) -> sqlite3.OperationalError:
    error = sqlite3.OperationalError(message)
    error.sqlite_errorcode = code
    return error


def refused() -> Exception:
    return driver_error(psycopg.OperationalError("connection failed: Connection refused"))


@contextlib.contextmanager
def database_unreachable():
    """Every connection to the database is refused from now on, as when PostgreSQL is down."""

    def refuse(self):
        raise refused()

    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", refuse):
        yield


@pytest.fixture(autouse=True)
def _no_outage_known():
    """Each test starts with every service known to be up (the state is per process)."""
    outages.reset()
    yield
    outages.reset()


# --- Which errors mean "the database cannot be reached" -----------------------------------------
@pytest.mark.parametrize(
    ("error", "unavailable"),
    [
        (psycopg.OperationalError("connection failed: Connection refused"), True),
        (psycopg.OperationalError("server closed the connection unexpectedly"), True),
        (psycopg.errors.AdminShutdown("terminating connection due to administrator command"), True),
        (psycopg.errors.CannotConnectNow("the database system is starting up"), True),
        (psycopg.errors.TooManyConnections("too many clients already"), True),
        (psycopg.InterfaceError("the connection is closed"), True),
        (sqlite_error("unable to open database file", sqlite3.SQLITE_CANTOPEN), True),
        # Errors of a query, not of the connection: a bug or a contention to look at.
        (psycopg.errors.LockNotAvailable("could not obtain lock on row"), False),
        (psycopg.errors.QueryCanceled("canceling statement due to statement timeout"), False),
        (psycopg.errors.DeadlockDetected("deadlock detected"), False),
        (psycopg.errors.SerializationFailure("could not serialize access"), False),
        (psycopg.errors.UndefinedTable('relation "x" does not exist'), False),
        (sqlite_error("database is locked", sqlite3.SQLITE_BUSY), False),
        (sqlite_error("no such table: x", sqlite3.SQLITE_ERROR), False),
    ],
)
def test_only_connection_failures_count_as_the_database_being_unavailable(error, unavailable):
    assert database_unavailable(driver_error(error)) is unavailable


def test_errors_that_are_not_the_drivers_are_not_an_outage():
    assert not database_unavailable(IntegrityError("duplicate key"))
    assert not database_unavailable(DatabaseError("Forced update did not affect any rows."))
    assert not database_unavailable(ValueError("x"))
    # Wrapped once more, as the session store's UpdateError wraps the database's error.
    wrapped = RuntimeError("session not saved")
    wrapped.__context__ = refused()
    assert database_unavailable(wrapped)


# --- 503 while the database is unreachable --------------------------------------------------------
def assert_unavailable_page(response) -> None:
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    html = response.content.decode()
    assert UNAVAILABLE_TITLE in html
    assert '<html lang="nl">' in html
    assert '<main id="main"' in html
    assert "<script" not in html
    assert "style=" not in html
    assert "Er is iets misgegaan" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/organen/rekenkamer/", "/beraden/", "/account/inloggen/"])
def test_while_the_database_is_unreachable_pages_answer_503_in_dutch(member, path, caplog):
    client = Client(raise_request_exception=False)
    client.force_login(member)
    with database_unreachable():
        response = client.get(path)
        # A second request: the log says it once per outage, and never with a traceback.
        assert client.get(path).status_code == 503
    assert_unavailable_page(response)
    errors = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len([r for r in errors if r.name == "rodedraden.outages"]) == 1, errors
    assert all(r.exc_info is None for r in errors), errors


@pytest.mark.django_db
def test_the_unavailable_page_follows_the_chosen_language(member, settings):
    client = Client(raise_request_exception=False)
    client.force_login(member)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with database_unreachable():
        response = client.get("/")
    assert response.status_code == 503
    html = response.content.decode()
    assert "Temporarily unavailable" in html
    assert '<html lang="en">' in html


@pytest.mark.django_db
def test_a_query_error_that_is_no_outage_is_still_a_500(member):
    client = Client(raise_request_exception=False)
    client.force_login(member)
    locked = driver_error(psycopg.errors.LockNotAvailable("could not obtain lock on row"))
    with mock.patch("rodedraden.views.HomeView.get_context_data", side_effect=locked):
        response = client.get("/")
    assert response.status_code == 500
    assert "Retry-After" not in response.headers
    assert "Er is iets misgegaan" in response.content.decode()


# --- /health/ -------------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("signed_in", [False, True])
def test_health_answers_its_503_json_also_with_a_session_cookie(member, signed_in):
    client = Client(raise_request_exception=False)
    if signed_in:
        client.force_login(member)
    with database_unreachable():
        response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error"}
    assert "no-cache" in response.headers["Cache-Control"]


@pytest.mark.django_db
def test_health_leaves_the_session_alone(member):
    client = Client()
    client.force_login(member)
    key = client.cookies["sessionid"].value
    expiry = Session.objects.get(session_key=key).expire_date
    response = client.get("/health/")
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "sessionid" not in response.cookies  # not renewed by a load balancer's probe
    assert Session.objects.get(session_key=key).expire_date == expiry


# --- A committed write, then the session cannot be saved ------------------------------------------
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')

SIGNAL_FORM = form_data()


@pytest.mark.django_db
def test_a_committed_write_is_reported_as_done_when_the_session_cannot_be_saved_after_it(
    member, body, caplog
):
    client = Client(raise_request_exception=False)
    client.force_login(member)
    url = reverse("signals:signal-create", args=[body.slug])
    form = dict(HIDDEN.findall(client.get(url).content.decode()))  # e.g. an idempotency key
    form.pop("csrfmiddlewaretoken", None)

    def session_save_fails(*args, **kwargs):
        raise refused()

    # The database goes away after the view committed, before the session is saved.
    with mock.patch.object(Session, "save", session_save_fails):
        response = client.post(url, {**form, **SIGNAL_FORM})

    signal_ = Signal.objects.get(title=SIGNAL_FORM["title"])
    assert response.status_code == 302, response.content.decode()[:500]
    assert response.headers["Location"] == signal_.get_absolute_url()
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1, warnings
    assert warnings[0].exc_info is None
    assert SIGNAL_FORM["title"] not in warnings[0].getMessage()
    # The session itself is intact: the next request is still signed in.
    assert SIGNED_IN in client.get("/").content.decode()


@pytest.mark.django_db
def test_a_session_deleted_by_a_concurrent_sign_out_is_still_refused(member):
    """Django's own rule stays: a session removed while the request ran (signed out in another
    tab) is not written back; only an unreachable database is forgiven."""
    client = Client(raise_request_exception=False)
    client.force_login(member)
    with mock.patch.object(
        Session, "save", side_effect=DatabaseError("Forced update did not affect any rows.")
    ):
        response = client.get("/")
    assert response.status_code == 400


# --- The cache (Redis) unreachable: one warning per outage, and the recovery -------------------
def configured_cache(url: str):
    """The cache as rodedraden/settings/base.py configures it for ``CACHE_URL=url``."""
    environment = {"CACHE_URL": url, "ENV_FILE": "/nonexistent"}
    with mock.patch.dict(os.environ, environment):
        base = runpy.run_path(str(PROJECT_ROOT / "rodedraden" / "settings" / "base.py"))
    config = base["CACHES"]["default"]
    logging_setting = base["DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS"]
    with override_settings(DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS=logging_setting):
        return import_string(config["BACKEND"])(config["LOCATION"], config)


def cache_records(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name.startswith(("django_redis", "rodedraden"))]


def use(cache, calls: int) -> None:
    for number in range(calls):
        cache.set(f"key-{number % 7}", number, 60)
        cache.get(f"key-{number % 5}")


def test_an_unreachable_cache_is_logged_once_per_outage_and_its_recovery_once(
    private_redis, caplog
):
    caplog.set_level(logging.DEBUG)
    cache = configured_cache(private_redis.url)
    use(cache, 5)
    assert cache.get("key-1") == 1
    assert cache_records(caplog) == []

    private_redis.stop()
    use(cache, 100)  # 200 calls, each refused
    assert cache.get("key-1", "default") == "default"  # pages go on without the cache
    down = cache_records(caplog)
    assert len(down) == 1, [r.getMessage() for r in down]
    assert down[0].levelno == logging.WARNING
    assert down[0].exc_info is None
    assert "unreachable" in down[0].getMessage()
    assert f"127.0.0.1:{private_redis.port}" in down[0].getMessage()

    private_redis.start()
    use(cache, 50)
    cache.set("back", "yes", 60)
    assert cache.get("back") == "yes"
    back = cache_records(caplog)[1:]
    assert len(back) == 1, [r.getMessage() for r in back]
    assert back[0].exc_info is None
    assert "again" in back[0].getMessage()

    # A second outage is a second warning.
    private_redis.stop()
    use(cache, 10)
    assert len(cache_records(caplog)) == 3


def test_the_cache_location_is_logged_without_its_password(caplog):
    caplog.set_level(logging.DEBUG)
    nothing_listens = free_port()
    cache = configured_cache(f"redis://:geheim-wachtwoord@127.0.0.1:{nothing_listens}/3")
    use(cache, 3)
    [record] = cache_records(caplog)
    assert "geheim-wachtwoord" not in record.getMessage()
    assert f"127.0.0.1:{nothing_listens}/3" in record.getMessage()


# --- A real PostgreSQL stopped under a running gunicorn -------------------------------------------
def start_again(cluster: PostgresCluster) -> None:
    options = f"-p {cluster.port} -k {cluster.root} -c listen_addresses=127.0.0.1 -c fsync=off"
    cluster.pg_ctl("--log", str(cluster.log), "--options", options, "start")


def test_with_postgresql_stopped_pages_answer_503_and_health_its_json_then_recover(
    tmp_path, cleanup
):
    cluster = cluster_with_a_member(cleanup)
    web = start_web(
        cleanup, tmp_path, workers=1, DATABASE_URL=cluster.url, CONN_MAX_AGE="60", CACHE_URL=""
    )
    browser = Browser(web.port)
    browser.sign_in("lid", PASSWORD)
    assert SIGNED_IN in browser.get("/organen/rekenkamer/").text
    logged_before = len(web.process.output())

    cluster.stop()

    for path in ["/", "/organen/rekenkamer/", "/beraden/", "/organen/rekenkamer/"]:
        page = browser.get(path)
        assert page.status == 503, (path, page.status, page.text)
        assert int(page.headers["Retry-After"]) > 0
        assert UNAVAILABLE_TITLE in page.text, path
    for prober in (browser, Browser(web.port)):  # with the session cookie, and without
        health = prober.get("/health/")
        assert health.status == 503, health.text
        assert health.headers["Content-Type"] == "application/json"
        assert json.loads(health.text) == {"status": "error", "database": "error"}
    logged = web.process.output(since=logged_before)
    assert "Traceback" not in logged, logged
    assert logged.count("rodedraden.outages") == 1, logged

    start_again(cluster)

    page = browser.get("/organen/rekenkamer/")
    assert page.status == 200, (page.status, page.text)
    assert SIGNED_IN in page.text  # still signed in: nothing was lost with the outage
    health = browser.get("/health/")
    assert (health.status, json.loads(health.text)) == (200, {"status": "ok", "database": "ok"})
    logged = web.process.output(since=logged_before)
    assert "Traceback" not in logged, logged
    assert logged.count("rodedraden.outages") == 2, logged  # the outage, and the recovery
