"""The dashboard on paper, in a real browser (issue 7): printed, it shows the content only —
no navigation, language switch, buttons or forms —, black on white, with the municipality and
the moment it shows, and the charts' data tables (folded away on screen) in full; Chromium's
own PDF of it has a sensible number of pages and reads as the screen does."""

import io

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from deliberation.models import BeraadState
from reports.models import MemoKind
from tests.deliberation.helpers import advance
from tests.factories import BeraadFactory
from tests.reports.helpers import memo_session, ready_memo

CHARTS = ["chart-dashboard-recurrence", "chart-dashboard-heat-map", "chart-dashboard-follow-up"]


@pytest.fixture
def dashboard(chair, reader, body, other_body):
    session = memo_session(
        chair=chair, reader=reader, body=body, other_body=other_body, state=BeraadState.GEDEELD
    )
    ready_memo(session["beraad"], kind=MemoKind.DEFINITIEF, version=1)
    for year in range(2010, 2022):  # enough sessions for a second page of them
        advance(BeraadFactory(chair=chair, year=year, bodies=[body]), chair, BeraadState.GEDEELD)
    return session


def test_the_printed_dashboard_shows_the_content_and_the_data(page: Page, log_in, chair, dashboard):
    log_in(chair)
    page.goto("/dashboard/")
    heat_map = page.locator("#chart-dashboard-heat-map")

    # On screen: the data folded away under a summary, no print-only copy, no print heading.
    expect(heat_map.locator("details.chart-data-details summary")).to_be_visible()
    expect(heat_map.locator(".chart-data-print")).to_be_hidden()
    expect(page.locator(".print-heading")).to_be_hidden()

    page.emulate_media(media="print")
    for hidden in (
        "header.site-header",
        "footer.site-footer",
        ".language-switcher",
        "nav.pagination-nav ul.pagination",
        "details.chart-data-details",
    ):
        expect(page.locator(hidden).first).to_be_hidden()
    # Of the sessions, the paper says which part it shows.
    expect(page.locator(".pagination-summary")).to_have_text("Pagina 1 van 2: 1–10 van 14")
    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()
    expect(page.locator(".print-heading")).to_have_text("Gemeente Enschede · Rode-dradenberaad")
    today = timezone.localdate()
    expect(page.locator(".print-date")).to_contain_text(f"Stand op {today.day} ")
    for key in CHARTS:
        table = page.locator(f"#{key} .chart-data-print table")
        expect(table).to_be_visible()
        expect(table.locator("tbody tr").first).to_be_visible()
    expect(heat_map.locator(".chart-data-print table")).to_contain_text("Tijdigheid")
    # Black on white, also for what is grey or red on screen.
    colours = page.evaluate(
        """() => [document.body, document.querySelector("main a"),
                  document.querySelector(".chart-description")]
                 .map(e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor])"""
    )
    assert colours[0] == ["rgb(0, 0, 0)", "rgb(255, 255, 255)"]
    assert [colour for colour, _background in colours[1:]] == ["rgb(0, 0, 0)"] * 2
    assert (
        page.evaluate("getComputedStyle(document.querySelector('figure.chart svg')).breakInside")
        == "avoid"
    )

    pdf = PdfReader(io.BytesIO(page.pdf(format="A4")))
    assert 1 <= len(pdf.pages) <= 4, len(pdf.pages)
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Gemeente Enschede" in text
    assert "Dashboard" in text
    for shown in ("Tijdigheid", "Bereikbaarheid", "Rekenkamer", "Ombudsman"):
        assert shown in text
    for left_out in ("Uitloggen", "Wijzig", "Direct naar de inhoud", "Gegevens bij de grafiek"):
        assert left_out not in text, left_out
