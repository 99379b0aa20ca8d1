"""Empty states (issue 7): a list or page with nothing in it says why, and what to do next,
with a link or button where the user can act — for each role its own."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from deliberation.models import BeraadState
from tests.deliberation.helpers import advance, submitted
from tests.factories import BeraadFactory, UserFactory

pytestmark = pytest.mark.django_db


def html(client, url, **query) -> str:
    response = client.get(url, query)
    assert response.status_code == 200
    return response.content.decode()


def empty_states(text: str) -> str:
    """The page's empty states, markup and all (so that a sentence elsewhere does not count)."""
    found = [
        match.group(2)
        for match in re.finditer(r'<(p|div) class="empty-state">(.*?)</\1>', text, re.S)
    ]
    assert found, "the page shows no empty state"
    return " ".join(" ".join(part.split()) for part in found)


# --- No beraad yet: the list, the start page, the dashboard ------------------------------------
@pytest.mark.parametrize(
    ("role", "says", "link"),
    [
        (
            "member",
            "Uw orgaan neemt nog aan geen enkel beraad deel",
            reverse("signals:body-list"),
        ),
        ("chair", "Plan het eerste", reverse("deliberation:beraad-create")),
        ("reader", "krijgt u een e-mail", None),
        ("admin_user", "De voorzitter plant de beraden", None),
    ],
)
def test_no_beraad_yet_says_why_and_what_next_per_role(request, client, role, says, link):
    user = request.getfixturevalue(role)
    client.force_login(user)
    pages = [reverse("deliberation:beraad-list")]
    if role != "admin_user":  # the administrator's start page is about bodies and users
        pages.append(reverse("home"))
    if role in ("chair", "reader", "admin_user"):
        pages.append(reverse("reports:dashboard"))
    for url in pages:
        shown = empty_states(html(client, url))
        assert says in shown, url
        if link:
            assert f'href="{link}"' in shown, url


def test_a_member_of_no_body_is_told_whom_to_ask(client, db):
    client.force_login(UserFactory(username="nieuw"))
    text = html(client, reverse("home"))
    assert "Vraag de functioneel beheerder" in text


def test_the_dashboard_without_figures_says_when_they_come(client, chair, reader):
    client.force_login(chair)
    shown = empty_states(html(client, reverse("reports:dashboard")))
    assert "Er zijn nog geen cijfers." in shown
    assert "zodra een beraad is begonnen" in shown
    assert f'href="{reverse("deliberation:beraad-list")}"' in shown
    client.force_login(reader)
    assert "zodra een memo met u is gedeeld" in html(client, reverse("reports:dashboard"))


# --- The catalogue and the recommendations ----------------------------------------------------
def test_an_empty_catalogue_points_at_the_form(client, chair):
    client.force_login(chair)
    text = html(client, reverse("deliberation:theme-list"))
    assert 'href="#id_name"' in empty_states(text)
    assert 'id="id_name"' in text


def test_no_recommendations_per_role_and_per_filter(client, chair, reader):
    url = reverse("deliberation:recommendation-list")
    client.force_login(reader)
    assert "legt dan per aanbeveling de reactie" in empty_states(html(client, url))
    client.force_login(chair)
    shown = empty_states(html(client, url))
    assert "U schrijft ze per rode draad" in shown
    assert f'href="{reverse("deliberation:beraad-list")}"' in shown
    shown = empty_states(html(client, url, status="afgerond"))
    assert "Geen enkele aanbeveling heeft de status „afgerond”." in shown
    assert f'href="{url}"' in shown  # show them all


# --- A body's workspace -----------------------------------------------------------------------
def test_the_chair_is_told_why_a_body_shows_no_signals(client, chair, body):
    client.force_login(chair)
    shown = empty_states(html(client, body.get_absolute_url()))
    assert "een signaal verschijnt hier zodra het orgaan het indient" in shown


# --- A beraad, its workspace and its memo -----------------------------------------------------
@pytest.fixture
def started(chair, body, other_body):
    beraad = BeraadFactory(chair=chair, bodies=[body, other_body])
    submitted(body)
    return advance(beraad, chair, BeraadState.IN_BERAAD)


def test_a_started_beraad_without_themes_says_who_tags(client, started, chair, member):
    client.force_login(chair)
    shown = empty_states(html(client, started.get_absolute_url()))
    assert "Nog geen enkel signaal heeft een thema." in shown
    assert f'href="{reverse("deliberation:workspace", args=[started.pk])}"' in shown
    client.force_login(member)
    shown = empty_states(html(client, started.get_absolute_url()))
    assert "De voorzitter kent tijdens de bijeenkomst thema's toe" in shown


def test_a_tagging_workspace_without_signals_explains_and_leads_back(client, chair, body):
    beraad = advance(BeraadFactory(chair=chair, bodies=[body]), chair, BeraadState.IN_BERAAD)
    client.force_login(chair)
    shown = empty_states(html(client, reverse("deliberation:workspace", args=[beraad.pk])))
    assert "Er valt niets toe te kennen." in shown
    assert f'href="{beraad.get_absolute_url()}"' in shown


def test_a_memo_page_without_versions_says_what_to_do_per_role_and_state(
    client, started, chair, member
):
    url = reverse("reports:memo-list", args=[started.pk])
    client.force_login(chair)
    assert "Maak een conceptversie met de knop hierboven" in empty_states(html(client, url))
    client.force_login(member)
    assert "De voorzitter maakt de versies" in empty_states(html(client, url))
    advance(started, chair, BeraadState.VASTGESTELD)
    client.force_login(chair)
    assert "maak het definitieve memo met de knop hierboven" in empty_states(html(client, url))


def test_no_bodies_at_all_says_who_adds_them(client, chair, admin_user):
    client.force_login(chair)
    assert "De functioneel beheerder voegt ze toe." in empty_states(html(client, reverse("home")))
    client.force_login(admin_user)
    shown = empty_states(html(client, reverse("home")))
    assert reverse("admin:signals_oversightbody_add") in shown
