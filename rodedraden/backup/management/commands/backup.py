"""``python manage.py backup ARCHIVE``: the database and every memo file in one archive.

Works in the embedded mode (SQLite, copied with its online backup while the application runs)
and on PostgreSQL (pg_dump, which must be installed). See the README, "Backup and restore".
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rodedraden.backup.services import BackupError, backup_create


class Command(BaseCommand):
    help = "Write the database and every memo file to one .tar.gz archive."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="where to write the archive (.tar.gz)")

    def handle(self, *args, archive: Path, **options):
        if archive.exists():
            raise CommandError(f"{archive} exists already; choose a new name.")
        try:
            manifest = backup_create(target=archive)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["rows"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {archive}: {manifest['engine']} database with {rows} rows, "
                f"{len(manifest['files'])} files."
            )
        )
