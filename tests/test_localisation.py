"""Dates, numbers and plurals as each language writes them, on the pages that show them.

Dutch: 15 oktober 2026, 15 okt 2026, okt 2026; 1.234; 12,5 %; 1,2 MB. English, in the European
convention: 15 October 2026, 15 Oct. 2026, Oct. 2026; 1,234; 12.5%; 1.2 MB (rodedraden/formats).
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.template import Context, Template
from django.utils import translation

from deliberation.models import BeraadState
from reports import charts
from reports.models import Memo, MemoKind, MemoState
from tests.conftest import Client
from tests.deliberation.helpers import advance
from tests.factories import BeraadFactory, MembershipFactory, OversightBodyFactory, SignalFactory

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"


def page(client, path: str, language: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(path)
    assert response.status_code == 200, path
    return re.sub(r"[ \t\r\n]+", " ", response.content.decode())  # keeping no-break spaces


def render(source: str, language: str, **context) -> str:
    with translation.override(language):
        return Template("{% load i18n humanize figures %}" + source).render(Context(context))


# --- Dates --------------------------------------------------------------------------------------
def test_dates_follow_the_language(client, chair, body, other_body):
    """Najaar 2026: the meeting on 15 October 2026, over January to June 2026."""
    beraad = advance(
        BeraadFactory(chair=chair, bodies=[body, other_body]), chair, BeraadState.VOORBEREIDING
    )
    client.force_login(chair)
    dutch = page(client, "/beraden/", "nl")
    english = page(client, "/beraden/", "en")
    assert "15 oktober 2026" in dutch
    assert "15 October 2026" in english
    assert "jan 2026 – jun 2026" in dutch  # the period, in a narrow column
    assert "Jan. 2026 – June 2026" in english

    dutch = page(client, beraad.get_absolute_url(), "nl")
    english = page(client, beraad.get_absolute_url(), "en")
    assert "Bijeenkomst op 15 oktober 2026, over de periode 1 januari 2026 – 30 juni 2026" in dutch
    assert "Meeting on 15 October 2026, over 1 January 2026 – 30 June 2026" in english
    assert "Deadline: 24 September 2026." in english
    assert "October 15, 2026" not in english  # not Django's American default


def test_short_dates_keep_the_name_of_the_month():
    moment = date(2027, 3, 5)
    assert render('{{ d|date:"SHORT_DATE_FORMAT" }}', "nl", d=moment) == "5 mrt 2027"
    assert render('{{ d|date:"SHORT_DATE_FORMAT" }}', "en", d=moment) == "5 March 2027"
    assert render('{{ d|date:"YEAR_MONTH_FORMAT" }}', "en", d=date(2026, 10, 1)) == "Oct. 2026"
    assert render("{{ d|date }}", "en", d=moment) == "5 March 2027"


# --- Numbers ------------------------------------------------------------------------------------
@pytest.fixture
def complaints(db):
    """Eight complaints in two signals: one upheld (12.5 %), handled in 41.75 days on average."""
    body = OversightBodyFactory(name="Klachten", slug="klachten", kind="klachtencommissaris")
    member = MembershipFactory(body=body).user
    SignalFactory(
        body=body, case_count=1, details={"uitkomst": "gegrond", "behandelduur_dagen": 40}
    )
    SignalFactory(
        body=body, case_count=7, details={"uitkomst": "ongegrond", "behandelduur_dagen": 42}
    )
    return body, member


def test_headline_figures_have_decimal_commas_and_units(complaints):
    body, member = complaints
    client = Client()
    client.force_login(member)
    dutch = page(client, body.get_absolute_url(), "nl")
    english = page(client, body.get_absolute_url(), "en")
    assert f"<dd>12,5{NBSP}%</dd>" in dutch
    assert "<dd>12.5%</dd>" in english
    assert "<dd>41,8 dagen</dd>" in dutch
    assert "<dd>41.8 days</dd>" in english


def test_counts_over_a_thousand_are_grouped(client, member, body):
    signal = SignalFactory(body=body, case_count=1234, author=member)
    client.force_login(member)
    dutch = page(client, body.get_absolute_url(), "nl")
    english = page(client, body.get_absolute_url(), "en")
    assert '<td class="text-end">1.234</td>' in dutch
    assert '<td class="text-end">1,234</td>' in english
    assert "<dd>1.234</dd>" in dutch  # the headline figure: underlying cases
    assert "<dd>1,234</dd>" in english
    assert "<dd>1.234</dd>" in page(client, signal.get_absolute_url(), "nl")
    assert "<dd>1,234</dd>" in page(client, signal.get_absolute_url(), "en")


def test_figures_are_whole_numbers_when_they_can_be():
    assert render("{{ v|figure_value:'%' }}", "nl", v=50.0) == f"50{NBSP}%"
    assert render("{{ v|figure_value:'d' }}", "en", v=1) == "1 day"
    assert render("{{ v|figure_value }}", "nl", v=1234567) == "1.234.567"


def test_file_sizes_and_page_counts(client, chair, body, other_body):
    beraad = advance(
        BeraadFactory(chair=chair, bodies=[body, other_body]), chair, BeraadState.IN_BERAAD
    )
    for version, pages in ((1, 1), (2, 23)):
        memo = Memo(
            beraad=beraad,
            version=version,
            kind=MemoKind.CONCEPT,
            state=MemoState.KLAAR,
            page_count=pages,
            size=1_234_567,
        )
        memo.file.save(memo.filename, ContentFile(b"%PDF-1.7\n"), save=False)
        memo.save()
    client.force_login(chair)
    dutch = page(client, f"/beraden/{beraad.pk}/memo/", "nl")
    english = page(client, f"/beraden/{beraad.pk}/memo/", "en")
    assert f"(1 pagina, 1,2{NBSP}MB)" in dutch
    assert f"(23 pagina’s, 1,2{NBSP}MB)" in dutch or f"(23 pagina's, 1,2{NBSP}MB)" in dutch
    assert f"(1 page, 1.2{NBSP}MB)" in english
    assert f"(23 pages, 1.2{NBSP}MB)" in english


def test_chart_numbers_follow_the_language():
    def chart():
        return charts.status_bars(key="s", title="t", labels=["open"], values=[1234])

    with translation.override("nl"):
        dutch = chart()
    with translation.override("en"):
        english = chart()
    assert dutch.rows == [["open", "1.234"]]
    assert english.rows == [["open", "1,234"]]
    assert ">1.234</text>" in dutch.svg
    assert ">1,234</text>" in english.svg
    assert dutch.description == "Status van 1.234 aanbevelingen: 1.234 open."


# --- Plurals ------------------------------------------------------------------------------------
def test_one_signal_two_signals(client, member, body):
    SignalFactory(body=body)
    client.force_login(member)
    assert "(1 signaal)" in page(client, body.get_absolute_url(), "nl")
    assert "(1 signal)" in page(client, body.get_absolute_url(), "en")
    SignalFactory(body=body)
    assert "(2 signalen)" in page(client, body.get_absolute_url(), "nl")
    assert "(2 signals)" in page(client, body.get_absolute_url(), "en")


def test_one_body_is_enough_or_two_are_needed(client, chair, body, other_body):
    beraad = BeraadFactory(chair=chair, bodies=[body, other_body], min_bodies=1)
    client.force_login(chair)
    assert "ten minste 1 orgaan," in page(client, beraad.get_absolute_url(), "nl")
    assert "at least 1 body support it" in page(client, beraad.get_absolute_url(), "en")
    beraad.min_bodies = 2
    beraad.save()
    assert "ten minste 2 organen," in page(client, beraad.get_absolute_url(), "nl")
    assert "at least 2 bodies support it" in page(client, beraad.get_absolute_url(), "en")


def test_a_theme_that_was_a_rode_draad_once_or_twice():
    def description(levels):
        return charts.recurrence(
            key="r", title="t", themes=["a"], sessions=["x", "y"], levels=[levels]
        ).description

    with translation.override("en"):
        assert description([2, 0]).endswith(
            "occurs in 1 of the 2 sessions, 1 time as a rode draad."
        )
        assert description([2, 2]).endswith(", 2 times as a rode draad.")
    with translation.override("nl"):
        assert description([2, 0]).endswith(
            "komt voor in 1 van de 2 beraden, waarvan 1 keer als rode draad."
        )
