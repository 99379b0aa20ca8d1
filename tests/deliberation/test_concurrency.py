"""Two people at the same moment, in two threads with their own database connections: nothing
is lost, nothing is doubled, a stale write is refused. On PostgreSQL the threads really race
(row locks, the unique constraint); on SQLite the database serialises them."""

import threading

import pytest
from django.db import connection

from deliberation import services
from deliberation.models import Analysis, BeraadSignal, BeraadState, Recommendation, Tag
from signals.models import SignalState
from tests.deliberation.helpers import advance, inclusion, submitted
from tests.factories import ThemeFactory

pytestmark = pytest.mark.django_db(transaction=True)


def at_once(*calls):
    """Run the calls in threads that start together; [(outcome, value or exception)]."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = ("ok", call())
        except Exception as error:
            results[index] = ("error", error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(not thread.is_alive() for thread in threads)
    return results


@pytest.fixture
def in_session(beraad, chair, body, other_body):
    signals = [submitted(body), submitted(other_body)]
    beraad = advance(beraad, chair, BeraadState.IN_BERAAD)
    return beraad, [inclusion(signal) for signal in signals]


def test_two_identical_tag_toggles_make_one_tag(in_session, chair):
    beraad, (first, _second) = in_session
    theme = ThemeFactory(name="Tijdigheid")

    def toggle():
        return services.tag_set(
            beraad=beraad, inclusion=first, theme=theme, user=chair, tagged=True
        )

    for _round in range(3):
        Tag.objects.all().delete()
        assert at_once(toggle, toggle, toggle) == [("ok", True)] * 3
        assert Tag.objects.filter(inclusion=first, theme=theme).count() == 1


def test_two_different_tags_at_once_are_both_kept(in_session, chair):
    beraad, (first, second) = in_session
    tijdigheid, bereikbaarheid = ThemeFactory(name="Tijdigheid"), ThemeFactory(name="Bereik")
    calls = [
        lambda: services.tag_set(
            beraad=beraad, inclusion=first, theme=tijdigheid, user=chair, tagged=True
        ),
        lambda: services.tag_set(
            beraad=beraad, inclusion=first, theme=bereikbaarheid, user=chair, tagged=True
        ),
        lambda: services.tag_set(
            beraad=beraad, inclusion=second, theme=tijdigheid, user=chair, tagged=True
        ),
    ]
    assert [outcome for outcome, _ in at_once(*calls)] == ["ok"] * 3
    assert sorted(Tag.objects.values_list("inclusion", "theme")) == sorted(
        [
            (first.pk, tijdigheid.pk),
            (first.pk, bereikbaarheid.pk),
            (second.pk, tijdigheid.pk),
        ]
    )


def test_a_theme_created_by_someone_else_in_the_meantime_is_used(in_session, chair, monkeypatch):
    """Two chairs type the same new theme at once: the other one's theme is committed after
    our look-up found nothing, and before our INSERT."""
    from django.db.models import QuerySet

    from deliberation.models import Theme

    beraad, (first, _second) = in_session
    theirs = Theme.objects.create(name="Privacy")
    original_first = QuerySet.first
    lookups = []

    def not_there_yet(queryset):
        # The first look-up by name ran before the other chair's commit.
        if queryset.model is Theme and not lookups:
            lookups.append(True)
            return None
        return original_first(queryset)

    monkeypatch.setattr(QuerySet, "first", not_there_yet)
    theme = services.tag_with_new_theme(beraad=beraad, inclusion=first, user=chair, name="privacy")
    assert lookups == [True]
    assert Theme.objects.filter(name__iexact="privacy").count() == 1
    assert theme == theirs
    assert list(Tag.objects.values_list("inclusion", "theme")) == [(first.pk, theme.pk)]


def test_starting_twice_at_once_includes_each_signal_once(beraad, chair, body, other_body):
    signals = [submitted(body), submitted(body), submitted(other_body)]
    beraad = advance(beraad, chair, BeraadState.VOORBEREIDING)

    def start():
        return services.beraad_start(beraad=beraad, user=chair)

    results = at_once(start, start)
    outcomes = sorted(outcome for outcome, _ in results)
    assert outcomes == ["error", "ok"]
    error = next(value for outcome, value in results if outcome == "error")
    assert isinstance(error, services.NotAllowed)
    assert BeraadSignal.objects.filter(beraad=beraad).count() == 3
    for signal in signals:
        signal.refresh_from_db()
        assert signal.state == SignalState.IN_BERAAD
    beraad.refresh_from_db()
    assert beraad.state == BeraadState.IN_BERAAD
    assert beraad.version == 3  # created 1, intake opened 2, started 3: started once


def test_two_analyses_of_the_same_version_one_wins_the_other_is_refused(in_session, chair):
    beraad, _ = in_session
    theme = ThemeFactory(name="Tijdigheid")

    def save(text):
        return lambda: services.analysis_save(
            beraad=beraad, theme=theme, user=chair, version=0, text=text
        )

    results = at_once(save("Van de een."), save("Van de ander."))
    outcomes = sorted(outcome for outcome, _ in results)
    assert outcomes == ["error", "ok"]
    winner = next(value for outcome, value in results if outcome == "ok")
    loser = next(value for outcome, value in results if outcome == "error")
    assert (
        isinstance(loser, services.Conflict | services.ValidationError)
        or "unique" in str(loser).lower()
    ), loser
    stored = Analysis.objects.get(beraad=beraad, theme=theme)
    assert (stored.text, stored.version) == (winner.text, 1)


def test_two_responses_of_the_same_version_one_wins_the_other_is_refused(
    beraad, chair, reader, body
):
    beraad = advance(beraad, chair, BeraadState.IN_BERAAD)
    recommendation = services.recommendation_create(
        beraad=beraad,
        theme=ThemeFactory(name="Tijdigheid"),
        user=chair,
        text="Doe iets.",
        addressee="burgemeester",
    )
    advance(beraad, chair, BeraadState.GEDEELD)
    recommendation.refresh_from_db()

    def respond(owner, user):
        return lambda: services.recommendation_respond(
            recommendation=recommendation,
            user=user,
            version=recommendation.version,
            response="overgenomen",
            response_reason="",
            owner=owner,
            due_date=None,
            progress="",
            status="open",
        )

    results = at_once(respond("Eigenaar A", reader), respond("Eigenaar B", chair))
    assert sorted(outcome for outcome, _ in results) == ["error", "ok"]
    winner = next(value for outcome, value in results if outcome == "ok")
    loser = next(value for outcome, value in results if outcome == "error")
    assert isinstance(loser, services.Conflict)
    stored = Recommendation.objects.get(pk=recommendation.pk)
    assert stored.owner == winner.owner
    assert stored.version == recommendation.version + 1
