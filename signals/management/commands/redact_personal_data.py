"""``python manage.py redact_personal_data [--apply]``: personal data stored before the guard.

Rows written before every free-text field was guarded may still hold names or numbers. The
command counts them per field (never showing the data); with ``--apply`` it replaces the
personal data by the placeholders ([NAAM], [BSN], …), as the form proposes. Run it once after
upgrading, first without ``--apply``.
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from signals.services import stored_personal_data_redact


class Command(BaseCommand):
    help = gettext_lazy(
        "Count the personal data that rows stored before the guard still hold, per field; "
        "with --apply, replace it by placeholders."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--apply",
            action="store_true",
            help=gettext_lazy("Replace the personal data by placeholders (without: count only)."),
        )

    def handle(self, *args, **options):
        counts = stored_personal_data_redact(apply=options["apply"])
        for label, rows in sorted(counts.items()):
            self.stdout.write(f"{label}: {rows}")
        if not counts:
            self.stdout.write(_("No stored personal data found."))
        elif options["apply"]:
            self.stdout.write(
                _("Replaced by placeholders in %(rows)d fields of rows.")
                % {"rows": sum(counts.values())}
            )
        else:
            self.stdout.write(_("Nothing was changed. Run again with --apply to redact."))
