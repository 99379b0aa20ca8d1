import os

import pytest

from rodedraden import celery_app
from rodedraden.accounts.models import Role
from tests.factories import MembershipFactory, OversightBodyFactory, UserFactory

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


# --- Fixtures -----------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def _tasks_run_in_the_test_process():
    """Unit tests run queued tasks in-process, whatever the broker; the tests that start a real
    worker (tests/test_celery_worker.py) send to the broker explicitly."""
    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = saved


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
