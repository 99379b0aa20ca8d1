"""Two people at the same moment, in two threads with their own database connections: nothing
is lost, nothing is doubled, a stale write is refused. On PostgreSQL the threads really race
(row locks, the unique constraint); on SQLite the database serialises them."""

import threading

import pytest
from django.db import connection

from deliberation import services
from deliberation.models import Analysis, BeraadSignal, BeraadState, Recommendation, Tag
from signals.models import SignalState
from tests.deliberation.helpers import advance, dutch, inclusion, submitted
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


ROUNDS = 12  # each failed about every other round before the fix (issue 17: 10 and 12 of 20)


def test_a_merge_racing_with_tagging_never_leaves_a_tag_on_the_merged_theme(in_session, chair):
    """Issue 17, point 6. The chair merges a theme while a signal is tagged with it: either the
    tag was there first and moves along, or the merge was first and the tag is refused with
    the Dutch message; never a tag on the merged theme (which the card would show and could
    not take off). Round after round, the two in real concurrent transactions."""
    from deliberation.models import Theme

    beraad, (first, second) = in_session
    for number in range(ROUNDS):
        source = ThemeFactory(name=f"Samen te voegen {number}")
        target = ThemeFactory(name=f"Doel {number}")
        # The other signal has the target already: the merge has a tag to keep.
        services.tag_set(beraad=beraad, inclusion=second, theme=target, user=chair, tagged=True)
        results = at_once(
            lambda source=source, target=target: services.theme_merge(
                source=source, target=target, user=chair
            ),
            lambda source=source: services.tag_set(
                beraad=beraad, inclusion=first, theme=source, user=chair, tagged=True
            ),
        )
        (merge_outcome, merged), (tag_outcome, tagged) = results
        assert merge_outcome == "ok", merged
        assert tag_outcome == "ok" or isinstance(tagged, services.NotAllowed), tagged
        if tag_outcome == "error":
            assert tagged.messages == [dutch("This theme was merged into another one.")]
        on_merged = Tag.objects.filter(theme__merged_into__isnull=False)
        assert not on_merged.exists(), f"round {number}: {list(on_merged.values('theme'))}"
        assert Theme.objects.get(pk=source.pk).merged_into_id == target.pk
        first_themes = set(Tag.objects.filter(inclusion=first).values_list("theme", flat=True))
        assert first_themes == ({target.pk} if tag_outcome == "ok" else set()), number
        Tag.objects.filter(inclusion=first).delete()


def test_themes_that_differ_only_in_case_typed_at_once_make_one_theme(in_session, chair):
    """Issue 17, point 7. Two chairs type "Wachttijden" and "wachttijden" as a new theme for
    two signals at the same moment: one theme, and both signals get it."""
    from deliberation.models import Theme

    beraad, (first, second) = in_session
    for number in range(ROUNDS):
        results = at_once(
            lambda number=number: services.tag_with_new_theme(
                beraad=beraad, inclusion=first, user=chair, name=f"Wachttijden {number}"
            ),
            lambda number=number: services.tag_with_new_theme(
                beraad=beraad, inclusion=second, user=chair, name=f"wachttijden  {number} "
            ),
        )
        assert [outcome for outcome, _ in results] == ["ok", "ok"], results
        themes = Theme.objects.filter(name__iexact=f"wachttijden {number}")
        assert themes.count() == 1, f"round {number}: {list(themes.values_list('name'))}"
        theme = themes.get()
        assert [value for _, value in results] == [theme, theme]
        assert set(Tag.objects.filter(theme=theme).values_list("inclusion", flat=True)) == {
            first.pk,
            second.pk,
        }


def test_themes_that_differ_only_in_case_created_at_once_one_is_refused_in_dutch(chair):
    """The same in the catalogue: one is created, the other refused with the message of a
    theme that exists (never a database error)."""
    from deliberation.models import Theme

    for number in range(ROUNDS):
        results = at_once(
            lambda number=number: services.theme_create(user=chair, name=f"Privacy {number}"),
            lambda number=number: services.theme_create(user=chair, name=f"PRIVACY {number}"),
        )
        outcomes = sorted(outcome for outcome, _ in results)
        assert outcomes == ["error", "ok"], results
        refused = next(value for outcome, value in results if outcome == "error")
        assert isinstance(refused, services.ValidationError), refused
        assert refused.message_dict == {"name": [dutch("A theme with this name exists already.")]}
        assert Theme.objects.filter(name__iexact=f"privacy {number}").count() == 1
