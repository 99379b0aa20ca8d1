"""No query string in a log line (issue 16, "nothing personal in side stores"): a search may
hold a name, and the logs are kept outside every retention term. Django's request log of a
4xx or 5xx names the path only; every line through the site's log handler loses a query
string, the development server's request lines included; gunicorn's access log has none."""

from __future__ import annotations

import io
import logging

import pytest
from django.urls import reverse

from rodedraden import gunicorn
from rodedraden.logfilters import without_query_string
from signals import views as signal_views

pytestmark = pytest.mark.django_db

SEARCH = {"q": "mevrouw jansen 0612345678"}


@pytest.fixture
def log_lines():
    """What the site's log handler writes, as it writes it."""
    handler = next(h for h in logging.getLogger("django").handlers if h.name == "console")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def assert_no_query(text: str) -> None:
    assert "jansen" not in text
    assert "0612345678" not in text
    assert "?q=" not in text


def test_a_404_is_logged_by_its_path_only(client, member, log_lines):
    client.force_login(member)
    response = client.get("/organen/bestaat-niet/", SEARCH)
    assert response.status_code == 404
    text = log_lines.getvalue()
    assert "Not Found: /organen/bestaat-niet/" in text
    assert_no_query(text)


def test_a_500_is_logged_by_its_path_only(client, member, log_lines, monkeypatch):
    def broken(self, request, *args, **kwargs):
        raise RuntimeError("kapot")

    monkeypatch.setattr(signal_views.BodyListView, "get", broken)
    client.force_login(member)
    client.raise_request_exception = False
    url = reverse("signals:body-list")
    response = client.get(url, SEARCH)
    assert response.status_code == 500
    text = log_lines.getvalue()
    assert f"Internal Server Error: {url}" in text
    assert_no_query(text)


def test_the_development_server_s_request_lines_lose_their_query(log_lines):
    logging.getLogger("django.server").warning(
        '"%s" %s %s', "GET /organen/?q=mevrouw+jansen&pagina=2 HTTP/1.1", "200", "512"
    )
    text = log_lines.getvalue()
    assert '"GET /organen/ HTTP/1.1" 200 512' in text
    assert_no_query(text)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("GET /zoek/?q=jan HTTP/1.1", "GET /zoek/ HTTP/1.1"),
        (
            "https://rodedraden.example.nl/a/?q=jan&x=1 gaf 404",
            "https://rodedraden.example.nl/a/ gaf 404",
        ),
        ("Not Found: /a/", "Not Found: /a/"),
        ("Is dit een vraag? Ja.", "Is dit een vraag? Ja."),
    ],
)
def test_a_query_string_is_cut_from_any_address(line, expected):
    assert without_query_string(line) == expected


def test_gunicorn_s_access_log_has_the_path_without_its_query():
    assert "%(U)s" in gunicorn.access_log_format
    for atom in ("%(r)s", "%(q)s", "%(f)s"):
        assert atom not in gunicorn.access_log_format
