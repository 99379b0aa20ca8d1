"""Settings come from the environment: embedded defaults, real services, a safe production."""

import json
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "rodedraden.gemeente.example",
    "DATABASE_URL": "postgres://rodedraden:geheim@db.gemeente.example:5432/rodedraden",
    "CELERY_BROKER_URL": "redis://redis.gemeente.example:6379/0",
    "EMAIL_HOST": "smtp.gemeente.example",
}

SHOW_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "db_name": str(settings.DATABASES["default"]["NAME"]),
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "email": settings.EMAIL_BACKEND,
    "media_root": str(settings.MEDIA_ROOT),
    "storage": settings.STORAGES["default"]["BACKEND"],
    "language": settings.LANGUAGE_CODE,
    "languages": [code for code, _ in settings.LANGUAGES],
    "time_zone": settings.TIME_ZONE,
    "celery": {
        "acks_late": settings.CELERY_TASK_ACKS_LATE,
        "reject_on_worker_lost": settings.CELERY_TASK_REJECT_ON_WORKER_LOST,
        "prefetch": settings.CELERY_WORKER_PREFETCH_MULTIPLIER,
        "serializer": settings.CELERY_TASK_SERIALIZER,
        "accept": settings.CELERY_ACCEPT_CONTENT,
        "time_limit": settings.CELERY_TASK_TIME_LIMIT,
        "soft_time_limit": settings.CELERY_TASK_SOFT_TIME_LIMIT,
    },
}))
"""


def run(args: list[str], env: dict[str, str], settings_module: str):
    clean_env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(ROOT),
        "ENV_FILE": "/nonexistent",  # a developer's .env must not leak into these tests
        "DJANGO_SETTINGS_MODULE": settings_module,
        **env,
    }
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=clean_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def show(env: dict[str, str], settings_module: str = "rodedraden.settings.local") -> dict:
    result = run(["-c", SHOW_SETTINGS], env, settings_module)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_defaults_are_the_embedded_mode():
    values = show({})
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["db_name"] == str(ROOT / "var" / "db.sqlite3")
    assert values["eager"] is True
    assert values["broker"] == "memory://"
    assert values["email"] == "django.core.mail.backends.console.EmailBackend"
    assert values["media_root"] == str(ROOT / "var" / "media")
    assert values["storage"] == "django.core.files.storage.FileSystemStorage"
    assert values["language"] == "nl"
    assert values["languages"] == ["nl", "en"]
    assert values["time_zone"] == "Europe/Amsterdam"


def test_the_same_code_runs_on_postgresql_and_a_real_broker():
    values = show(
        {
            "DATABASE_URL": "postgres://u:p@db.example:5432/rodedraden",
            "CELERY_BROKER_URL": "redis://redis.example:6379/0",
        }
    )
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["eager"] is False
    assert values["broker"] == "redis://redis.example:6379/0"


def test_celery_is_configured_for_reliable_delivery():
    celery = show({})["celery"]
    assert celery == {
        "acks_late": True,
        "reject_on_worker_lost": True,
        "prefetch": 1,
        "serializer": "json",
        "accept": ["json"],
        "time_limit": 300,
        "soft_time_limit": 270,
    }


def test_the_celery_app_reads_the_django_settings():
    from rodedraden import celery_app

    assert celery_app.main == "rodedraden"
    assert celery_app.conf.task_acks_late is True
    assert celery_app.conf.worker_prefetch_multiplier == 1
    celery_app.loader.import_default_modules()  # what a worker does when it starts
    assert "signals.membership_send_welcome" in celery_app.tasks
    for entry in celery_app.conf.beat_schedule.values():
        assert entry["task"] in celery_app.tasks


def test_production_passes_the_deployment_checks():
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        PRODUCTION_ENV,
        "rodedraden.settings.production",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "secret_key",
    [None, "", "kort", "django-insecure-" + "x" * 60, "a" * 80],
    ids=["missing", "empty", "short", "django-insecure", "one-character"],
)
def test_production_refuses_to_start_without_a_real_secret_key(secret_key):
    env = dict(PRODUCTION_ENV)
    if secret_key is None:
        del env["SECRET_KEY"]
    else:
        env["SECRET_KEY"] = secret_key
    result = run(["manage.py", "check"], env, "rodedraden.settings.production")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_needs_its_allowed_hosts():
    env = dict(PRODUCTION_ENV)
    del env["ALLOWED_HOSTS"]
    result = run(["manage.py", "check"], env, "rodedraden.settings.production")
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_a_bucket_puts_the_memo_files_in_s3_compatible_storage():
    env = {
        "S3_BUCKET": "rodedraden-memos",
        "S3_ENDPOINT_URL": "http://127.0.0.1:9000",
        "S3_ACCESS_KEY_ID": "sleutel",
        "S3_SECRET_ACCESS_KEY": "geheim",
    }
    script = (
        "import django; django.setup()\n"
        'from django.core.files.storage import storages\ns = storages["default"]\n'
        "print(type(s).__name__, s.bucket_name, s.endpoint_url, s.default_acl, s.location)"
    )
    result = run(["-c", script], env, "rodedraden.settings.local")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "S3Storage",
        "rodedraden-memos",
        "http://127.0.0.1:9000",
        "private",
        "rodedraden",
    ]
    assert show({})["storage"] == "django.core.files.storage.FileSystemStorage"


def test_empty_s3_variables_as_compose_passes_them_mean_the_defaults():
    """docker-compose.yml passes every S3 variable, empty when it is not set."""
    empty = dict.fromkeys(
        ["S3_ENDPOINT_URL", "S3_REGION", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "S3_PREFIX"],
        "",
    )
    assert show({"S3_BUCKET": "", **empty})["storage"] == (
        "django.core.files.storage.FileSystemStorage"
    )
    script = (
        "import django; django.setup()\n"
        'from django.core.files.storage import storages\ns = storages["default"]\n'
        "print(s.bucket_name, s.endpoint_url, s.region_name, s.access_key, s.location)"
    )
    result = run(
        ["-c", script], {"S3_BUCKET": "rodedraden-memos", **empty}, "rodedraden.settings.local"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["rodedraden-memos", "None", "None", "None", "rodedraden"]


PAGES_CACHE = """
import json
from django.conf import settings
print(json.dumps(settings.CACHES["pages"]))
"""


def test_the_pages_have_a_cache_of_their_own_bounded_per_process_shared_in_redis():
    def pages_cache(env):
        result = run(["-c", PAGES_CACHE], env, "rodedraden.settings.local")
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    local = pages_cache({"PAGE_CACHE_ENTRIES": "7"})
    assert local["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert local["OPTIONS"] == {"MAX_ENTRIES": 7}
    shared = pages_cache({"CACHE_URL": "redis://cache.gemeente.example:6379/2"})
    assert shared["BACKEND"] == "rodedraden.cache.RedisCache"
    assert shared["LOCATION"] == "redis://cache.gemeente.example:6379/2"
    assert shared["KEY_PREFIX"] == "pages"


# --- Mail in production (issue 17, point 5) ------------------------------------------------------
MAIL_REFUSED = "Production needs a mail server that delivers"


@pytest.mark.parametrize(
    "mail",
    [
        {},
        {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"},
        {
            "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
            "EMAIL_HOST": "smtp.gemeente.example",
        },
        {"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend"},
        {"EMAIL_URL": "consolemail://"},
    ],
    ids=["nothing", "console", "console-with-host", "file", "console-url"],
)
def test_production_refuses_to_start_without_a_mail_server_that_delivers(mail):
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "EMAIL_HOST"}
    env.update(mail)
    result = run(["manage.py", "check"], env, "rodedraden.settings.production")
    assert result.returncode != 0
    assert MAIL_REFUSED in result.stderr
    assert "EMAIL_URL" in result.stderr
    assert "EMAIL_HOST" in result.stderr


SHOW_MAIL = """
import json
from django.conf import settings
print(json.dumps([settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT,
                  settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER]))
"""


@pytest.mark.parametrize(
    ("mail", "expected"),
    [
        (
            {"EMAIL_HOST": "smtp.gemeente.example", "EMAIL_PORT": "587", "EMAIL_USE_TLS": "true"},
            ["django.core.mail.backends.smtp.EmailBackend", "smtp.gemeente.example", 587, True, ""],
        ),
        (
            {"EMAIL_URL": "smtp+tls://rodedraden:geheim@smtp.gemeente.example:587"},
            [
                "django.core.mail.backends.smtp.EmailBackend",
                "smtp.gemeente.example",
                587,
                True,
                "rodedraden",
            ],
        ),
    ],
    ids=["host", "url"],
)
def test_production_sends_mail_through_the_configured_server(mail, expected):
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "EMAIL_HOST"}
    env.update(mail)
    result = run(["-c", SHOW_MAIL], env, "rodedraden.settings.production")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == expected
