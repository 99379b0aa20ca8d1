"""Load: body members entering signals and two chairs tagging, against gunicorn on PostgreSQL.

One fresh process (``python -m bench.load``) does the whole run, start to end:

1. it creates a database of its own on the PostgreSQL server :data:`ADMIN_URL_ENV` names
   (by default the local one, whatever DATABASE_URL says: the load test always runs on
   PostgreSQL) and migrates it. The settings are ``rodedraden.settings.local`` with DEBUG off:
   the production settings make the cookies ``Secure``, which a client on plain HTTP never
   sends back;
2. it builds the data through the services: the data of :mod:`bench.workspace` at
   :data:`SIGNALS` signals (the five bodies, the themes, a beraad in session with those
   signals, 60 % of them tagged), then :data:`MEMBERS` member accounts spread over the five
   bodies and a second chair; each chair has a confirmed authenticator (TOTP) device;
3. it starts the ``web`` command of docker-compose.yml (gunicorn, configured by
   rodedraden/gunicorn.py) on a free port, sized as that configuration sizes it for this
   machine (:data:`WORKERS` workers of :data:`THREADS` threads: 5 x 4 on two cores);
4. it runs locust (bench/locustfile.py) headless in a process of its own: every user signs in
   through the real login form (the two chairs first, with their second factor, then the
   members all at once: Argon2 makes that a burst of work of its own, reported apart); once
   the last one is in, everyone works for :data:`DURATION` seconds. Members open their body's
   workspace, the new-signal form, post a signal and open it; chairs tag and untag signals
   through the htmx endpoint of the beraad's workspace and reload it now and then. At the
   end every user runs the task it is in to its end (``--stop-timeout``), so that no request
   is cut off;
5. after gunicorn stopped, it compares what the clients were told with what the database
   holds: every signal whose creation was answered with a redirect to it, and nothing else,
   with the title that was posted; the tags exactly as the chairs' answered toggles left them.
   Gunicorn's access log gives the server's view (any 5xx);
6. it drops the database.

It prints one JSON line; :func:`run` turns it into the table of ``python -m bench``.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from rodedraden.gunicorn import available_cpus
from rodedraden.gunicorn import size as gunicorn_size

from .common import ROOT, Metric, Report, run_child

MODULE = "bench.load"
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
ADMIN_URL_ENV = "BENCH_LOAD_POSTGRES_URL"
DEFAULT_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
SETTINGS = "rodedraden.settings.local"

MEMBERS = 50
CHAIRS = 2
DURATION = 60  # seconds
SIGNALS = 100  # in the beraad the chairs tag
TAG_THEMES = 10  # the themes the chairs toggle, the first ones (rode draden among them)
TEXTS = 40  # clean signal texts the members choose from
MEMBER_PREFIX = "load-lid-"
# The web process as rodedraden/gunicorn.py sizes it for this machine, as in docker-compose.yml
# (2 x cores + 1 processes, gunicorn's advice, of four threads: 5 x 4 on two cores); the
# command is started without a flag or a variable of its own, so the figures are those of the
# configuration that is deployed.
WORKERS, THREADS = gunicorn_size(available_cpus())
STOP_TIMEOUT = 120  # seconds for the users to finish the task they are in (not cut off)
SIGN_IN_TIMEOUT = 180  # seconds for everyone to sign in (Argon2 takes its time)
STARTUP_TIMEOUT = 60  # seconds for gunicorn to answer /health/
SEED = 20256

# The targets of the issue.
MAX_FAILURES = 0
MAX_LOST_WRITES = 0


# --- The parent: runs the child, reads the targets -------------------------------------------
def run(members: int = MEMBERS, duration: int = DURATION) -> Report:
    """The whole load run in one fresh child process."""
    _progress(f"{members} members and {CHAIRS} chairs for {duration} s (builds the data first)")
    started = time.perf_counter()
    child = run_child(MODULE, "--members", str(members), "--duration", str(duration))
    child["elapsed_s"] = round(time.perf_counter() - started, 1)
    return Report(name="load", metrics=_metrics(child), data=child)


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f} ms"


def _metrics(child: dict) -> list[Metric]:
    signals, tags, total = child["signals"], child["tags"], child["stats"]["total"]
    lost = child["lost_writes"]
    metrics = [
        Metric("server", child["server"]),
        Metric(
            "users, duration",
            f"{child['users']['members']} members + {child['users']['chairs']} chairs, "
            f"{child['duration_s']:.0f} s",
            "≥ 50 + 2, ≥ 60 s",
            child["users"]["members"] >= 50
            and child["users"]["chairs"] >= 2
            and child["duration_s"] >= 60,
        ),
        Metric(
            "sign-in, all users at once: until everyone was in",
            f"{child['sign_in'].get('seconds', 0):.1f} s",
        ),
        *(
            Metric(
                f"{endpoint['name']}: requests, p50 / p95",
                f"{endpoint['requests']}, {_ms(endpoint['p50_ms'])} / {_ms(endpoint['p95_ms'])}",
            )
            for endpoint in child["sign_in"].get("endpoints", [])
            if endpoint["method"] == "POST"
        ),
        Metric(
            "requests after sign-in (throughput)",
            f"{total['requests']} ({total['rps']:.1f}/s)",
        ),
        Metric(
            "failed requests (server: 5xx, tracebacks)",
            f"{child['failures']} ({child['server_log']['5xx']}, "
            f"{child['server_log']['tracebacks']})",
            f"{MAX_FAILURES} (0, 0)",
            child["failures"] <= MAX_FAILURES
            and child["server_log"]["5xx"] == 0
            and child["server_log"]["tracebacks"] == 0,
        ),
        Metric(
            "signals: created (acknowledged / in the database)",
            f"{signals['acknowledged']} / {signals['in_database']}",
        ),
        Metric(
            "tags: toggles (+ tagged / − untagged), expected / in the database",
            f"{tags['created'] + tags['removed']} (+{tags['created']} / −{tags['removed']}), "
            f"{tags['expected']} / {tags['in_database']}",
        ),
        Metric(
            "lost writes (signals, tags)",
            f"{lost} ({signals['lost'] + signals['unacknowledged'] + signals['wrong_title']}, "
            f"{tags['missing'] + tags['unexpected']})",
            f"{MAX_LOST_WRITES}, with writes",
            lost <= MAX_LOST_WRITES
            and signals["acknowledged"] > 0
            and tags["created"] + tags["removed"] > 0,
        ),
    ]
    for endpoint in child["stats"]["endpoints"]:
        metrics.append(
            Metric(
                f"{endpoint['name']}: requests, p50 / p95",
                f"{endpoint['requests']}, {_ms(endpoint['p50_ms'])} / {_ms(endpoint['p95_ms'])}",
            )
        )
    metrics.append(Metric("run time (build, load, check)", f"{child['elapsed_s']:.1f} s"))
    return metrics


def _progress(message: str) -> None:
    print(f"bench load: {message}…", file=sys.stderr, flush=True)


# --- The child: a database, the data, gunicorn, locust, the check ----------------------------
def _database_url(admin_url: str, name: str) -> str:
    """The URL of database ``name`` on the server of ``admin_url``."""
    parts = urlsplit(admin_url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _admin(admin_url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(statement)


def _setup(database_url: str, settings_module: str = SETTINGS) -> None:
    """Django in this process, with the server's settings, on the load database."""
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    os.environ.update(
        DATABASE_URL=database_url,
        DEBUG="false",
        LOG_LEVEL="WARNING",
        ALLOWED_HOSTS="127.0.0.1",
        CELERY_BROKER_URL="",  # the requests measured queue no task; none may wait for Redis
        ENV_FILE=os.devnull,  # a developer's .env must not change the run
    )
    os.environ.pop("CACHE_URL", None)
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    if settings.DEBUG or connection.vendor != "postgresql":
        raise RuntimeError("the load test runs on PostgreSQL with DEBUG off")


def _texts() -> list[list[str]]:
    """Clean titles and descriptions: the Dutch templates of bench.workspace, checked by the
    anonymisation guard with the kind of suffix the members add to make each title unique."""
    from signals.guard import scan_fields

    from .workspace import THEMES, signal_text

    rng = random.Random(SEED)  # noqa: S311 (synthetic data, not a secret)
    texts = []
    while len(texts) < TEXTS:
        title, description = signal_text(rng, rng.randrange(THEMES))
        if found := scan_fields({"title": f"{title} (meting 49.123)", "description": description}):
            raise RuntimeError(f"a load text holds personal data: {sorted(found)}")
        texts.append([title, description])
    return texts


def _build(members: int, duration: int, folder: Path) -> dict[str, Any]:
    """The data, through the services; returns the plan the locust users read."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from deliberation.models import Tag, Theme
    from rodedraden.accounts.models import Role
    from rodedraden.accounts.services import user_create
    from signals import services as signal_services
    from signals.models import OversightBody

    from .workspace import _build as build_workspace

    scenario = build_workspace(SIGNALS)
    beraad = scenario.beraad
    password = secrets.token_urlsafe(18)
    hashed = make_password(password)  # once: Argon2 for every account would take a while
    bodies = list(OversightBody.objects.order_by("pk"))
    with transaction.atomic():
        accounts = []
        for index in range(members):
            body = bodies[index % len(bodies)]
            user = user_create(username=f"{MEMBER_PREFIX}{index + 1:03d}", role=Role.MEMBER)
            user.password = hashed
            user.save(update_fields=["password"])
            signal_services.membership_create(user=user, body=body, notify=False)
            accounts.append({"username": user.username, "body": body.slug})
        chairs = [scenario.chair]
        chairs += [
            user_create(username=f"voorzitter-{n + 1}", role=Role.CHAIR) for n in range(1, CHAIRS)
        ]
        themes = list(Theme.objects.order_by("pk").values_list("pk", flat=True)[:TAG_THEMES])
        inclusions = list(beraad.inclusions.order_by("pk").values_list("pk", flat=True))
        tags = set(Tag.objects.filter(beraad=beraad).values_list("inclusion_id", "theme_id"))
        chair_plans = []
        for index, chair in enumerate(chairs):
            chair.password = hashed
            chair.save(update_fields=["password"])
            key = secrets.token_hex(20)
            # "default": the device django-two-factor-auth asks the code of.
            TOTPDevice.objects.create(user=chair, name="default", key=key, confirmed=True)
            own = inclusions[index :: len(chairs)]  # the chairs never toggle the same tag
            owned = {(i, t) for i in own for t in themes}
            chair_plans.append(
                {
                    "username": chair.username,
                    "totp_key": key,
                    "inclusions": own,
                    "tagged": sorted(map(list, tags & owned)),
                }
            )
    return {
        "password": password,
        "members": accounts,
        "chairs": chair_plans,
        "beraad": beraad.pk,
        "signals_in_beraad": SIGNALS,
        "themes": themes,
        "tags_before": sorted(map(list, tags)),
        "texts": _texts(),
        "duration": duration,
        "sign_in_timeout": SIGN_IN_TIMEOUT,
        "results": str(folder / "results.json"),
    }


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/health/")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


@contextlib.contextmanager
def _gunicorn(
    database_url: str, folder: Path, settings_module: str = SETTINGS, secret_key: str = ""
) -> Iterator[int]:
    """The web command of docker-compose.yml on a free port; stopped gracefully at the end,
    so that every request it accepted is answered (and committed) before the check. A
    ``secret_key`` of the caller's keeps the sessions it signed in valid there."""
    from tests.compose import PROJECT_ROOT, compose_command, compose_default, venv_env

    port = _free_port()
    env = venv_env(
        GUNICORN_BIND=f"127.0.0.1:{port}",
        DJANGO_SETTINGS_MODULE=settings_module,
        DEBUG="false",
        DATABASE_URL=database_url,
        ALLOWED_HOSTS="127.0.0.1",
        SECRET_KEY=secret_key or secrets.token_urlsafe(50),
        CELERY_BROKER_URL="",
        LOG_LEVEL="WARNING",
        ENV_FILE=os.devnull,
        MEDIA_ROOT=str(folder / "media"),
        XDG_RUNTIME_DIR=str(folder),
    )
    env.pop("CACHE_URL", None)  # a cache per process; the sessions from the database
    env["CONN_MAX_AGE"] = compose_default("CONN_MAX_AGE")  # as docker-compose.yml
    with (folder / "gunicorn.log").open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 (the command of docker-compose.yml)
            compose_command("web"),
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not _healthy(port):
            if process.poll() is not None or time.monotonic() > deadline:
                log_text = (folder / "gunicorn.log").read_text(errors="replace")
                raise RuntimeError(f"gunicorn did not start:\n{log_text[-4000:]}")
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _locust(port: int, plan_file: Path, users: int, duration: int, folder: Path) -> int:
    """Locust, headless, in a process of its own (gevent stays out of this one)."""
    command = [
        str(Path(sys.executable).parent / "locust"),
        "--locustfile",
        str(LOCUSTFILE),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(users),
        # The locustfile stops the run `duration` seconds after the last user signed in; this
        # is only the bound beyond which something is wrong.
        "--run-time",
        f"{SIGN_IN_TIMEOUT + duration + 30}s",
        "--stop-timeout",
        str(STOP_TIMEOUT),
        "--host",
        f"http://127.0.0.1:{port}",
        "--only-summary",
    ]
    env = {**os.environ, "LOAD_PLAN": str(plan_file)}
    with (folder / "locust.log").open("wb") as log:
        completed = subprocess.run(  # noqa: S603 (the virtualenv's locust, no shell)
            command,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            timeout=SIGN_IN_TIMEOUT + duration + STOP_TIMEOUT + 120,
            check=False,
        )
    return completed.returncode


ACCESS_LINE = re.compile(r'"(?P<method>[A-Z]+) (?P<path>\S+) HTTP/[\d.]+" (?P<status>\d{3}) ')


def _server_log(folder: Path) -> dict[str, Any]:
    """What gunicorn's access log says: statuses, 5xx, signals created; and tracebacks."""
    statuses: Counter[str] = Counter()
    created = 0
    text = (folder / "gunicorn.log").read_text(errors="replace")
    for match in ACCESS_LINE.finditer(text):
        statuses[match["status"]] += 1
        if (
            match["method"] == "POST"
            and match["path"].endswith("/signalen/nieuw/")
            and match["status"] == "302"
        ):
            created += 1
    return {
        "statuses": dict(sorted(statuses.items())),
        "5xx": sum(n for status, n in statuses.items() if status.startswith("5")),
        "tracebacks": text.count("Traceback"),
        "signals_created": created,
    }


def _check(plan: dict[str, Any], results: dict[str, Any]) -> dict[str, Any]:
    """What the clients were told beside what the database holds."""
    from deliberation.models import Tag
    from signals.models import Signal

    rows = dict(
        Signal.objects.filter(author__username__startswith=MEMBER_PREFIX).values_list("pk", "title")
    )
    told = dict(results["signals"])
    signals = {
        "acknowledged": len(told),
        "in_database": len(rows),
        "lost": sum(1 for pk in told if pk not in rows),
        "unacknowledged": sum(1 for pk in rows if pk not in told),
        "wrong_title": sum(1 for pk, title in told.items() if pk in rows and rows[pk] != title),
    }
    # Each chair toggles only the tags of its own signals, so the expected tags are those from
    # before, with the chairs' pairs as their last answered toggle left them.
    owned = {i for chair in plan["chairs"] for i in chair["inclusions"]}
    themes = set(plan["themes"])
    expected = {(i, t) for i, t in plan["tags_before"] if not (i in owned and t in themes)} | {
        (i, t) for chair in results["chairs"] for i, t in chair["tagged"]
    }
    actual = set(Tag.objects.filter(beraad_id=plan["beraad"]).values_list("inclusion", "theme"))
    created = sum(chair["created"] for chair in results["chairs"])
    removed = sum(chair["removed"] for chair in results["chairs"])
    tags = {
        "before": len(plan["tags_before"]),
        "created": created,
        "removed": removed,
        "expected": len(expected),
        "expected_by_count": len(plan["tags_before"]) + created - removed,
        "in_database": len(actual),
        "missing": len(expected - actual),
        "unexpected": len(actual - expected),
    }
    return {"signals": signals, "tags": tags}


def _measure(members: int, duration: int, keep_logs: Path | None = None) -> dict[str, Any]:
    admin_url = os.environ.get(ADMIN_URL_ENV, DEFAULT_ADMIN_URL)
    name = f"rodedraden_load_{os.getpid()}_{secrets.token_hex(4)}"
    database_url = _database_url(admin_url, name)
    folder = Path(tempfile.mkdtemp(prefix="bench-load-"))
    _admin(admin_url, f'CREATE DATABASE "{name}"')
    try:
        _setup(database_url)
        from django.core.management import call_command
        from django.db import connection, connections

        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        plan = _build(members, duration, folder)
        build_s = time.perf_counter() - started
        plan_file = folder / "plan.json"
        plan_file.write_text(json.dumps(plan), encoding="utf-8")
        version = f"{connection.pg_version // 10000}.{connection.pg_version % 10000}"
        connections.close_all()

        with _gunicorn(database_url, folder) as port:
            exit_code = _locust(port, plan_file, members + CHAIRS, duration, folder)
        results_file = Path(plan["results"])
        if not results_file.exists():
            log = (folder / "locust.log").read_text(errors="replace")
            raise RuntimeError(f"locust exited with {exit_code} and no results:\n{log[-4000:]}")
        results = json.loads(results_file.read_text(encoding="utf-8"))
        checked = _check(plan, results)
        signals, tags = checked["signals"], checked["tags"]
        lost_writes = (
            signals["lost"]
            + signals["unacknowledged"]
            + signals["wrong_title"]
            + tags["missing"]
            + tags["unexpected"]
            + abs(tags["expected_by_count"] - tags["in_database"])
        )
        server_log = _server_log(folder)
        connections.close_all()
        return {
            "server": (
                f"gunicorn {WORKERS} workers × {THREADS} threads, PostgreSQL {version}, "
                f"{SETTINGS} (DEBUG off)"
            ),
            "users": {"members": results["users"]["members"], "chairs": results["users"]["chairs"]},
            "duration_s": results["duration_s"],
            "build_s": round(build_s, 1),
            "locust_exit_code": exit_code,
            # The sign-ins' figures were set aside when the work started (if it did).
            "failures": results["stats"]["total"]["failures"]
            + results["sign_in"].get("total", {}).get("failures", 0)
            + len(results["exceptions"]),
            "errors": results["sign_in"].get("errors", []) + results["errors"],
            "exceptions": results["exceptions"],
            "sign_in": results["sign_in"],
            "stats": results["stats"],
            "locust_cpu_warnings": results["locust_cpu_warnings"],
            "signals": signals,
            "tags": tags,
            "lost_writes": lost_writes,
            "server_log": server_log,
        }
    finally:
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        _admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if keep_logs is not None:
            keep_logs.mkdir(parents=True, exist_ok=True)
            for log in folder.glob("*.log"):
                shutil.copy(log, keep_logs / log.name)
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    """The child's entry point: the whole run, its figures as one JSON line."""
    parser = argparse.ArgumentParser(prog=f"python -m {MODULE}", description=main.__doc__)
    parser.add_argument("--members", type=int, default=MEMBERS)
    parser.add_argument("--duration", type=int, default=DURATION, help="seconds")
    parser.add_argument(
        "--keep-logs", type=Path, metavar="DIR", help="copy gunicorn's and locust's logs here"
    )
    args = parser.parse_args(argv)
    figures = _measure(args.members, args.duration, args.keep_logs)
    print(json.dumps(figures, sort_keys=True), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
