"""Every URL pattern, walked: all of them send an anonymous visitor to the login page, except
the few that must work before signing in."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils.regex_helper import normalize

# The only views an anonymous visitor may reach (namespace:name, or the path of unnamed ones).
ANONYMOUS_ALLOWED = {
    "login",
    "health",
    "set_language",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    # The accessibility statement: readable by someone who cannot sign in.
    "accessibility",
}
# The admin's login page is the site's login page (see test_admin_login_is_the_site_login).
LOGIN_ALIASES = {"admin:login"}

SAMPLE_VALUES = {
    "app_label": "signals",
    "uidb64": "MQ",
    "token": "set-password",
    "url": "niet-bestaand/",
    "slug": "rekenkamer",
    "fmt": "csv",
}


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for entry in resolver.url_patterns:
        regex = entry.pattern.regex.pattern.lstrip("^")
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            yield from _walk(entry, prefix + regex, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(entry, URLPattern):
            yield prefix + regex, f"{namespace}{entry.name}" if entry.name else None


def all_urls() -> list[tuple[str, str]]:
    """(url, label) for every pattern, with sample values filled in."""
    urls = []
    for regex, name in _walk(get_resolver()):
        template, params = normalize(regex)[0]
        values = {param: SAMPLE_VALUES.get(param, "1") for param in params}
        url = "/" + template % values
        urls.append((url, name or url))
    return urls


URLS = [(url, label) for url, label in all_urls() if label not in LOGIN_ALIASES]


def test_the_walk_finds_every_kind_of_view():
    labels = {label for _, label in URLS}
    assert {"home", "login", "health", "signals:body-detail", "admin:index"} <= labels
    assert any(label.startswith("admin:signals_oversightbody") for label in labels)
    assert len(URLS) > 40


@pytest.mark.parametrize(("url", "label"), URLS, ids=[label for _, label in URLS])
@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_login(client, url, label):
    match = resolve(urlsplit(url).path)
    assert match is not None
    response = client.get(url)
    location = response.headers.get("Location", "")
    # The admin sends visitors to its own login page first, which is the site's login page
    # again (see test_admin_login_is_the_site_login).
    login_paths = {reverse(settings.LOGIN_URL)}
    if url.startswith("/admin/"):
        login_paths.add(reverse("admin:login"))
    redirected_to_login = response.status_code == 302 and urlsplit(location).path in login_paths
    if label in ANONYMOUS_ALLOWED:
        assert not redirected_to_login, f"{label} must be reachable without signing in"
        assert response.status_code < 500
    else:
        assert redirected_to_login, f"{label} ({url}) answered {response.status_code} {location}"
        assert parse_qs(urlsplit(location).query)["next"] == [urlsplit(url).path]


def test_admin_login_is_the_site_login(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("login") + "?next=/admin/"


@pytest.mark.parametrize("user_fixture", ["member", "chair", "reader"])
def test_signed_in_users_without_admin_rights_get_a_404_in_the_admin(client, request, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    assert client.get("/admin/").status_code == 404
    assert client.get("/admin/signals/oversightbody/").status_code == 404


def test_the_admin_login_never_sends_back_to_itself(client):
    for next_url in ("/admin/login/", "https://elders.example/", "/organen/"):
        response = client.get("/admin/login/", {"next": next_url})
        assert response.headers["Location"] == reverse("login") + "?next=/admin/"
