"""Helpers for tests that read docker-compose.yml or start its commands outside Docker.

The tests start the very command strings of docker-compose.yml, so the commands that run in
production are the ones that are tested.
"""

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, urlencode

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = PROJECT_ROOT / "docker-compose.yml"
DOCKERFILE = PROJECT_ROOT / "Dockerfile"
# The directory of the running interpreter: the virtualenv's bin/ with gunicorn, celery, ...
VENV_BIN = Path(sys.executable).parent


def load_compose() -> dict:
    """docker-compose.yml as a dict (YAML merge keys resolved, variables not interpolated)."""
    with COMPOSE_FILE.open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def compose_command(service: str) -> list[str]:
    """The ``command:`` of a service in docker-compose.yml, split into arguments."""
    command = load_compose()["services"][service]["command"]
    if not isinstance(command, str):
        raise TypeError(f"the command of {service!r} must be a single string, not {command!r}")
    return shlex.split(command)


def compose_default(variable: str, service: str = "web") -> str:
    """The default a service's environment gives ``variable`` (``${VARIABLE:-default}``)."""
    value = str(load_compose()["services"][service]["environment"][variable])
    match = re.fullmatch(r"\$\{" + re.escape(variable) + r":-([^}]*)\}", value)
    if match is None:
        raise ValueError(f"{variable} of {service} is {value!r}, not ${{{variable}:-default}}")
    return match.group(1)


def venv_env(**overrides: str) -> dict[str, str]:
    """The current environment with the virtualenv first on PATH, plus ``overrides``."""
    env = os.environ.copy()
    env["PATH"] = os.pathsep.join(filter(None, [str(VENV_BIN), env.get("PATH", "")]))
    env.update(overrides)
    return env


def database_url_for_subprocess(alias: str = "default") -> str:
    """A DATABASE_URL for another process to reach the database this process is connected to.

    Inside a ``django_db`` test that is the test database pytest-django created. Needs a file
    for SQLite (rodedraden/settings/test.py makes the test database one): an in-memory database
    cannot be shared.
    """
    from django.db import connections

    settings = connections[alias].settings_dict
    engine = settings["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        name = str(settings["NAME"])
        if name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
            raise ValueError(f"an in-memory SQLite database cannot be shared: {name!r}")
        return f"sqlite:///{Path(name).resolve()}"
    if engine in ("django.db.backends.postgresql", "django.db.backends.postgresql_psycopg2"):
        user = quote(settings.get("USER") or "", safe="")
        password = quote(str(settings.get("PASSWORD") or ""), safe="")
        credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        host = settings.get("HOST") or ""
        name = quote(settings["NAME"], safe="")
        if host.startswith("/"):
            # A socket directory: django-environ reads postgres://user@//run/postgresql/name.
            host, port, name = "", "", f"{quote(host)}/{name}"
        else:
            host = f"[{host}]" if ":" in host else host  # an IPv6 address
            port = f":{settings['PORT']}" if settings.get("PORT") else ""
        options = {
            key: value
            for key, value in (settings.get("OPTIONS") or {}).items()
            if isinstance(value, str | int) and not isinstance(value, bool)
        }
        query = f"?{urlencode(options)}" if options else ""
        return f"postgres://{credentials}{host}{port}/{name}{query}"
    raise ValueError(f"no DATABASE_URL for database engine {engine!r}")


def run_python(*args: str, env: dict[str, str], timeout: float = 60):
    """``python *args`` (this virtualenv's) in the project's folder with ``env``, its output
    captured; the result is returned whatever the exit status."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
