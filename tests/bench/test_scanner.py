"""The scanner benchmark's figures (bench/scanner.py, make bench runs it on the real corpora),
here on a tiny made-up corpus of three files: recall and precision per corpus and per type, the
clean texts touched, the targets per corpus and the rows of the table."""

import json

import pytest

from bench import scanner
from bench.__main__ import table
from bench.common import Report
from signals.anonymisation.quality import evaluate, load_corpus
from signals.anonymisation.scanner import Finding

CORPORA = {
    "anonymisation_corpus.jsonl": [
        (
            "Mevrouw Jansen belde 06-12345678.",
            [("naam", "Jansen"), ("telefoon", "06-12345678")],
        ),
        ("Hij woont op Kerkstraat 12 in Enschede.", [("adres", "Kerkstraat 12")]),
        ("Wij ontvingen 14 klachten over de bakker.", []),
        ("Het college besloot op 3 maart.", []),
    ],
    "anonymisation_corpus_2.jsonl": [
        (
            "Stuur het naar j.jansen@example.nl of bel 0612345678.",
            [("email", "j.jansen@example.nl"), ("telefoon", "0612345678")],
        ),
        ("Het kenteken was AB-123-C.", [("kenteken", "AB-123-C")]),
        ("Zie artikel 7:1 Awb.", []),
    ],
    # Numbered after 2: sorted by its number, not by its name.
    "anonymisation_corpus_10.jsonl": [("Een schone zin.", [])],
}

# What the made-up scanner finds, per text: (type, value).
FOUND = {
    "Mevrouw Jansen belde 06-12345678.": [("naam", "Jansen"), ("telefoon", "06-12345678")],
    # The street also as a name: a false positive of naam that overlaps the address.
    "Hij woont op Kerkstraat 12 in Enschede.": [("naam", "Kerkstraat"), ("adres", "Kerkstraat 12")],
    # A clean text touched: a false positive of naam that overlaps nothing.
    "Wij ontvingen 14 klachten over de bakker.": [("naam", "bakker")],
    # The phone number missed; the plate found in part (overlaps: right, but not caught).
    "Stuur het naar j.jansen@example.nl of bel 0612345678.": [("email", "j.jansen@example.nl")],
    "Het kenteken was AB-123-C.": [("kenteken", "AB-123")],
}


def find(text):
    return [
        Finding(kind, text.index(value), text.index(value) + len(value))
        for kind, value in FOUND.get(text, [])
    ]


def find_nothing(text):
    return []


@pytest.fixture
def corpora(tmp_path):
    for name, lines in CORPORA.items():
        records = [
            {"text": text, "expect": [{"type": kind, "value": value} for kind, value in expect]}
            for text, expect in lines
        ]
        (tmp_path / name).write_text(
            "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records),
            encoding="utf-8",
        )
    (tmp_path / "other.jsonl").write_text("", encoding="utf-8")
    return scanner.corpus_files(tmp_path)


def test_every_corpus_file_is_taken_in_the_order_of_its_number(corpora):
    assert [path.name for path in corpora] == [
        "anonymisation_corpus.jsonl",
        "anonymisation_corpus_2.jsonl",
        "anonymisation_corpus_10.jsonl",
    ]
    assert [scanner.corpus_label(path) for path in corpora] == [
        "corpus 1",
        "corpus 2",
        "corpus 10",
    ]


def test_precision_counts_a_finding_of_another_type_as_a_false_positive_of_its_own(corpora):
    quality = evaluate(load_corpus(corpora[0]), find)
    assert quality.recall("naam") == 1.0
    assert quality.precision("naam") == pytest.approx(1 / 3)  # Jansen right; Kerkstraat, bakker
    assert quality.precision("adres") == 1.0
    assert quality.precision("telefoon") == 1.0
    assert quality.precision("iban") is None  # no findings
    assert quality.false_positives == [(2, "naam", "Kerkstraat"), (3, "naam", "bakker")]
    assert quality.clean_rate == 0.5
    assert quality.touched_clean == [3]
    assert quality.spurious == 1  # bakker: Kerkstraat overlaps the address
    # Untyped, the street found as a name overlaps an expected item: a true positive.
    assert evaluate(load_corpus(corpora[0]), find, typed=False).precision("naam") == pytest.approx(
        2 / 3
    )


def test_recall_and_precision_per_corpus_and_per_type(corpora):
    quality = scanner.corpus_quality(corpora, find)
    assert list(quality) == [str(path) for path in corpora]
    first, second, third = (quality[str(path)]["typed"] for path in corpora)
    assert first["recall"] == {"adres": 1.0, "naam": 1.0, "telefoon": 1.0}
    assert first["precision"] == {"adres": 1.0, "naam": 0.3333, "telefoon": 1.0}
    assert first["counts"]["naam"] == {
        "expected": 1,
        "caught": 1,
        "findings": 3,
        "true_positives": 1,
    }
    assert first["clean_untouched"] == 0.5
    # Corpus 2: the phone number missed and never found; the plate overlapped but not covered.
    assert second["recall"] == {"email": 1.0, "kenteken": 0.0, "telefoon": 0.0}
    assert second["precision"] == {"email": 1.0, "kenteken": 1.0}
    assert second["clean_untouched"] == 1.0
    assert third == {
        **third,
        "examples": 1,
        "clean_examples": 1,
        "recall": {},
        "precision": {},
        "clean_untouched": 1.0,
    }
    assert quality[str(corpora[0])]["untyped"]["precision"]["naam"] == 0.6667


def test_the_table_has_rows_per_corpus_and_type_with_targets_for_ours(corpora, monkeypatch):
    monkeypatch.setattr(scanner, "MIN_SCANS", 20)

    def prepare(found):
        return lambda: ((lambda: found), None)

    ours = scanner._measure(prepare(find), corpora, load_only=False)
    deduce = scanner._measure(prepare(find_nothing), corpora, load_only=False)
    assert ours["latency"]["scans"] >= 20
    assert set(ours["quality"]) == {str(path) for path in corpora}
    paths = [str(path) for path in corpora]
    rows = {metric.name: metric for metric in scanner.metrics(paths, ours, deduce, None)}

    assert rows["all corpora"].value == "3 files, 8 texts, 4 clean"
    assert rows["corpus 1"].value == "anonymisation_corpus.jsonl: 4 texts, 2 clean"
    naam = rows["corpus 1: recall naam"]
    assert (naam.value, naam.passed) == ("100.0 % (precision 33.3 %)", None)
    assert naam.compare == {"deduce": "0.0 % (no findings)"}
    assert rows["corpus 1: recall telefoon"].passed is True
    assert rows["corpus 1: recall iban"].value == "no examples (no findings)"
    assert rows["corpus 1: recall iban"].passed is None
    assert rows["corpus 1: recall names and addresses"].passed is True
    clean = rows["corpus 1: clean texts untouched"]
    assert (clean.value, clean.target, clean.passed) == ("50.0 %", "≥ 97 %", False)
    assert clean.compare == {"deduce": "100.0 %"}
    telefoon = rows["corpus 2: recall telefoon"]
    assert (telefoon.value, telefoon.target, telefoon.passed) == (
        "0.0 % (no findings)",
        "100 %",
        False,
    )
    assert rows["corpus 2: recall kenteken"].value == "0.0 % (precision 100.0 %)"
    assert rows["corpus 2: recall names and addresses"].value == "no examples"
    assert rows["corpus 2: recall names and addresses"].passed is None
    assert rows["corpus 2: clean texts untouched"].passed is True
    assert rows["corpus 10: clean texts untouched"].passed is True
    failed = {metric.name for metric in rows.values() if metric.passed is False}
    assert failed == {
        "corpus 1: clean texts untouched",
        "corpus 2: recall telefoon",
        "corpus 2: recall kenteken",
    }
    # One Markdown table, deduce as a column without targets.
    printed = table([Report("scanner", list(rows.values()), {})])
    assert printed.splitlines()[0].split("|")[1:-1][5].strip() == "deduce"
    assert "| corpus 2: recall telefoon " in printed


def test_a_typed_recall_that_differs_untyped_is_shown_beside_it():
    typed = {"recall": {"adres": 0.5}, "precision": {"adres": 1.0}}
    untyped = {"recall": {"adres": 1.0}, "precision": {"adres": 1.0}}
    assert (
        scanner.type_cell(typed, untyped, "adres") == "50.0 % (any type 100.0 %; precision 100.0 %)"
    )
