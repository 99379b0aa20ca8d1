"""A real Celery worker process, started with the compose file's own command, takes a task from
Redis and changes the database the test reads (PostgreSQL in CI, the SQLite file otherwise)."""

import os
import subprocess
import time
from contextlib import contextmanager

import pytest
from django.conf import settings
from kombu import Connection, Queue
from kombu import pools as kombu_pools

from rodedraden import celery_app
from signals.models import Membership
from signals.services import membership_create
from tests.compose import compose_command, database_url_for_subprocess, venv_env
from tests.factories import OversightBodyFactory, UserFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

DEFAULT_TEST_BROKER = "redis://127.0.0.1:6379/15"


def broker_url() -> str:
    """The configured broker, or (in the embedded mode, which has none) a local Redis."""
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        return settings.CELERY_BROKER_URL
    return os.environ.get("TEST_REDIS_URL", DEFAULT_TEST_BROKER)


def require_redis(url: str) -> None:
    try:
        with Connection(url, connect_timeout=2) as connection:
            connection.ensure_connection(max_retries=1)
    except Exception as error:
        pytest.skip(f"Redis is not reachable at {url} ({error}); start it or set TEST_REDIS_URL")


@contextmanager
def sending_to(url: str):
    """Make this process send tasks to the broker, even in the embedded (eager) mode."""
    conf = celery_app.conf
    saved = (conf.task_always_eager, conf.broker_url)

    def reset_pools():
        # The app caches its connection and producer pools (kombu keeps them globally).
        kombu_pools.reset()
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    # Celery prefers the CELERY_BROKER_URL environment variable over conf.broker_url.
    saved_env = os.environ.get("CELERY_BROKER_URL")
    os.environ["CELERY_BROKER_URL"] = url
    conf.task_always_eager, conf.broker_url = False, url
    reset_pools()
    try:
        yield
    finally:
        reset_pools()
        conf.task_always_eager, conf.broker_url = saved
        if saved_env is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = saved_env


@pytest.fixture
def worker():
    url = broker_url()
    require_redis(url)
    with Connection(url) as connection:
        Queue(settings.CELERY_TASK_DEFAULT_QUEUE, channel=connection.default_channel).purge()
    env = venv_env(
        DJANGO_SETTINGS_MODULE="rodedraden.settings.test",
        DATABASE_URL=database_url_for_subprocess(),
        CELERY_BROKER_URL=url,
    )
    process = subprocess.Popen(
        compose_command("worker"),
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        with sending_to(url):
            yield process
    finally:
        process.terminate()
        try:
            output, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
        print(output)  # shown by pytest when the test fails


def test_a_worker_process_runs_the_task_and_the_database_shows_it(worker):
    body = OversightBodyFactory(name="Bezwarencommissie", slug="bezwaren")
    user = UserFactory(email="nieuw-lid@example.org")

    membership = membership_create(user=user, body=body)  # queued on commit, to Redis

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        membership.refresh_from_db()
        if membership.welcomed_at is not None or worker.poll() is not None:
            break
        time.sleep(0.25)
    assert worker.poll() is None, "the worker process stopped"
    assert membership.welcomed_at is not None, "the worker did not run the task in time"
    assert Membership.objects.filter(pk=membership.pk, welcomed_at__isnull=False).exists()
