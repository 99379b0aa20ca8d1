"""Freezing: at vastgesteld the content (signals as they were, tags, analyses,
recommendations) is kept as ``beraad.snapshot``; later changes to signals or themes do not change
what the adopted beraad shows."""

import pytest
from django.urls import reverse

from deliberation import selectors, services
from deliberation.models import Addressee, BeraadState
from signals.models import Signal, SignalState
from signals.services import signal_update
from tests.deliberation.helpers import advance, inclusion, submitted, tag
from tests.factories import BeraadFactory, ThemeFactory


@pytest.fixture
def adopted(chair, body, other_body):
    """An adopted beraad: Tijdigheid (two bodies, with an analysis and a recommendation) and
    Privacy (one body)."""
    beraad = BeraadFactory(chair=chair, bodies=[body, other_body])
    a = submitted(body, title="Wmo-aanvragen blijven lang liggen", case_count=12)
    b = submitted(other_body, title="Klachten over wachttijden jeugdhulp", case_count=7)
    c = submitted(body, title="Post naar een oud adres", case_count=3)
    beraad = advance(beraad, chair, BeraadState.IN_BERAAD)
    tijdigheid = ThemeFactory(name="Tijdigheid")
    privacy = ThemeFactory(name="Privacy")
    tag(beraad, a, tijdigheid, chair)
    tag(beraad, b, tijdigheid, chair)
    tag(beraad, c, privacy, chair)
    services.analysis_save(
        beraad=beraad,
        theme=tijdigheid,
        user=chair,
        version=0,
        text="Twee organen zien dat aanvragen blijven liggen.",
        example_ids=[inclusion(a).pk],
    )
    services.analysis_save(
        beraad=beraad, theme=privacy, user=chair, version=0, text="Adressen zijn verouderd."
    )
    services.recommendation_create(
        beraad=beraad,
        theme=tijdigheid,
        user=chair,
        text="Stel per voorziening een doorlooptijd vast.",
        addressee=Addressee.CONCERNDIRECTIE,
    )
    beraad = advance(beraad, chair, BeraadState.VASTGESTELD)
    return beraad, {"a": a, "b": b, "c": c}, {"tijdigheid": tijdigheid, "privacy": privacy}


def statuses(beraad):
    return [
        (s.theme.name, sorted(s.bodies), s.signals, s.per_body, s.is_rode_draad)
        for s in selectors.theme_statuses(beraad)
    ]


def edit_as_administrator(signal, admin_user, **changes):
    signal = Signal.objects.get(pk=signal.pk)
    values = {
        "title": signal.title,
        "description": signal.description,
        "period_start": signal.period_start,
        "period_end": signal.period_end,
        "case_count": signal.case_count,
        "impact": signal.impact,
        "source_reference": signal.source_reference,
        "is_positive": signal.is_positive,
        "aspects": [],
        "organisation_units": [],
        "details": signal.details,
    }
    values.update(changes)
    return signal_update(signal=signal, user=admin_user, version=signal.version, **values)


@pytest.mark.django_db
def test_adopting_freezes_the_content_and_the_signals_are_discussed(adopted, body, other_body):
    beraad, s, t = adopted
    assert beraad.adopted_at is not None
    snapshot = beraad.snapshot
    assert {signal["title"] for signal in snapshot["signals"]} == {
        "Wmo-aanvragen blijven lang liggen",
        "Klachten over wachttijden jeugdhulp",
        "Post naar een oud adres",
    }
    assert sorted(map(tuple, snapshot["tags"])) == sorted(
        [
            (s["a"].pk, t["tijdigheid"].pk),
            (s["b"].pk, t["tijdigheid"].pk),
            (s["c"].pk, t["privacy"].pk),
        ]
    )
    assert {(a["theme_id"], a["text"], tuple(a["examples"])) for a in snapshot["analyses"]} == {
        (t["tijdigheid"].pk, "Twee organen zien dat aanvragen blijven liggen.", (s["a"].pk,)),
        (t["privacy"].pk, "Adressen zijn verouderd.", ()),
    }
    assert [(r["theme_id"], r["text"]) for r in snapshot["recommendations"]] == [
        (t["tijdigheid"].pk, "Stel per voorziening een doorlooptijd vast.")
    ]
    assert {(r["theme_id"], r["is_rode_draad"]) for r in snapshot["rode_draden"]} == {
        (t["tijdigheid"].pk, True),
        (t["privacy"].pk, False),
    }
    assert {b["id"] for b in snapshot["bodies"]} == {body.pk, other_body.pk}
    assert set(
        Signal.objects.filter(pk__in=[x.pk for x in s.values()]).values_list("state", flat=True)
    ) == {SignalState.BESPROKEN}


@pytest.mark.django_db
def test_the_frozen_statuses_are_the_live_statuses_at_adoption(chair, body, other_body):
    beraad = BeraadFactory(chair=chair, bodies=[body, other_body])
    a, b = submitted(body), submitted(other_body)
    beraad = advance(beraad, chair, BeraadState.IN_BERAAD)
    theme = ThemeFactory(name="Tijdigheid")
    tag(beraad, a, theme, chair)
    tag(beraad, b, theme, chair)
    beraad = advance(beraad, chair, BeraadState.CONCEPT_MEMO)
    live = statuses(beraad)
    beraad = advance(beraad, chair, BeraadState.VASTGESTELD)
    assert beraad.snapshot
    assert statuses(beraad) == live
    assert live == [
        ("Tijdigheid", sorted([body.pk, other_body.pk]), 2, {body.pk: 1, other_body.pk: 1}, True)
    ]


@pytest.mark.django_db
def test_a_later_edit_of_a_signal_does_not_change_the_adopted_beraad(
    client, adopted, admin_user, chair
):
    beraad, s, _t = adopted
    before = statuses(beraad)
    edit_as_administrator(
        s["a"], admin_user, title="Aangepaste titel na vaststelling", case_count=99
    )
    assert Signal.objects.get(pk=s["a"].pk).title == "Aangepaste titel na vaststelling"
    beraad = advance(beraad, chair, BeraadState.GEDEELD)

    assert statuses(beraad) == before
    workspace = selectors.workspace(beraad=beraad, fetched_by=chair)
    titles = {i.signal.title for i in workspace.inclusions}
    assert "Wmo-aanvragen blijven lang liggen" in titles
    assert "Aangepaste titel na vaststelling" not in titles

    client.force_login(chair)
    html = client.get(reverse("deliberation:workspace", args=[beraad.pk])).content.decode()
    assert "Wmo-aanvragen blijven lang liggen" in html
    assert "Aangepaste titel na vaststelling" not in html
    frozen = next(i.signal for i in workspace.inclusions if i.pk == s["a"].pk)
    assert frozen.case_count == 12


@pytest.mark.django_db
def test_the_workspace_of_an_adopted_beraad_shows_the_tags_as_adopted(
    client, adopted, chair, body, other_body
):
    beraad, _s, _t = adopted
    client.force_login(chair)
    response = client.get(reverse("deliberation:workspace", args=[beraad.pk]))
    assert response.status_code == 200
    tags = {
        i.signal.title: [th.name for th in i.tag_themes] for i in response.context["ws"].inclusions
    }
    assert tags == {
        "Wmo-aanvragen blijven lang liggen": ["Tijdigheid"],
        "Klachten over wachttijden jeugdhulp": ["Tijdigheid"],
        "Post naar een oud adres": ["Privacy"],
    }
    html = response.content.decode()
    # no forms to change anything
    assert reverse("deliberation:tag", args=[beraad.pk]) not in html
    assert reverse("deliberation:tag-new-theme", args=[beraad.pk]) not in html
    assert [r.theme.name for r in response.context["matrix"].rode_draden] == ["Tijdigheid"]


@pytest.mark.django_db
def test_renaming_or_merging_themes_later_does_not_change_the_adopted_beraad(
    client, adopted, chair
):
    beraad, _s, t = adopted
    before = statuses(beraad)
    services.theme_update(theme=t["tijdigheid"], user=chair, name="Doorlooptijden", description="")
    services.theme_merge(source=t["privacy"], target=t["tijdigheid"], user=chair)

    assert statuses(beraad) == before
    client.force_login(chair)
    response = client.get(reverse("deliberation:workspace", args=[beraad.pk]))
    names = {th.name for i in response.context["ws"].inclusions for th in i.tag_themes}
    assert names == {"Tijdigheid", "Privacy"}
    assert [(s.theme.name, s.signals) for s in response.context["matrix"].statuses] == [
        ("Tijdigheid", 2),
        ("Privacy", 1),
    ]


@pytest.mark.django_db
def test_the_rode_draad_page_of_an_adopted_beraad(client, adopted, admin_user, chair):
    beraad, s, t = adopted
    edit_as_administrator(s["a"], admin_user, title="Aangepaste titel na vaststelling")
    client.force_login(chair)
    url = reverse("deliberation:rode-draad", args=[beraad.pk, t["tijdigheid"].pk])
    response = client.get(url)
    assert response.status_code == 200
    status = response.context["status"]
    assert (status.signals, len(status.bodies), status.is_rode_draad) == (2, 2, True)
    html = response.content.decode()
    assert "Twee organen zien dat aanvragen blijven liggen." in html
    assert "Stel per voorziening een doorlooptijd vast." in html
    assert "Aangepaste titel na vaststelling" not in html
    # nothing to change: no forms to save an analysis or add or remove a recommendation
    assert 'name="add_recommendation"' not in html
    assert 'name="text"' not in html


@pytest.mark.django_db
def test_merging_themes_later_does_not_change_the_adopted_rode_draad_pages(client, adopted, chair):
    beraad, _s, t = adopted
    services.theme_merge(source=t["privacy"], target=t["tijdigheid"], user=chair)
    client.force_login(chair)
    target = client.get(
        reverse("deliberation:rode-draad", args=[beraad.pk, t["tijdigheid"].pk])
    ).content.decode()
    source = client.get(
        reverse("deliberation:rode-draad", args=[beraad.pk, t["privacy"].pk])
    ).content.decode()
    assert "Twee organen zien dat aanvragen blijven liggen." in target
    assert "Adressen zijn verouderd." not in target
    assert "Adressen zijn verouderd." in source
