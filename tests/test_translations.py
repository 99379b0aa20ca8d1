"""The Dutch catalogue is complete: makemessages on the current code adds nothing untranslated."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

ROOT = Path(settings.BASE_DIR)
CATALOGUE = Path("rodedraden/locale/nl/LC_MESSAGES/django.po")
IGNORED = shutil.ignore_patterns(".venv", "node_modules", "var", ".git", "*.pyc", "__pycache__")


@pytest.fixture(scope="module")
def fresh_catalogue(tmp_path_factory) -> Path:
    for tool in ("xgettext", "msgmerge", "msgattrib"):
        if shutil.which(tool) is None:
            pytest.skip(f"GNU gettext ({tool}) is not installed: apt-get install gettext")
    copy = tmp_path_factory.mktemp("checkout") / "rodedraden"
    shutil.copytree(ROOT, copy, ignore=IGNORED)
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "--locale",
            "nl",
            "--no-obsolete",
            "--ignore",
            "static/vendor/*",
        ],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "rodedraden.settings.test",
            "ENV_FILE": "/nonexistent",
        },
    )
    assert result.returncode == 0, result.stderr
    return copy / CATALOGUE


def msgattrib(option: str, path: Path) -> list[str]:
    output = subprocess.run(
        ["msgattrib", option, "--no-wrap", str(path)], capture_output=True, text=True, check=True
    ).stdout
    return [
        line for line in output.splitlines() if line.startswith("msgid ") and line != 'msgid ""'
    ]


def test_no_string_is_left_untranslated(fresh_catalogue):
    assert msgattrib("--untranslated", fresh_catalogue) == []


def test_no_translation_is_fuzzy(fresh_catalogue):
    assert msgattrib("--only-fuzzy", fresh_catalogue) == []


def test_the_catalogue_is_compiled():
    with translation.override("nl"):
        assert translation.gettext("Sign in") == "Inloggen"
        assert translation.gettext("Oversight bodies") == "Toezichtsorganen"
