"""The memo itself: every section of its HTML, and the PDF made of it (text, pages, tags, fonts,
footer, watermark, hash), for a concept version and for the definitive one.

Rendering takes about half a second, so the module renders twice, once per kind, through the
real service (``services.memo_render``, which calls ``render_to_pdf("reports/memo.html",
memo_context(...))``); a spy keeps what ``render_to_pdf`` returned. The data is built and
rolled back inside the module fixture: the tests only read plain results."""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from types import SimpleNamespace
from unittest import mock

import pytest
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from pypdf.generic import BooleanObject

from deliberation.models import BeraadState
from reports import pdf, services
from reports.memo import memo_context, snapshot_hash
from reports.models import MemoKind, MemoState
from signals.models import Signal
from tests.deliberation.helpers import advance
from tests.reports.helpers import (
    ANALYSIS,
    EARLIER_RECOMMENDATION,
    RECOMMENDATION,
    SUMMARY,
    UNANSWERED_RECOMMENDATION,
    Page,
    element_text,
    memo_session,
    pdf_fonts,
    pdf_reader,
    people,
    squash,
)

OLD_TITLE = "Wmo-aanvragen blijven lang liggen"
NEW_TITLE = "Titel die na de vaststelling is gecorrigeerd"
LATER_TITLE = "Titel die na het definitieve memo is gecorrigeerd"
TITLE = "Memo Rode-dradenberaad najaar 2026"
# Marked so that the test database is set up (pytest-django creates it for marked tests only).
pytestmark = pytest.mark.django_db

XMP_PDFUAID = "{http://www.aiim.org/pdfua/ns/id/}part"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"


def edit_as_administrator(signal, admin, **changes):
    """Correct a signal after adoption, as functional administration may."""
    from signals.services import signal_update

    signal = Signal.objects.get(pk=signal.pk)
    values = {
        "title": signal.title,
        "description": signal.description,
        "period_start": signal.period_start,
        "period_end": signal.period_end,
        "case_count": signal.case_count,
        "impact": signal.impact,
        "source_reference": signal.source_reference,
        "is_positive": signal.is_positive,
        "aspects": list(signal.aspects.all()),
        "organisation_units": [],
        "details": signal.details,
    }
    values.update(changes)
    return signal_update(signal=signal, user=admin, version=signal.version, **values)


def _version(memo, rendered) -> SimpleNamespace:
    with memo.file.open("rb") as handle:
        stored = handle.read()
    result = SimpleNamespace(
        kind=memo.kind,
        version=memo.version,
        state=memo.state,
        sha256=memo.sha256,
        page_count=memo.page_count,
        size=memo.size,
        filename=memo.filename,
        file_name=memo.file.name,
        stored=stored,
        html=rendered.html,
        pdf=rendered.pdf,
        rendered_pages=rendered.page_count,
        page=Page(rendered.html),
    )
    memo.file.delete(save=False)
    return result


@pytest.fixture(scope="module")
def memo(django_db_setup, django_db_blocker):
    """Both versions of the memo of najaar 2026, rendered once for the whole module."""
    real_render = pdf.render_to_pdf
    renders = []

    def spy(template_name, context):
        rendered = real_render(template_name, context)
        renders.append((template_name, context, rendered))
        return rendered

    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        mock.patch("reports.pdf.render_to_pdf", side_effect=spy),
    ):
        who = people()
        session = memo_session(
            chair=who["chair"],
            reader=who["reader"],
            body=who["body"],
            other_body=who["other_body"],
        )
        beraad = session["beraad"]
        chair = who["chair"]

        concept = services.memo_request(beraad=beraad, user=chair)
        assert services.memo_render(memo_id=concept.pk) is True
        concept.refresh_from_db()
        concept_result = _version(concept, renders[-1][2])
        concept_context = renders[-1][1]

        beraad = advance(beraad, chair, BeraadState.VASTGESTELD)
        # Corrected after adoption, before the definitive memo is made: it must not show.
        edit_as_administrator(session["signals"]["a"], who["admin"], title=NEW_TITLE)
        definitive = services.memo_request(beraad=beraad, user=chair, definitive=True)
        assert services.memo_render(memo_id=definitive.pk) is True
        definitive.refresh_from_db()
        definitive_result = _version(definitive, renders[-1][2])
        definitive_context = renders[-1][1]
        beraad.refresh_from_db()
        # And a correction after the definitive memo was made.
        edit_as_administrator(session["signals"]["b"], who["admin"], title=LATER_TITLE)

        # Read again after the corrections: the adopted content, not the signal as it is now.
        with translation.override("nl"):
            reread = memo_context(beraad=beraad, definitive=True, version=definitive.version)
            live = memo_context(beraad=beraad, definitive=False, version=99)
        titles = {
            "reread_examples": [
                example["title"]
                for section in reread["rode_draden"]
                for example in section["examples"]
            ],
            "reread_appendix": [s["title"] for part in reread["appendix"] for s in part["signals"]],
            "live_appendix": [s["title"] for part in live["appendix"] for s in part["signals"]],
        }
        with translation.override("nl"):
            adopted_on = date_format(timezone.localtime(beraad.adopted_at), "j F Y")
            today = date_format(timezone.localdate(), "j F Y")
        facts = SimpleNamespace(
            concept=concept_result,
            definitive=definitive_result,
            templates=[template for template, _context, _rendered in renders],
            concept_context=concept_context,
            concept_context_definitive=concept_context["definitive"],
            definitive_context_definitive=definitive_context["definitive"],
            content_hash=snapshot_hash(beraad.snapshot),
            reread_hash=reread["content_hash"],
            titles=titles,
            adopted_on=adopted_on,
            today=today,
            # The titles as submitted (the instances were not refreshed after the corrections).
            signal_titles=sorted(s.title for s in session["signals"].values()),
            aspect=session["aspect"].name,
        )
        transaction.set_rollback(True)
    return facts


@pytest.fixture(params=[MemoKind.CONCEPT, MemoKind.DEFINITIEF])
def version(request, memo):
    return memo.concept if request.param == MemoKind.CONCEPT else memo.definitive


# --- The rendering ---------------------------------------------------------------------------
def test_both_versions_are_rendered_from_the_memo_template_by_the_service(memo):
    assert memo.templates == ["reports/memo.html", "reports/memo.html"]
    assert memo.concept_context_definitive is False
    assert memo.definitive_context_definitive is True
    assert (memo.concept.kind, memo.concept.version, memo.concept.state) == (
        MemoKind.CONCEPT,
        1,
        MemoState.KLAAR,
    )
    assert (memo.definitive.kind, memo.definitive.version, memo.definitive.state) == (
        MemoKind.DEFINITIEF,
        2,
        MemoState.KLAAR,
    )


def test_the_stored_file_is_the_rendered_pdf_under_its_own_name(version):
    assert version.stored == version.pdf
    assert version.stored.startswith(b"%PDF-")
    assert version.size == len(version.stored)
    assert version.sha256 == hashlib.sha256(version.stored).hexdigest()
    assert version.file_name.endswith("/" + version.filename)
    assert version.filename == f"memo-2026-najaar-{version.kind}-v{version.version}.pdf"


def test_the_definitive_sha256_is_the_hash_of_its_stored_bytes(memo):
    definitive = memo.definitive
    assert re.fullmatch(r"[0-9a-f]{64}", definitive.sha256)
    assert definitive.sha256 == hashlib.sha256(definitive.stored).hexdigest()
    assert definitive.sha256 != hashlib.sha256(memo.concept.stored).hexdigest()


# --- The HTML: cover and contents -----------------------------------------------------------
def cover_rows(page) -> dict[str, str]:
    return {
        element_text(row.find("{*}th")): element_text(row.find("{*}td"))
        for row in page.all("section.cover tr")
    }


def test_the_cover_names_session_addressees_dates_status_and_version(memo, version):
    page = version.page
    assert page.text("section.cover h1") == TITLE
    assert page.text("head > title") == TITLE
    rows = cover_rows(page)
    assert rows["Aan"] == "de burgemeester en de concerndirectie"
    assert rows["Van"] == ("De voorzitter van het rode-dradenberaad, namens 3 toezichtsorganen")
    assert rows["Beraad"] == "15 oktober 2026"
    assert rows["Periode"] == "1 januari 2026 tot en met 30 juni 2026"
    assert rows["Versie"] == f"{version.version}, opgesteld op {memo.today}"
    if version.kind == MemoKind.CONCEPT:
        assert rows["Status"] == "Concept"
        assert "Inhoud (SHA-256)" not in rows
    else:
        assert rows["Status"] == f"Definitief – vastgesteld op {memo.adopted_on}"
        assert rows["Inhoud (SHA-256)"] == memo.content_hash


def test_the_table_of_contents_links_every_section(version):
    page = version.page
    links = page.all("nav.toc a")
    targets = [link.get("href") for link in links]
    assert targets == [
        "#samenvatting",
        "#overzicht",
        "#rode-draad-1",
        "#rode-draad-2",
        "#opvolging",
        "#bijlage",
    ]
    assert [element_text(link) for link in links] == [
        "Samenvatting",
        "Overzicht van de signalen",
        "Rode draad 1: Bereikbaarheid",
        "Rode draad 2: Tijdigheid",
        "Opvolging van eerdere aanbevelingen",
        "Bijlage: de signalen per orgaan",
    ]
    for target in targets:
        section = page.one(f"section{target}")
        assert element_text(section.find("{*}h2")) == element_text(links[targets.index(target)])


def test_the_summary_has_the_chairs_text_and_lists_the_rode_draden(version):
    page = version.page
    paragraphs = page.texts("#samenvatting > p")
    assert paragraphs[: len(SUMMARY)] == list(SUMMARY)
    assert len(paragraphs) == len(SUMMARY) + 1
    assert paragraphs[-1].startswith("Het beraad benoemde 2 rode")
    assert page.texts("#samenvatting li") == [
        "Bereikbaarheid (2 organen)",
        "Tijdigheid (2 organen, keert terug)",
    ]


def test_the_summary_counts_the_rode_draden_in_proper_dutch(memo):
    assert "Het beraad benoemde 2 rode draden:" in memo.definitive.page.texts("#samenvatting > p")


def render_html(context: dict, **changes) -> Page:
    """The memo template with a changed copy of a captured context (HTML only, no PDF)."""
    return Page(render_to_string("reports/memo.html", {**context, **changes}))


def test_earlier_sessions_of_a_theme_are_counted_in_proper_dutch(memo):
    context = memo.concept_context
    first = {**context["rode_draden"][0], "recurred": False, "sessions_before": 2}
    with translation.override("nl"):
        page = render_html(context, rode_draden=[first, *context["rode_draden"][1:]])
    assert "Het thema kwam eerder voor in 2 beraden." in page.texts("#rode-draad-1 .facts p")


def test_one_earlier_session_of_a_theme_is_singular(memo):
    """The control of the test above: the same rendering, with a count of one."""
    context = memo.concept_context
    first = {**context["rode_draden"][0], "recurred": False, "sessions_before": 1}
    with translation.override("nl"):
        page = render_html(context, rode_draden=[first, *context["rode_draden"][1:]])
    assert "Het thema kwam eerder voor in 1 beraad." in page.texts("#rode-draad-1 .facts p")


# --- The HTML: overview --------------------------------------------------------------------
def table_rows(page, selector) -> list[tuple[str, ...]]:
    return [
        tuple(element_text(cell) for cell in row if cell.tag.endswith(("th", "td")))
        for row in page.all(f"{selector} tbody tr")
    ]


def test_the_overview_has_the_bodies_their_signals_and_the_charts(version):
    page = version.page
    intro = page.texts("#overzicht > p")[0]
    assert "Aan dit beraad namen 3 toezichtsorganen deel." in intro
    assert "Zij brachten samen 4 signalen in over de periode." in intro
    assert "Aantallen kleiner dan drie staan er als „< 3”." in intro
    assert page.text("#overzicht > table.data caption") == "Signalen per orgaan"
    assert table_rows(page, "#overzicht > table.data") == [
        ("Bezwarencommissie", "0"),
        ("Ombudsman", "< 3"),
        ("Rekenkamer", "3"),
    ]


def test_the_overview_has_the_heat_map_of_themes_by_body(version):
    page = version.page
    page.one("#overzicht figure#chart-heat-map")
    svg = page.one("#chart-heat-map svg")
    assert svg.get("role") == "img"
    assert page.text("#chart-heat-map figcaption") == "Thema's per orgaan"
    assert page.texts("#chart-heat-map table.chart-data thead th") == [
        "Thema",
        "Bezwarencommissie",
        "Ombudsman",
        "Rekenkamer",
    ]
    rows = table_rows(page, "#chart-heat-map table.chart-data")
    assert rows == [
        ("Bereikbaarheid (rode draad)", "0", "< 3", "< 3"),
        ("Tijdigheid (rode draad)", "0", "< 3", "3"),
        ("Privacy", "0", "0", "< 3"),
    ]
    # The other charts of the overview: signals per body and aspect, and the recurrence.
    for key in ("body-aspect", "recurrence"):
        assert page.one(f"#overzicht figure#chart-{key} svg").get("role") == "img"


# --- The HTML: one section per rode draad ---------------------------------------------------
def test_there_is_one_section_per_rode_draad_and_none_for_other_themes(version):
    page = version.page
    assert page.texts("section.rode-draad > h2") == [
        "Rode draad 1: Bereikbaarheid",
        "Rode draad 2: Tijdigheid",
    ]
    assert [section.get("id") for section in page.all("section.rode-draad")] == [
        "rode-draad-1",
        "rode-draad-2",
    ]
    assert "Privacy" not in page.text("section.rode-draad")


def test_a_rode_draad_shows_why_with_bodies_counts_and_recurrence(version):
    page = version.page
    facts = page.text("#rode-draad-2 .facts")
    match = re.search(
        r"Signalen van 2 toezichtsorganen \((.+?)\); (.+?) signalen in totaal\.", facts
    )
    assert match, facts
    assert sorted(match.group(1).split(", ")) == ["Ombudsman", "Rekenkamer"]
    assert match.group(2) == "4"
    assert page.texts("#rode-draad-2 .facts p.flag") == [
        "Dit thema was ook in het vorige beraad een rode draad.",
        "Het thema keert terug, terwijl een eerdere aanbeveling erover is overgenomen.",
    ]
    assert page.text("#rode-draad-2 > p > em") == "Besluiten op tijd nemen."
    assert table_rows(page, "#rode-draad-2 table.data") == [
        ("Ombudsman", "< 3"),
        ("Rekenkamer", "3"),
    ]

    other = page.text("#rode-draad-1 .facts")
    assert "Signalen van 2 toezichtsorganen" in other
    assert "< 3 signalen in totaal." in other
    assert page.all("#rode-draad-1 .flag") == []
    assert table_rows(page, "#rode-draad-1 table.data") == [
        ("Ombudsman", "< 3"),
        ("Rekenkamer", "< 3"),
    ]


def test_a_rode_draad_has_its_analysis_examples_and_recommendations(version):
    page = version.page
    headings = page.texts("#rode-draad-2 h3")
    assert headings == [
        "Waarom een rode draad",
        "Analyse",
        "Voorbeelden uit de signalen",
        "Aanbevelingen",
    ]
    assert [p for p in page.texts("#rode-draad-2 > p") if p in ANALYSIS] == list(ANALYSIS)
    examples = page.all("#rode-draad-2 blockquote.example")
    assert len(examples) == 1
    assert element_text(examples[0]).startswith(
        f"{OLD_TITLE} — Aanvragen voor een voorziening wachten maanden op een besluit."
    )
    assert page.text("#rode-draad-2 blockquote.example .source") == (
        "Rekenkamer, 1 januari 2026 tot en met 30 juni 2026"
    )
    assert page.texts("#rode-draad-2 ol.recommendations li") == [
        f"{RECOMMENDATION} (aan de concerndirectie)"
    ]


def test_a_rode_draad_without_analysis_or_recommendations_says_so(version):
    page = version.page
    texts = page.texts("#rode-draad-1 > p")
    assert "Er is (nog) geen analyse geschreven." in texts
    assert "Bij deze rode draad doet het beraad geen aanbeveling." in texts
    assert page.all("#rode-draad-1 blockquote.example") == []


# --- The HTML: follow-up and appendix -------------------------------------------------------
def test_the_follow_up_lists_earlier_recommendations_with_their_status(version):
    page = version.page
    assert page.one("#opvolging figure#chart-follow-up svg").get("role") == "img"
    rows = table_rows(page, "#opvolging table.data")
    assert rows == [
        (
            f"{EARLIER_RECOMMENDATION} Tijdigheid · Rode-dradenberaad voorjaar 2026 · "
            "aan de burgemeester",
            "overgenomen",
            "in uitvoering, streefdatum 1 juni 2027 Het plan van aanpak is vastgesteld.",
        ),
        (
            f"{UNANSWERED_RECOMMENDATION} Tijdigheid · Rode-dradenberaad voorjaar 2026 · "
            "aan de concerndirectie",
            "nog geen reactie",
            "open",
        ),
    ]
    assert table_rows(page, "#chart-follow-up table.chart-data") == [
        ("open", "1"),
        ("in uitvoering", "1"),
        ("afgerond", "0"),
        ("vervallen", "0"),
    ]


def appendix_parts(page) -> dict[str, dict]:
    """The appendix per body: its heading, figures and its signals as (title, period, cases,
    aspects and classification), in the order of the document."""
    parts: dict[str, dict] = {}
    current = None
    for child in page.one("#bijlage"):
        name = child.tag.split("}")[-1]
        if name == "h3":
            current = parts.setdefault(
                element_text(child), {"figures": {}, "signals": [], "empty": False}
            )
        elif name == "dl":
            labels = [element_text(dt) for dt in child.iter() if dt.tag.endswith("dt")]
            values = [element_text(dd) for dd in child.iter() if dd.tag.endswith("dd")]
            current["figures"] = dict(zip(labels, values, strict=True))
        elif name == "table" and "signals" in child.get("class", ""):
            for row in child.iterfind(".//{*}tr"):
                cells = [cell for cell in row if cell.tag.split("}")[-1] in ("th", "td")]
                if cells and cells[0].get("scope") == "row":
                    current["signals"].append(tuple(element_text(cell) for cell in cells))
        elif name == "p" and current is not None:  # (the appendix's introduction has none)
            current["empty"] = element_text(child) == "Dit orgaan bracht geen signalen in."
    return parts


def test_the_appendix_has_every_signal_grouped_by_body_with_headline_figures(memo, version):
    parts = appendix_parts(version.page)
    assert list(parts) == [
        "Bezwarencommissie (Bezwarencommissie)",
        "Ombudsman (Ombudsman)",
        "Rekenkamer (Rekenkamer)",
    ]
    assert parts["Bezwarencommissie (Bezwarencommissie)"]["signals"] == []
    assert parts["Bezwarencommissie (Bezwarencommissie)"]["empty"] is True
    assert parts["Bezwarencommissie (Bezwarencommissie)"]["figures"]["Signalen:"] == "0"

    ombudsman = parts["Ombudsman (Ombudsman)"]
    assert [row[0] for row in ombudsman["signals"]] == ["Klachten over wachttijden jeugdhulp"]
    assert ombudsman["figures"]["Signalen:"] == "< 3"

    rekenkamer = parts["Rekenkamer (Rekenkamer)"]
    assert [row[0] for row in rekenkamer["signals"]] == [
        "Facturen te laat betaald",
        "Post naar een oud adres",
        OLD_TITLE,
    ]
    assert rekenkamer["figures"] == {
        "Signalen:": "3",
        "Onderliggende zaken:": "18",
        "Aanbevelingen niet opgevolgd:": "12",
    }
    rows = {row[0]: row[1:] for row in rekenkamer["signals"]}
    assert rows["Post naar een oud adres"][:2] == ("jan 2026 – jun 2026", "< 3")
    assert rows[OLD_TITLE][:2] == ("jan 2026 – jun 2026", "12")
    assert memo.aspect in rows[OLD_TITLE][2]
    # Every included signal, and only those (not the earlier session's).
    shown = sorted(row[0] for part in parts.values() for row in part["signals"])
    assert shown == memo.signal_titles
    assert "Eerder signaal" not in version.page.text("#bijlage")


def test_counts_below_three_are_printed_as_less_than_three(version):
    page = version.page
    cells = page.texts("table.data td.num") + page.texts("dl.figures dd")
    assert "< 3" in cells
    assert not [cell for cell in cells if cell in ("1", "2")], cells
    cases = page.texts("#bijlage table.signals td.num")
    assert "< 3" in cases
    assert not [cell for cell in cases if cell in ("1", "2")], cases


# --- The definitive memo comes from the snapshot ------------------------------------------------
def test_the_definitive_memo_shows_the_adopted_content_not_a_later_correction(memo):
    assert OLD_TITLE in memo.definitive.page.text("#bijlage")
    assert NEW_TITLE not in memo.definitive.html
    text = squash(" ".join(page.extract_text() for page in pdf_reader(memo.definitive.pdf).pages))
    assert OLD_TITLE in text
    assert NEW_TITLE not in text


def test_reading_the_definitive_content_again_still_gives_the_adopted_text(memo):
    assert memo.titles["reread_examples"] == [OLD_TITLE]
    assert sorted(memo.titles["reread_appendix"]) == memo.signal_titles
    assert memo.reread_hash == memo.content_hash
    # The corrections themselves did happen: the live content has them.
    assert NEW_TITLE in memo.titles["live_appendix"]
    assert LATER_TITLE in memo.titles["live_appendix"]
    assert OLD_TITLE not in memo.titles["live_appendix"]


# --- The PDF --------------------------------------------------------------------------------------
def test_the_page_count_is_the_pdfs_own(version):
    reader = pdf_reader(version.stored)
    assert len(reader.pages) == version.page_count == version.rendered_pages
    assert version.page_count >= 7  # cover, contents, summary, overview, 2 rode draden, …


def test_the_pdf_text_has_every_section_in_dutch(memo, version):
    pages = [squash(page.extract_text()) for page in pdf_reader(version.stored).pages]
    text = " ".join(pages)
    assert TITLE in pages[0]
    assert "Aan de burgemeester en de concerndirectie" in pages[0]
    for heading in (
        "Samenvatting",
        "Overzicht van de signalen",
        "Rode draad 1: Bereikbaarheid",
        "Rode draad 2: Tijdigheid",
        "Opvolging van eerdere aanbevelingen",
        "Bijlage: de signalen per orgaan",
        RECOMMENDATION,
        EARLIER_RECOMMENDATION,
        *memo.signal_titles,
        *ANALYSIS,
        *SUMMARY,
    ):
        assert heading in text, heading
    assert "< 3" in text
    assert "Data of the chart" not in text  # the memo is Dutch, whoever renders it


def test_the_table_of_contents_has_the_page_of_each_section(version):
    reader = pdf_reader(version.stored)
    pages = [page.extract_text() for page in reader.pages]
    entries = re.findall(r"^(.+?) ?\.{3,} *(\d+)\s*$", pages[1], flags=re.MULTILINE)
    assert [title for title, _page in entries] == [
        "Samenvatting",
        "Overzicht van de signalen",
        "Rode draad 1: Bereikbaarheid",
        "Rode draad 2: Tijdigheid",
        "Opvolging van eerdere aanbevelingen",
        "Bijlage: de signalen per orgaan",
    ]
    for title, number in entries:
        # The section's heading is on that page (rode draden follow each other on a page).
        assert title in pages[int(number) - 1], (title, number)
        assert all(title not in page for page in pages[2 : int(number) - 1]), (title, number)


def test_every_page_has_page_x_of_y_and_the_version_in_its_footer(memo, version):
    pages = [page.extract_text() for page in pdf_reader(version.stored).pages]
    total = len(pages)
    for number, text in enumerate(pages, start=1):
        assert f"pagina {number} van {total}" in text, number
    if version.kind == MemoKind.CONCEPT:
        assert all("Concept · versie 1" in text for text in pages)
    else:
        meta = f"Definitief · versie 2 · inhoud SHA-256 {memo.content_hash[:16]}"
        assert all(meta in text for text in pages)


def test_the_pdf_is_tagged_and_identifies_itself_as_pdf_ua(version):
    reader = pdf_reader(version.stored)
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] == BooleanObject(True)
    assert "/StructTreeRoot" in root
    assert root["/StructTreeRoot"].get_object()["/Type"] == "/StructTreeRoot"
    assert root["/Lang"] == "nl"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == BooleanObject(True)
    packet = root["/Metadata"].get_object().get_data()
    # Our own renderer's output, not untrusted input.
    xmp = ET.fromstring(packet.split(b"?>", 1)[1].rsplit(b"<?xpacket", 1)[0])  # noqa: S314
    parts = [element.get(XMP_PDFUAID) for element in xmp.iter(f"{RDF}Description")]
    assert "1" in parts
    titles = [element.text for element in xmp.iter(f"{RDF}li") if element.text == TITLE]
    assert titles == [TITLE]


def test_every_font_is_embedded(version):
    fonts = pdf_fonts(pdf_reader(version.stored))
    assert fonts
    for font in fonts:
        if font["/Subtype"] == "/Type0":
            descendants = [item.get_object() for item in font["/DescendantFonts"]]
            assert descendants
            assert all("/FontDescriptor" in item for item in descendants)
            continue
        descriptor = font["/FontDescriptor"].get_object()
        embedded = {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor)
        assert embedded, font.get("/BaseFont")


def test_a_concept_carries_the_watermark_on_every_page_the_definitive_none(memo):
    concept_pages = [page.extract_text() for page in pdf_reader(memo.concept.stored).pages]
    assert all("CONCEPT" in text for text in concept_pages)
    assert memo.concept.page.texts(".watermark") == ["CONCEPT"]

    definitive_text = " ".join(
        page.extract_text() for page in pdf_reader(memo.definitive.stored).pages
    )
    assert "CONCEPT" not in definitive_text
    assert "Concept" not in definitive_text
    assert memo.definitive.page.all(".watermark") == []
