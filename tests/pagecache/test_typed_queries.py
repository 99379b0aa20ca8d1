"""Nothing a user typed goes into the page cache (issue 16, "nothing personal in side
stores"): a page asked with a search, a date, an unknown parameter or any value that is not a
number or one of the view's codes is rendered every time and never kept, neither as a page nor
as a key. The filters a page is made of (a state, a grouping, an aspect, a page number) are
kept as before.

The cache is on here (the suite has it off) and these tests commit, as a server does."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.urls import reverse

from deliberation.models import BeraadState
from rodedraden.pagecache.services import data_version_bump
from signals import selectors as signal_selectors
from tests.deliberation.helpers import advance, submitted
from tests.factories import BeraadFactory

pytestmark = pytest.mark.django_db(transaction=True)

NAME = "mevrouw jansen"
BSN = "111222333"


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 600
    caches["pages"].clear()
    data_version_bump()
    yield
    caches["pages"].clear()


@pytest.fixture
def kept(monkeypatch):
    """Every (key, page) the page cache is given, whatever its backend."""
    cache = caches["pages"]
    written: list[tuple[str, str]] = []
    original = cache.set

    def recorded(key, value, *args, **kwargs):
        written.append((key, value))
        return original(key, value, *args, **kwargs)

    monkeypatch.setattr(cache, "set", recorded)
    return written


@pytest.fixture
def renders(monkeypatch):
    """How often the body's signal list was made (its selector runs only to render)."""
    calls = []
    original = signal_selectors.signal_list

    def counted(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(signal_selectors, "signal_list", counted)
    return calls


def assert_not_kept(kept, *texts: str) -> None:
    for key, page in kept:
        for text in texts:
            assert text.lower() not in key.lower()
            assert text.lower() not in str(page).lower()


def test_a_search_page_is_rendered_and_never_kept(client, member, body, kept, renders):
    submitted(body, title="Wachttijd te lang")
    client.force_login(member)
    url = body.get_absolute_url()
    for _ in range(2):
        response = client.get(url, {"q": NAME})
        assert response.status_code == 200
        assert "Wachttijd te lang" not in response.content.decode()
    assert len(renders) == 2  # made each time
    assert kept == []
    assert_not_kept(kept, NAME, "jansen")


@pytest.mark.parametrize(
    "query",
    [
        {"q": BSN},  # a number, but a search
        {"q": "612345678"},
        {"period_from": "1980-05-12"},  # a date, as typed
        {"state": "jansen"},  # not one of the codes
        {"aspect": BSN},  # a number as long as a BSN is no choice
        {"jansen": "1"},  # a parameter the page does not have (the page links repeat it)
        {"q": "", "state": "ingediend", "opmerking": NAME},
    ],
)
def test_a_page_with_typed_text_in_its_query_is_not_kept(client, member, body, kept, query):
    client.force_login(member)
    response = client.get(body.get_absolute_url(), query)
    assert response.status_code == 200
    assert kept == []


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"pagina": "2"},
        {"state": "ingediend"},
        {"nature": "positief"},
        {"q": "", "state": "", "aspect": "", "period_from": "", "period_until": ""},
    ],
)
def test_a_page_of_filters_without_typed_text_is_kept(client, member, body, kept, query):
    client.force_login(member)
    url = body.get_absolute_url()
    first = client.get(url, query)
    assert first.status_code == 200
    assert len(kept) == 1
    client.get(url, query)
    assert len(kept) == 1  # the second time from the cache


def test_an_aspect_by_its_number_is_kept(client, member, body, kept):
    from signals.models import Aspect

    client.force_login(member)
    client.get(body.get_absolute_url(), {"aspect": Aspect.objects.first().pk})
    assert len(kept) == 1


def test_the_workspace_is_kept_per_grouping_and_not_for_other_values(
    client, chair, body, other_body, kept
):
    beraad = BeraadFactory(chair=chair, bodies=[body, other_body])
    submitted(body)
    beraad = advance(beraad, chair, BeraadState.IN_BERAAD)
    client.force_login(chair)
    url = reverse("deliberation:workspace", args=[beraad.pk])
    assert client.get(url, {"groep": "aspect"}).status_code == 200
    assert len(kept) == 1
    assert client.get(url, {"groep": NAME}).status_code == 200
    assert len(kept) == 1
    assert_not_kept(kept, NAME)
