"""The anonymisation guard as the services apply it: no free text with personal data is saved.

Forms and the import give people the chance to accept a proposed redaction first; this is the
last line, on every write path, and it refuses what still holds personal data. Its messages
name the fields and the kinds of data found, never the text itself.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .anonymisation import LABELS, ScanResult, scan


class PersonalDataFound(ValidationError):
    """Free text holds personal data. ``results`` maps each field to its scan result."""

    def __init__(self, results: Mapping[str, ScanResult]):
        self.results = dict(results)
        super().__init__(
            {name: [personal_data_message(result)] for name, result in self.results.items()}
        )


def personal_data_message(result: ScanResult):
    kinds = ", ".join(str(LABELS[kind]) for kind in result.types)
    return format_lazy(
        "{}: {}. {}",
        _("Contains personal data"),
        kinds,
        _("Remove it, or accept the proposed redaction."),
    )


def scan_fields(texts: Mapping[str, str]) -> dict[str, ScanResult]:
    """The fields whose text holds personal data, with what was found."""
    results = {name: scan(text) for name, text in texts.items() if text}
    return {name: result for name, result in results.items() if result.findings}


def ensure_no_personal_data(texts: Mapping[str, str]) -> None:
    found = scan_fields(texts)
    if found:
        raise PersonalDataFound(found)
