"""The accessibility statement (toegankelijkheidsverklaring): public, after the model statement
of digitoegankelijk.nl, with the organisation, the scope, the standard, the status, how it was
checked, the known limitations and where to report a problem; linked from every page."""

import pytest
from django.test import override_settings

from tests.conftest import sign_in
from tests.factories import PASSWORD
from tests.test_settings import run

URL = "/toegankelijkheid/"


@pytest.mark.django_db
@override_settings(
    MUNICIPALITY_NAME="Gemeente Testdorp",
    ACCESSIBILITY_CONTACT_EMAIL="digitoegankelijk@testdorp.example",
    SITE_URL="https://rodedraden.testdorp.example",
)
def test_anyone_can_read_the_statement_without_signing_in(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert "accessibility_statement.html" in [t.name for t in response.templates]
    html = " ".join(response.content.decode().split())
    assert '<h1 class="h2">Toegankelijkheidsverklaring</h1>' in html
    # The organisation and the scope.
    assert "Gemeente Testdorp wil dat iedereen Rode draden kan gebruiken" in html
    assert "Besluit digitale toegankelijkheid overheid" in html
    assert "van toepassing op Rode draden op https://rodedraden.testdorp.example" in html
    # The standard and the status.
    assert "WCAG) 2.1 op niveau AA" in html
    assert "EN 301 549" in html
    assert "Rode draden voldoet gedeeltelijk aan WCAG 2.1 niveau AA." in html
    # How and when it was checked.
    assert "opgesteld op 1 december 2026" in html
    for method in ("Automatische controles", "axe-core", "Toetsenbordtests", "Handmatige"):
        assert method in html
    # Honest about what is not covered.
    assert "PDF/UA-1" in html
    assert "Django-admin" in html
    # Where to report a problem, and what then.
    assert (
        '<a href="mailto:digitoegankelijk@testdorp.example">'
        "digitoegankelijk@testdorp.example</a>" in html
    )
    assert "binnen vijf werkdagen" in html
    assert "klacht indienen bij Gemeente Testdorp" in html


@pytest.mark.django_db
def test_the_statement_is_in_english_too(client):
    client.post("/i18n/setlang/", {"language": "en", "next": URL})
    html = " ".join(client.get(URL).content.decode().split())
    assert '<html lang="en">' in html
    assert "Accessibility statement" in html
    assert "Rode draden partially complies with WCAG 2.1 level AA." in html
    assert "toegankelijkheid@rodedraden.local" in html  # the default address


@pytest.mark.django_db
def test_a_chair_who_has_not_linked_an_app_yet_can_read_it(client, chair):
    """Whoever cannot get through the two-step setup must find where to report it."""
    sign_in(client, chair.username, PASSWORD)  # no app linked: signed in, not verified
    assert client.get("/organen/")["Location"] == "/account/tweestapsverificatie/instellen/"
    response = client.get(URL)
    assert response.status_code == 200
    assert "toegankelijkheid@rodedraden.local" in response.content.decode()


@pytest.mark.django_db
def test_the_statement_only_answers_reading(client):
    assert client.head(URL).status_code == 200
    assert client.post(URL).status_code == 405


@pytest.mark.django_db
def test_every_page_links_to_the_statement_in_its_footer(client, member):
    link = '<a href="/toegankelijkheid/">Toegankelijkheid</a>'
    # Before signing in: the login page and the page for a forgotten password.
    for url in ("/account/inloggen/", "/account/wachtwoord-vergeten/"):
        html = client.get(url).content.decode()
        assert link in html.split("<footer")[1], url
    client.force_login(member)
    for url in ("/", "/organen/", "/bestaat-niet/"):
        html = client.get(url).content.decode()
        assert link in html.split("<footer")[1], url
    # On the statement itself the link says it is the current page.
    html = client.get(URL).content.decode()
    assert '<a href="/toegankelijkheid/" aria-current="page">' in html


def test_the_error_page_links_to_the_statement_too():
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("nl"):
        html = render_to_string("500.html")
    assert '<a href="/toegankelijkheid/">Toegankelijkheid</a>' in html.split("<footer")[1]


def test_the_contact_address_comes_from_the_environment():
    result = run(
        [
            "-c",
            "from django.conf import settings; print(settings.ACCESSIBILITY_CONTACT_EMAIL)",
        ],
        {"ACCESSIBILITY_CONTACT_EMAIL": "toegankelijkheid@gemeente.example"},
        "rodedraden.settings.local",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "toegankelijkheid@gemeente.example"
