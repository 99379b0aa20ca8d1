"""The web command of docker-compose.yml, started outside Docker against the test database."""

import http.client
import json
import socket
import subprocess
import time
from typing import NamedTuple

import pytest

from tests.compose import PROJECT_ROOT, compose_command, database_url_for_subprocess, venv_env

STARTUP_TIMEOUT = 30  # seconds


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Response(NamedTuple):
    status: int
    headers: http.client.HTTPMessage
    body: bytes


def get(port: int, path: str) -> Response:
    """GET, without following redirects."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return Response(response.status, response.headers, response.read())
    finally:
        connection.close()


def wait_until_healthy(process: subprocess.Popen, port: int, log) -> Response:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited with {process.returncode}:\n{log.read_text()}")
        try:
            response = get(port, "/health/")
        except OSError as error:  # not listening yet
            last_error = error
        else:
            if response.status == 200:
                return response
            last_error = AssertionError(f"{response.status} {response.body!r}")
        time.sleep(0.2)
    pytest.fail(
        f"/health/ did not answer 200 within {STARTUP_TIMEOUT} s ({last_error!r}):\n"
        f"{log.read_text()}"
    )


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_web_command_serves_the_health_check_and_the_login_redirect(tmp_path):
    port = free_port()
    env = venv_env(
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
        DJANGO_SETTINGS_MODULE="rodedraden.settings.test",
        DATABASE_URL=database_url_for_subprocess(),
        # The host the requests below are sent to, whatever the surrounding environment says.
        ALLOWED_HOSTS="127.0.0.1",
        # Gunicorn's control socket goes here instead of replacing the one of a gunicorn that
        # runs in ~/.gunicorn/ already.
        XDG_RUNTIME_DIR=str(tmp_path),
    )
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            compose_command("web"),
            cwd=PROJECT_ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        health = wait_until_healthy(process, port, log)
        assert health.headers["Content-Type"] == "application/json"
        assert json.loads(health.body) == {"status": "ok", "database": "ok"}

        home = get(port, "/")
        assert home.status == 302
        assert home.headers["Location"] == "/account/inloggen/?next=/"
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- One configuration, sized from the machine (issue 17, point 14) ---------------------------
SIZING_FLAGS = ("-w", "--workers", "--threads", "-k", "--worker-class", "-c", "--config")


@pytest.mark.parametrize(
    ("cpus", "expected"),
    [(1, (3, 4)), (2, (5, 4)), (4, (9, 4)), (8, (12, 4)), (64, (12, 4))],
)
def test_the_web_process_is_sized_from_the_machine(cpus, expected):
    from rodedraden import gunicorn

    assert gunicorn.size(cpus, env={}) == expected


def test_the_environment_overrides_the_sizing():
    from rodedraden import gunicorn

    assert gunicorn.size(2, env={"WEB_CONCURRENCY": "2"}) == (2, 4)
    assert gunicorn.size(2, env={"GUNICORN_THREADS": "1"}) == (5, 1)
    assert gunicorn.size(2, env={"WEB_CONCURRENCY": "", "GUNICORN_THREADS": ""}) == (5, 4)


def test_the_configuration_file_applies_the_sizing(monkeypatch):
    import importlib

    from rodedraden import gunicorn

    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.delenv("GUNICORN_THREADS", raising=False)
    try:
        importlib.reload(gunicorn)
        assert (gunicorn.workers, gunicorn.threads) == gunicorn.size(gunicorn.available_cpus())
        assert gunicorn.threads == 4
        assert gunicorn.workers == min(2 * gunicorn.available_cpus() + 1, 12)
    finally:
        monkeypatch.undo()
        importlib.reload(gunicorn)


def test_compose_runs_the_configuration_file_without_sizing_flags_of_its_own():
    from tests.compose import load_compose

    command = compose_command("web")
    assert command[:3] == ["gunicorn", "--config", "python:rodedraden.gunicorn"]
    rest = command[3:]
    assert not [arg for arg in rest if arg.split("=")[0] in SIZING_FLAGS], rest
    environment = load_compose()["services"]["web"].get("environment", {})
    assert "WEB_CONCURRENCY" not in environment
    assert "GUNICORN_THREADS" not in environment


def test_the_load_test_runs_the_same_configuration():
    """bench/load.py (and bench/pages.py, which uses its server) starts the compose command
    as the configuration sizes it, and reports that size, not numbers of its own."""
    import inspect

    from bench import load
    from rodedraden import gunicorn

    assert gunicorn.size(gunicorn.available_cpus()) == (load.WORKERS, load.THREADS)
    source = inspect.getsource(load._gunicorn)
    assert "WEB_CONCURRENCY" not in source
    assert "GUNICORN_THREADS" not in source
    assert 'compose_command("web")' in source
