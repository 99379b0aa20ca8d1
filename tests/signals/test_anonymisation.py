"""The anonymisation guard's scanner: every kind of personal data in its usual forms, ordinary
content untouched, its quality on the project's labelled corpora, and the batch command."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signals.anonymisation import FINDING_TYPES, REDACTIONS, get_scanner, scan
from signals.anonymisation.quality import CONTEXTUAL, STRUCTURED, evaluate, load_corpus

DATA = Path(__file__).parent / "data"
CORPORA = sorted(DATA.glob("anonymisation_corpus*.jsonl"))


def found(text: str) -> list[tuple[str, str]]:
    return [(f.type, text[f.start : f.end]) for f in scan(text).findings]


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("bsn", "111222333"),
        ("bsn", "1112.22.333"),
        ("bsn", "111 222 333"),
        ("bsn", "111.222.333"),
        ("iban", "NL91ABNA0417164300"),
        ("iban", "NL91 ABNA 0417 1643 00"),
        ("iban", "nl91abna0417164300"),
        ("iban", "BE71096123456769"),
        ("iban", "DE89 3704 0044 0532 0130 00"),
        ("telefoon", "06-12345678"),
        ("telefoon", "06 12345678"),
        ("telefoon", "06 1234 5678"),
        ("telefoon", "0612345678"),
        ("telefoon", "+31 6 12345678"),
        ("telefoon", "+31 (0)6 1234 5678"),
        ("telefoon", "+316 12345678"),
        ("telefoon", "0031 6 12345678"),
        ("telefoon", "053-4812345"),
        ("telefoon", "053 481 23 45"),
        ("telefoon", "(053) 481 2345"),
        ("telefoon", "020-5551234"),
        ("telefoon", "+31 53 481 2345"),
        ("email", "j.devries@hotmail.com"),
        ("email", "fam.yilmaz1982@gmail.com"),
        ("postcode", "7511 AB"),
        ("postcode", "7511AB"),
        ("kenteken", "GZ-123-B"),
        ("kenteken", "12-KLB-4"),
        ("kenteken", "AB-12-34"),
        ("kenteken", "1-ABC-23"),
        ("kenteken", "XX-99-XX"),
    ],
)
def test_structured_identifiers_are_found_in_their_usual_forms(kind, value):
    text = f"Volgens het dossier ({value}) is de zaak niet goed afgehandeld."
    assert (kind, value) in found(text)
    assert value not in scan(text).redacted
    assert REDACTIONS[kind] in scan(text).redacted


def test_checksums_decide_for_bsn_and_iban():
    assert found("Zaaknummer 111222334 is gesloten.") == []  # fails the 11-proef
    assert found("Rekening NL91ABNA0417164301 klopt niet.") == []  # fails mod 97


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mevrouw Jansen belde drie keer.", [("naam", "Jansen")]),
        ("De heer P. de Vries wacht op een besluit.", [("naam", "P. de Vries")]),
        ("dhr. Ö. Demir diende een klacht in.", [("naam", "Ö. Demir")]),
        ("Volgens Mohamed El Idrissi is hij niet gehoord.", [("naam", "Mohamed El Idrissi")]),
        ("Behandelaar Sandra Kok reageerde niet.", [("naam", "Sandra Kok")]),
        ("Ook Kees vond de brief onduidelijk.", [("naam", "Kees")]),
        ("De familie Bakker kreeg geen antwoord.", [("naam", "Bakker")]),
        ("Mw. Van Dam belde opnieuw.", [("naam", "Van Dam")]),
        ("J. Oude Vrielink maakte bezwaar.", [("naam", "J. Oude Vrielink")]),
        ("Klaagster Nicole Oosterveld-Scholten vroeg om bemiddeling.",
         [("naam", "Nicole Oosterveld-Scholten")]),
        ("De aanvraag van Dariusz Lewandowski werd afgewezen.", [("naam", "Dariusz Lewandowski")]),
    ],
)  # fmt: skip
def test_names_are_found_from_their_context(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("Zij woont aan de Kerkstraat 14 in Enschede.", "Kerkstraat 14"),
        ("Het pand Oude Markt 3a staat leeg.", "Oude Markt 3a"),
        ("Post voor Van Lochemstraat 21-2 kwam niet aan.", "Van Lochemstraat 21-2"),
        ("De melding betrof Hengelosestraat 112-B.", "Hengelosestraat 112-B"),
    ],
)
def test_a_street_with_a_house_number_is_an_address(text, address):
    assert ("adres", address) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "Klaagster is geboren op 3 april 1968 en woont in Glanerbrug.",
        "Verzoeker (geb. 03-07-1962) vroeg om inzage.",
        "Geboortedatum: 1990-11-23, volgens het formulier.",
    ],
)
def test_a_date_of_birth_is_found_by_its_context(text):
    assert [kind for kind, _ in found(text)] == ["geboortedatum"]


@pytest.mark.parametrize(
    "text",
    [
        "In het tweede halfjaar van 2024 ontving de klachtencommissaris 143 klachten, 38% gegrond.",
        "Op 14 maart 2025 om 09:00 uur besprak de wethouder de uitkomst in het Stadskantoor.",
        "De termijn van artikel 7:10 Awb werd in 12 van de 40 zaken overschreden.",
        "Werkplein Twente en het Klantcontactcentrum in Enschede verwijzen inwoners naar elkaar.",
        "De burgemeester en de gemeentesecretaris ontvingen het rapport 2024-03.",
        "Bewoners van de Hengelosestraat klagen over de afvalinzameling.",
        "Bel voor vragen het algemene nummer 14 053.",
        "De Raad van State oordeelde op 15-04-2025 over artikel 6 AVG.",
        "Een terugbetaling van € 12.500 werd tussen 1 januari en 30 juni 2024 niet gedaan.",
        "Groot deel van de klachten ging over de Participatiewet en de Wet open overheid (Woo).",
    ],
)
def test_ordinary_content_passes_untouched(text):
    result = scan(text)
    assert result.findings == ()
    assert result.redacted == text


def test_the_redacted_text_holds_nothing_more_to_find():
    text = (
        "Mevrouw Jansen (BSN 111222333, tel. 06-12345678) van de Kerkstraat 14, 7511 AB "
        "Enschede, geboren op 3 april 1968, mailde j.jansen@hotmail.com over NL91ABNA0417164300 "
        "en kenteken GZ-123-B."
    )
    result = scan(text)
    assert set(result.types) == set(FINDING_TYPES)
    assert scan(result.redacted).findings == ()
    assert result.redacted.startswith("Mevrouw [NAAM] (BSN [BSN], tel. [TELEFOON])")


def test_segments_rebuild_the_text_and_mark_each_finding():
    text = "De heer P. de Vries belde 06-12345678."
    segments = scan(text).segments()
    assert "".join(segment.text for segment in segments) == text
    assert [s.redaction for s in segments if s.finding] == ["[NAAM]", "[TELEFOON]"]


def test_a_scan_result_never_shows_its_text_in_its_repr():
    assert "Jansen" not in repr(scan("Mevrouw Jansen belde."))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_any_text_scans_without_error_and_redacts_cleanly(text):
    result = scan(text)
    for finding in result.findings:
        assert 0 <= finding.start < finding.end <= len(text)
    starts = [f.start for f in result.findings]
    assert starts == sorted(starts)
    assert all(a.end <= b.start for a, b in zip(result.findings, result.findings[1:], strict=False))


# --- Quality on the labelled corpora --------------------------------------------------------------
@pytest.fixture(scope="module")
def corpus():
    examples = [example for path in CORPORA for example in load_corpus(path)]
    assert len(examples) >= 150
    return examples


def test_the_corpus_is_big_enough_and_a_third_of_it_is_clean(corpus):
    clean = sum(1 for example in corpus if not example.expected)
    assert clean / len(corpus) >= 1 / 3
    kinds = {item.type for example in corpus for item in example.expected}
    assert kinds == set(FINDING_TYPES)


def test_quality_on_the_corpus_meets_the_bounds(corpus):
    quality = evaluate(corpus, get_scanner().findings)
    missed = "; ".join(f"line {line}: {kind} {value!r}" for line, kind, value in quality.missed)
    for kind in STRUCTURED:
        assert quality.recall(kind) == 1.0, f"{kind} missed: {missed}"
    assert quality.recall_of(CONTEXTUAL) >= 0.95, missed
    assert quality.clean_rate >= 0.95, f"clean lines touched: {quality.touched_clean}"


def test_the_quality_measure_can_fail(corpus):
    """The evaluation is not a tautology: a scanner that finds nothing scores zero."""
    quality = evaluate(corpus, lambda text: ())
    assert quality.recall_of(CONTEXTUAL) == 0
    assert quality.clean_rate == 1


# --- The batch command ---------------------------------------------------------------------------
def test_scan_personal_data_answers_each_line_in_order():
    lines = [
        {"text": "Mevrouw Jansen belde 06-12345678."},
        {"text": "Geen persoonsgegevens, wel 14 klachten."},
        {"text": ""},
    ]
    stdin = io.StringIO("".join(json.dumps(line) + "\n" for line in lines))
    stdout = io.StringIO()
    call_command("scan_personal_data", stdin=stdin, stdout=stdout)
    answers = [json.loads(line) for line in stdout.getvalue().splitlines()]
    assert answers == [
        {
            "redacted": "Mevrouw [NAAM] belde [TELEFOON].",
            "findings": [
                {"type": "naam", "start": 8, "end": 14},
                {"type": "telefoon", "start": 21, "end": 32},
            ],
        },
        {"redacted": "Geen persoonsgegevens, wel 14 klachten.", "findings": []},
        {"redacted": "", "findings": []},
    ]


def test_scan_personal_data_reports_bad_lines_in_place_and_fails():
    stdin = io.StringIO('niet json\n{"tekst": "x"}\n{"text": "Bel 06-12345678."}\n')
    stdout = io.StringIO()
    with pytest.raises(CommandError):
        call_command("scan_personal_data", stdin=stdin, stdout=stdout)
    answers = [json.loads(line) for line in stdout.getvalue().splitlines()]
    assert "error" in answers[0]
    assert "error" in answers[1]
    assert answers[2]["redacted"] == "Bel [TELEFOON]."
