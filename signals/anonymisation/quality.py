"""Measuring the guard against a labelled corpus (used by the tests and by ``make bench``).

The corpus is JSON Lines: ``{"text": "...", "expect": [{"type": "naam", "value": "..."}]}``,
where each ``value`` is a substring of ``text`` that must be redacted (see
``tests/signals/data/README.md``). :func:`evaluate` measures, per type:

- recall: an expected item counts as caught when findings cover every one of its characters;
  with ``typed`` (the default) only findings of its own type count, untyped any finding does.
- precision: a finding of type T is a true positive when it overlaps (shares at least one
  character with) an expected item of type T in the same text; precision(T) is the true-positive
  findings of T over all findings of T. A finding of type T that overlaps only expected items
  of other types (a street found as a name) is a false positive of its own type T, and it
  counts for no other type's precision. Untyped, a finding that overlaps an expected item of
  any type is a true positive of its own type. Every finding counts once, so a name found in
  two pieces gives two true positives; a finding on a clean text is always a false positive.

and over the texts: the share of clean texts (nothing expected) that get no finding at all,
and the findings that overlap nothing expected (``spurious``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .scanner import Finding

STRUCTURED = ("postcode", "bsn", "iban", "telefoon", "email", "geboortedatum", "kenteken")
CONTEXTUAL = ("naam", "adres")


@dataclass(frozen=True)
class Expected:
    type: str
    start: int
    end: int


@dataclass(frozen=True)
class Example:
    line: int
    text: str
    expected: tuple[Expected, ...]


@dataclass
class Quality:
    examples: int = 0
    clean_examples: int = 0
    clean_untouched: int = 0
    expected: dict[str, int] = field(default_factory=dict)
    caught: dict[str, int] = field(default_factory=dict)
    found: dict[str, int] = field(default_factory=dict)  # findings per type
    true_positives: dict[str, int] = field(default_factory=dict)  # of the findings per type
    spurious: int = 0  # findings on a text that overlap nothing expected
    missed: list[tuple[int, str, str]] = field(default_factory=list)  # (line, type, value)
    false_positives: list[tuple[int, str, str]] = field(default_factory=list)  # the same
    touched_clean: list[int] = field(default_factory=list)  # lines

    def recall(self, kind: str) -> float:
        """Caught over expected items of ``kind``; 1.0 when none is expected."""
        total = self.expected.get(kind, 0)
        return self.caught.get(kind, 0) / total if total else 1.0

    def precision(self, kind: str) -> float | None:
        """True-positive findings of ``kind`` over all its findings; None when there are none."""
        total = self.found.get(kind, 0)
        return self.true_positives.get(kind, 0) / total if total else None

    def recall_of(self, kinds: Iterable[str]) -> float:
        total = sum(self.expected.get(kind, 0) for kind in kinds)
        caught = sum(self.caught.get(kind, 0) for kind in kinds)
        return caught / total if total else 1.0

    @property
    def clean_rate(self) -> float:
        return self.clean_untouched / self.clean_examples if self.clean_examples else 1.0

    def as_dict(self) -> dict:
        """The figures: recall of each type expected, precision of each type found, and the
        counts behind both for every type that was expected or found."""
        kinds = sorted(self.expected.keys() | self.found.keys())
        return {
            "examples": self.examples,
            "clean_examples": self.clean_examples,
            "clean_untouched": round(self.clean_rate, 4),
            "recall": {kind: round(self.recall(kind), 4) for kind in sorted(self.expected)},
            "precision": {
                kind: round(self.precision(kind) or 0.0, 4) for kind in sorted(self.found)
            },
            "counts": {
                kind: {
                    "expected": self.expected.get(kind, 0),
                    "caught": self.caught.get(kind, 0),
                    "findings": self.found.get(kind, 0),
                    "true_positives": self.true_positives.get(kind, 0),
                }
                for kind in kinds
            },
            "recall_names_and_addresses": round(self.recall_of(CONTEXTUAL), 4),
            "recall_structured": round(self.recall_of(STRUCTURED), 4),
            "spurious_findings": self.spurious,
        }


def load_corpus(path: Path) -> list[Example]:
    examples = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            record = json.loads(line)
            text = record["text"]
            expected, seen = [], {}
            for item in record["expect"]:
                value = item["value"]
                start = text.find(value, seen.get(value, 0))
                if start < 0:
                    raise ValueError(f"line {number}: {value!r} does not occur (again) in text")
                seen[value] = start + len(value)
                expected.append(Expected(item["type"], start, start + len(value)))
            examples.append(Example(number, text, tuple(expected)))
    return examples


def _covered(expected: Expected, findings: Iterable[Finding]) -> bool:
    covered = [False] * (expected.end - expected.start)
    for finding in findings:
        for position in range(max(finding.start, expected.start), min(finding.end, expected.end)):
            covered[position - expected.start] = True
    return all(covered)


def evaluate(
    examples: list[Example],
    find: Callable[[str], Iterable[Finding]],
    *,
    typed: bool = True,
) -> Quality:
    """Scan every example with ``find`` and count recall, precision and clean texts (see the
    module's docstring for what counts how)."""
    quality = Quality()
    for example in examples:
        findings = list(find(example.text))
        quality.examples += 1
        if not example.expected:
            quality.clean_examples += 1
            if findings:
                quality.touched_clean.append(example.line)
            else:
                quality.clean_untouched += 1
        for item in example.expected:
            quality.expected[item.type] = quality.expected.get(item.type, 0) + 1
            relevant = [f for f in findings if f.type == item.type] if typed else findings
            if _covered(item, relevant):
                quality.caught[item.type] = quality.caught.get(item.type, 0) + 1
            else:
                value = example.text[item.start : item.end]
                quality.missed.append((example.line, item.type, value))
        for finding in findings:
            overlapped = [item for item in example.expected if _overlaps(finding, item)]
            if not overlapped:
                quality.spurious += 1
            quality.found[finding.type] = quality.found.get(finding.type, 0) + 1
            if any(item.type == finding.type or not typed for item in overlapped):
                quality.true_positives[finding.type] = (
                    quality.true_positives.get(finding.type, 0) + 1
                )
            else:
                value = example.text[finding.start : finding.end]
                quality.false_positives.append((example.line, finding.type, value))
    return quality


def _overlaps(finding: Finding, item: Expected) -> bool:
    return finding.start < item.end and item.start < finding.end
