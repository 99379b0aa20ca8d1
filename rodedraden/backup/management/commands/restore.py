"""``python manage.py restore ARCHIVE``: puts a backup back into an empty database.

The database named by DATABASE_URL must be empty (a new SQLite file, or a PostgreSQL database
made with createdb); the files go into the configured storage. Afterwards every row count and
every file's SHA-256 is checked against the archive. See the README, "Backup and restore".
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rodedraden.backup.services import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore a backup archive into an empty database and the configured file storage."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="the archive made by manage.py backup")

    def handle(self, *args, archive: Path, **options):
        if not archive.is_file():
            raise CommandError(f"{archive} does not exist.")
        try:
            result = backup_restore(source=archive)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {sum(result.rows.values())} rows and {result.files} files; "
                "every count and every file checked against the archive. "
                f"{result.sessions_ended} sessions ended (everybody signs in again), "
                "the caches emptied."
            )
        )
