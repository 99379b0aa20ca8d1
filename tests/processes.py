"""Real processes for the tests that need them: Celery workers and gunicorn started with the
commands of docker-compose.yml (and a small HTTP client for the latter), and a private Redis on a
free port, so that the shared services
of the test run are never touched. Each process runs in a process group of its own with its
output in a file, is stopped by the ``cleanup`` fixture (also when a test fails), and every wait
has a deadline.

The fixtures here (``cleanup``, ``private_redis``, ``media``) are registered for the whole suite
in tests/conftest.py.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from http.client import HTTPConnection, HTTPMessage
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
import redis
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.compose import PROJECT_ROOT, compose_command, database_url_for_subprocess, venv_env
from tests.test_celery_worker import sending_to
from tests.test_gunicorn import free_port, wait_until_healthy

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

    def output(self, since: int = 0) -> str:
        """What the process wrote, from character ``since`` on (``len`` of an earlier output)."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return text[since:]

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


def files_under(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


def start_service(
    cleanup, tmp_path, service: str, *, broker: str, media: Path, name: str = "", **env: str
) -> Process:
    """A Celery service of docker-compose.yml (``worker``, ``worker-memos``, ``beat``) on this
    test's database and broker; beat's schedule file in this test's folder, not the shared
    /tmp."""
    name = name or service
    command = compose_command(service)
    if "--schedule" in command:
        command[command.index("--schedule") + 1] = str(tmp_path / "celerybeat-schedule")
    process = Process.start(
        name,
        command,
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


def start_memo_worker(
    cleanup, tmp_path, *, broker: str, media: Path, name: str, **env: str
) -> Process:
    """The ``worker-memos`` service of docker-compose.yml, on this test's database."""
    return start_service(
        cleanup, tmp_path, "worker-memos", broker=broker, media=media, name=name, **env
    )


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


# --- HTTP against gunicorn ------------------------------------------------------------------------
SIGNED_IN = 'action="/account/uitloggen/"'  # the sign-out form in the header of every page


@dataclass
class Answer:
    status: int
    headers: HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()


class Browser:
    """A minimal HTTP client with cookies, that does not follow redirects."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, data: dict | None = None) -> Answer:
        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            answer = Answer(response.status, response.headers, response.read())
        finally:
            connection.close()
        for header in answer.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return answer

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def post(self, path: str, data: dict) -> Answer:
        return self.request("POST", path, data)

    def csrf_token(self, path: str) -> str:
        """The CSRF token of the form on the page at ``path``."""
        page = self.get(path)
        assert page.status == 200, (path, page.status, page.headers["Location"], page.text)
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)

    def sign_in(self, username: str, password: str, *, code: str | None = None) -> None:
        """Through the two-step login form, as a browser would."""
        token = self.csrf_token("/account/inloggen/")
        answer = self.post(
            "/account/inloggen/",
            {
                "csrfmiddlewaretoken": token,
                "login_view-current_step": "auth",
                "auth-username": username,
                "auth-password": password,
            },
        )
        if code is not None:
            assert answer.status == 200, (answer.status, answer.text)
            answer = self.post(
                "/account/inloggen/",
                {
                    "csrfmiddlewaretoken": token,
                    "login_view-current_step": "token",
                    "token-otp_token": code,
                },
            )
        assert (answer.status, answer.headers["Location"]) == (302, "/"), answer.text


@dataclass
class Web:
    """A gunicorn started by ``start_web``."""

    port: int
    process: Process


def start_web(cleanup, tmp_path, *, workers: int = 2, threads: int = 1, **env: str) -> Web:
    """The ``web`` service of docker-compose.yml (gunicorn) on a free port, once healthy.

    ``workers`` processes of ``threads`` threads, instead of the size rodedraden/gunicorn.py
    gives this machine: one thread per worker, so that a test knows which database connection
    serves it."""
    port = free_port()
    runtime = tmp_path / f"gunicorn-{port}"
    runtime.mkdir()
    environment = venv_env(
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY=str(workers),
        GUNICORN_THREADS=str(threads),
        DJANGO_SETTINGS_MODULE="rodedraden.settings.test",
        ALLOWED_HOSTS="127.0.0.1",
        ENV_FILE="/nonexistent",
        CELERY_BROKER_URL="",  # nothing here queues a task; never the shared broker
        XDG_RUNTIME_DIR=str(runtime),
    )
    environment.update(env)
    web = Process.start(
        f"gunicorn:{port}", compose_command("web"), log=runtime / "log", env=environment
    )
    cleanup.callback(web.stop)
    wait_until_healthy(web.popen, port, web.log)
    return Web(port, web)


def totp_code(user) -> str:
    """Gives ``user`` an authenticator app and returns the code it shows now."""
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"
