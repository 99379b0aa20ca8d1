"""Backing up and restoring the whole application: the database and the files it names.

One archive (``.tar.gz``) holds:

* ``manifest.json``: when and from what it was made, the number of rows per model and the
  name, size and SHA-256 of every file;
* ``database.sqlite3`` (the embedded mode, copied with SQLite's online backup, so the
  application may keep running) or ``database.pgdump`` (PostgreSQL: ``pg_dump --format=custom``);
* ``files/…``: every file the apps register for it (rodedraden/backup/registry.py; the memo
  PDFs), read through the configured storage (local folder or S3).

A restore goes into an EMPTY database only (nothing is overwritten), puts the files back into
the configured storage and then checks the result against the manifest: every row count and
every file's SHA-256. Then nothing made before the restore is served again (``_forget_before``):
the restored database gets a data version no cached page was kept under, every session ends
(everybody signs in again) and the caches are emptied. ``manage.py backup`` and
``manage.py restore`` call these functions; the README describes the procedure.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from rodedraden.pagecache.models import ROW, DataVersion

from .registry import carried_files

FORMAT = 1
SQLITE = "django.db.backends.sqlite3"
POSTGRESQL = "django.db.backends.postgresql"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why."""


@dataclass(frozen=True)
class RestoreResult:
    rows: dict[str, int]
    files: int
    sessions_ended: int = 0


def _engine(settings_dict: dict[str, Any]) -> str:
    engine = settings_dict["ENGINE"]
    if engine == SQLITE:
        return "sqlite"
    if engine in (POSTGRESQL, "django.db.backends.postgresql_psycopg2"):
        return "postgresql"
    raise BackupError(f"Unsupported database engine: {engine}")


def _pg_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    env = os.environ.copy()
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        subprocess.run(command, env=env, check=True, capture_output=True, text=True)  # noqa: S603
    except FileNotFoundError as error:
        raise BackupError(f"{command[0]} is not installed: {error}") from error
    except subprocess.CalledProcessError as error:
        raise BackupError(f"{command[0]} failed: {error.stderr.strip()}") from error


def _counted_models():
    return [model for model in apps.get_models() if model._meta.managed and not model._meta.proxy]


def row_counts() -> dict[str, int]:
    """Rows per model in this process's database, for every model with a table of its own."""
    counts = {model._meta.label: model._base_manager.count() for model in _counted_models()}
    return dict(sorted(counts.items()))


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def backup_create(*, target: Path, storage: Storage | None = None) -> dict[str, Any]:
    """Writes the archive to ``target`` and returns its manifest."""
    storage = storage or default_storage
    connection = connections[DEFAULT_DB_ALIAS]
    engine = _engine(connection.settings_dict)
    target = Path(target)
    with tempfile.TemporaryDirectory() as workdir:
        workdir = Path(workdir)
        # The counts and the file names come from the very state that is dumped (the copy,
        # or the transaction snapshot pg_dump shares), not from the live database afterwards:
        # a running application writes sessions and audit entries all the time.
        if engine == "sqlite":
            dump = workdir / "database.sqlite3"
            connection.ensure_connection()
            destination = sqlite3.connect(dump)
            try:
                connection.connection.backup(destination)
            finally:
                destination.close()
            rows, names = _state_of({"ENGINE": SQLITE, "NAME": str(dump)})
        else:
            dump = workdir / "database.pgdump"
            rows, names = _pg_dump_consistent(connection.settings_dict, dump)
        files = []
        for name in names:
            with storage.open(name, "rb") as handle:
                data = handle.read()
            files.append({"name": name, "size": len(data), "sha256": _sha256(data)})
            path = workdir / "files" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "engine": engine,
            "database": dump.name,
            "rows": rows,
            "files": files,
        }
        (workdir / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        # Only its owner may read it: it holds password hashes and second-factor secrets.
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
            archive.add(workdir / "manifest.json", arcname="manifest.json")
            archive.add(dump, arcname=dump.name)
            if files:
                archive.add(workdir / "files", arcname="files")
        partial.replace(target)  # a half-written archive never carries the final name
    return manifest


@contextmanager
def target_cursor(settings_dict: dict[str, Any]):
    """A plain DB-API cursor on the target database (not one of Django's connections: the
    target is not the database this process serves)."""
    if _engine(settings_dict) == "sqlite":
        raw = sqlite3.connect(settings_dict["NAME"])
    else:
        import psycopg

        raw = psycopg.connect(
            dbname=settings_dict["NAME"],
            host=settings_dict.get("HOST") or None,
            port=settings_dict.get("PORT") or None,
            user=settings_dict.get("USER") or None,
            password=settings_dict.get("PASSWORD") or None,
            autocommit=True,
        )
    try:
        cursor = raw.cursor()
        try:
            yield cursor
        finally:
            cursor.close()
        raw.commit()  # SQLite's writes (PostgreSQL's are in autocommit)
    finally:
        raw.close()


def _tables(settings_dict: dict[str, Any]) -> list[str]:
    if _engine(settings_dict) == "sqlite":
        if not Path(settings_dict["NAME"]).exists():
            return []
        query = "SELECT name FROM sqlite_master WHERE type = 'table'"
    else:
        query = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
    with target_cursor(settings_dict) as cursor:
        cursor.execute(query)
        return [row[0] for row in cursor.fetchall()]


def _carried_files(cursor) -> list[str]:
    """The names of the files the registered file fields hold in a database (a backup copy)."""
    names: dict[str, None] = {}
    for carried in carried_files():
        table, column = carried.table, carried.column
        cursor.execute(
            f'SELECT DISTINCT "{column}" FROM "{table}" WHERE "{column}" <> \'\' '  # noqa: S608
            f'ORDER BY "{column}"'
        )
        names.update(dict.fromkeys(row[0] for row in cursor.fetchall()))
    return list(names)


def _state_of(settings_dict: dict[str, Any]) -> tuple[dict[str, int], list[str]]:
    """Rows per model and the carried files of a database (a backup copy)."""
    rows = target_row_counts(settings_dict)
    with target_cursor(settings_dict) as cursor:
        return rows, _carried_files(cursor)


def _pg_dump_consistent(settings_dict: dict[str, Any], dump: Path):
    """pg_dump of the snapshot of a REPEATABLE READ transaction, counted in that snapshot."""
    import psycopg

    raw = psycopg.connect(
        dbname=settings_dict["NAME"],
        host=settings_dict.get("HOST") or None,
        port=settings_dict.get("PORT") or None,
        user=settings_dict.get("USER") or None,
        password=settings_dict.get("PASSWORD") or None,
    )
    try:
        with raw.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            rows = {}
            for model in _counted_models():
                cursor.execute(f'SELECT COUNT(*) FROM "{model._meta.db_table}"')  # noqa: S608
                rows[model._meta.label] = cursor.fetchone()[0]
            names = _carried_files(cursor)
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={dump}",
                ],
                _pg_env(settings_dict),
            )
        raw.rollback()
    finally:
        raw.close()
    return dict(sorted(rows.items())), names


def target_row_counts(settings_dict: dict[str, Any]) -> dict[str, int]:
    """Rows per model in the target database, counted table by table."""
    counts = {}
    with target_cursor(settings_dict) as cursor:
        for model in _counted_models():
            cursor.execute(f'SELECT COUNT(*) FROM "{model._meta.db_table}"')  # noqa: S608
            counts[model._meta.label] = cursor.fetchone()[0]
    return dict(sorted(counts.items()))


def _ensure_empty(settings_dict: dict[str, Any]) -> None:
    tables = _tables(settings_dict)
    if tables:
        raise BackupError(
            f"The target database is not empty ({len(tables)} tables); a restore only goes into "
            "an empty database."
        )


def _extract(source: Path, workdir: str) -> None:
    try:
        with tarfile.open(source, "r:gz") as archive:
            for member in archive.getmembers():
                path = Path(member.name)
                if path.is_absolute() or ".." in path.parts:
                    raise BackupError(f"Unsafe entry in the archive: {member.name}")
                if not (member.isfile() or member.isdir()):
                    raise BackupError(f"Unsafe entry in the archive: {member.name}")
            archive.extractall(workdir, filter="data")
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"Not a backup archive: {source} ({error})") from error


def backup_restore(
    *,
    source: Path,
    database: dict[str, Any] | None = None,
    storage: Storage | None = None,
) -> RestoreResult:
    """Restores the archive at ``source`` into the (empty) ``database`` and ``storage``
    (by default: the configured ones), then checks every row count and file against it."""
    storage = storage or default_storage
    settings_dict = dict(database or connections[DEFAULT_DB_ALIAS].settings_dict)
    engine = _engine(settings_dict)
    with tempfile.TemporaryDirectory() as workdir:
        _extract(source, workdir)
        workdir = Path(workdir)
        try:
            manifest = json.loads((workdir / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise BackupError(f"The archive has no readable manifest: {error}") from error
        if manifest.get("format") != FORMAT:
            raise BackupError(f"Unknown archive format: {manifest.get('format')!r}")
        if manifest["engine"] != engine:
            raise BackupError(
                f"The archive holds a {manifest['engine']} database; the target is {engine}."
            )
        # Files first: their hashes are checked before the database is touched.
        for entry in manifest["files"]:
            data = (workdir / "files" / entry["name"]).read_bytes()
            if _sha256(data) != entry["sha256"]:
                raise BackupError(f"The archive's copy of {entry['name']} is damaged.")
        _ensure_empty(settings_dict)
        dump = workdir / manifest["database"]
        if engine == "sqlite":
            Path(settings_dict["NAME"]).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(dump, settings_dict["NAME"])
        else:
            _run(
                [
                    "pg_restore",
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    "--single-transaction",
                    f"--dbname={settings_dict['NAME']}",
                    str(dump),
                ],
                _pg_env(settings_dict),
            )
        for entry in manifest["files"]:
            data = (workdir / "files" / entry["name"]).read_bytes()
            if storage.exists(entry["name"]):
                with storage.open(entry["name"], "rb") as handle:
                    if _sha256(handle.read()) == entry["sha256"]:
                        continue
                storage.delete(entry["name"])
            saved = storage.save(entry["name"], ContentFile(data))
            if saved != entry["name"]:
                raise BackupError(f"The storage saved {entry['name']} as {saved}.")
    rows = target_row_counts(settings_dict)
    differences = {
        label: (count, rows.get(label))
        for label, count in manifest["rows"].items()
        if rows.get(label) != count
    }
    if differences:
        raise BackupError(f"The restored database differs from the archive: {differences}")
    for entry in manifest["files"]:
        with storage.open(entry["name"], "rb") as handle:
            if _sha256(handle.read()) != entry["sha256"]:
                raise BackupError(f"{entry['name']} was not restored intact.")
    sessions_ended = _forget_before(settings_dict)
    return RestoreResult(rows=rows, files=len(manifest["files"]), sessions_ended=sessions_ended)


def _forget_before(settings_dict: dict[str, Any]) -> int:
    """Nothing kept from before the restore is served after it; returns the sessions ended.

    - The page cache (rodedraden.pagecache) keeps pages under the data version they were made
      of, and the restored database holds the version of the moment of the backup: the next
      write would raise it to a number the lost timeline used already, whose pages (made of
      data the restore undid) are still in the cache, in Redis and in the memory of every
      running process. The restored database gets a number no page was kept under: the clock
      in nanoseconds, which no version reached (each starts from the clock and goes up by one
      per write).
    - Sessions: the restored table holds the sessions of the moment of the backup, some of
      them ended since (a sign-out, a password reset, an account removed), and the cache in
      front of them (``cached_db``) holds sessions the restored database never saw, of users
      whose rows may now be older, different or gone. All of them end: everybody signs in
      again, against the restored accounts.
    - The caches (``CACHES``: the default one with those sessions, the pages) are emptied.
      What is cached in a process by a pure function of its input (the scanner's word lists,
      the stems of the suggestions, a body kind's fields) cannot go stale, and the login
      lockout and the second factors live in the database, restored with it.
    """
    table = DataVersion._meta.db_table
    with target_cursor(settings_dict) as cursor:
        cursor.execute(f'SELECT number FROM "{table}" WHERE id = {ROW}')  # noqa: S608
        row = cursor.fetchone()
        number = max(time.time_ns(), (row[0] if row else 0) + 1)
        if row:
            cursor.execute(f'UPDATE "{table}" SET number = {number} WHERE id = {ROW}')  # noqa: S608
        else:
            cursor.execute(f'INSERT INTO "{table}" (id, number) VALUES ({ROW}, {number})')  # noqa: S608
        cursor.execute(f'SELECT COUNT(*) FROM "{Session._meta.db_table}"')  # noqa: S608
        sessions = cursor.fetchone()[0]
        cursor.execute(f'DELETE FROM "{Session._meta.db_table}"')  # noqa: S608
    failed = [alias for alias in settings.CACHES if not _cache_emptied(alias)]
    if failed:
        raise BackupError(
            "The restore is complete, but the cache could not be emptied "
            f"({', '.join(failed)}): empty it (CACHE_URL's Redis database) before the "
            "application starts again, or pages and sessions from before the restore are served."
        )
    return sessions


def _cache_emptied(alias: str) -> bool:
    """Empties one cache: only this application's keys in a shared Redis (its prefix and
    version, never the broker's), the whole cache otherwise."""
    cache = caches[alias]
    try:
        if hasattr(cache, "delete_pattern"):  # django-redis: None when Redis was not reached
            return cache.delete_pattern("*") is not None
        cache.clear()
    except Exception:
        return False
    return True
