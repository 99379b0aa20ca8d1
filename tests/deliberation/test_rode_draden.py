"""The rode-draad rule (at least beraad.min_bodies distinct bodies, or a rode draad in the
session before), its flags, and the chair's analysis and recommendations per rode draad."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from deliberation import selectors, services
from deliberation.models import (
    Addressee,
    Analysis,
    BeraadState,
    Recommendation,
    Response,
)
from rodedraden.accounts.models import Role
from signals.services import organisation_unit_create
from tests.deliberation.helpers import advance, dutch, submitted, tag
from tests.factories import BeraadFactory, ThemeFactory, UserFactory

SESSIONS = [("voorjaar", 2026), ("najaar", 2026), ("voorjaar", 2027)]


def held_session(chair, index, tagging, *, bodies, state=BeraadState.GEDEELD, min_bodies=2):
    """Session ``index`` of SESSIONS; ``tagging`` is [(theme, [body, …])]: one signal per body,
    tagged with the theme."""
    season, year = SESSIONS[index]
    beraad = BeraadFactory(
        chair=chair, season=season, year=year, bodies=bodies, min_bodies=min_bodies
    )
    planned = [
        (theme, submitted(b, period_start=beraad.period_start, period_end=beraad.period_end))
        for theme, tag_bodies in tagging
        for b in tag_bodies
    ]
    beraad = advance(beraad, chair, BeraadState.IN_BERAAD)
    for theme, signal in planned:
        tag(beraad, signal, theme, chair)
    return advance(beraad, chair, state)


def by_name(beraad):
    return {status.theme.name: status for status in selectors.theme_statuses(beraad)}


@pytest.fixture
def themes(db):
    return ThemeFactory(name="Tijdigheid"), ThemeFactory(name="Bereikbaarheid")


# --- The rule -----------------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_theme_of_two_bodies_is_a_rode_draad_one_of_one_body_is_not(
    chair, body, other_body, themes
):
    tijdigheid, bereikbaarheid = themes
    beraad = held_session(
        chair,
        1,
        [(tijdigheid, [body, other_body]), (bereikbaarheid, [body, body, body])],
        bodies=[body, other_body],
        state=BeraadState.IN_BERAAD,
    )
    statuses = selectors.theme_statuses(beraad)
    assert [(s.theme.name, s.is_rode_draad, len(s.bodies), s.signals) for s in statuses] == [
        ("Tijdigheid", True, 2, 2),
        ("Bereikbaarheid", False, 1, 3),
    ]
    assert statuses[1].per_body == {body.pk: 3}
    matrix = selectors.matrix(beraad)
    assert [s.theme.name for s in matrix.rode_draden] == ["Tijdigheid"]
    assert [b.name for b in matrix.bodies] == ["Ombudsman", "Rekenkamer"]
    assert [(s.theme.name, counts) for s, counts in matrix.rows] == [
        ("Tijdigheid", [1, 1]),
        ("Bereikbaarheid", [0, 3]),
    ]


@pytest.mark.django_db
def test_the_number_of_bodies_is_configurable_per_beraad(
    chair, body, other_body, third_body, themes
):
    tijdigheid, bereikbaarheid = themes
    beraad = held_session(
        chair,
        1,
        [(tijdigheid, [body, other_body, third_body]), (bereikbaarheid, [body, other_body])],
        bodies=[body, other_body, third_body],
        state=BeraadState.IN_BERAAD,
        min_bodies=3,
    )
    statuses = by_name(beraad)
    assert statuses["Tijdigheid"].is_rode_draad
    assert not statuses["Bereikbaarheid"].is_rode_draad


@pytest.mark.django_db
def test_untagging_takes_a_theme_out_of_the_rode_draden(chair, body, other_body, themes):
    tijdigheid, _ = themes
    beraad = held_session(
        chair,
        1,
        [(tijdigheid, [body, other_body])],
        bodies=[body, other_body],
        state=BeraadState.IN_BERAAD,
    )
    assert by_name(beraad)["Tijdigheid"].is_rode_draad
    signal = beraad.inclusions.get(body=other_body).signal
    tag(beraad, signal, tijdigheid, chair, tagged=False)
    assert not by_name(beraad)["Tijdigheid"].is_rode_draad


@pytest.mark.django_db
def test_a_rode_draad_of_the_session_before_recurs_with_one_body(chair, body, other_body, themes):
    tijdigheid, bereikbaarheid = themes
    held_session(
        chair,
        0,
        [(tijdigheid, [body, other_body]), (bereikbaarheid, [body])],
        bodies=[body, other_body],
    )
    current = held_session(
        chair,
        1,
        [(tijdigheid, [other_body]), (bereikbaarheid, [body])],
        bodies=[body, other_body],
        state=BeraadState.IN_BERAAD,
    )
    statuses = by_name(current)
    assert statuses["Tijdigheid"].recurred
    assert statuses["Tijdigheid"].is_rode_draad
    assert statuses["Tijdigheid"].sessions_before == 1
    # seen before, but not a rode draad then: no recurrence
    assert not statuses["Bereikbaarheid"].recurred
    assert not statuses["Bereikbaarheid"].is_rode_draad
    assert statuses["Bereikbaarheid"].sessions_before == 1


@pytest.mark.django_db
def test_recurrence_looks_at_the_session_just_before(chair, body, other_body, themes):
    tijdigheid, bereikbaarheid = themes
    held_session(chair, 0, [(tijdigheid, [body, other_body])], bodies=[body, other_body])
    held_session(chair, 1, [(bereikbaarheid, [body, other_body])], bodies=[body, other_body])
    current = held_session(
        chair,
        2,
        [(tijdigheid, [body]), (bereikbaarheid, [body])],
        bodies=[body, other_body],
        state=BeraadState.IN_BERAAD,
    )
    statuses = by_name(current)
    assert not statuses["Tijdigheid"].recurred
    assert not statuses["Tijdigheid"].is_rode_draad
    assert statuses["Tijdigheid"].sessions_before == 1
    assert statuses["Bereikbaarheid"].recurred
    assert statuses["Bereikbaarheid"].is_rode_draad


@pytest.mark.django_db
def test_seen_in_earlier_sessions_counts_every_earlier_session(chair, body, other_body, themes):
    tijdigheid, _ = themes
    held_session(chair, 0, [(tijdigheid, [body])], bodies=[body, other_body])
    held_session(chair, 1, [(tijdigheid, [other_body])], bodies=[body, other_body])
    current = held_session(
        chair, 2, [(tijdigheid, [body])], bodies=[body, other_body], state=BeraadState.IN_BERAAD
    )
    status = by_name(current)["Tijdigheid"]
    assert status.sessions_before == 2
    assert not status.recurred


@pytest.mark.django_db
def test_a_rode_draad_by_recurrence_recurs_again(chair, body, other_body, themes):
    tijdigheid, _ = themes
    held_session(chair, 0, [(tijdigheid, [body, other_body])], bodies=[body, other_body])
    second = held_session(chair, 1, [(tijdigheid, [body])], bodies=[body, other_body])
    assert by_name(second)["Tijdigheid"].is_rode_draad  # by recurrence
    third = held_session(
        chair, 2, [(tijdigheid, [body])], bodies=[body, other_body], state=BeraadState.IN_BERAAD
    )
    assert by_name(third)["Tijdigheid"].recurred
    assert by_name(third)["Tijdigheid"].is_rode_draad


def respond(recommendation, reader, response, reason=""):
    return services.recommendation_respond(
        recommendation=recommendation,
        user=reader,
        version=recommendation.version,
        response=response,
        response_reason=reason,
        owner="Directeur Sociaal domein",
        due_date=date(2027, 6, 1),
        progress="",
        status="in_uitvoering" if response != Response.NIET else "vervallen",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("response", "flagged"),
    [(Response.OVERGENOMEN, True), (Response.DEELS, False), (Response.NIET, False)],
)
def test_a_theme_that_recurs_after_an_adopted_recommendation_is_flagged(
    chair, reader, body, other_body, themes, response, flagged
):
    tijdigheid, bereikbaarheid = themes
    first = held_session(
        chair,
        0,
        [(tijdigheid, [body, other_body])],
        bodies=[body, other_body],
        state=BeraadState.CONCEPT_MEMO,
    )
    recommendation = services.recommendation_create(
        beraad=first,
        theme=tijdigheid,
        user=chair,
        text="Stel doorlooptijden vast.",
        addressee=Addressee.CONCERNDIRECTIE,
    )
    advance(first, chair, BeraadState.GEDEELD)
    respond(recommendation, reader, response, reason="Gebeurt al.")
    current = held_session(
        chair,
        1,
        [(tijdigheid, [body]), (bereikbaarheid, [body])],
        bodies=[body, other_body],
        state=BeraadState.IN_BERAAD,
    )
    statuses = by_name(current)
    assert statuses["Tijdigheid"].after_adopted is flagged
    assert statuses["Bereikbaarheid"].after_adopted is False
    recommendation.refresh_from_db()
    assert selectors.recurrence_after(recommendation=recommendation, fetched_by=chair) == (
        [current] if flagged else []
    )


# --- Analysis ------------------------------------------------------------------------------------
@pytest.fixture
def rode_draad(chair, body, other_body, themes):
    tijdigheid, _ = themes
    beraad = held_session(
        chair,
        1,
        [(tijdigheid, [body, other_body])],
        bodies=[body, other_body],
        state=BeraadState.IN_BERAAD,
    )
    return beraad, tijdigheid


@pytest.mark.django_db
def test_the_analysis_with_example_signals(rode_draad, chair):
    beraad, theme = rode_draad
    examples = list(beraad.inclusions.order_by("pk"))
    analysis = services.analysis_save(
        beraad=beraad,
        theme=theme,
        user=chair,
        version=0,
        text="  Vier organen zien hetzelfde.  ",
        example_ids=[examples[0].pk],
    )
    assert analysis.version == 1
    assert analysis.text == "Vier organen zien hetzelfde."
    assert list(analysis.examples.all()) == [examples[0]]
    analysis = services.analysis_save(
        beraad=beraad,
        theme=theme,
        user=chair,
        version=1,
        text="Bijgewerkt.",
        example_ids=[e.pk for e in examples],
    )
    assert analysis.version == 2
    assert set(analysis.examples.all()) == set(examples)
    assert selectors.analyses_by_theme(beraad)[theme.pk].text == "Bijgewerkt."


@pytest.mark.django_db
def test_a_stale_analysis_is_refused_and_nothing_is_overwritten(rode_draad, chair):
    beraad, theme = rode_draad
    services.analysis_save(beraad=beraad, theme=theme, user=chair, version=0, text="Eerste.")
    services.analysis_save(beraad=beraad, theme=theme, user=chair, version=1, text="Tweede.")
    for stale in (0, 1):
        with pytest.raises(services.Conflict) as conflict:
            services.analysis_save(
                beraad=beraad, theme=theme, user=chair, version=stale, text="Verouderd."
            )
        assert conflict.value.current_version == 2
    analysis = Analysis.objects.get()
    assert (analysis.text, analysis.version) == ("Tweede.", 2)


@pytest.mark.django_db
def test_examples_come_from_this_beraad_only(rode_draad, chair, body):
    beraad, theme = rode_draad
    other = held_session(chair, 0, [(theme, [body])], bodies=[body])
    foreign = other.inclusions.get()
    own = beraad.inclusions.first()
    analysis = services.analysis_save(
        beraad=beraad,
        theme=theme,
        user=chair,
        version=0,
        text="Tekst.",
        example_ids=[own.pk, foreign.pk],
    )
    assert list(analysis.examples.all()) == [own]


@pytest.mark.django_db
def test_an_analysis_is_written_by_the_chair_without_personal_data(rode_draad, chair):
    beraad, theme = rode_draad
    for role in (Role.MEMBER, Role.READER, Role.ADMIN):
        with pytest.raises(PermissionDenied):
            services.analysis_save(
                beraad=beraad, theme=theme, user=UserFactory(role=role), version=0, text="X."
            )
    with pytest.raises(ValidationError):
        services.analysis_save(
            beraad=beraad,
            theme=theme,
            user=chair,
            version=0,
            text="Mevrouw Jansen (BSN 111222333) wacht al maanden.",
        )
    assert not Analysis.objects.exists()


@pytest.mark.django_db
def test_no_analysis_or_recommendation_in_an_adopted_beraad(rode_draad, chair):
    beraad, theme = rode_draad
    services.analysis_save(beraad=beraad, theme=theme, user=chair, version=0, text="Vast.")
    recommendation = services.recommendation_create(
        beraad=beraad, theme=theme, user=chair, text="Doe iets.", addressee=Addressee.BURGEMEESTER
    )
    beraad = advance(beraad, chair, BeraadState.VASTGESTELD)
    message = dutch("This beraad has been adopted; its content can no longer change.")
    with pytest.raises(services.NotAllowed) as refused:
        services.analysis_save(beraad=beraad, theme=theme, user=chair, version=1, text="Anders.")
    assert refused.value.messages == [message]
    with pytest.raises(services.NotAllowed) as refused:
        services.recommendation_create(
            beraad=beraad, theme=theme, user=chair, text="Nog een.", addressee="burgemeester"
        )
    assert refused.value.messages == [message]
    with pytest.raises(services.NotAllowed):
        services.recommendation_delete(recommendation=recommendation, user=chair)
    assert Analysis.objects.get().text == "Vast."
    assert list(Recommendation.objects.all()) == [recommendation]


# --- Recommendations ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_recommendations_to_the_mayor_the_board_or_a_directorate(rode_draad, chair):
    beraad, theme = rode_draad
    sociaal = organisation_unit_create(name="Sociaal domein")
    created = [
        services.recommendation_create(
            beraad=beraad, theme=theme, user=chair, text="Een.", addressee=Addressee.BURGEMEESTER
        ),
        services.recommendation_create(
            beraad=beraad,
            theme=theme,
            user=chair,
            text="Twee.",
            addressee=Addressee.CONCERNDIRECTIE,
            directorate=sociaal,  # only kept for a directorate
        ),
        services.recommendation_create(
            beraad=beraad,
            theme=theme,
            user=chair,
            text="Drie.",
            addressee=Addressee.DIRECTIE,
            directorate=sociaal,
        ),
    ]
    stored = list(Recommendation.objects.filter(beraad=beraad))
    assert stored == created
    assert [(r.order, r.addressee, r.directorate) for r in stored] == [
        (1, "burgemeester", None),
        (2, "concerndirectie", None),
        (3, "directie", sociaal),
    ]
    assert stored[2].addressee_label == "Sociaal domein"
    assert stored[0].addressee_label == dutch("the mayor")
    assert [r.status for r in stored] == ["open"] * 3
    assert selectors.recommendations_by_theme(beraad) == {theme.pk: stored}


@pytest.mark.django_db
def test_a_recommendation_to_a_directorate_names_it(rode_draad, chair):
    beraad, theme = rode_draad
    with pytest.raises(ValidationError) as refused:
        services.recommendation_create(
            beraad=beraad, theme=theme, user=chair, text="Een.", addressee=Addressee.DIRECTIE
        )
    assert refused.value.message_dict == {"directorate": [dutch("Choose the directorate.")]}
    assert not Recommendation.objects.exists()


@pytest.mark.django_db
def test_a_team_is_not_a_directorate(rode_draad, chair):
    beraad, theme = rode_draad
    sociaal = organisation_unit_create(name="Sociaal domein")
    team = organisation_unit_create(name="Team Wmo", parent=sociaal)
    with pytest.raises(ValidationError):
        services.recommendation_create(
            beraad=beraad,
            theme=theme,
            user=chair,
            text="Een.",
            addressee=Addressee.DIRECTIE,
            directorate=team,
        )
    assert not Recommendation.objects.exists()


@pytest.mark.django_db
def test_recommendations_are_made_and_removed_by_the_chair(rode_draad, chair):
    beraad, theme = rode_draad
    recommendation = services.recommendation_create(
        beraad=beraad, theme=theme, user=chair, text="Een.", addressee=Addressee.BURGEMEESTER
    )
    for role in (Role.MEMBER, Role.READER, Role.ADMIN):
        someone = UserFactory(role=role)
        with pytest.raises(PermissionDenied):
            services.recommendation_create(
                beraad=beraad, theme=theme, user=someone, text="X.", addressee="burgemeester"
            )
        with pytest.raises(PermissionDenied):
            services.recommendation_delete(recommendation=recommendation, user=someone)
    services.recommendation_delete(recommendation=recommendation, user=chair)
    assert not Recommendation.objects.exists()


@pytest.mark.django_db
def test_the_examples_offered_are_the_signals_of_the_rode_draad(client, rode_draad, chair, body):
    beraad, theme = rode_draad
    other_theme = ThemeFactory(name="Anders")
    elsewhere = beraad.inclusions.get(body=body)
    tag(beraad, elsewhere.signal, theme, chair, tagged=False)
    tag(beraad, elsewhere.signal, other_theme, chair)
    client.force_login(chair)
    response = client.get(
        reverse("deliberation:rode-draad", kwargs={"pk": beraad.pk, "theme": theme.pk})
    )
    offered = set(response.context["analysis_form"].fields["examples"].queryset)
    assert offered == set(beraad.inclusions.exclude(pk=elsewhere.pk))
