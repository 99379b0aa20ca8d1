"""Backup and restore: an archive made from a live database restores into an EMPTY database
(PostgreSQL through pg_dump/pg_restore in the PostgreSQL run, a new SQLite file in the
embedded run) with every record and every memo PDF, byte for byte."""

import hashlib
import tarfile
import uuid
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from deliberation.models import BeraadState
from reports import services as report_services
from reports.models import Memo, MemoState
from rodedraden.backup import services
from signals.models import Signal
from tests.reports.helpers import memo_session

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def memo_storage(settings, tmp_path):
    """Memo files in a folder, as in the embedded mode."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    from django.core.files.storage import default_storage

    return default_storage


@pytest.fixture
def empty_database(tmp_path):
    """The settings of a new, empty database beside the test database."""
    settings_dict = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        settings_dict["NAME"] = str(tmp_path / "restored.sqlite3")
        yield settings_dict
        return
    name = f"restore_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    settings_dict["NAME"] = name
    try:
        yield settings_dict
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def scenario(chair, reader, body, other_body, memo_storage):
    """A whole session with signals, tags, an analysis, a recommendation and two rendered
    memo PDFs (a concept and the definitive one)."""
    session = memo_session(chair=chair, reader=reader, body=body, other_body=other_body)
    beraad = session["beraad"]
    concept = report_services.memo_request(beraad=beraad, user=chair)
    from tests.deliberation.helpers import advance

    beraad = advance(beraad, chair, BeraadState.VASTGESTELD)
    definitive = report_services.memo_request(beraad=beraad, user=chair, definitive=True)
    memos = list(Memo.objects.filter(pk__in=[concept.pk, definitive.pk]))
    assert [memo.state for memo in memos] == [MemoState.KLAAR, MemoState.KLAAR]
    return {"beraad": beraad, "memos": memos}


def test_a_backup_restores_into_an_empty_database_with_every_record_and_pdf(
    scenario, empty_database, tmp_path
):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive))
    assert archive.stat().st_mode & 0o777 == 0o600  # hashes and second-factor secrets inside
    original_counts = services.row_counts()
    assert original_counts["signals.Signal"] >= 4
    assert original_counts["reports.Memo"] == 2

    restored_storage = FileSystemStorage(location=tmp_path / "restored-media")
    result = services.backup_restore(
        source=archive, database=empty_database, storage=restored_storage
    )

    # Every record …
    assert result.rows == original_counts
    assert services.target_row_counts(empty_database) == original_counts
    with services.target_cursor(empty_database) as cursor:
        cursor.execute(f'SELECT title FROM "{Signal._meta.db_table}"')  # noqa: S608
        restored_titles = {row[0] for row in cursor.fetchall()}
        cursor.execute(f'SELECT id, file, sha256 FROM "{Memo._meta.db_table}"')  # noqa: S608
        restored_memos = {row[0]: (row[1], row[2]) for row in cursor.fetchall()}
    assert restored_titles == set(Signal.objects.values_list("title", flat=True))
    # … and every PDF, byte for byte.
    assert result.files == 2
    for memo in scenario["memos"]:
        name, sha256 = restored_memos[memo.pk]
        assert name == memo.file.name
        with restored_storage.open(name, "rb") as handle:
            data = handle.read()
        assert data.startswith(b"%PDF")
        assert hashlib.sha256(data).hexdigest() == sha256 == memo.sha256


def test_a_restore_never_overwrites_a_database_in_use(scenario, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    services.backup_create(target=archive)
    before = services.row_counts()
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive))
    assert services.row_counts() == before


def test_a_damaged_archive_is_refused_before_anything_is_written(
    scenario, empty_database, tmp_path
):
    archive = tmp_path / "backup.tar.gz"
    services.backup_create(target=archive)
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive, "r:gz") as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member) if member.isfile() else None
            if data is not None and member.name.startswith("files/"):
                content = data.read().replace(b"%PDF", b"%PDX", 1)
                member.size = len(content)
                import io

                target.addfile(member, io.BytesIO(content))
            else:
                target.addfile(member, data)
    storage = FileSystemStorage(location=tmp_path / "restored-media")
    with pytest.raises(services.BackupError, match="damaged"):
        services.backup_restore(source=damaged, database=empty_database, storage=storage)
    assert not Path(tmp_path / "restored-media").exists() or not any(
        Path(tmp_path / "restored-media").rglob("*.pdf")
    )
    assert services._tables(empty_database) == []


def test_something_that_is_no_archive_gets_a_clear_error(tmp_path, db):
    bogus = tmp_path / "bogus.tar.gz"
    bogus.write_bytes(b"no archive at all")
    with pytest.raises(CommandError, match="Not a backup archive"):
        call_command("restore", str(bogus))
