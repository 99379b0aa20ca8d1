"""Suggestions of themes for the untagged signals of a beraad, from the text of the tagged
ones (and of signals tagged in earlier sessions): offline, no model to download."""

import socket

import pytest
from django.urls import reverse

from deliberation import selectors, services, suggestions
from deliberation.models import BeraadState
from tests.deliberation.helpers import advance, inclusion, submitted, tag
from tests.factories import BeraadFactory, ThemeFactory

PHONE = [
    ("Terugbelverzoeken niet opgevolgd", "Inwoners worden niet teruggebeld door het KCC."),
    ("Telefonisch slecht bereikbaar", "Wie belt, wacht lang en wordt niet teruggebeld."),
]
PRIVACY = [
    ("Datalek door verkeerd adres", "Brieven met persoonsgegevens naar een oud adres."),
]
UNTAGGED_PHONE = ("Niet teruggebeld na klacht", "Na een klacht werd de inwoner niet teruggebeld.")
UNRELATED = ("Parkeervergunningen", "Onduidelijkheid over de tarieven van parkeervergunningen.")


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to reach the network fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("the suggestions tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture
def tagging(beraad, chair, body, other_body):
    made = {}
    for key, (title, description) in [
        ("phone0", PHONE[0]),
        ("phone1", PHONE[1]),
        ("privacy", PRIVACY[0]),
        ("untagged_phone", UNTAGGED_PHONE),
        ("unrelated", UNRELATED),
    ]:
        made[key] = submitted(
            body if key != "phone1" else other_body, title=title, description=description
        )
    beraad = advance(beraad, chair, BeraadState.IN_BERAAD)
    bereikbaarheid = ThemeFactory(name="Bereikbaarheid", description="Niet teruggebeld.")
    privacy = ThemeFactory(name="Privacy")
    tag(beraad, made["phone0"], bereikbaarheid, chair)
    tag(beraad, made["phone1"], bereikbaarheid, chair)
    tag(beraad, made["privacy"], privacy, chair)
    return beraad, made, {"bereikbaarheid": bereikbaarheid, "privacy": privacy}


def suggested(beraad, chair):
    ws = selectors.workspace(beraad=beraad, fetched_by=chair)
    return {i.signal.title: [theme.name for theme, _score in i.suggested] for i in ws.inclusions}


@pytest.mark.django_db
def test_an_untagged_signal_gets_the_theme_of_similar_tagged_ones(tagging, chair, no_network):
    beraad, _made, _themes = tagging
    result = suggested(beraad, chair)
    assert result[UNTAGGED_PHONE[0]][0] == "Bereikbaarheid"
    assert "Privacy" not in result[UNTAGGED_PHONE[0]]
    assert result[UNRELATED[0]] == []
    # tagged signals get no suggestions
    for title, _ in PHONE + PRIVACY:
        assert result[title] == []


@pytest.mark.django_db
def test_scores_are_ordered_and_at_most_two(tagging, chair):
    beraad, _made, _themes = tagging
    ws = selectors.workspace(beraad=beraad, fetched_by=chair)
    for i in ws.inclusions:
        scores = [score for _theme, score in i.suggested]
        assert len(scores) <= suggestions.MAX_SUGGESTIONS
        assert scores == sorted(scores, reverse=True)
        assert all(score >= suggestions.MIN_SCORE for score in scores)


@pytest.mark.django_db
def test_accepting_a_suggestion_tags_and_it_disappears(client, tagging, chair):
    beraad, made, themes = tagging
    target = inclusion(made["untagged_phone"])
    client.force_login(chair)
    html = client.get(reverse("deliberation:workspace", args=[beraad.pk])).content.decode()
    button = f'id="suggest-{target.pk}-{themes["bereikbaarheid"].pk}"'
    assert button in html
    client.post(
        reverse("deliberation:tag", args=[beraad.pk]),
        {"inclusion": target.pk, "theme": themes["bereikbaarheid"].pk, "tagged": "1"},
    )
    html = client.get(reverse("deliberation:workspace", args=[beraad.pk])).content.decode()
    assert button not in html
    assert f'id="tag-{target.pk}-{themes["bereikbaarheid"].pk}"' in html


@pytest.mark.django_db
def test_signals_tagged_in_earlier_sessions_teach_the_suggestions(chair, body, other_body):
    earlier = BeraadFactory(chair=chair, season="voorjaar", year=2026, bodies=[body, other_body])
    old = [
        submitted(
            body,
            title=t,
            description=d,
            period_start=earlier.period_start,
            period_end=earlier.period_end,
        )
        for t, d in PHONE
    ]
    earlier = advance(earlier, chair, BeraadState.IN_BERAAD)
    bereikbaarheid = ThemeFactory(name="Bereikbaarheid")
    for signal in old:
        tag(earlier, signal, bereikbaarheid, chair)
    advance(earlier, chair, BeraadState.GEDEELD)

    current = BeraadFactory(chair=chair, bodies=[body, other_body])
    submitted(other_body, title=UNTAGGED_PHONE[0], description=UNTAGGED_PHONE[1])
    submitted(body, title=UNRELATED[0], description=UNRELATED[1])
    current = advance(current, chair, BeraadState.IN_BERAAD)
    result = suggested(current, chair)
    assert result[UNTAGGED_PHONE[0]] == ["Bereikbaarheid"]
    assert result[UNRELATED[0]] == []


@pytest.mark.django_db
def test_a_merged_theme_is_not_suggested(tagging, chair):
    beraad, _made, themes = tagging
    target = ThemeFactory(name="Dienstverlening")
    services.theme_merge(source=themes["bereikbaarheid"], target=target, user=chair)
    result = suggested(beraad, chair)
    assert "Bereikbaarheid" not in result[UNTAGGED_PHONE[0]]
    assert result[UNTAGGED_PHONE[0]][0] == "Dienstverlening"


def test_nothing_to_learn_from_means_no_suggestions():
    assert suggestions.suggest(inclusions=[], tagged={}, themes=[]) == {}


def test_tokens_drop_stopwords_numbers_and_plurals():
    assert suggestions.tokens("De inwoners worden in 2026 niet teruggebeld") == ("teruggebeld",)
    assert suggestions.tokens("Klachten") == suggestions.tokens("klacht") == ("klacht",)
