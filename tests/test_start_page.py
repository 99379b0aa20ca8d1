"""The start page says what needs doing now, and where: a member sees the intake of their own
bodies (never another body's: the intake is sealed) and their drafts; the chair sees each
beraad that is not shared yet with the step it is at; a reader sees no such panel."""

import re

import pytest

from deliberation.models import BeraadState
from signals.models import SignalState
from tests.deliberation.helpers import advance, submitted
from tests.factories import BeraadFactory, SignalFactory

pytestmark = pytest.mark.django_db


def now_panel(client) -> str:
    html = client.get("/").content.decode()
    match = re.search(r'<section class="now-panel.*?</section>', html, flags=re.DOTALL)
    return re.sub(r"\s+", " ", match.group()) if match else ""


@pytest.fixture
def preparing(chair, body, other_body):
    beraad = BeraadFactory(title="Rode-dradenberaad najaar 2026", bodies=[body, other_body])
    return advance(beraad, chair, BeraadState.VOORBEREIDING)


def test_a_member_sees_the_open_intake_of_their_body_and_their_drafts(
    client, member, body, other_body, preparing
):
    submitted(body)
    submitted(body)
    submitted(other_body)  # another body's: the member is never told about it
    SignalFactory(body=body, state=SignalState.CONCEPT)
    client.force_login(member)
    panel = now_panel(client)
    assert "Nu aan de orde" in panel
    assert "De inzending staat open tot 24 september 2026." in panel
    assert "Rekenkamer: tot nu toe 2 signalen ingediend." in panel
    assert "Ombudsman" not in panel
    assert f'href="/beraden/{preparing.pk}/"' in panel
    assert "Rekenkamer heeft 1 concept dat nog niet is ingediend." in panel
    assert 'href="/organen/rekenkamer/?state=concept"' in panel


def test_a_member_with_nothing_going_on_sees_no_panel(client, member):
    client.force_login(member)
    assert now_panel(client) == ""


def test_the_chair_sees_each_beraad_at_its_step(client, chair, body, other_body, preparing):
    started = advance(
        BeraadFactory(title="Voorjaar", season="voorjaar", year=2027, bodies=[body, other_body]),
        chair,
        BeraadState.VOORBEREIDING,
    )
    submitted(body, period_start=started.period_start, period_end=started.period_end)
    started = advance(started, chair, BeraadState.IN_BERAAD)
    shared = advance(
        BeraadFactory(title="Gedeeld", season="voorjaar", year=2026, bodies=[body]),
        chair,
        BeraadState.GEDEELD,
    )
    client.force_login(chair)
    panel = now_panel(client)
    assert (
        "0 van 2 organen hebben hun inzending compleet gemeld; de inzending sluit op "
        "24 september 2026."
    ) in panel
    assert "1 signaal om thema's aan toe te kennen." in panel
    assert f'href="/beraden/{started.pk}/werkruimte/"' in panel
    assert shared.title not in panel  # shared: nothing left to do for the chair


def test_a_reader_sees_no_panel(client, reader, preparing):
    client.force_login(reader)
    assert now_panel(client) == ""
