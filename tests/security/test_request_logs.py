"""No query string in a log line (issue 16, "nothing personal in side stores"): a search may
hold a name, and the logs are kept outside every retention term. Django's request log of a
4xx or 5xx names the path only; every line through the site's log handler loses a query
string, the development server's request lines included; gunicorn's access log has none."""

from __future__ import annotations

import contextlib
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


# --- Password-reset links (issue 17, point 5) ---------------------------------------------------
TOKEN = "cz4k2l-5f1b0a9e8d7c6b5a4f3e2d1c0b9a8f7e"
UID = "MTIz"


def reset_path() -> str:
    path = reverse("password_reset_confirm", kwargs={"uidb64": UID, "token": TOKEN})
    assert TOKEN in path
    return path


def assert_no_reset_secret(text: str) -> None:
    assert TOKEN not in text
    assert f"/{UID}/" not in text


def gunicorn_access_line(path: str, **environ_extra: str) -> str:
    """What gunicorn's access log writes for a GET of ``path``, with the configured logger
    class and format."""
    import datetime
    from types import SimpleNamespace

    from gunicorn.config import Config

    config = Config()
    config.set("access_log_format", gunicorn.access_log_format)
    logger = gunicorn.AccessLogger(config)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": path,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "192.0.2.1",
        "HTTP_REFERER": f"https://rodedraden.example.nl{path}",
        **environ_extra,
    }
    response = SimpleNamespace(status="200 OK", sent=512, headers=[])
    atoms = logger.atoms(
        response, SimpleNamespace(headers=[]), environ, datetime.timedelta(milliseconds=7)
    )
    line = config.access_log_format % logger.atoms_wrapper_class(atoms)
    # Every atom another format could name is masked too: the request line, the referrer.
    for atom in ("r", "U", "f", "{raw_uri}e", "{path_info}e"):
        assert_no_reset_secret(str(atoms.get(atom, "")))
    return line


def test_gunicorn_uses_the_logger_that_masks_secret_paths():
    assert gunicorn.logger_class is gunicorn.AccessLogger


def test_the_access_log_masks_the_token_of_a_reset_link():
    line = gunicorn_access_line(reset_path())
    assert_no_reset_secret(line)
    assert '"GET /account/wachtwoord-herstellen/***/***/ HTTP/1.1" 200 512' in line


def test_the_access_log_masks_the_set_password_address_after_it():
    path = reverse("password_reset_confirm", kwargs={"uidb64": UID, "token": "set-password"})
    line = gunicorn_access_line(path)
    assert_no_reset_secret(line)
    assert "/account/wachtwoord-herstellen/***/***/" in line


def test_the_access_log_keeps_every_other_path():
    line = gunicorn_access_line("/organen/rekenkamer/")
    assert '"GET /organen/rekenkamer/ HTTP/1.1" 200 512' in line


def test_django_s_request_log_masks_the_token_of_a_reset_link(log_lines):
    path = reset_path()
    logging.getLogger("django.request").warning("Not Found: %s", path)
    logging.getLogger("django.server").warning('"%s" %s %s', f"GET {path} HTTP/1.1", "200", "9")
    text = log_lines.getvalue()
    assert_no_reset_secret(text)
    assert "Not Found: /account/wachtwoord-herstellen/***/***/" in text
    assert '"GET /account/wachtwoord-herstellen/***/***/ HTTP/1.1" 200 9' in text


@pytest.mark.django_db(transaction=True)
def test_a_real_gunicorn_logs_a_reset_link_without_its_token(tmp_path):
    from tests.compose import database_url_for_subprocess
    from tests.processes import Browser, start_web, wait_for

    with contextlib.ExitStack() as cleanup:
        web = start_web(cleanup, tmp_path, workers=1, DATABASE_URL=database_url_for_subprocess())
        answer = Browser(web.port).get(reset_path())
        assert answer.status == 200  # the page that says the link is not valid (any more)
        line = wait_for(
            lambda: next(
                (
                    line
                    for line in web.process.output().splitlines()
                    if "wachtwoord-herstellen" in line
                ),
                None,
            ),
            what="the access log line of the reset link",
            timeout=10,
            watch=(web.process,),
        )
    assert "/account/wachtwoord-herstellen/***/***/" in line
    assert_no_reset_secret(web.process.output())
