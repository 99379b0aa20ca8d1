"""The PDF renderer reads static files from disk and nothing from a network: its URL fetcher
serves /static/… and data: URLs, and refuses other hosts, file: URLs and path traversal."""

from __future__ import annotations

import socket
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation

from reports import pdf
from reports.pdf import BASE_URL, StaticFilesFetcher
from tests.reports.helpers import pdf_reader, squash

MEMO_CSS = Path(finders.find("css/memo.css"))
REFUSED = (ValueError, SuspiciousFileOperation)


def body_of(response) -> bytes:
    return response.read()


# --- Served -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        f"{BASE_URL}static/css/memo.css",
        "/static/css/memo.css",
        f"{BASE_URL}static/css/%6Demo.css",  # percent-encoded, still the same file
    ],
)
def test_static_files_are_read_from_disk(url):
    response = StaticFilesFetcher().fetch(url)
    assert body_of(response) == MEMO_CSS.read_bytes()
    assert response.headers["Content-Type"] == "text/css"


def test_data_urls_are_served():
    response = StaticFilesFetcher().fetch("data:text/plain;charset=utf-8,rode%20draden")
    assert body_of(response) == b"rode draden"


# --- Refused ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/x.png",
        "http://example.org/tracker.gif?who=voorzitter",
        "https://rodedraden.invalid/media/memos/1/memo.pdf",
        "file:///etc/passwd",
        "file:///work/main/rodedraden/settings/base.py",
        f"{BASE_URL}static/bestaat-niet.css",
    ],
)
def test_anything_but_a_static_file_is_refused(url):
    with pytest.raises(ValueError, match="static file"):
        StaticFilesFetcher().fetch(url)


@pytest.mark.parametrize(
    "path",
    [
        "static/../../etc/passwd",
        "static/css/../../../../../../../etc/passwd",
        "static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "static/..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
        "static//etc/passwd",
        "static/../manage.py",
    ],
)
def test_path_traversal_is_refused(path):
    with pytest.raises(REFUSED):
        StaticFilesFetcher().fetch(BASE_URL + path)


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/static/css/memo.css",
        "http://192.0.2.1/static/css/memo.css",
        "file:///static/css/memo.css",
        "ftp://example.org/static/css/memo.css",
    ],
)
def test_a_static_path_on_another_host_or_scheme_is_refused(url):
    with pytest.raises(REFUSED):
        StaticFilesFetcher().fetch(url)


# --- A whole rendering without a network ---------------------------------------------------------
OFFLINE = """<!DOCTYPE html>
<html lang="nl">
<head>
  <meta charset="utf-8">
  <title>Zonder netwerk</title>
  <link rel="stylesheet" href="/static/css/memo.css">
  <link rel="stylesheet" href="https://example.org/extra.css">
</head>
<body>
  <h1>{{ heading }}</h1>
  <img src="https://example.org/x.png" alt="Een plaatje van elders">
  <img src="file:///etc/passwd" alt="Een bestand">
  <p>Tekst na de plaatjes.</p>
</body>
</html>
"""


@pytest.fixture
def offline_template(tmp_path, settings):
    folder = tmp_path / "templates"
    (folder / "reports").mkdir(parents=True)
    (folder / "reports" / "offline-test.html").write_text(OFFLINE, encoding="utf-8")
    engine = {**settings.TEMPLATES[0]}
    engine["DIRS"] = [folder, *engine["DIRS"]]
    settings.TEMPLATES = [engine, *settings.TEMPLATES[1:]]
    return "reports/offline-test.html"


def test_a_template_with_foreign_urls_renders_without_any_network_access(offline_template):
    attempts = []

    def no_network(*args, **kwargs):
        attempts.append(args)
        raise OSError("no network in this test")

    asked = []
    real_fetch = StaticFilesFetcher.fetch

    def fetch(self, url, headers=None):
        asked.append(url)
        return real_fetch(self, url, headers)

    with (
        mock.patch.object(socket.socket, "connect", no_network),
        mock.patch.object(socket, "getaddrinfo", no_network),
        mock.patch.object(socket, "create_connection", no_network),
        mock.patch.object(StaticFilesFetcher, "fetch", fetch),
    ):
        rendered = pdf.render_to_pdf(offline_template, {"heading": "Rode draden offline"})

    assert attempts == []
    assert set(asked) >= {
        f"{BASE_URL}static/css/memo.css",
        "https://example.org/extra.css",
        "https://example.org/x.png",
        "file:///etc/passwd",
    }
    assert '<img src="https://example.org/x.png"' in rendered.html
    reader = pdf_reader(rendered.pdf)
    assert len(reader.pages) == rendered.page_count == 1
    text = squash(reader.pages[0].extract_text())
    assert "Rode draden offline" in text
    assert "Tekst na de plaatjes." in text
    assert "pagina 1 van 1" in text  # the memo stylesheet came from disk
    assert "root:" not in text


def test_the_renderer_is_given_the_static_files_fetcher():
    """The fetcher above is the one WeasyPrint uses for the memo."""
    with mock.patch.object(pdf, "HTML", wraps=pdf.HTML) as html:
        pdf.html_to_pdf("<p>Een</p>")
    assert isinstance(html.call_args.kwargs["url_fetcher"], StaticFilesFetcher)
    assert html.call_args.kwargs["base_url"] == BASE_URL
    assert settings.STATIC_URL == "/static/"
