"""The demo data that `make run` seeds holds no personal data: migrate and seed_demo run as
`make run` runs them (the local settings, a database of their own), and then every guarded
column of that database is scanned."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

from django.apps import apps
from django.conf import settings

from signals.guard import guarded_fields, scan_json, scan_text


def manage(*args: str, database: str) -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "TEST_SQLITE_FILE")
    }
    env.update(
        DATABASE_URL=f"sqlite:///{database}",
        DJANGO_SETTINGS_MODULE="rodedraden.settings.local",
        ENV_FILE="/nonexistent",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]


def test_the_demo_of_make_run_holds_no_personal_data(tmp_path):
    database = str(tmp_path / "demo.sqlite3")
    manage("migrate", "--noinput", database=database)
    manage("seed_demo", database=database)

    found, scanned = {}, 0
    with sqlite3.connect(database) as connection:
        for model in apps.get_models():
            if model._meta.proxy:
                continue
            for field in guarded_fields(model):
                rows = connection.execute(
                    f'SELECT "{field.column}" FROM "{model._meta.db_table}"'  # noqa: S608
                ).fetchall()
                for (value,) in rows:
                    if not value:
                        continue
                    scanned += 1
                    is_json = field.get_internal_type() == "JSONField"
                    result = scan_json(json.loads(value)) if is_json else scan_text(value)
                    if result.findings:
                        label = f"{model._meta.label}.{field.name}"
                        found.setdefault(label, set()).update(result.types)
    assert scanned > 100, "the demo was seeded"
    assert found == {}
