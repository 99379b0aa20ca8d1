"""The site shell: start page per role, health endpoint, landmarks, language switch."""

import re
from unittest import mock

import pytest
from django.db import DatabaseError

from rodedraden.accounts.models import Role
from tests.conftest import sign_in
from tests.factories import UserFactory
from tests.mail import choose_password_through_link


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "template", "words"),
    [
        (Role.MEMBER, "home/member.html", ["signalen", "Uw organen"]),
        (Role.CHAIR, "home/chair.html", ["beraad", "Deelnemende organen"]),
        (Role.READER, "home/reader.html", ["memo"]),
        (Role.ADMIN, "home/admin.html", ["/admin/signals/oversightbody/"]),
    ],
)
def test_every_role_has_a_start_page_that_says_what_it_can_do(client, role, template, words):
    user = UserFactory(role=role, first_name="Kim")
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    assert template in [t.name for t in response.templates]
    html = response.content.decode()
    assert "Welkom, Kim" in html
    for word in words:
        assert word in html


@pytest.mark.django_db
def test_a_member_without_a_body_is_told_what_to_do(client):
    client.force_login(UserFactory(role=Role.MEMBER))
    assert "functioneel beheerder" in client.get("/").content.decode()


@pytest.mark.django_db
def test_the_page_shell_is_accessible(client, member):
    client.force_login(member)
    html = client.get("/").content.decode()
    assert '<html lang="nl">' in html
    assert 'href="#main"' in html  # skip link
    assert '<main id="main"' in html
    assert "<header" in html
    assert "<footer" in html
    assert "<nav" in html
    assert 'for="language-select"' in html
    # Everything is vendored: no third-party host is referenced, nothing inline.
    assert "https://" not in html
    assert "<script>" not in html
    assert "style=" not in html


@pytest.mark.django_db
def test_switching_to_english(client, member):
    client.force_login(member)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Welcome," in html


@pytest.mark.django_db
def test_the_login_page_works_and_signs_in(client, member):
    assert client.get("/account/inloggen/").status_code == 200
    response = client.post(
        "/account/inloggen/?next=/organen/",
        {
            "login_view-current_step": "auth",
            "auth-username": "lid",
            "auth-password": "een-lang-testwachtwoord",
            "next": "/organen/",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/organen/"


@pytest.mark.django_db
def test_a_wrong_password_gets_a_clear_dutch_error(client, member):
    response = sign_in(client, "lid", "fout")
    assert response.status_code == 200
    assert "Voer een juiste gebruikersnaam en wachtwoord in" in response.content.decode()


@pytest.mark.django_db
def test_sign_out_is_a_post_and_ends_the_session(client, member):
    client.force_login(member)
    response = client.post("/account/uitloggen/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_health_reports_the_database(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response.headers["Cache-Control"]


@pytest.mark.django_db
def test_health_says_so_when_the_database_is_down(client):
    with mock.patch("rodedraden.views.connection.cursor", side_effect=DatabaseError("down")):
        response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error"}


@pytest.mark.django_db
def test_dutch_is_the_language_whatever_the_browser_asks(client, member):
    client.force_login(member)
    response = client.get("/", headers={"accept-language": "en-US,en;q=0.9"})
    assert response.headers["Content-Language"] == "nl"
    assert '<html lang="nl">' in response.content.decode()


@pytest.mark.django_db
def test_a_forgotten_password_can_be_reset_by_e_mail(client, member):
    from django.core import mail

    response = client.post("/account/wachtwoord-vergeten/", {"email": member.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    new_password = "een-heel-nieuw-wachtwoord"
    choose_password_through_link(client, mail.outbox[0].body, new_password)
    assert sign_in(client, "lid", new_password).status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_a_weak_new_password_is_refused_in_dutch(client, member):
    client.force_login(member)
    response = client.post(
        "/account/wachtwoord-wijzigen/",
        {
            "old_password": "een-lang-testwachtwoord",
            "new_password1": "kort",
            "new_password2": "kort",
        },
    )
    assert response.status_code == 200
    assert "Dit wachtwoord is te kort" in response.content.decode()


@pytest.mark.django_db
def test_a_page_one_may_not_see_is_a_dutch_404_page(client, member):
    client.force_login(member)
    response = client.get("/organen/bestaat-niet/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<main id="main"' in html
    assert "Pagina niet gevonden" in html


@pytest.mark.django_db
def test_an_expired_form_gets_a_dutch_explanation(member):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/account/inloggen/", {"username": "lid", "password": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Het formulier is verlopen" in html
    assert '<main id="main"' in html


def test_the_error_page_needs_no_request_and_is_dutch():
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("nl"):
        html = render_to_string("500.html")
    assert '<html lang="nl">' in html
    assert "Er is iets misgegaan" in html


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"\sstyle=|<style", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+=", re.IGNORECASE)


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_no_page_has_inline_script_style_or_handlers(client, role, body):
    """A strict Content-Security-Policy is coming: nothing inline, on any page of any role."""
    from tests.factories import MembershipFactory

    user = MembershipFactory(body=body, user__role=role).user
    client.force_login(user)
    pages = ["/", "/organen/", body.get_absolute_url(), "/account/wachtwoord-wijzigen/"]
    for url in pages:
        response = client.get(url)
        if response.status_code == 404:  # pages a role does not have
            continue
        assert response.status_code == 200, url
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), url
        assert not INLINE_STYLE.search(html), url
        assert not INLINE_HANDLER.search(html), url


def test_weasyprint_and_its_system_libraries_work():
    from weasyprint import HTML

    pdf = HTML(string="<h1>Rode draden</h1><p>Memo</p>").write_pdf()
    assert pdf.startswith(b"%PDF-")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "label", "current"),
    [
        ("/", "Start", "page"),
        ("/beraden/", "Beraden", "page"),
        ("/beraden/{beraad}/", "Beraden", "true"),
        ("/beraden/{beraad}/memo/", "Beraden", "true"),
        ("/themas/", "Thema's", "page"),
        ("/aanbevelingen/", "Aanbevelingen", "page"),
        ("/dashboard/", "Dashboard", "page"),
        ("/organen/", "Toezichtsorganen", "page"),
        ("/organen/{body}/", "Toezichtsorganen", "true"),
    ],
)
def test_the_menu_marks_the_section_of_the_page(client, chair, body, path, label, current):
    from deliberation.models import BeraadState
    from tests.deliberation.helpers import advance
    from tests.factories import BeraadFactory

    beraad = advance(BeraadFactory(bodies=[body]), chair, BeraadState.IN_BERAAD)
    client.force_login(chair)
    html = client.get(path.format(beraad=beraad.pk, body=body.slug)).content.decode()
    menu = html[html.index('id="site-nav"') : html.index("</ul>", html.index('id="site-nav"'))]
    marked = re.findall(r'class="nav-link active" aria-current="(\w+)" href="[^"]*">([^<]+)<', menu)
    assert marked == [(current, label)]
