import importlib
import os

import django.test
import pytest
from django.apps import apps as django_apps
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from rodedraden import celery_app
from rodedraden.accounts.models import Role
from tests.factories import MembershipFactory, OversightBodyFactory, UserFactory

# Real processes (workers, a private Redis) and their fixtures: cleanup, private_redis, media.
pytest_plugins = ["tests.processes"]

# --- CI forbids skipped tests -------------------------------------------------------------------
# Under plain `make test` a test that needs an unreachable service is skipped with its reason;
# .ci/run sets RODEDRADEN_FORBID_SKIPS=1 so that any skip fails the run.
_skipped: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped:
        reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr
        _skipped.append(f"{report.nodeid}: {reason}")


def pytest_sessionfinish(session, exitstatus):
    if os.environ.get("RODEDRADEN_FORBID_SKIPS") == "1" and _skipped:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if os.environ.get("RODEDRADEN_FORBID_SKIPS") == "1" and _skipped:
        terminalreporter.section("skipped tests are not allowed here (RODEDRADEN_FORBID_SKIPS=1)")
        for line in _skipped:
            terminalreporter.line(line, red=True)


# --- Tiers -------------------------------------------------------------------------------------
# Every test gets one tier: e2e (the browser), integration (real processes: gunicorn, Celery
# workers and beat, a PostgreSQL or Redis of the test's own) or unit (everything else,
# in-process, with or without the test database). `make test` runs all of them; .ci/run runs
# every tier against PostgreSQL and Redis, and the unit tier again on the embedded SQLite with
# eager Celery (`-m unit`), the one place where that mode differs. The load run is `make
# bench`'s (`python -m bench load`).
# Fixtures that start processes or services of their own (tests/processes.py, the real-worker
# fixture of tests/test_celery_worker.py).
_PROCESS_FIXTURES = {"cleanup", "private_redis", "worker", "live_server"}


def _tier(item) -> str:
    path = item.path.as_posix()
    if "/tests/browser/" in path or item.get_closest_marker("browser"):
        return "e2e"
    if (
        item.get_closest_marker("services")
        or item.get_closest_marker("integration")
        or _PROCESS_FIXTURES & set(getattr(item, "fixturenames", ()))
    ):
        return "integration"
    return "unit"


def pytest_collection_modifyitems(config, items):
    for item in items:
        tier = _tier(item)
        if not item.get_closest_marker(tier):
            item.add_marker(tier)


# --- Fixtures -----------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def _tasks_run_in_the_test_process():
    """Unit tests run queued tasks in-process, whatever the broker; the tests that start a real
    worker (tests/test_celery_worker.py) send to the broker explicitly."""
    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = saved


@pytest.fixture(autouse=True)
def _seeded_aspects(request):
    """Every database test finds the seven aspects a migrated database has.

    They come from a data migration, and a transactional test (live server, real worker
    processes) empties every table when it ends; pytest-django runs those last, but a test
    that comes after one must not find the aspects gone."""
    marker = request.node.get_closest_marker("django_db")
    names = request.fixturenames
    if (
        "transactional_db" in names
        or "live_server" in names
        or (marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    ):
        request.getfixturevalue("transactional_db")
    elif marker or "db" in names:
        request.getfixturevalue("db")
    else:
        return
    from signals.models import Aspect

    if not Aspect.objects.exists():
        seed = importlib.import_module("signals.migrations.0003_seed_aspects").seed
        seed(django_apps, None)


@pytest.fixture
def body(db):
    return OversightBodyFactory(name="Rekenkamer", slug="rekenkamer", kind="rekenkamer")


@pytest.fixture
def other_body(db):
    return OversightBodyFactory(name="Ombudsman", slug="ombudsman", kind="ombudsman")


@pytest.fixture
def member(body):
    return MembershipFactory(body=body, user__username="lid").user


@pytest.fixture
def chair(db):
    return UserFactory(username="voorzitter", role=Role.CHAIR)


@pytest.fixture
def reader(db):
    return UserFactory(username="lezer", role=Role.READER)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="beheerder", role=Role.ADMIN)


# --- Signing in in tests ------------------------------------------------------------------------
class Client(django.test.Client):
    """The test client, whose ``force_login`` also verifies the session's second factor.

    Chairs, readers and administrators must sign in with two factors; their sessions signed
    in by ``force_login`` get a confirmed authenticator device and are marked as verified
    with it, as the two-step login does (members, for whom it is optional, get none).
    ``force_login(user, verified=False)`` leaves the second factor out
    (tests/accounts/test_two_factor.py checks what such a session may do).
    """

    def force_login(self, user, backend=None, *, verified=True):
        super().force_login(user, backend)
        if verified and user.needs_second_factor:
            verify_second_factor(self, user)


def verify_second_factor(client, user):
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="default", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


@pytest.fixture
def client():
    return Client()


def sign_in(client, username: str, password: str, *, code: str | None = None, **extra):
    """Signs in through the two-step login form, as a browser would: the password step, then,
    when ``code`` is given, the authenticator code. Returns the last response."""
    response = client.post(
        "/account/inloggen/",
        {
            "login_view-current_step": "auth",
            "auth-username": username,
            "auth-password": password,
        },
        **extra,
    )
    if code is not None:
        response = client.post(
            "/account/inloggen/",
            {"login_view-current_step": "token", "token-otp_token": code},
            **extra,
        )
    return response
