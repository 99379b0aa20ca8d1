"""``python manage.py scan_personal_data``: the anonymisation guard for batch checks.

Reads JSON Lines from standard input, each object with a ``text`` field, and writes one JSON
object per input line, in the same order::

    {"redacted": "...", "findings": [{"type": "naam", "start": 0, "end": 5}, ...]}

A line that is not such an object gets ``{"error": "..."}`` in its place; the command then
ends with exit status 1 after all lines were answered. Offsets count characters (code points).
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from signals.anonymisation import get_scanner, scan


class Command(BaseCommand):
    stealth_options = ("stdin",)  # tests pass a file object instead of standard input
    help = gettext_lazy(
        "Scan texts for personal data: JSON Lines with a 'text' field on standard input, one "
        "JSON object with the redacted text and the findings per line on standard output."
    )

    def handle(self, *args, **options):
        get_scanner()  # load the word lists before the first line is read
        stdin = options.get("stdin") or sys.stdin
        errors = 0
        for number, line in enumerate(stdin, start=1):
            answer = self._answer(line, number)
            errors += "error" in answer
            self.stdout.write(json.dumps(answer, ensure_ascii=False))
            self.stdout.flush()
        if errors:
            raise CommandError(
                ngettext(
                    "%(count)s line could not be scanned; see the error object in the output.",
                    "%(count)s lines could not be scanned; see the error objects in the output.",
                    errors,
                )
                % {"count": errors}
            )

    @staticmethod
    def _answer(line: str, number: int) -> dict:
        try:
            record = json.loads(line)
        except ValueError:
            return {"error": _("line %(number)s: not valid JSON") % {"number": number}}
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            return {
                "error": _("line %(number)s: expected an object with a text field")
                % {"number": number}
            }
        return scan(record["text"]).as_dict()
