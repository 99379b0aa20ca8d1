"""The anonymisation guard: finds personal data in free text and proposes a redaction.

Every write path (the signal form, the import, the admin) calls :func:`scan` before it saves
free text; only text without findings, or the redacted text, is ever stored. Use it as::

    result = scan(text)
    if result.findings:
        ...  # show result.segments() to the user, offer result.redacted

The word lists are loaded once per process, on first use (:func:`get_scanner`).
"""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass, field
from functools import cache

from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from .lexicon import load_lexicon
from .scanner import (
    ADRES,
    BSN,
    EMAIL,
    GEBOORTEDATUM,
    IBAN,
    KENTEKEN,
    NAAM,
    POSTCODE,
    TELEFOON,
    Finding,
    Scanner,
)

logger = logging.getLogger(__name__)

FINDING_TYPES = (NAAM, ADRES, POSTCODE, BSN, IBAN, TELEFOON, EMAIL, GEBOORTEDATUM, KENTEKEN)

# The placeholder that replaces each kind of personal data (the same in every language: it
# ends up in the stored text).
REDACTIONS = {kind: f"[{kind.upper()}]" for kind in FINDING_TYPES}

LABELS = {
    NAAM: _("name"),
    ADRES: _("address"),
    POSTCODE: _("postcode"),
    BSN: _("citizen service number (BSN)"),
    IBAN: _("bank account number (IBAN)"),
    TELEFOON: _("telephone number"),
    EMAIL: _("e-mail address"),
    GEBOORTEDATUM: _("date of birth"),
    KENTEKEN: _("licence plate"),
}


@dataclass(frozen=True)
class Segment:
    """A piece of scanned text: plain, or a finding with its proposed replacement."""

    text: str
    finding: Finding | None = None

    @property
    def redaction(self) -> str:
        return REDACTIONS[self.finding.type] if self.finding else self.text

    @property
    def label(self):
        return LABELS[self.finding.type] if self.finding else ""


@dataclass(frozen=True)
class ScanResult:
    # repr=False: a result that ends up in a log or a traceback must not show the text.
    text: str = field(repr=False)
    findings: tuple[Finding, ...]

    @property
    def clean(self) -> bool:
        return not self.findings

    @property
    def redacted(self) -> str:
        parts, position = [], 0
        for finding in self.findings:
            parts.append(self.text[position : finding.start])
            parts.append(REDACTIONS[finding.type])
            position = finding.end
        parts.append(self.text[position:])
        return "".join(parts)

    @property
    def types(self) -> list[str]:
        """The kinds found, each once, in the order of FINDING_TYPES."""
        found = {finding.type for finding in self.findings}
        return [kind for kind in FINDING_TYPES if kind in found]

    @property
    def labels(self) -> list:
        return [LABELS[kind] for kind in self.types]

    def segments(self) -> list[Segment]:
        segments, position = [], 0
        for finding in self.findings:
            if finding.start > position:
                segments.append(Segment(self.text[position : finding.start]))
            segments.append(Segment(self.text[finding.start : finding.end], finding))
            position = finding.end
        if position < len(self.text):
            segments.append(Segment(self.text[position:]))
        return segments

    def as_dict(self) -> dict:
        return {"redacted": self.redacted, "findings": [f.as_dict() for f in self.findings]}


@cache
def get_scanner() -> Scanner:
    """The process-wide scanner (its word lists are read on the first call)."""
    return Scanner(load_lexicon())


class ScanFailed(RuntimeError):
    """The scanner failed on a text; the text itself is in no message and no traceback."""


@sensitive_variables()
def scan(text: str) -> ScanResult:
    text = text or ""
    try:
        findings = get_scanner().findings(text)
    except Exception as error:
        # The frames of the scanner hold the text: they stay out of logs and error reports.
        # What failed where is enough to find the bug.
        frame = traceback.extract_tb(error.__traceback__)[-1]
        logger.error(
            "The anonymisation scanner failed: %s in %s line %s",
            type(error).__name__,
            frame.name,
            frame.lineno,
        )
        raise ScanFailed("The anonymisation scanner failed.") from None
    return ScanResult(text=text, findings=findings)


__all__ = [
    "FINDING_TYPES",
    "LABELS",
    "REDACTIONS",
    "Finding",
    "ScanFailed",
    "ScanResult",
    "Segment",
    "get_scanner",
    "scan",
]
