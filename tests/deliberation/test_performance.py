"""The workspace answers in a fixed number of queries, whatever the number of signals or themes
(10 vs 60 signals, 3 vs 20 themes), and so does the htmx answer to a tag."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deliberation import services
from deliberation.models import BeraadState, Tag
from signals.models import Aspect
from signals.services import organisation_unit_create
from tests.deliberation.helpers import advance, submitted
from tests.factories import BeraadFactory, ThemeFactory

QUERY_CEILING = 30  # a generous upper bound for the page of a small beraad


def build(chair, bodies, *, season, year, signals, themes, prefix, state=BeraadState.IN_BERAAD):
    """A beraad with ``signals`` signals (with aspects and units) over its bodies, ``themes``
    themes, most signals tagged, and one merged theme."""
    beraad = BeraadFactory(chair=chair, season=season, year=year, bodies=bodies)
    aspects = list(Aspect.objects.order_by("order")[:2])
    directorate = organisation_unit_create(name=f"{prefix} Sociaal domein")
    team = organisation_unit_create(name=f"{prefix} Team Wmo", parent=directorate)
    created = []
    for index in range(signals):
        signal = submitted(
            bodies[index % len(bodies)],
            title=f"{prefix} signaal {index}: wachttijden en terugbellen",
            description="Inwoners wachten lang op een besluit en worden niet teruggebeld.",
            period_start=beraad.period_start,
            period_end=beraad.period_end,
        )
        signal.aspects.set(aspects[: 1 + index % 2])
        signal.organisation_units.set([team] if index % 2 else [directorate, team])
        created.append(signal)
    beraad = advance(beraad, chair, BeraadState.IN_BERAAD)
    catalogue = [ThemeFactory(name=f"{prefix} thema {j}") for j in range(themes)]
    merged = ThemeFactory(name=f"{prefix} samengevoegd")
    services.theme_merge(source=merged, target=catalogue[0], user=chair)
    for index, inclusion in enumerate(beraad.inclusions.order_by("pk")):
        if index % 4 == 3:
            continue  # left untagged: the suggestions work on these
        for theme in {catalogue[index % themes], catalogue[(index * 7) % themes]}:
            Tag.objects.create(
                beraad=beraad, inclusion=inclusion, theme=theme, body_id=inclusion.body_id
            )
    return advance(beraad, chair, state)


def count_queries(client, url, **kwargs):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, kwargs) if kwargs else client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.fixture
def history(chair, body, other_body):
    """An earlier, shared session with tags: recurrence and suggestions read it."""
    return build(
        chair,
        [body, other_body],
        season="voorjaar",
        year=2026,
        signals=6,
        themes=3,
        prefix="Eerder",
        state=BeraadState.GEDEELD,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("group", ["body", "aspect", "unit"])
def test_the_workspace_does_not_grow_queries_with_signals_or_themes(
    client, chair, body, other_body, third_body, history, group
):
    bodies = [body, other_body, third_body]
    client.force_login(chair)
    small = build(chair, bodies, season="najaar", year=2026, signals=10, themes=3, prefix="Klein")
    small_count = count_queries(
        client, reverse("deliberation:workspace", args=[small.pk]), groep=group
    )
    large = build(
        chair, bodies, season="voorjaar", year=2027, signals=60, themes=20, prefix="Groot"
    )
    assert large.inclusions.count() == 60
    response = client.get(reverse("deliberation:workspace", args=[large.pk]))
    assert len(response.context["ws"].inclusions) == 60
    assert len(response.context["matrix"].statuses) == 20
    assert any(i.suggested for i in response.context["ws"].inclusions)
    large_count = count_queries(
        client, reverse("deliberation:workspace", args=[large.pk]), groep=group
    )
    assert small_count <= QUERY_CEILING
    assert large_count == small_count


@pytest.mark.django_db
def test_the_adopted_workspace_does_not_grow_queries_either(
    client, chair, body, other_body, history
):
    client.force_login(chair)
    bodies = [body, other_body]
    small = build(
        chair,
        bodies,
        season="najaar",
        year=2026,
        signals=10,
        themes=3,
        prefix="Klein",
        state=BeraadState.VASTGESTELD,
    )
    large = build(
        chair,
        bodies,
        season="voorjaar",
        year=2027,
        signals=60,
        themes=20,
        prefix="Groot",
        state=BeraadState.VASTGESTELD,
    )
    small_count = count_queries(client, reverse("deliberation:workspace", args=[small.pk]))
    large_count = count_queries(client, reverse("deliberation:workspace", args=[large.pk]))
    assert small_count <= QUERY_CEILING
    assert large_count == small_count


@pytest.mark.django_db
def test_the_htmx_answer_to_a_tag_does_not_grow_queries(client, chair, body, other_body, history):
    client.force_login(chair)
    bodies = [body, other_body]
    counts = []
    for season, year, signals, themes, prefix in (
        ("najaar", 2026, 10, 3, "Klein"),
        ("voorjaar", 2027, 60, 20, "Groot"),
    ):
        beraad = build(
            chair, bodies, season=season, year=year, signals=signals, themes=themes, prefix=prefix
        )
        inclusion = beraad.inclusions.order_by("pk").last()
        theme = ThemeFactory(name=f"{prefix} thema 1")
        Tag.objects.filter(inclusion=inclusion, theme=theme).delete()
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                reverse("deliberation:tag", args=[beraad.pk]),
                {"inclusion": inclusion.pk, "theme": theme.pk, "tagged": "1"},
                headers={"HX-Request": "true"},
            )
        assert response.status_code == 200
        assert Tag.objects.filter(inclusion=inclusion, theme=theme).exists()
        counts.append(len(queries))
    assert counts[1] == counts[0]
