"""The theme catalogue (shared by every session; created, renamed and merged by the chair, with
its history) and tagging (idempotent, one tag per signal and theme, only the chair, only while
the beraad is in session)."""

import importlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from deliberation import selectors, services
from deliberation.models import (
    Addressee,
    Analysis,
    BeraadState,
    Recommendation,
    Tag,
    Theme,
    ThemeEvent,
)
from rodedraden.accounts.models import Role
from tests.deliberation.helpers import advance, dutch, inclusion, submitted, tag
from tests.factories import BeraadFactory, ThemeFactory, UserFactory


def events(theme):
    return [
        (e.kind, e.old_value, e.new_value, e.by.username if e.by else None)
        for e in ThemeEvent.objects.filter(theme=theme)
    ]


# --- The catalogue --------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_chair_creates_a_theme_and_its_history_starts(chair):
    theme = services.theme_create(user=chair, name="  Bereikbaarheid   en terugbellen ")
    assert theme.name == "Bereikbaarheid en terugbellen"
    assert events(theme) == [("created", "", "Bereikbaarheid en terugbellen", "voorzitter")]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["Tijdigheid", "tijdigheid", " TIJDIGHEID "])
def test_theme_names_are_unique_whatever_the_case(chair, name):
    services.theme_create(user=chair, name="Tijdigheid")
    with pytest.raises(ValidationError) as refused:
        services.theme_create(user=chair, name=name)
    assert refused.value.message_dict["name"] == [dutch("A theme with this name exists already.")]
    assert Theme.objects.count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_theme_name_in_another_case(chair):
    """Not only the service: a write that passes it by (the race of issue 17) is refused."""
    Theme.objects.create(name="Tijdigheid")
    with pytest.raises(IntegrityError), transaction.atomic():
        Theme.objects.create(name="TIJDIGHEID")
    assert Theme.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed",
    [
        "Ｗachttijden",  # a full-width W, from a Japanese keyboard or a PDF
        "Wacht\u200btijden",  # a zero-width space, from a web page
        "wachttijden\u00a0",  # a non-breaking space, from Word
    ],
)
def test_a_theme_name_is_kept_in_one_form_and_found_in_it(in_session, chair, typed):
    beraad, signals = in_session
    theirs = services.theme_create(user=chair, name="Wachttijden")
    tagged = services.tag_with_new_theme(
        beraad=beraad, inclusion=inclusion(signals["a"]), user=chair, name=typed
    )
    assert tagged == theirs
    with pytest.raises(ValidationError) as refused:
        services.theme_create(user=chair, name=typed)
    assert refused.value.message_dict["name"] == [dutch("A theme with this name exists already.")]
    assert list(Theme.objects.values_list("name", flat=True)) == ["Wachttijden"]


@pytest.mark.django_db
def test_a_theme_name_without_personal_data(chair):
    with pytest.raises(ValidationError):
        services.theme_create(user=chair, name="Klachten over mevrouw Jansen")
    assert not Theme.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.MEMBER, Role.READER, Role.ADMIN])
def test_only_the_chair_keeps_the_catalogue(role):
    someone = UserFactory(role=role)
    with pytest.raises(PermissionDenied):
        services.theme_create(user=someone, name="Tijdigheid")
    theme = ThemeFactory(name="Tijdigheid")
    other = ThemeFactory(name="Bereikbaarheid")
    with pytest.raises(PermissionDenied):
        services.theme_update(theme=theme, user=someone, name="Traag", description="")
    with pytest.raises(PermissionDenied):
        services.theme_merge(source=theme, target=other, user=someone)
    theme.refresh_from_db()
    assert theme.name == "Tijdigheid"
    assert theme.merged_into is None


@pytest.mark.django_db
def test_renaming_keeps_the_history(chair):
    theme = services.theme_create(user=chair, name="Wachttijden")
    services.theme_update(theme=theme, user=chair, name="Tijdigheid", description="")
    services.theme_update(
        theme=theme, user=chair, name="Tijdigheid in het sociaal domein", description="Te laat."
    )
    theme.refresh_from_db()
    assert theme.name == "Tijdigheid in het sociaal domein"
    assert events(theme) == [
        ("created", "", "Wachttijden", "voorzitter"),
        ("renamed", "Wachttijden", "Tijdigheid", "voorzitter"),
        ("renamed", "Tijdigheid", "Tijdigheid in het sociaal domein", "voorzitter"),
        ("described", "", "Te laat.", "voorzitter"),
    ]
    # saving without a change adds no history
    services.theme_update(
        theme=theme, user=chair, name="Tijdigheid in het sociaal domein", description="Te laat."
    )
    assert ThemeEvent.objects.filter(theme=theme).count() == 4


@pytest.mark.django_db
def test_renaming_to_the_name_of_another_theme_is_refused(chair):
    services.theme_create(user=chair, name="Tijdigheid")
    theme = services.theme_create(user=chair, name="Wachttijden")
    with pytest.raises(ValidationError):
        services.theme_update(theme=theme, user=chair, name="TIJDIGHEID", description="")
    theme.refresh_from_db()
    assert theme.name == "Wachttijden"


@pytest.mark.django_db
def test_the_catalogue_persists_across_sessions(chair, body, other_body):
    theme = ThemeFactory(name="Tijdigheid")
    first = BeraadFactory(chair=chair, season="voorjaar", year=2026, bodies=[body, other_body])
    early = submitted(body, period_start=first.period_start, period_end=first.period_end)
    first = advance(first, chair, BeraadState.IN_BERAAD)
    tag(first, early, theme, chair)
    advance(first, chair, BeraadState.GEDEELD)
    second = BeraadFactory(chair=chair, bodies=[body, other_body])
    late_a, late_b = submitted(body), submitted(other_body)
    second = advance(second, chair, BeraadState.IN_BERAAD)
    tag(second, late_a, theme, chair)
    tag(second, late_b, theme, chair)
    assert [
        (b.pk, signals, bodies)
        for b, signals, bodies in selectors.theme_sessions(theme=theme, fetched_by=chair)
    ] == [
        (second.pk, 2, 2),
        (first.pk, 1, 1),
    ]


# --- Merging -----------------------------------------------------------------------------------
@pytest.fixture
def in_session(beraad, chair, body, other_body):
    """A beraad in session with three signals: a and b of the rekenkamer, c of the ombudsman."""
    signals = {"a": submitted(body), "b": submitted(body), "c": submitted(other_body)}
    beraad = advance(beraad, chair, BeraadState.IN_BERAAD)
    return beraad, signals


@pytest.mark.django_db
def test_merging_moves_tags_analyses_and_recommendations_and_keeps_history(in_session, chair):
    beraad, s = in_session
    source = services.theme_create(user=chair, name="Wachttijden")
    target = services.theme_create(user=chair, name="Tijdigheid")
    tag(beraad, s["a"], source, chair)
    tag(beraad, s["b"], source, chair)
    tag(beraad, s["b"], target, chair)  # tagged with both: keeps one tag
    tag(beraad, s["c"], target, chair)
    services.analysis_save(
        beraad=beraad,
        theme=source,
        user=chair,
        version=0,
        text="Aanvragen blijven liggen.",
        example_ids=[inclusion(s["a"]).pk],
    )
    recommendation = services.recommendation_create(
        beraad=beraad,
        theme=source,
        user=chair,
        text="Stel doorlooptijden vast.",
        addressee=Addressee.CONCERNDIRECTIE,
    )

    merged = services.theme_merge(source=source, target=target, user=chair)

    assert merged == target
    source.refresh_from_db()
    assert source.merged_into == target
    assert not Tag.objects.filter(theme=source).exists()
    assert sorted(
        Tag.objects.filter(theme=target).values_list("inclusion__signal_id", flat=True)
    ) == sorted([s["a"].pk, s["b"].pk, s["c"].pk])
    assert Tag.objects.filter(inclusion=inclusion(s["b"])).count() == 1
    analysis = Analysis.objects.get(beraad=beraad)
    assert analysis.theme == target
    assert analysis.text == "Aanvragen blijven liggen."
    assert list(analysis.examples.all()) == [inclusion(s["a"])]
    recommendation.refresh_from_db()
    assert recommendation.theme == target
    assert events(source)[-1] == ("merged", "Wachttijden", "Tijdigheid", "voorzitter")
    assert events(target)[-1] == ("merged", "Wachttijden", "Tijdigheid", "voorzitter")
    assert events(source)[0][0] == "created"  # the history of both is kept
    # the merged theme stays in the catalogue, but no longer to tag with
    assert list(Theme.objects.active()) == [target]


@pytest.mark.django_db
def test_merging_two_analyses_of_one_beraad_keeps_both_texts(in_session, chair):
    beraad, s = in_session
    source, target = ThemeFactory(name="Wachttijden"), ThemeFactory(name="Tijdigheid")
    services.analysis_save(
        beraad=beraad,
        theme=target,
        user=chair,
        version=0,
        text="Eerste.",
        example_ids=[inclusion(s["c"]).pk],
    )
    services.analysis_save(
        beraad=beraad,
        theme=source,
        user=chair,
        version=0,
        text="Tweede.",
        example_ids=[inclusion(s["a"]).pk],
    )
    services.theme_merge(source=source, target=target, user=chair)
    analysis = Analysis.objects.get(beraad=beraad)
    assert analysis.theme == target
    assert analysis.text == "Eerste.\n\nTweede."
    assert analysis.version == 2
    assert set(analysis.examples.all()) == {inclusion(s["a"]), inclusion(s["c"])}


@pytest.mark.django_db
def test_a_theme_is_not_merged_into_itself_or_twice(chair):
    a, b, c = ThemeFactory(name="A"), ThemeFactory(name="B"), ThemeFactory(name="C")
    with pytest.raises(ValidationError):
        services.theme_merge(source=a, target=a, user=chair)
    services.theme_merge(source=a, target=b, user=chair)
    with pytest.raises(services.NotAllowed):
        services.theme_merge(source=a, target=c, user=chair)  # a was merged already
    with pytest.raises(services.NotAllowed):
        services.theme_merge(source=c, target=a, user=chair)  # into a merged theme
    with pytest.raises(services.NotAllowed):
        services.theme_update(theme=a, user=chair, name="A2", description="")
    a.refresh_from_db()
    assert a.merged_into == b
    assert a.name == "A"


# --- Tagging --------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_toggles_are_idempotent(in_session, chair):
    beraad, s = in_session
    theme = ThemeFactory(name="Tijdigheid")
    assert tag(beraad, s["a"], theme, chair) is True
    assert tag(beraad, s["a"], theme, chair) is True
    assert Tag.objects.filter(theme=theme).count() == 1
    stored = Tag.objects.get(theme=theme)
    assert stored.beraad == beraad
    assert stored.body == s["a"].body
    assert stored.created_by == chair
    assert tag(beraad, s["a"], theme, chair, tagged=False) is False
    assert tag(beraad, s["a"], theme, chair, tagged=False) is False
    assert not Tag.objects.exists()


@pytest.mark.django_db
def test_one_tag_per_signal_and_theme_in_the_database(in_session, chair):
    beraad, s = in_session
    theme = ThemeFactory(name="Tijdigheid")
    tag(beraad, s["a"], theme, chair)
    with pytest.raises(IntegrityError), transaction.atomic():
        Tag.objects.create(
            beraad=beraad, inclusion=inclusion(s["a"]), theme=theme, body=s["a"].body
        )
    assert Tag.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.MEMBER, Role.READER, Role.ADMIN])
def test_only_the_chair_tags(in_session, chair, role):
    beraad, s = in_session
    theme = ThemeFactory(name="Tijdigheid")
    with pytest.raises(PermissionDenied):
        tag(beraad, s["a"], theme, UserFactory(role=role))
    with pytest.raises(PermissionDenied):
        services.tag_with_new_theme(
            beraad=beraad, inclusion=inclusion(s["a"]), user=UserFactory(role=role), name="Nieuw"
        )
    assert not Tag.objects.exists()
    assert list(Theme.objects.all()) == [theme]


@pytest.mark.django_db
@pytest.mark.parametrize("state", [BeraadState.IN_BERAAD, BeraadState.CONCEPT_MEMO])
def test_tagging_while_in_session_or_drafting_the_memo(in_session, chair, state):
    beraad, s = in_session
    beraad = advance(beraad, chair, state)
    theme = ThemeFactory(name="Tijdigheid")
    tag(beraad, s["a"], theme, chair)
    assert Tag.objects.filter(beraad=beraad).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("state", [BeraadState.VASTGESTELD, BeraadState.GEDEELD])
@pytest.mark.parametrize("tagged", [True, False])
def test_tagging_in_a_frozen_beraad_is_refused_with_a_clear_message(
    in_session, chair, state, tagged
):
    beraad, s = in_session
    theme = ThemeFactory(name="Tijdigheid")
    tag(beraad, s["a"], theme, chair)
    beraad = advance(beraad, chair, state)
    with pytest.raises(services.NotAllowed) as refused:
        tag(beraad, s["a"] if not tagged else s["b"], theme, chair, tagged=tagged)
    assert refused.value.messages == [
        dutch("This beraad has been adopted; its content can no longer change.")
    ]
    with pytest.raises(services.NotAllowed):
        services.tag_with_new_theme(
            beraad=beraad, inclusion=inclusion(s["c"]), user=chair, name="Nieuw thema"
        )
    assert list(Tag.objects.values_list("inclusion__signal", flat=True)) == [s["a"].pk]
    assert not Theme.objects.filter(name="Nieuw thema").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("state", [BeraadState.GEPLAND, BeraadState.VOORBEREIDING])
def test_tagging_before_the_beraad_starts_is_refused(chair, body, state, in_session):
    _beraad, s = in_session
    theme = ThemeFactory(name="Tijdigheid")
    not_started = BeraadFactory(chair=chair, season="voorjaar", year=2027, bodies=[body])
    not_started.state = state
    not_started.save()
    with pytest.raises(services.NotAllowed) as refused:
        services.tag_set(
            beraad=not_started, inclusion=inclusion(s["a"]), theme=theme, user=chair, tagged=True
        )
    assert refused.value.messages == [
        dutch("Signals can be tagged only while the beraad is in session.")
    ]
    assert not Tag.objects.exists()


@pytest.mark.django_db
def test_a_signal_of_another_beraad_is_not_tagged_through_this_one(in_session, chair, body):
    _beraad, s = in_session
    other = BeraadFactory(chair=chair, season="voorjaar", year=2027, bodies=[body])
    other.state = BeraadState.IN_BERAAD
    other.save()
    theme = ThemeFactory(name="Tijdigheid")
    with pytest.raises(PermissionDenied):
        services.tag_set(
            beraad=other, inclusion=inclusion(s["a"]), theme=theme, user=chair, tagged=True
        )
    assert not Tag.objects.exists()


@pytest.mark.django_db
def test_a_merged_theme_is_not_used_to_tag(in_session, chair):
    beraad, s = in_session
    old, new = ThemeFactory(name="Wachttijden"), ThemeFactory(name="Tijdigheid")
    services.theme_merge(source=old, target=new, user=chair)
    old.refresh_from_db()
    with pytest.raises(services.NotAllowed) as refused:
        tag(beraad, s["a"], old, chair)
    assert refused.value.messages == [dutch("This theme was merged into another one.")]
    assert not Tag.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("write", ["analysis", "recommendation"])
def test_a_merged_theme_gets_no_analysis_or_recommendation(in_session, chair, write):
    """As for tags (issue 17): the merge moved everything of the theme; nothing new is left
    on it afterwards (from a page opened before the merge, or a request racing with it)."""
    beraad, _s = in_session
    old, new = ThemeFactory(name="Wachttijden"), ThemeFactory(name="Tijdigheid")
    services.theme_merge(source=old, target=new, user=chair)
    calls = {
        "analysis": lambda: services.analysis_save(
            beraad=beraad, theme=old, user=chair, version=0, text="Zo."
        ),
        "recommendation": lambda: services.recommendation_create(
            beraad=beraad, theme=old, user=chair, text="Doe iets.", addressee=Addressee.BURGEMEESTER
        ),
    }
    with pytest.raises(services.NotAllowed) as refused:
        calls[write]()
    assert refused.value.messages == [dutch("This theme was merged into another one.")]
    assert not Analysis.objects.exists()
    assert not old.recommendations.exists()


@pytest.mark.django_db
def test_tags_left_on_a_merged_theme_move_to_the_theme_it_lives_on_in(in_session, chair):
    """Issue 17, point 6: what a merge that raced with tagging left behind before the fix
    (a tag on the merged theme) is repaired by migration 0009, as the merge would have done."""
    from django.apps import apps

    repair = importlib.import_module(
        "deliberation.migrations.0009_move_tags_off_merged_themes"
    ).move_tags_off_merged_themes
    beraad, s = in_session
    first, second, last = (ThemeFactory(name=n) for n in ("Bereik", "Wachttijden", "Tijdigheid"))
    tag(beraad, s["b"], last, chair)
    services.theme_merge(source=first, target=second, user=chair)
    services.theme_merge(source=second, target=last, user=chair)
    # As the race left them: straight into the table, past the service.
    for signal, theme in ((s["a"], first), (s["b"], second), (s["c"], second)):
        Tag.objects.create(
            beraad=beraad, inclusion=inclusion(signal), theme=theme, body=signal.body
        )
    recommendation = Recommendation.objects.create(
        beraad=beraad, theme=first, text="Doe iets.", addressee=Addressee.BURGEMEESTER
    )
    Analysis.objects.create(beraad=beraad, theme=last, text="Van het doel.")
    Analysis.objects.create(beraad=beraad, theme=second, text="Van de bron.")
    repair(apps, None)
    assert sorted(
        (t.inclusion.signal_id, t.theme.name) for t in Tag.objects.select_related("inclusion")
    ) == sorted([(s["a"].pk, "Tijdigheid"), (s["b"].pk, "Tijdigheid"), (s["c"].pk, "Tijdigheid")])
    recommendation.refresh_from_db()
    assert recommendation.theme == last
    assert list(Analysis.objects.values_list("theme__name", "text", "version")) == [
        ("Tijdigheid", "Van het doel.\n\nVan de bron.", 2)
    ]
    repair(apps, None)  # again: nothing left to do
    assert Tag.objects.count() == 3
    assert Analysis.objects.count() == 1


@pytest.mark.django_db
def test_tagging_with_a_new_theme_creates_it_once(in_session, chair):
    beraad, s = in_session
    theme = services.tag_with_new_theme(
        beraad=beraad, inclusion=inclusion(s["a"]), user=chair, name=" Privacy  en datalekken"
    )
    assert theme.name == "Privacy en datalekken"
    assert events(theme) == [("created", "", "Privacy en datalekken", "voorzitter")]
    again = services.tag_with_new_theme(
        beraad=beraad, inclusion=inclusion(s["c"]), user=chair, name="privacy en DATALEKKEN"
    )
    assert again == theme
    assert Theme.objects.count() == 1
    assert set(Tag.objects.values_list("inclusion__signal", "theme")) == {
        (s["a"].pk, theme.pk),
        (s["c"].pk, theme.pk),
    }


@pytest.mark.django_db
def test_typing_the_name_of_a_merged_theme_tags_with_the_theme_it_was_merged_into(
    in_session, chair
):
    beraad, s = in_session
    old, new = ThemeFactory(name="Wachttijden"), ThemeFactory(name="Tijdigheid")
    services.theme_merge(source=old, target=new, user=chair)
    theme = services.tag_with_new_theme(
        beraad=beraad, inclusion=inclusion(s["a"]), user=chair, name="wachttijden"
    )
    assert theme == new
    assert list(Tag.objects.values_list("theme", flat=True)) == [new.pk]


@pytest.mark.django_db
def test_typing_the_name_of_a_theme_merged_twice_tags_with_the_last_one(in_session, chair):
    beraad, s = in_session
    a, b, c = ThemeFactory(name="A-thema"), ThemeFactory(name="B-thema"), ThemeFactory(name="C")
    services.theme_merge(source=a, target=b, user=chair)
    services.theme_merge(source=b, target=c, user=chair)
    theme = services.tag_with_new_theme(
        beraad=beraad, inclusion=inclusion(s["a"]), user=chair, name="A-thema"
    )
    assert theme == c
    assert list(Tag.objects.values_list("theme", flat=True)) == [c.pk]
