"""docker-compose.yml and the Dockerfile: valid, complete, and running the expected commands.

There is no Docker engine in the test environment, so these tests read the files: the compose
file is validated against the Compose specification's JSON schema (vendored by the dev
dependency check-jsonschema) and checked for the properties the deployment relies on.
"""

import re
import shlex
import subprocess

import pytest
import yaml

from tests.compose import (
    COMPOSE_FILE,
    DOCKERFILE,
    VENV_BIN,
    compose_command,
    compose_default,
    load_compose,
)

# The commands are also started outside Docker by the tests (tests/test_gunicorn.py): a change
# here is a change to what runs in production, so it has to be made on purpose.
EXPECTED_COMMANDS = {
    "migrate": "python manage.py migrate --noinput",
    "web": "gunicorn --config python:rodedraden.gunicorn rodedraden.wsgi",
    "worker": (
        "celery --app rodedraden worker --loglevel INFO --queues default --concurrency 2"
        " --without-gossip --without-mingle"
    ),
    "worker-memos": (
        "celery --app rodedraden worker --loglevel INFO --queues memos --concurrency 1"
        " --without-gossip --without-mingle"
    ),
    "beat": "celery --app rodedraden beat --loglevel INFO --schedule /tmp/celerybeat-schedule",
}
APP_SERVICES = ("migrate", "web", "worker", "worker-memos", "beat")
LONG_RUNNING_APP_SERVICES = ("web", "worker", "worker-memos", "beat")


def check_compose_schema(path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [VENV_BIN / "check-jsonschema", "--builtin-schema", "vendor.compose-spec", path],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined and comments dropped."""
    logical_lines, current = [], ""
    for line in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):  # also inside a continued instruction
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        logical_lines.append(current + stripped)
        current = ""
    if current:
        logical_lines.append(current)
    return [
        (parts[0].upper(), parts[1] if len(parts) > 1 else "")
        for parts in (line.split(None, 1) for line in logical_lines)
    ]


def final_stage() -> list[tuple[str, str]]:
    instructions = dockerfile_instructions()
    last_from = max(i for i, (name, _) in enumerate(instructions) if name == "FROM")
    return instructions[last_from:]


# --- (a) the Compose specification ------------------------------------------------------------
def test_check_jsonschema_ships_the_compose_spec():
    result = subprocess.run(
        [VENV_BIN / "check-jsonschema", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "vendor.compose-spec" in result.stdout


def test_compose_file_is_valid_against_the_compose_specification():
    result = check_compose_schema(COMPOSE_FILE)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("break_it", "complaint"),
    [
        # A typo in a service key.
        (
            lambda c: c["services"]["web"].update(healtcheck=c["services"]["web"]["healthcheck"]),
            "'healtcheck' was unexpected",
        ),
        # A depends_on condition that does not exist.
        (
            lambda c: c["services"]["worker"]["depends_on"]["db"].update(condition="service_ready"),
            "'service_ready' is not one of",
        ),
        # A command that is neither a string nor a list.
        (
            lambda c: c["services"]["beat"].update(command={"celery": "beat"}),
            "$.services.beat.command",
        ),
    ],
    ids=["unknown-key", "bad-condition", "bad-command"],
)
def test_compose_schema_validation_rejects_a_broken_file(tmp_path, break_it, complaint):
    compose = load_compose()
    break_it(compose)
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(yaml.safe_dump(compose, sort_keys=False), encoding="utf-8")

    result = check_compose_schema(broken)

    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Schema validation errors were encountered" in output
    assert complaint in output


# --- (b) the services and the image -----------------------------------------------------------
def test_compose_defines_exactly_the_expected_services():
    assert set(load_compose()["services"]) == {
        "db",
        "redis",
        "mailpit",
        "migrate",
        "web",
        "worker",
        "worker-memos",
        "beat",
    }


@pytest.mark.parametrize("service", APP_SERVICES)
def test_app_services_are_built_from_the_dockerfile(service):
    build = load_compose()["services"][service]["build"]
    if isinstance(build, str):
        build = {"context": build}
    context = (COMPOSE_FILE.parent / build["context"]).resolve()
    assert context == DOCKERFILE.parent
    assert (context / build.get("dockerfile", "Dockerfile")).resolve() == DOCKERFILE
    assert DOCKERFILE.is_file()


def test_exactly_one_beat():
    """Two schedulers would send every periodic task twice."""
    services = load_compose()["services"]
    commands = {
        name: shlex.split(service["command"])
        for name, service in services.items()
        if isinstance(service.get("command"), str)
    }
    # `celery ... beat`, or a worker with an embedded beat (-B/--beat).
    runs_beat = {
        name
        for name, args in commands.items()
        if args[:1] == ["celery"] and {"beat", "-B", "--beat"} & set(args)
    }
    assert runs_beat == {"beat"}
    beat = services["beat"]
    assert beat.get("deploy", {}).get("replicas", 1) == 1
    assert beat.get("scale", 1) == 1


@pytest.mark.parametrize("service", LONG_RUNNING_APP_SERVICES)
def test_long_running_app_services_have_a_healthcheck(service):
    healthcheck = load_compose()["services"][service].get("healthcheck")
    assert healthcheck, f"{service} has no healthcheck"
    assert not healthcheck.get("disable", False)
    assert healthcheck["test"][0] in ("CMD", "CMD-SHELL")


def test_healthy_dependencies_have_a_healthcheck():
    services = load_compose()["services"]
    for name, service in services.items():
        for dependency, spec in (service.get("depends_on") or {}).items():
            if spec.get("condition") == "service_healthy":
                assert services[dependency].get("healthcheck"), f"{name} waits for {dependency}"
            if spec.get("condition") == "service_completed_successfully":
                assert services[dependency].get("restart") == "no", f"{dependency} is one-shot"


@pytest.mark.parametrize("service", LONG_RUNNING_APP_SERVICES)
def test_app_services_wait_for_database_broker_and_migrations(service):
    depends_on = load_compose()["services"][service]["depends_on"]
    assert depends_on == {
        "db": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
        "migrate": {"condition": "service_completed_successfully"},
    }


def s3_variables_read_by_the_settings() -> set[str]:
    base = (COMPOSE_FILE.parent / "rodedraden" / "settings" / "base.py").read_text("utf-8")
    return set(re.findall(r'env\("(S3_[A-Z_]+)"', base))


@pytest.mark.parametrize("service", APP_SERVICES)
def test_object_storage_is_configurable_and_off_by_default(service):
    """Every S3 variable the settings read is passed through, empty unless set on the host:
    the single-machine default keeps the files in the media volume."""
    environment = load_compose()["services"][service]["environment"]
    names = s3_variables_read_by_the_settings()
    assert names >= {"S3_BUCKET", "S3_ENDPOINT_URL", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"}
    assert {name for name in environment if name.startswith("S3_")} == names
    for name in names:
        assert re.fullmatch(rf"\$\{{{name}:-[^}}]*\}}", environment[name]), environment[name]
    assert environment["S3_BUCKET"] == "${S3_BUCKET:-}"


@pytest.mark.parametrize("variable", ["SECRET_KEY", "ALLOWED_HOSTS"])
@pytest.mark.parametrize("service", APP_SERVICES)
def test_secrets_are_required_from_the_host_environment(service, variable):
    value = load_compose()["services"][service]["environment"][variable]
    assert re.fullmatch(rf"\$\{{{variable}:\?[^}}]+\}}", value), value


def test_dockerfile_runs_as_a_non_root_user():
    users = [args.strip() for name, args in final_stage() if name == "USER"]
    assert users, "the final stage has no USER"
    assert users[-1].split(":")[0] not in ("root", "0")


def test_dockerfile_installs_pango_for_weasyprint():
    runs = " ".join(args for name, args in final_stage() if name == "RUN")
    assert "apt-get install" in runs
    assert "libpango-1.0-0" in runs
    assert "--no-install-recommends" in runs


def test_dockerfile_bakes_in_no_secret_key():
    for name, args in dockerfile_instructions():
        if name in ("ENV", "ARG"):
            assert "SECRET_KEY" not in args, f"{name} {args}"


# --- (c) the commands ---------------------------------------------------------------------------
@pytest.mark.parametrize(("service", "command"), EXPECTED_COMMANDS.items())
def test_compose_commands_are_the_expected_ones(service, command):
    assert load_compose()["services"][service]["command"] == command
    assert compose_command(service) == shlex.split(command)


def test_database_connections_are_kept_between_requests():
    # bench/load.py gives its gunicorn the same default (tests.compose.compose_default).
    for service in LONG_RUNNING_APP_SERVICES:
        assert int(compose_default("CONN_MAX_AGE", service)) == 60


# --- The client's address behind the proxy (issue 17, point 4) ----------------------------------
@pytest.mark.parametrize("service", APP_SERVICES)
def test_the_lockout_counts_the_address_the_one_proxy_in_front_of_web_saw(service):
    """web is published on the host's loopback only: what reaches it from elsewhere comes
    through the one reverse proxy on the host that production expects, which appends the
    client's address to X-Forwarded-For. With 0, every client would be Docker's bridge address
    and one person's wrong passwords would lock out everyone."""
    assert compose_default("AXES_PROXY_COUNT", service) == "1"


def test_web_is_reachable_from_the_host_only_through_its_loopback():
    ports = load_compose()["services"]["web"]["ports"]
    assert ports
    for port in ports:
        assert str(port).startswith("127.0.0.1:"), port
    for name, service in load_compose()["services"].items():
        if name != "web":
            for port in service.get("ports", []):
                assert not str(port).endswith(":8000"), (name, port)


def test_the_compose_proxy_count_reaches_the_lockout():
    """The variable compose sets is the one the settings read."""
    from tests.test_settings import run

    script = "from django.conf import settings; print(settings.TRUSTED_PROXY_COUNT)"
    env = {"AXES_PROXY_COUNT": compose_default("AXES_PROXY_COUNT")}
    result = run(["-c", script], env, "rodedraden.settings.local")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1"
