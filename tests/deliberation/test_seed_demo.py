"""The demo: `manage.py seed_demo` adds two finished sessions (with rode draden,
recommendations and responses) and one in session."""

import pytest
from django.core.management import call_command

from deliberation import selectors
from deliberation.models import Beraad, BeraadState, Recommendation, Tag
from rodedraden.accounts.models import User
from signals.models import SignalState


@pytest.fixture
def demo(db):
    call_command("seed_demo")
    return list(Beraad.objects.order_by("date"))


@pytest.mark.django_db
def test_the_demo_has_two_finished_sessions_and_one_in_session(demo):
    assert [b.state for b in demo] == [
        BeraadState.GEDEELD,
        BeraadState.GEDEELD,
        BeraadState.IN_BERAAD,
    ]
    # consecutive half-years, in the rhythm of the proposal
    assert [b.period_start < b.period_end < b.date for b in demo] == [True] * 3
    assert demo[0].period_end < demo[1].period_start
    assert demo[1].period_end < demo[2].period_start


@pytest.mark.django_db
def test_the_finished_sessions_have_rode_draden_recommendations_and_responses(demo):
    for beraad in demo[:2]:
        assert beraad.snapshot
        rode_draden = [s for s in selectors.theme_statuses(beraad) if s.is_rode_draad]
        assert len(rode_draden) >= 2
        assert beraad.analyses.exists()
        assert beraad.recommendations.exists()
        assert beraad.inclusions.exists()
        assert set(beraad.inclusions.values_list("signal__state", flat=True)) == {
            SignalState.BESPROKEN
        }
        assert beraad.summary
    responded = Recommendation.objects.exclude(response="")
    assert responded.filter(beraad=demo[0]).count() >= 3
    assert responded.filter(beraad=demo[1]).exists()
    assert {"overgenomen", "deels"} <= set(responded.values_list("response", flat=True))
    assert responded.filter(response="deels").exclude(response_reason="").exists()
    # some are still open: they come onto the agenda of the session in progress
    chair = User.objects.get(username="voorzitter")
    assert selectors.carried_over(beraad=demo[2], fetched_by=chair).exists()


@pytest.mark.django_db
def test_the_session_in_progress_is_partly_tagged(demo):
    current = demo[2]
    assert current.snapshot is None
    included = current.inclusions.count()
    tagged = Tag.objects.filter(beraad=current).values("inclusion").distinct().count()
    assert included > 0
    assert 0 < tagged < included
    assert set(current.inclusions.values_list("signal__state", flat=True)) == {
        SignalState.IN_BERAAD
    }
    # and the themes that recur from the sessions before are flagged
    assert any(s.recurred or s.sessions_before for s in selectors.theme_statuses(current))


@pytest.mark.django_db
def test_the_demo_chair_opens_the_pages_of_the_demo(client, demo):
    client.force_login(User.objects.get(username="voorzitter"))
    for beraad in demo:
        assert client.get(beraad.get_absolute_url()).status_code == 200
        response = client.get(f"{beraad.get_absolute_url()}werkruimte/")
        assert response.status_code == 200
        assert len(response.context["ws"].inclusions) == beraad.inclusions.count()
