"""Real processes for the tests that need them: Celery workers and gunicorn started with the
commands of docker-compose.yml, and a private Redis on a free port, so that the shared services
of the test run are never touched. Each process runs in a process group of its own with its
output in a file, is stopped by the ``cleanup`` fixture (also when a test fails), and every wait
has a deadline.

The fixtures here (``cleanup``, ``private_redis``, ``media``) are registered for the whole suite
in tests/conftest.py.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

from tests.compose import PROJECT_ROOT, compose_command, database_url_for_subprocess, venv_env
from tests.test_celery_worker import sending_to
from tests.test_gunicorn import free_port

STOP_TIMEOUT = 15  # seconds for a process to stop before it is killed
TASK_TIMEOUT = 90  # seconds for a worker to start and render a memo


# --- Processes ------------------------------------------------------------------------------------
def wait_for(condition, *, what: str, timeout: float, watch: tuple[Process, ...] = ()):
    """Poll ``condition`` until it returns something true (which is returned); fail with the
    logs of the ``watch``ed processes when one of them stops or the deadline passes."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        for process in watch:
            if process.popen.poll() is not None:
                pytest.fail(f"{process.name} stopped while waiting for {what}:\n{process.output()}")
        if time.monotonic() > deadline:
            logs = "\n".join(f"--- {p.name}\n{p.output()}" for p in watch)
            pytest.fail(f"no {what} within {timeout} s\n{logs}")
        time.sleep(0.05)


@dataclass
class Process:
    """A process of this test, in a process group of its own (a Celery worker has children),
    with its output in a file."""

    name: str
    popen: subprocess.Popen
    log: Path

    @classmethod
    def start(cls, name: str, command: list[str], *, log: Path, env: dict | None = None):
        with log.open("ab") as output:
            popen = subprocess.Popen(
                command,
                cwd=PROJECT_ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return cls(name, popen, log)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def _signal_group(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signum)

    def pause(self) -> None:
        """SIGSTOP to the whole group: it takes no work until ``resume``, as a busy worker."""
        self._signal_group(signal.SIGSTOP)

    def resume(self) -> None:
        self._signal_group(signal.SIGCONT)

    def kill(self) -> None:
        """SIGKILL to the whole group, as when a container or machine dies."""
        self._signal_group(signal.SIGKILL)
        self.popen.wait(timeout=STOP_TIMEOUT)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL to whatever is left of the group."""
        if self.popen.poll() is None:
            self.popen.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(timeout=STOP_TIMEOUT)
        self._signal_group(signal.SIGKILL)
        self.popen.wait(timeout=STOP_TIMEOUT)


@pytest.fixture
def cleanup():
    """Stops everything registered with ``cleanup.callback(...)``, last first, also when a
    test fails or one of the stops fails."""
    with contextlib.ExitStack() as stack:
        yield stack


# --- A private Redis ------------------------------------------------------------------------------
class RedisServer:
    """``redis-server`` on a free port, without persistence: stopped, it comes back empty."""

    def __init__(self, directory: Path, cleanup: contextlib.ExitStack):
        if shutil.which("redis-server") is None:
            pytest.skip("redis-server is not installed")
        self.directory = directory
        self.port = free_port()
        self.process: Process | None = None
        cleanup.callback(self.stop)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=5)

    def ping(self) -> bool:
        try:
            with redis.Redis(
                host="127.0.0.1", port=self.port, socket_connect_timeout=0.5, socket_timeout=1
            ) as client:
                return bool(client.ping())
        except redis.ConnectionError:
            return False

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--daemonize", "no"]
        command += ["--dir", str(self.directory)]
        log = self.directory / "redis.log"
        self.process = Process.start("redis-server", command, log=log)
        wait_for(self.ping, what="Redis answering PING", timeout=15, watch=(self.process,))

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()

    def kill(self) -> None:
        self.process.kill()


@pytest.fixture
def private_redis(tmp_path, cleanup):
    directory = tmp_path / "redis"
    directory.mkdir()
    server = RedisServer(directory, cleanup)
    server.start()
    return server


# --- Workers and files ----------------------------------------------------------------------------
@pytest.fixture
def media(settings, tmp_path):
    """Files in a folder that the worker processes (``MEDIA_ROOT``) and this test share."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }
    return root


def start_memo_worker(
    cleanup, tmp_path, *, broker: str, media: Path, name: str, **env: str
) -> Process:
    """The ``worker-memos`` service of docker-compose.yml, on this test's database."""
    process = Process.start(
        name,
        compose_command("worker-memos"),
        log=tmp_path / f"{name}.log",
        env=venv_env(
            DJANGO_SETTINGS_MODULE="rodedraden.settings.local",
            DEBUG="false",
            ENV_FILE="/nonexistent",
            DATABASE_URL=database_url_for_subprocess(),
            CELERY_BROKER_URL=broker,
            CACHE_URL="",
            MEDIA_ROOT=str(media),
            **env,
        ),
    )
    cleanup.callback(process.stop)
    return process


@contextlib.contextmanager
def sending_to_broker(url: str):
    """``tests.test_celery_worker.sending_to``, with the environment variable as well: Celery's
    ``conf.broker_url`` prefers ``CELERY_BROKER_URL`` from the environment to its setting."""
    saved = os.environ.get("CELERY_BROKER_URL")
    os.environ["CELERY_BROKER_URL"] = url
    try:
        with sending_to(url):
            yield
    finally:
        if saved is None:
            del os.environ["CELERY_BROKER_URL"]
        else:
            os.environ["CELERY_BROKER_URL"] = saved
