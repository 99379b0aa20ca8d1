"""Cross-session reads (issue 17, point 2): what one page says about *other* sessions — the
recurrence of an adopted recommendation's theme in a later session, the open recommendations
of earlier sessions on the agenda, the sessions on the start page, the dashboard's charts —
names or links a session only when the user may see that session.

The scenario: four sessions that all tag the theme "Tijdigheid". The first (voorjaar 2025)
and the second (najaar 2025) are shared, each with a recommendation on the theme that the
readers adopted; the third (voorjaar 2026) is adopted but not shared; the fourth (najaar
2026) is in session, with only the ombudsman (B) taking part. The rekenkamer (A) and the
bezwarencommissie (C) take part in the first three.

Who may see which session is written down here by hand (``VISIBLE``), not derived from the
app's access code. Every page a role can open is read for the title (long and short, as the
dashboard shortens it) of, and a link to, every session it may not see.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from django.urls import reverse
from django.utils import translation

from deliberation import services
from deliberation.models import Addressee, BeraadState, Response
from rodedraden.accounts.models import Role
from tests.deliberation.helpers import advance, submitted, tag
from tests.factories import (
    BeraadFactory,
    MembershipFactory,
    OversightBodyFactory,
    ThemeFactory,
    UserFactory,
)
from tests.scenario import module_scenario

pytestmark = pytest.mark.django_db

ROLES = ("member_a", "member_b", "member_c", "chair", "reader", "admin")
# key: (season, year, bodies, state)
SESSIONS = {
    "s1": ("voorjaar", 2025, "ac", BeraadState.GEDEELD),
    "s2": ("najaar", 2025, "ac", BeraadState.GEDEELD),
    "s3": ("voorjaar", 2026, "ac", BeraadState.VASTGESTELD),
    "s4": ("najaar", 2026, "b", BeraadState.IN_BERAAD),
}
# The sessions each role may see (members: their body takes part; readers: once shared).
VISIBLE = {
    "member_a": {"s1", "s2", "s3"},
    "member_c": {"s1", "s2", "s3"},
    "member_b": {"s4"},
    "chair": {"s1", "s2", "s3", "s4"},
    "reader": {"s1", "s2"},
    "admin": {"s1", "s2", "s3", "s4"},
}
# The recommendation pages are for the chair, the readers and the administrators; on each,
# the later sessions in which the adopted recommendation's theme came back, as each may see.
RECURRENCE = {
    "r1": {
        "chair": ["s2", "s3", "s4"],
        "admin": ["s2", "s3", "s4"],
        "reader": ["s2"],
    },
    "r2": {
        "chair": ["s3", "s4"],
        "admin": ["s3", "s4"],
        "reader": [],
    },
}


@dataclass
class World:
    users: dict = field(default_factory=dict)
    beraden: dict = field(default_factory=dict)
    recommendations: dict = field(default_factory=dict)
    theme: object = None


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> World:
    """Built once for the module in a transaction rolled back at its end (as the access
    matrix does); each test runs in a savepoint inside it."""
    with module_scenario(django_db_blocker):
        yield build_world()


def build_world() -> World:
    bodies = {
        "a": OversightBodyFactory(name="Rekenkamer", slug="rekenkamer", kind="rekenkamer"),
        "b": OversightBodyFactory(name="Ombudsman", slug="ombudsman", kind="ombudsman"),
        "c": OversightBodyFactory(
            name="Bezwarencommissie", slug="bezwarencommissie", kind="bezwarencommissie"
        ),
    }
    chair = UserFactory(username="voorzitter", role=Role.CHAIR)
    reader = UserFactory(username="lezer", role=Role.READER)
    w = World()
    w.users = {
        "member_a": MembershipFactory(body=bodies["a"], user__username="lid-a").user,
        "member_b": MembershipFactory(body=bodies["b"], user__username="lid-b").user,
        "member_c": MembershipFactory(body=bodies["c"], user__username="lid-c").user,
        "chair": chair,
        "reader": reader,
        "admin": UserFactory(username="beheerder", role=Role.ADMIN),
    }
    w.theme = ThemeFactory(name="Tijdigheid")
    for index, (key, (season, year, taking_part, state)) in enumerate(SESSIONS.items()):
        beraad = BeraadFactory(
            chair=chair,
            season=season,
            year=year,
            bodies=[bodies[letter] for letter in taking_part],
        )
        signals = [
            submitted(
                bodies[letter],
                title=f"Signaal {index + 1}{letter}",
                period_start=beraad.period_start,
                period_end=beraad.period_end,
            )
            for letter in taking_part
        ]
        beraad = advance(beraad, chair, BeraadState.IN_BERAAD)
        for signal in signals:
            tag(beraad, signal, w.theme, chair)
        if key in ("s1", "s2"):
            recommendation = services.recommendation_create(
                beraad=beraad,
                theme=w.theme,
                user=chair,
                text=f"Aanbeveling {index + 1} over tijdigheid.",
                addressee=Addressee.BURGEMEESTER,
            )
        beraad = advance(beraad, chair, state)
        if key in ("s1", "s2"):
            recommendation.refresh_from_db()
            w.recommendations[f"r{index + 1}"] = services.recommendation_respond(
                recommendation=recommendation,
                user=reader,
                version=recommendation.version,
                response=Response.OVERGENOMEN,
                response_reason="",
                owner="",
                due_date=None,
                progress="",
                status="open",
            )
        w.beraden[key] = beraad
    return w


def title(w: World, key: str) -> str:
    return w.beraden[key].title


def short_title(w: World, key: str) -> str:
    season, year, _bodies, _state = SESSIONS[key]
    return f"{season} {year}"


def session_links(w: World, key: str) -> tuple[str, ...]:
    """The addresses by which a page may point to the session (its page and those under it)."""
    return (reverse("deliberation:beraad-detail", args=[w.beraden[key].pk]),)


def pages(w: World, role: str) -> list[str]:
    """Every page that says something about other sessions, as far as ``role`` may open it."""
    urls = [reverse("home"), reverse("deliberation:beraad-list")]
    urls += [w.beraden[key].get_absolute_url() for key in sorted(VISIBLE[role])]
    if role in ("chair", "reader", "admin"):
        urls += [reverse("deliberation:recommendation-list"), reverse("reports:dashboard")]
        urls += [
            reverse("deliberation:recommendation-detail", args=[r.pk])
            for r in w.recommendations.values()
        ]
    if role == "chair":
        urls += [reverse("deliberation:theme-detail", args=[w.theme.pk])]
        urls += [
            reverse("deliberation:workspace", args=[w.beraden["s4"].pk]),
            reverse("deliberation:rode-draad", args=[w.beraden["s4"].pk, w.theme.pk]),
        ]
    return urls


@pytest.mark.parametrize("role", ROLES)
def test_no_page_names_or_links_a_session_the_user_may_not_see(client, world, role):
    client.force_login(world.users[role])
    hidden = sorted(set(SESSIONS) - VISIBLE[role])
    problems = []
    for url in pages(world, role):
        response = client.get(url)
        if response.status_code != 200:
            problems.append(f"{url} as {role}: {response.status_code}")
            continue
        html = response.content.decode()
        for key in hidden:
            for text in (title(world, key), short_title(world, key)):
                if text in html:
                    problems.append(f"{url} as {role}: names {key} ({text})")
            for link in session_links(world, key):
                if re.search(rf'href="{re.escape(link)}', html):
                    problems.append(f"{url} as {role}: links {key} ({link})")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("key", sorted(RECURRENCE))
def test_the_recurrence_of_an_adopted_recommendation_names_only_sessions_one_may_see(
    client, world, role, key
):
    recommendation = world.recommendations[key]
    client.force_login(world.users[role])
    response = client.get(reverse("deliberation:recommendation-detail", args=[recommendation.pk]))
    if role not in RECURRENCE[key]:
        assert response.status_code == 404  # members do not follow recommendations up
        return
    assert response.status_code == 200
    expected = RECURRENCE[key][role]
    assert [b.pk for b in response.context["recurrence"]] == [world.beraden[k].pk for k in expected]
    html = response.content.decode()
    with translation.override("nl"):
        alert = translation.gettext(
            "This recommendation was adopted, but its theme came back in a later session:"
        )
    assert (alert in html) is bool(expected)
    for k in SESSIONS:
        linked = f'href="{world.beraden[k].get_absolute_url()}"' in html
        # Its own session is linked as the recommendation's session; the others only as a
        # recurrence.
        if k == f"s{key[1:]}":
            assert linked
        else:
            assert linked is (k in expected), (k, role)


def test_members_see_on_the_agenda_only_earlier_recommendations_of_sessions_they_see(client, world):
    """The open recommendations of earlier sessions, on a later session's page: the members
    of A see those of the sessions A took part in; the members of B (the fourth session, after
    both) see none of them."""
    texts = [r.text for r in world.recommendations.values()]
    client.force_login(world.users["member_a"])
    html = client.get(world.beraden["s3"].get_absolute_url()).content.decode()
    assert all(text in html for text in texts)
    client.force_login(world.users["member_b"])
    html = client.get(world.beraden["s4"].get_absolute_url()).content.decode()
    assert not any(text in html for text in texts)
    client.force_login(world.users["chair"])
    html = client.get(world.beraden["s4"].get_absolute_url()).content.decode()
    assert all(text in html for text in texts)
