"""Sessions end after 30 minutes without a request, at signing out (on the server, not only in
the browser), and when the browser closes (the cookie has no lifetime of its own)."""

import datetime
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.utils import timezone

from rodedraden.settings import base as base_settings
from tests.conftest import Client, sign_in
from tests.factories import PASSWORD

LOGIN = "/account/inloggen/"
LOGOUT = "/account/uitloggen/"


def at(moment: datetime.datetime):
    """Runs the requests inside as if it were ``moment`` (the session store reads the time
    through django.utils.timezone.now). The cache in front of the sessions, when there is one,
    is emptied, so that the database decides."""
    cache.clear()
    return mock.patch("django.utils.timezone.now", return_value=moment)


def minutes(count: int) -> datetime.timedelta:
    return datetime.timedelta(minutes=count)


def is_signed_in(client) -> bool:
    response = client.get("/")
    if response.status_code == 200:
        return True
    assert response.status_code == 302
    assert response.headers["Location"] == f"{LOGIN}?next=/"
    return False


@pytest.fixture
def signed_in_member(client, member):
    response = sign_in(client, "lid", PASSWORD)
    assert response.status_code == 302
    assert is_signed_in(client)
    return client


def test_the_session_settings():
    for source in (settings, base_settings):
        assert source.SESSION_COOKIE_AGE == 30 * 60
        assert source.SESSION_SAVE_EVERY_REQUEST is True
        assert source.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
        assert source.SESSION_COOKIE_HTTPONLY is True
        assert source.SESSION_COOKIE_SAMESITE in ("Lax", "Strict")


def test_a_session_idle_for_more_than_thirty_minutes_is_signed_out(signed_in_member):
    client = signed_in_member
    start = timezone.now()
    with at(start + minutes(31)):
        assert not is_signed_in(client)
    # Gone for good, also when the clock would allow it again.
    with at(start + minutes(1)):
        assert not is_signed_in(client)


def test_a_session_idle_for_less_than_thirty_minutes_is_kept(signed_in_member):
    client = signed_in_member
    with at(timezone.now() + minutes(29)):
        assert is_signed_in(client)


def test_every_request_extends_the_session_by_thirty_minutes(signed_in_member):
    client = signed_in_member
    start = timezone.now()
    key = client.session.session_key
    with at(start + minutes(25)):
        assert is_signed_in(client)
    expiry = Session.objects.get(session_key=key).expire_date
    assert start + minutes(54) < expiry <= start + minutes(56)
    with at(start + minutes(50)):
        assert is_signed_in(client)
    with at(start + minutes(75)):
        assert is_signed_in(client)
    with at(start + minutes(75 + 31)):
        assert not is_signed_in(client)


def test_signing_out_ends_the_session_on_the_server(signed_in_member):
    client = signed_in_member
    old_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.filter(session_key=old_key).exists()

    response = client.post(LOGOUT)
    assert response.status_code == 302
    assert response.headers["Location"] == LOGIN
    assert not Session.objects.filter(session_key=old_key).exists()
    assert not is_signed_in(client)

    # A copy of the old cookie (kept by an attacker, or another tab) no longer works.
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old_key
    assert not is_signed_in(replay)


def test_signing_out_needs_a_post(signed_in_member):
    client = signed_in_member
    assert client.get(LOGOUT).status_code == 405
    assert is_signed_in(client)


def test_signing_out_needs_the_csrf_token(member):
    client = Client(enforce_csrf_checks=True)
    assert sign_in(client, "lid", PASSWORD).status_code == 403  # no token: no sign-in either
    client.force_login(member)
    assert client.post(LOGOUT).status_code == 403
    assert is_signed_in(client)


def test_signing_in_gives_a_new_session_key(client, member):
    client.get(LOGIN)
    client.cookies[settings.SESSION_COOKIE_NAME] = "sessie-van-de-aanvaller"
    before = client.session.session_key
    sign_in(client, "lid", PASSWORD)
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != "sessie-van-de-aanvaller"
    assert after != before
    assert is_signed_in(client)


def test_the_session_cookie_ends_when_the_browser_closes(client, member):
    response = sign_in(client, "lid", PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie.value
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    # Each request renews it, still without a lifetime.
    response = client.get("/")
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""
