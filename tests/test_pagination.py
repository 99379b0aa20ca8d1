"""Pagination (issue 7): every list that grows is paged by one include, whose links keep the
filters; page 2 holds the rest; a page out of range or not a number gives a page of the list,
never a 404 or a 500."""

from __future__ import annotations

import re

import pytest
from django.test import RequestFactory
from django.urls import reverse

from deliberation.models import (
    Addressee,
    BeraadState,
    Recommendation,
    RecommendationStatus,
    ThemeEvent,
)
from reports.models import Memo, MemoKind, MemoState
from rodedraden.pagination import paginate
from tests.deliberation.helpers import advance
from tests.factories import BeraadFactory, SignalFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def page_links(text: str) -> list[str]:
    """The addresses of the links in the page navigation(s)."""
    navs = re.findall(r'<nav class="pagination-nav[^>]*>(.*?)</nav>', text, re.S)
    return [
        link.replace("&amp;", "&") for nav in navs for link in re.findall(r'href="([^"]*)"', nav)
    ]


# --- The helper ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("asked", "number"),
    [("2", 2), ("3", 3), ("4", 3), ("999", 3), ("0", 3), ("-1", 3), ("abc", 1), ("", 1), (None, 1)],
)
def test_a_page_out_of_range_gives_the_last_and_nonsense_the_first(asked, number):
    query = {} if asked is None else {"pagina": asked}
    page = paginate(RequestFactory().get("/", query), list(range(25)), per_page=10)
    assert page.number == number


def test_the_links_keep_every_other_parameter():
    request = RequestFactory().get("/", {"status": "open", "q": "wacht tijd", "pagina": "2"})
    page = paginate(request, list(range(100)), per_page=10)
    assert page.query == "status=open&q=wacht+tijd"
    assert page.links == [1, 2, 3, 4, page.ellipsis, 10]


def test_two_lists_on_one_page_each_keep_the_others_page():
    request = RequestFactory().get("/", {"pagina": "2", "samengevoegd": "3"})
    page = paginate(request, list(range(100)), per_page=10, param="samengevoegd")
    assert (page.number, page.query) == (3, "pagina=2")


# --- The lists ----------------------------------------------------------------------------------
def test_the_body_workspace_pages_with_its_filters(client, member, body):
    SignalFactory.create_batch(27, body=body, title="Wachttijd aan de balie", is_positive=True)
    SignalFactory.create_batch(3, body=body, title="Geen filter")
    client.force_login(member)
    url = body.get_absolute_url()
    first = html(client.get(url, {"nature": "positief"}))
    assert "Pagina 1 van 2: 1–25 van 27" in first
    assert "?nature=positief&pagina=2" in page_links(first)
    assert 'aria-current="page"' in first
    assert 'aria-label="Pagina\'s met signalen"' in first
    second = client.get(url, {"nature": "positief", "pagina": "2"})
    assert len(second.context["signals"]) == 2
    assert {s.title for s in second.context["signals"]} == {"Wachttijd aan de balie"}
    beyond = client.get(url, {"nature": "positief", "pagina": "99"})
    assert beyond.status_code == 200
    assert beyond.context["page"].number == 2
    # The export links take the filters, not the page.
    assert "export.csv?nature=positief&amp;" not in html(second)
    assert 'export.csv?nature=positief"' in html(second)


def test_the_beraad_list_pages(client, chair):
    for year in range(2000, 2023):
        BeraadFactory(chair=chair, year=year)
    client.force_login(chair)
    url = reverse("deliberation:beraad-list")
    first = client.get(url)
    assert len(first.context["beraden"]) == 20
    assert "?pagina=2" in page_links(html(first))
    second = client.get(url, {"pagina": 2})
    assert [b.year for b in second.context["beraden"]] == [2002, 2001, 2000]  # newest first
    assert client.get(url, {"pagina": "x"}).context["page_obj"].number == 1
    assert client.get(url, {"pagina": "50"}).context["page_obj"].number == 2


def test_a_short_list_shows_no_page_navigation(client, chair):
    BeraadFactory(chair=chair)
    client.force_login(chair)
    assert "pagination-nav" not in html(client.get(reverse("deliberation:beraad-list")))


def test_the_theme_catalogue_pages_the_themes_and_the_merged_ones(client, chair):
    ThemeFactory.create_batch(53)
    target = ThemeFactory(name="ZZZ doel")
    for n in range(27):
        ThemeFactory(name=f"Samengevoegd {n:02}", merged_into=target)
    client.force_login(chair)
    url = reverse("deliberation:theme-list")
    first = client.get(url)
    assert len(first.context["themes"]) == 50
    assert len(first.context["merged"]) == 25
    links = page_links(html(first))
    assert "?pagina=2" in links
    assert "?samengevoegd=2" in links
    both = client.get(url, {"pagina": 2, "samengevoegd": 2})
    assert [t.name for t in both.context["themes"]][-1] == "ZZZ doel"
    assert len(both.context["themes"]) == 4
    assert [t.name for t in both.context["merged"]] == ["Samengevoegd 25", "Samengevoegd 26"]
    # Paging one list keeps the page of the other.
    assert "?samengevoegd=2&pagina=1" in page_links(html(both))


def test_the_theme_history_pages_newest_first(client, chair):
    theme = ThemeFactory(name="Tijdigheid")
    for n in range(30):
        ThemeEvent.objects.create(
            theme=theme, kind=ThemeEvent.Kind.RENAMED, old_value=f"oud {n}", new_value=f"nieuw {n}"
        )
    client.force_login(chair)
    first = client.get(theme.get_absolute_url())
    assert [e.new_value for e in first.context["events"]][:2] == ["nieuw 29", "nieuw 28"]
    assert len(first.context["events"]) == 25
    second = client.get(theme.get_absolute_url(), {"pagina": 2})
    assert [e.new_value for e in second.context["events"]] == [
        f"nieuw {n}" for n in range(4, -1, -1)
    ]
    assert client.get(theme.get_absolute_url(), {"pagina": 9}).context["page"].number == 2


def test_the_recommendation_list_pages_and_keeps_the_status(client, chair, reader):
    beraad = BeraadFactory(chair=chair)
    theme = ThemeFactory()
    for n in range(55):
        Recommendation.objects.create(
            beraad=beraad,
            theme=theme,
            text=f"Aanbeveling {n:02}",
            addressee=Addressee.BURGEMEESTER,
            order=n,
            status=RecommendationStatus.OPEN if n < 52 else RecommendationStatus.AFGEROND,
        )
    client.force_login(chair)
    url = reverse("deliberation:recommendation-list")
    first = client.get(url, {"status": "open"})
    assert first.context["paginator"].count == 52
    assert "?status=open&pagina=2" in page_links(html(first))
    second = client.get(url, {"status": "open", "pagina": 2})
    assert [r.text for r in second.context["recommendations"]] == [
        "Aanbeveling 50",
        "Aanbeveling 51",
    ]
    # Django's ListView answers a 404 for a page out of range; this list gives its last page.
    beyond = client.get(url, {"status": "open", "pagina": 7})
    assert beyond.status_code == 200
    assert beyond.context["page_obj"].number == 2


def test_the_memo_versions_page_and_the_polling_stays_on_its_page(client, chair, body, other_body):
    beraad = BeraadFactory(chair=chair, bodies=[body, other_body])
    advance(beraad, chair, BeraadState.IN_BERAAD)
    for version in range(1, 24):
        Memo.objects.create(
            beraad=beraad,
            version=version,
            kind=MemoKind.CONCEPT,
            state=MemoState.MISLUKT if version > 1 else MemoState.WACHTEND,
            requested_by=chair,
        )
    client.force_login(chair)
    url = reverse("reports:memo-list", args=[beraad.pk])
    first = client.get(url)
    assert [m.version for m in first.context["memos"]][:2] == [23, 22]
    assert len(first.context["memos"]) == 20
    second = client.get(url, {"pagina": 2})
    assert [m.version for m in second.context["memos"]] == [3, 2, 1]
    # Version 1 is waiting: the page polls, and asks for the page it shows.
    assert second.context["pending"]
    assert f'hx-get="{url}?pagina=2"' in html(second)
    assert first.context["pending"]  # the waiting version is on page 2, the poll is not
    assert f'hx-get="{url}"' in html(first)
    assert client.get(url, {"pagina": 9}, headers={"HX-Request": "true"}).status_code == 200


def test_the_dashboard_pages_its_sessions(client, reader, chair, body, other_body):
    for year in range(2010, 2022):
        beraad = BeraadFactory(chair=chair, year=year, bodies=[body, other_body])
        advance(beraad, chair, BeraadState.GEDEELD)
    client.force_login(reader)
    url = reverse("reports:dashboard")
    first = client.get(url)
    assert len(first.context["sessions"]) == 10
    assert "?pagina=2" in page_links(html(first))
    second = client.get(url, {"pagina": 2})
    assert [s.year for s in second.context["sessions"]] == [2011, 2010]
    assert second.context["charts"]  # the figures stay whatever the page
    assert client.get(url, {"pagina": "laatste"}).status_code == 200
