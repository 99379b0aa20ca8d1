"""Production installs only what production runs (issue 18, point 5).

The production dependencies, as uv.lock resolves them, hold neither deduce and wordfreq (the
scanner ships their lists as its own data) nor boto3 (S3 is the optional extra ``s3``, which
the Docker image installs); settings refuse S3_BUCKET when that extra is missing.
"""

import os
import re
import subprocess
import tomllib

from tests.compose import DOCKERFILE, PROJECT_ROOT, run_python

# What production must not install, and what made it large before (about 110 MB together).
NOT_IN_PRODUCTION = {
    "deduce", "docdeid", "numpy", "rapidfuzz", "regex", "frozendict",
    "wordfreq", "ftfy", "langcodes", "locate", "msgpack",
    "boto3", "botocore", "s3transfer", "django-storages",
}  # fmt: skip


def _lock() -> dict:
    return tomllib.loads((PROJECT_ROOT / "uv.lock").read_text(encoding="utf-8"))


def _closure(requirements: list[dict]) -> set[str]:
    """Every package that ``requirements`` (uv.lock entries, with their extras) pull in."""
    packages = {package["name"]: package for package in _lock()["package"]}
    seen: set[str] = set()
    seen_extras: set[tuple[str, str]] = set()
    todo = list(requirements)
    while todo:
        requirement = todo.pop()
        name = requirement["name"]
        package = packages[name]
        if name not in seen:
            seen.add(name)
            todo.extend(package.get("dependencies", []))
        for extra in requirement.get("extra", []):
            if (name, extra) not in seen_extras:
                seen_extras.add((name, extra))
                todo.extend(package.get("optional-dependencies", {}).get(extra, []))
    return seen


def _project() -> dict:
    return next(p for p in _lock()["package"] if p["name"] == "rodedraden")


def test_production_dependencies_hold_no_word_list_source_and_no_s3():
    production = _closure(_project()["dependencies"])
    assert {"django", "celery", "weasyprint", "sentry-sdk"} <= production
    assert production & NOT_IN_PRODUCTION == set()


def test_s3_is_an_extra_and_the_word_list_sources_are_in_the_dev_group():
    project = _project()
    assert {"boto3", "django-storages"} <= _closure(project["optional-dependencies"]["s3"])
    assert {"deduce", "wordfreq"} <= _closure(project["dev-dependencies"]["dev"])
    pyproject = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["optional-dependencies"]["s3"] == ["django-storages[s3]==1.14.6"]


def test_the_image_installs_production_with_the_s3_extra_and_make_install_everything():
    dockerfile = DOCKERFILE.read_text(encoding="utf-8")
    assert re.search(r'^ARG EXTRAS="s3"$', dockerfile, re.MULTILINE)
    sync = re.search(r"^RUN uv sync (.*)$", dockerfile, re.MULTILINE).group(1)
    assert {"--locked", "--no-dev", "--no-install-project"} <= set(sync.split())
    assert "--extra %s" in sync
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^\t\$\(BIN\)/uv sync --locked --extra s3 ", makefile, re.MULTILINE)


def _settings_with(**environment) -> subprocess.CompletedProcess:
    code = (
        "import sys; sys.modules['boto3'] = None\n"
        "import django; django.setup()\n"
        "from django.conf import settings; print(settings.STORAGES['default']['BACKEND'])"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "rodedraden.settings.local", **environment}
    env.pop("SENTRY_DSN", None)
    return run_python("-c", code, env=env)


def test_s3_without_the_extra_is_refused_with_a_clear_error():
    refused = _settings_with(S3_BUCKET="memo-bucket")
    assert refused.returncode != 0
    assert "ImproperlyConfigured: S3_BUCKET is set, but S3 support is not installed" in (
        refused.stderr
    )
    assert "boto3 missing" in refused.stderr
    assert "--extra s3" in refused.stderr
    # Without S3_BUCKET the same installation starts, with files on disk.
    started = _settings_with(S3_BUCKET="")
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == "django.core.files.storage.FileSystemStorage"
