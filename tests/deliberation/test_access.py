"""Every deliberation URL for those who may not use it: a 404, never a 403 that confirms the
page exists, and nothing changes. Members of a body that does not take part, readers before the
memo is shared, and members of a participating body on the chair's pages."""

import pytest
from django.conf import settings
from django.urls import reverse

from deliberation import services
from deliberation.models import (
    Addressee,
    Beraad,
    BeraadState,
    Intake,
    Recommendation,
    Tag,
    Theme,
    ThemeEvent,
)
from tests.deliberation.helpers import advance, inclusion, submitted, tag
from tests.factories import BeraadFactory, ThemeFactory


@pytest.fixture
def world(beraad, chair, body, other_body):
    """A beraad in session with a tagged signal, an analysis and a recommendation."""
    signal = submitted(body)
    submitted(other_body)
    beraad = advance(beraad, chair, BeraadState.IN_BERAAD)
    theme = ThemeFactory(name="Tijdigheid")
    tag(beraad, signal, theme, chair)
    recommendation = services.recommendation_create(
        beraad=beraad, theme=theme, user=chair, text="Doe iets.", addressee=Addressee.BURGEMEESTER
    )
    return {
        "beraad": beraad,
        "theme": theme,
        "inclusion": inclusion(signal),
        "recommendation": recommendation,
        "body": body,
    }


def requests(w):
    """(name, method, url, data) of every deliberation URL."""
    b, t, i, r = w["beraad"].pk, w["theme"].pk, w["inclusion"].pk, w["recommendation"].pk
    return [
        ("beraad-list", "get", reverse("deliberation:beraad-list"), None),
        ("beraad-create", "get", reverse("deliberation:beraad-create"), None),
        (
            "beraad-create",
            "post",
            reverse("deliberation:beraad-create"),
            {
                "title": "Nieuw",
                "season": "voorjaar",
                "year": 2027,
                "date": "2027-03-15",
                "period_start": "2026-07-01",
                "period_end": "2026-12-31",
                "submission_deadline": "2027-02-22",
                "bodies": [w["body"].pk],
                "min_bodies": 2,
            },
        ),
        ("beraad-detail", "get", reverse("deliberation:beraad-detail", args=[b]), None),
        ("beraad-update", "get", reverse("deliberation:beraad-update", args=[b]), None),
        (
            "beraad-update",
            "post",
            reverse("deliberation:beraad-update", args=[b]),
            {"title": "Gewijzigd", "version": w["beraad"].version},
        ),
        (
            "beraad-transition",
            "get",
            reverse("deliberation:beraad-transition", args=[b, "concept-memo"]),
            None,
        ),
        (
            "beraad-transition",
            "post",
            reverse("deliberation:beraad-transition", args=[b, "concept-memo"]),
            {},
        ),
        ("intake", "post", reverse("deliberation:intake", args=[b]), {"body": w["body"].pk}),
        ("workspace", "get", reverse("deliberation:workspace", args=[b]), None),
        (
            "tag",
            "post",
            reverse("deliberation:tag", args=[b]),
            {"inclusion": i, "theme": t, "tagged": "0"},
        ),
        (
            "tag-new-theme",
            "post",
            reverse("deliberation:tag-new-theme", args=[b]),
            {"inclusion": i, "name": "Nieuw thema"},
        ),
        ("rode-draad", "get", reverse("deliberation:rode-draad", args=[b, t]), None),
        (
            "rode-draad",
            "post",
            reverse("deliberation:rode-draad", args=[b, t]),
            {"version": 0, "text": "Overschreven."},
        ),
        ("theme-list", "get", reverse("deliberation:theme-list"), None),
        ("theme-list", "post", reverse("deliberation:theme-list"), {"name": "Nieuw thema"}),
        ("theme-detail", "get", reverse("deliberation:theme-detail", args=[t]), None),
        (
            "theme-detail",
            "post",
            reverse("deliberation:theme-detail", args=[t]),
            {"name": "Hernoemd", "description": ""},
        ),
        ("recommendation-list", "get", reverse("deliberation:recommendation-list"), None),
        (
            "recommendation-detail",
            "get",
            reverse("deliberation:recommendation-detail", args=[r]),
            None,
        ),
        (
            "recommendation-detail",
            "post",
            reverse("deliberation:recommendation-detail", args=[r]),
            {"version": 1, "response": "overgenomen", "status": "open"},
        ),
        (
            "recommendation-delete",
            "post",
            reverse("deliberation:recommendation-delete", args=[r]),
            {},
        ),
    ]


# What each of them may open; everything else is a 404.
ALLOWED = {
    "outsider": {("beraad-list", "get"): 200},
    "reader": {("beraad-list", "get"): 200, ("recommendation-list", "get"): 200},
    "other_member": {
        ("beraad-list", "get"): 200,
        ("beraad-detail", "get"): 200,
        ("intake", "post"): 302,  # their own body's intake (refused in this state: a message)
    },
}


def state_of_the_world(w):
    beraad = Beraad.objects.get(pk=w["beraad"].pk)
    return {
        "beraden": Beraad.objects.count(),
        "state": beraad.state,
        "version": beraad.version,
        "title": beraad.title,
        "tags": sorted(Tag.objects.values_list("inclusion", "theme")),
        "themes": sorted(Theme.objects.values_list("name", "merged_into")),
        "theme events": ThemeEvent.objects.count(),
        "recommendations": sorted(Recommendation.objects.values_list("pk", "response", "version")),
        "analyses": w["beraad"].analyses.count(),
        "intakes": Intake.objects.count(),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["outsider", "reader", "other_member"])
def test_every_url_is_a_404_for_who_may_not_use_it_and_nothing_changes(
    client, request, world, who, other_body
):
    user = request.getfixturevalue(who)
    client.force_login(user)
    before = state_of_the_world(world)
    seen = []
    for name, method, url, data in requests(world):
        if who == "other_member" and name == "intake":
            data = {"body": other_body.pk}
        response = getattr(client, method)(url, data) if data is not None else client.get(url)
        expected = ALLOWED[who].get((name, method), 404)
        seen.append((name, method, response.status_code))
        assert response.status_code == expected, (who, name, method, response.status_code)
    assert state_of_the_world(world) == before
    assert len(seen) == len(requests(world))


@pytest.mark.django_db
def test_the_list_shows_only_the_sessions_one_may_see(
    client, world, chair, reader, outsider, other_member, body
):
    url = reverse("deliberation:beraad-list")
    title = world["beraad"].title
    for user, visible in ((chair, True), (other_member, True), (outsider, False), (reader, False)):
        client.force_login(user)
        response = client.get(url)
        assert (title in response.content.decode()) is visible, user
        assert (world["beraad"] in response.context["beraden"]) is visible
    # once shared, the reader sees it
    advance(world["beraad"], chair, BeraadState.GEDEELD)
    client.force_login(reader)
    response = client.get(url)
    assert list(response.context["beraden"]) == [world["beraad"]]
    assert client.get(world["beraad"].get_absolute_url()).status_code == 200
    assert client.get(world["recommendation"].get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_after_sharing_the_chairs_pages_stay_closed_to_readers(client, world, chair, reader):
    advance(world["beraad"], chair, BeraadState.GEDEELD)
    client.force_login(reader)
    b, t = world["beraad"].pk, world["theme"].pk
    for url in (
        reverse("deliberation:workspace", args=[b]),
        reverse("deliberation:rode-draad", args=[b, t]),
        reverse("deliberation:beraad-update", args=[b]),
        reverse("deliberation:theme-list"),
    ):
        assert client.get(url).status_code == 404, url


@pytest.mark.django_db
def test_the_chair_gets_a_404_for_what_does_not_exist(client, world, chair):
    client.force_login(chair)
    b, t = world["beraad"].pk, world["theme"].pk
    missing = 999_999
    for url in (
        reverse("deliberation:beraad-detail", args=[missing]),
        reverse("deliberation:beraad-update", args=[missing]),
        reverse("deliberation:beraad-transition", args=[missing, "starten"]),
        reverse("deliberation:beraad-transition", args=[b, "opheffen"]),
        reverse("deliberation:workspace", args=[missing]),
        reverse("deliberation:rode-draad", args=[missing, t]),
        reverse("deliberation:rode-draad", args=[b, missing]),
        reverse("deliberation:theme-detail", args=[missing]),
        reverse("deliberation:recommendation-detail", args=[missing]),
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(reverse("deliberation:beraad-transition", args=[b, "opheffen"])).status_code
        == 404
    )
    assert (
        client.post(reverse("deliberation:recommendation-delete", args=[missing])).status_code
        == 404
    )


@pytest.mark.django_db
def test_signed_out_every_url_leads_to_the_login(client, world):
    for _name, method, url, data in requests(world):
        response = getattr(client, method)(url, data) if data is not None else client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse(settings.LOGIN_URL))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "state", [BeraadState.GEPLAND, BeraadState.VOORBEREIDING, BeraadState.VASTGESTELD]
)
def test_a_reader_sees_nothing_of_a_session_before_it_is_shared(client, chair, reader, body, state):
    beraad = BeraadFactory(chair=chair, bodies=[body], state=state)
    theme = ThemeFactory(name="Tijdigheid")
    recommendation = Recommendation.objects.create(
        beraad=beraad, theme=theme, text="Nog niet gedeeld.", addressee="burgemeester"
    )
    client.force_login(reader)
    assert client.get(beraad.get_absolute_url()).status_code == 404
    assert client.get(recommendation.get_absolute_url()).status_code == 404
    listing = client.get(reverse("deliberation:recommendation-list")).content.decode()
    assert "Nog niet gedeeld." not in listing
    assert beraad.title not in client.get(reverse("deliberation:beraad-list")).content.decode()
