"""The security headers, asserted on real responses: the web command of docker-compose.yml
(gunicorn) with the production settings, behind a pretend TLS proxy (X-Forwarded-Proto).

And the markup that makes the strict Content-Security-Policy possible: no page the application
serves has an inline script, a style attribute or an event-handler attribute (rendered with
the test client, for every role, the two-step pages and the admin).

``manage.py check --deploy --fail-level WARNING`` on the production settings is
tests/test_settings.py::test_production_passes_the_deployment_checks.
"""

import http.client
import re
import secrets
import subprocess
import sys
import time
from base64 import b32decode
from html.parser import HTMLParser
from typing import NamedTuple
from urllib.parse import urlencode

import pytest
from axes.models import AccessAttempt
from django.contrib import admin
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from deliberation.models import BeraadState, Recommendation
from reports.models import MemoKind
from rodedraden.settings import base as base_settings
from tests.compose import PROJECT_ROOT, compose_command, database_url_for_subprocess, venv_env
from tests.conftest import Client, sign_in
from tests.factories import PASSWORD, SignalFactory, UserFactory
from tests.reports.helpers import memo_session, ready_memo
from tests.test_gunicorn import free_port

STARTUP_TIMEOUT = 30  # seconds
LOGIN = "/account/inloggen/"
HTTPS = {"X-Forwarded-Proto": "https"}
ONE_YEAR = 365 * 24 * 60 * 60
# Sources a strict policy may name: our own origin, nothing; data: for images only.
OWN_SOURCES = {"'self'", "'none'"}


# --- A production server ------------------------------------------------------------------------
class Response(NamedTuple):
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def cookies(self) -> dict[str, dict]:
        return {
            cookie["name"]: cookie
            for cookie in map(parse_set_cookie, self.headers.get_all("Set-Cookie") or [])
        }


def parse_set_cookie(line: str) -> dict:
    """One Set-Cookie header: its name and value, and its attributes (lower-case keys; flags
    such as Secure and HttpOnly are True)."""
    first, *attributes = (part.strip() for part in line.split(";"))
    name, _, value = first.partition("=")
    cookie = {"name": name, "value": value}
    for attribute in attributes:
        key, has_value, attribute_value = attribute.partition("=")
        cookie[key.lower()] = attribute_value if has_value else True
    return cookie


def request(port: int, method: str, path: str, headers=None, body: str | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return Response(response.status, response.headers, response.read())
    finally:
        connection.close()


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """The static files as ``collectstatic`` leaves them for the production settings: hashed
    names and the manifest that their storage (CompressedManifestStaticFilesStorage) reads.

    Collected with the manifest storage without WhiteNoise's compression, which makes the same
    names and manifest in 5 seconds instead of 50; the server below runs the real production
    settings on them (it then serves the files uncompressed).
    """
    root = tmp_path_factory.mktemp("static")
    script = (
        "import django\n"
        "django.setup()\n"
        "from django.conf import settings\n"
        "from django.core.management import call_command\n"
        "from django.test.utils import override_settings\n"
        "storage = 'django.contrib.staticfiles.storage.ManifestStaticFilesStorage'\n"
        "storages = {**settings.STORAGES, 'staticfiles': {'BACKEND': storage}}\n"
        "with override_settings(STORAGES=storages):\n"
        "    call_command('collectstatic', interactive=False, verbosity=0)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_ROOT,
        env=production_env(STATIC_ROOT=str(root), DATABASE_URL="sqlite:///:memory:"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (root / "staticfiles.json").is_file()
    return root


def production_env(**overrides: str) -> dict[str, str]:
    env = venv_env(
        DJANGO_SETTINGS_MODULE="rodedraden.settings.production",
        ENV_FILE="/nonexistent",  # a developer's .env must not change what is tested
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        EMAIL_HOST="smtp.gemeente.example",  # production refuses to start without a mail server
        LOG_LEVEL="WARNING",
    )
    for name in ("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "CACHE_URL", "DEBUG"):
        env.pop(name, None)
    env.update(overrides)
    return env


@pytest.fixture(scope="module")
def production_server(static_root, django_db_setup, tmp_path_factory):
    """gunicorn with the production settings on the test database; yields its port."""
    port = free_port()
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    env = production_env(
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="1",
        DATABASE_URL=database_url_for_subprocess(),
        STATIC_ROOT=str(static_root),
        XDG_RUNTIME_DIR=str(log.parent),
    )
    with log.open("wb") as output:
        process = subprocess.Popen(
            compose_command("web"),
            cwd=PROJECT_ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_healthy(process, port, log)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_healthy(process: subprocess.Popen, port: int, log) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited with {process.returncode}:\n{log.read_text()}")
        try:
            response = request(port, "GET", "/health/")
        except OSError as error:  # not listening yet
            last_error = error
        else:
            if response.status == 200:
                return
            last_error = AssertionError(f"{response.status} {response.body!r}")
        time.sleep(0.2)
    pytest.fail(
        f"no healthy server within {STARTUP_TIMEOUT} s ({last_error!r}):\n{log.read_text()}"
    )


# --- Headers ------------------------------------------------------------------------------------
def csp(response: Response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    assert header, "no Content-Security-Policy"
    assert response.headers.get_all("Content-Security-Policy") == [header]
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        assert name not in directives, f"{name} twice"
        directives[name] = sources
    return directives


def assert_security_headers(response: Response) -> None:
    policy = csp(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] in (["'none'"], ["'self'"])
    assert policy["form-action"] == ["'self'"]
    for directive, sources in policy.items():
        allowed = OWN_SOURCES | ({"data:"} if directive == "img-src" else set())
        assert set(sources) <= allowed, f"{directive}: {sources}"
        # So also none of 'unsafe-inline', 'unsafe-eval', hosts, schemes or wildcards.
        assert not [s for s in sources if "unsafe" in s or "*" in s or "http" in s]
    assert "Content-Security-Policy-Report-Only" not in response.headers

    hsts = {
        key.lower(): value
        for key, _, value in (
            part.strip().partition("=")
            for part in response.headers["Strict-Transport-Security"].split(";")
        )
    }
    assert int(hsts["max-age"]) >= ONE_YEAR
    assert "includesubdomains" in hsts
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in (
        "same-origin",
        "no-referrer",
        "strict-origin",
        "strict-origin-when-cross-origin",
    )
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def assert_host_cookie(cookie: dict, *, session_length: bool) -> None:
    """A cookie only this host over HTTPS may set and read, and no script."""
    assert cookie["name"].startswith("__Host-")
    assert cookie.get("secure") is True
    assert cookie.get("httponly") is True
    assert cookie.get("samesite", "").lower() in ("lax", "strict")
    assert cookie.get("path") == "/"
    assert "domain" not in cookie
    if session_length:
        assert "max-age" not in cookie
        assert "expires" not in cookie


def test_the_login_page_has_every_security_header(production_server):
    response = request(production_server, "GET", LOGIN, HTTPS)
    assert response.status == 200
    assert b'name="auth-username"' in response.body
    assert_security_headers(response)
    assert "no-store" in response.headers["Cache-Control"]


def test_the_login_page_sets_secure_host_only_cookies(production_server):
    cookies = request(production_server, "GET", LOGIN, HTTPS).cookies()
    assert set(cookies) == {"__Host-csrftoken", "__Host-sessionid"}, cookies
    assert_host_cookie(cookies["__Host-csrftoken"], session_length=False)
    assert_host_cookie(cookies["__Host-sessionid"], session_length=True)


@pytest.mark.parametrize(
    "path", ["/", LOGIN, "/organen/", "/admin/", "/account/wachtwoord-vergeten/"]
)
def test_plain_http_is_sent_to_https(production_server, path):
    response = request(production_server, "GET", path)
    assert response.status == 301
    assert response.headers["Location"] == f"https://127.0.0.1:{production_server}{path}"
    assert "Set-Cookie" not in response.headers


def test_the_health_check_answers_on_plain_http(production_server):
    response = request(production_server, "GET", "/health/")
    assert response.status == 200
    assert response.headers["Content-Type"] == "application/json"


def test_error_pages_and_static_files_have_the_headers_too(production_server):
    missing = request(production_server, "GET", "/account/bestaat-niet/", HTTPS)
    assert missing.status in (302, 404)
    assert_security_headers(missing)

    page = request(production_server, "GET", LOGIN, HTTPS).body.decode()
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]+\.css)"', page)
    assert stylesheet, "the stylesheet has a hashed name from the manifest"
    static = request(production_server, "GET", stylesheet.group(1), HTTPS)
    assert static.status == 200
    assert static.headers["X-Content-Type-Options"] == "nosniff"
    assert int(static.headers["Strict-Transport-Security"].split("=")[1].split(";")[0]) >= ONE_YEAR


@pytest.mark.django_db(transaction=True)
def test_signing_in_gives_a_secure_session_cookie_that_ends_with_the_browser(production_server):
    with override_settings(PASSWORD_HASHERS=base_settings.PASSWORD_HASHERS):
        UserFactory(username="lid", password=PASSWORD)
    port = production_server
    page = request(port, "GET", LOGIN, HTTPS)
    cookies = page.cookies()
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body).group(1).decode()
    cookie_header = "; ".join(f"{name}={cookie['value']}" for name, cookie in cookies.items())
    form = urlencode(
        {
            "csrfmiddlewaretoken": token,
            "login_view-current_step": "auth",
            "auth-username": "lid",
            "auth-password": PASSWORD,
        }
    )
    headers = {
        **HTTPS,
        "Cookie": cookie_header,
        "Origin": f"https://127.0.0.1:{port}",
        "Referer": f"https://127.0.0.1:{port}{LOGIN}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    response = request(port, "POST", LOGIN, headers, form)
    assert response.status == 302, response.body[:2000]
    assert response.headers["Location"] == "/"
    assert_security_headers(response)

    signed_in = response.cookies()
    session = signed_in["__Host-sessionid"]
    assert_host_cookie(session, session_length=True)
    assert session["value"] != cookies["__Host-sessionid"]["value"]  # a new key after login
    assert_host_cookie(signed_in["__Host-csrftoken"], session_length=False)  # rotated

    home = request(port, "GET", "/", {**HTTPS, "Cookie": f"__Host-sessionid={session['value']}"})
    assert home.status == 200
    assert_security_headers(home)
    assert_host_cookie(home.cookies()["__Host-sessionid"], session_length=True)


# --- Markup the strict policy allows ------------------------------------------------------------
# Script elements that hold data, which a policy does not execute (and so does not block).
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


class InlineMarkupFinder(HTMLParser):
    """Collects what a policy without 'unsafe-inline' blocks: inline scripts and <style>
    elements, style attributes, event-handler attributes (on…=, htmx's hx-on), javascript:
    URLs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        shown = self.get_starttag_text()[:160]
        data_type = (attributes.get("type") or "").lower() in DATA_SCRIPT_TYPES
        if tag == "script" and not attributes.get("src") and not data_type:
            self.found.append(f"inline script: {shown}")
        if tag == "style":
            self.found.append(f"<style> element: {shown}")
        for name, value in attrs:
            if name == "style":
                self.found.append(f"style attribute: {shown}")
            elif re.fullmatch(r"on[a-z]+", name) or name.startswith(("hx-on", "data-hx-on")):
                self.found.append(f"event handler {name}: {shown}")
            elif (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"javascript: URL in {name}: {shown}")

    handle_startendtag = handle_starttag


def inline_markup(html: str) -> list[str]:
    finder = InlineMarkupFinder()
    finder.feed(html)
    finder.close()
    return finder.found


# --- The pages of every role --------------------------------------------------------------------
@pytest.fixture
def site(chair, reader, admin_user, member, body, other_body):
    """A session in the beraad (tags, an analysis, a recommendation) after a shared one with
    responses, a memo of that one, and a concept signal of the member's body."""
    session = memo_session(
        chair=chair, reader=reader, body=body, other_body=other_body, state=BeraadState.IN_BERAAD
    )
    earlier = session["earlier"]
    ready_memo(earlier, kind=MemoKind.DEFINITIEF, requested_by=chair)
    ready_memo(session["beraad"], requested_by=chair)
    concept = SignalFactory(body=body, title="Lange wachttijd aan de balie")
    return {
        **session,
        "concept": concept,
        "recommendation": Recommendation.objects.filter(beraad=earlier).first(),
        "theme": session["themes"]["tijdigheid"],
    }


def pages_of(client, urls: list[str], **extra) -> dict[str, list[str]]:
    """Each page's inline markup; every page must answer 200."""
    found = {}
    for url in urls:
        response = client.get(url, **extra)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        found[url] = inline_markup(response.content.decode())
    return found


def assert_no_inline_markup(found: dict[str, list[str]]) -> None:
    offending = {url: items for url, items in found.items() if items}
    assert not offending, "\n".join(
        f"{url}:\n  " + "\n  ".join(items) for url, items in offending.items()
    )


def test_the_member_pages_have_no_inline_markup(client, member, site):
    client.force_login(member)
    signal = site["concept"]
    assert_no_inline_markup(
        pages_of(
            client,
            [
                "/",
                "/organen/",
                "/organen/rekenkamer/",
                "/organen/rekenkamer/?q=wachttijd&state=concept",
                "/organen/rekenkamer/signalen/nieuw/",
                "/organen/rekenkamer/signalen/importeren/",
                f"/signalen/{signal.pk}/",
                f"/signalen/{signal.pk}/bewerken/",
                f"/signalen/{signal.pk}/verwijderen/",
                "/account/wachtwoord-wijzigen/",
                "/account/wachtwoord-gewijzigd/",
                "/account/tweestapsverificatie/",
            ],
        )
    )


def test_the_chair_pages_have_no_inline_markup(client, chair, site):
    client.force_login(chair)
    assert "<svg" in client.get("/dashboard/").content.decode()  # the charts are inline SVG
    beraad, earlier, theme = site["beraad"], site["earlier"], site["theme"]
    signal = site["signals"]["a"]
    assert_no_inline_markup(
        pages_of(
            client,
            [
                "/",
                "/organen/",
                "/organen/rekenkamer/",
                "/beraden/",
                "/beraden/nieuw/",
                f"/beraden/{beraad.pk}/",
                f"/beraden/{beraad.pk}/bewerken/",
                f"/beraden/{beraad.pk}/werkruimte/",
                f"/beraden/{beraad.pk}/rode-draden/{theme.pk}/",
                f"/beraden/{beraad.pk}/memo/",
                f"/beraden/{beraad.pk}/stap/concept-memo/",
                f"/beraden/{earlier.pk}/",
                f"/beraden/{earlier.pk}/memo/",
                f"/signalen/{signal.pk}/",
                "/themas/",
                f"/themas/{theme.pk}/",
                "/aanbevelingen/",
                f"/aanbevelingen/{site['recommendation'].pk}/",
                "/dashboard/",
                "/account/tweestapsverificatie/",
                "/account/tweestapsverificatie/herstelcodes/",
            ],
        )
    )


def test_the_htmx_fragments_have_no_inline_markup(client, chair, site):
    client.force_login(chair)
    beraad = site["beraad"]
    inclusion = beraad.inclusions.first()
    response = client.post(
        f"/beraden/{beraad.pk}/werkruimte/tag/",
        {"inclusion": inclusion.pk, "theme": site["themes"]["privacy"].pk, "tagged": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "tag-chip" in response.content.decode()
    assert_no_inline_markup({"tag toggle": inline_markup(response.content.decode())})
    response = client.post(
        f"/beraden/{beraad.pk}/werkruimte/nieuw-thema/",
        {"inclusion": inclusion.pk, "name": "Bejegening"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Bejegening" in response.content.decode()
    assert_no_inline_markup({"new theme": inline_markup(response.content.decode())})
    assert_no_inline_markup(
        pages_of(client, [f"/beraden/{beraad.pk}/memo/"], HTTP_HX_REQUEST="true")
    )


def test_the_reader_pages_have_no_inline_markup(client, reader, site):
    client.force_login(reader)
    earlier = site["earlier"]
    assert_no_inline_markup(
        pages_of(
            client,
            [
                "/",
                "/dashboard/",
                "/beraden/",
                f"/beraden/{earlier.pk}/",
                f"/beraden/{earlier.pk}/memo/",
                "/aanbevelingen/",
                f"/aanbevelingen/{site['recommendation'].pk}/",
            ],
        )
    )


def test_the_sign_in_and_two_step_pages_have_no_inline_markup(client, chair, member):
    found = pages_of(
        client,
        [
            LOGIN,
            "/account/wachtwoord-vergeten/",
            "/account/wachtwoord-vergeten/verzonden/",
            "/account/wachtwoord-herstellen/MQ/ongeldig/",
            "/account/wachtwoord-hersteld/",
        ],
    )
    missing = client.get("/bestaat-niet/")
    assert missing.status_code in (302, 404)

    # The code step and the recovery-code step of a chair with an app.
    device = TOTPDevice.objects.create(user=chair, name="default", confirmed=True)
    device.staticdevice = StaticDevice.objects.create(user=chair, name="backup")
    device.staticdevice.token_set.create(token="abcd1234")
    step = sign_in(client, "voorzitter", PASSWORD)
    assert b'name="token-otp_token"' in step.content
    found["code step"] = inline_markup(step.content.decode())
    step = client.post(LOGIN, {"login_view-current_step": "token", "wizard_goto_step": "backup"})
    assert b'name="backup-otp_token"' in step.content
    found["recovery-code step"] = inline_markup(step.content.decode())

    # Setting up an app: a member signed in with the password.
    other = Client()
    sign_in(other, "lid", PASSWORD)
    found.update(pages_of(other, ["/account/tweestapsverificatie/instellen/"]))
    step = other.post(
        "/account/tweestapsverificatie/instellen/", {"setup_view-current_step": "welcome"}
    )
    assert b'name="generator-token"' in step.content
    found["setup: the QR code step"] = inline_markup(step.content.decode())
    qr = other.get("/account/tweestapsverificatie/instellen/qr-code/")
    assert qr.headers["Content-Type"].startswith("image/svg+xml")
    found["QR code image"] = inline_markup(qr.content.decode())
    key = b32decode(other.session["django_two_factor-qr_secret_key"])
    totp = TOTP(key, 30, 0, 6, 0)
    other.post(
        "/account/tweestapsverificatie/instellen/",
        {"setup_view-current_step": "generator", "generator-token": f"{totp.token():06d}"},
    )
    found.update(
        pages_of(
            other,
            [
                "/account/tweestapsverificatie/instellen/gereed/",
                "/account/tweestapsverificatie/",
                "/account/tweestapsverificatie/herstelcodes/",
                "/account/tweestapsverificatie/uitschakelen/",
            ],
        )
    )

    # The lockout page.
    locked = Client()
    for _ in range(10):
        response = sign_in(locked, "lid", "fout-wachtwoord")
    assert response.status_code == 429
    found["lockout"] = inline_markup(response.content.decode())

    # The page of a refused CSRF check.
    strict = Client(enforce_csrf_checks=True)
    refused = sign_in(strict, "lid", PASSWORD)
    assert refused.status_code == 403
    found["CSRF refused"] = inline_markup(refused.content.decode())
    found["not found"] = inline_markup(missing.content.decode())
    assert_no_inline_markup(found)


def admin_urls() -> list[str]:
    """Every admin page: the index, each app, and per registered model its list, add form,
    the change, history and delete pages of its first object."""
    urls = [reverse("admin:index")]
    apps = set()
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        apps.add(opts.app_label)
        prefix = f"admin:{opts.app_label}_{opts.model_name}"
        urls.append(reverse(f"{prefix}_changelist"))
        if model_admin.has_add_permission(admin_request()):
            urls.append(reverse(f"{prefix}_add"))
        first = model_admin.get_queryset(admin_request()).order_by("pk").first()
        if first is not None:
            urls.append(reverse(f"{prefix}_change", args=[first.pk]))
            urls.append(reverse(f"{prefix}_history", args=[first.pk]))
            if model_admin.has_delete_permission(admin_request(), first):
                urls.append(reverse(f"{prefix}_delete", args=[first.pk]))
    urls += [reverse("admin:app_list", args=[app]) for app in sorted(apps)]
    return urls


def admin_request():
    from django.contrib.auth import get_user_model
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = get_user_model().objects.get(username="beheerder")
    return request


def test_the_admin_pages_have_no_inline_markup(client, admin_user, site):
    client.force_login(admin_user)
    client.post("/account/tweestapsverificatie/herstelcodes/")  # recovery codes to list
    AccessAttempt.objects.create(
        username="lid", ip_address="192.0.2.1", user_agent="test", failures_since_start=1
    )
    urls = admin_urls()
    assert len(urls) > 30
    found = pages_of(client, urls)
    # A search, a filter and the popup of a related field.
    found.update(pages_of(client, ["/admin/accounts/user/?q=lid&role__exact=lid"]))
    found.update(pages_of(client, ["/admin/signals/oversightbody/add/?_popup=1&_to_field=id"]))
    assert_no_inline_markup(found)
