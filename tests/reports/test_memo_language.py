"""The memo is Dutch, whoever asked for it: a beraad adopted by a chair who uses the site in
English still gets a definitive memo with Dutch addressees, responses, statuses and
classifications (the snapshot is taken in the chair's language; the memo reads the codes)."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from deliberation.models import BeraadState
from reports.memo import memo_context
from signals.models import Signal
from tests.deliberation.helpers import advance
from tests.reports.helpers import (
    EARLIER_RECOMMENDATION,
    RECOMMENDATION,
    UNANSWERED_RECOMMENDATION,
    Page,
    memo_session,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def adopted_in_english(chair, reader, body, other_body):
    session = memo_session(chair=chair, reader=reader, body=body, other_body=other_body)
    signal = session["signals"]["a"]
    Signal.objects.filter(pk=signal.pk).update(
        details={**signal.details, "indeling": ["doelmatigheid"]}
    )
    with translation.override("en"):
        beraad = advance(session["beraad"], chair, BeraadState.VASTGESTELD)
    # The setting up is what it says: the snapshot holds English labels.
    assert [r["addressee_label"] for r in beraad.snapshot["recommendations"]] == [
        "the executive board"
    ]
    assert {item["status_label"] for item in beraad.snapshot["follow_up"]} == {
        "in progress",
        "open",
    }
    with translation.override("nl"):
        context = memo_context(beraad=beraad, definitive=True, version=1)
        page = Page(render_to_string("reports/memo.html", context))
    return context, page


def test_recommendations_responses_and_statuses_are_dutch(adopted_in_english):
    context, page = adopted_in_english
    assert [
        (recommendation["text"], recommendation["addressee_label"])
        for section in context["rode_draden"]
        for recommendation in section["recommendations"]
    ] == [(RECOMMENDATION, "de concerndirectie")]
    assert [
        (item["text"], item["response_label"], item["status_label"])
        for item in context["follow_up"]
    ] == [
        (EARLIER_RECOMMENDATION, "overgenomen", "in uitvoering"),
        (UNANSWERED_RECOMMENDATION, "", "open"),
    ]
    assert page.texts("ol.recommendations li") == [f"{RECOMMENDATION} (aan de concerndirectie)"]
    assert "in progress" not in page.text("#opvolging")


def test_classifications_are_dutch(adopted_in_english):
    context, page = adopted_in_english
    classified = [
        signal["classification"]
        for part in context["appendix"]
        for signal in part["signals"]
        if signal["classification"]
    ]
    assert classified == [["Doelmatigheid"]]
    assert "Efficiency" not in page.text("#bijlage")
    assert "Doelmatigheid" in page.text("#bijlage")


def test_the_follow_up_names_its_addressees_in_dutch(adopted_in_english):
    context, page = adopted_in_english
    assert [item["addressee_label"] for item in context["follow_up"]] == [
        "de burgemeester",
        "de concerndirectie",
    ]
    assert "the mayor" not in page.text("#opvolging")


def test_the_charts_of_a_memo_asked_for_in_english_are_dutch(chair, reader, body, other_body):
    """The charts speak the active language (the dashboard's); the memo's are Dutch, because
    the rendering is, whoever asked for it and in whatever language."""
    from unittest import mock

    from reports import pdf, services

    session = memo_session(chair=chair, reader=reader, body=body, other_body=other_body)
    rendered = []

    def spy(template_name, context):
        rendered.append(real(template_name, context))
        return rendered[-1]

    real = pdf.render_to_pdf
    with translation.override("en"), mock.patch("reports.pdf.render_to_pdf", side_effect=spy):
        memo = services.memo_request(beraad=session["beraad"], user=chair)
        assert services.memo_render(memo_id=memo.pk) is True
    page = Page(rendered[-1].html)
    charts = page.text("figure.chart")
    assert "Signalen per thema en orgaan" in charts
    assert "rode draad (vet)" in charts
    assert "getagd als thema" in charts
    for english in ("Signals per", "Theme", "bold", "tagged", "No data", "Number"):
        assert english not in charts
