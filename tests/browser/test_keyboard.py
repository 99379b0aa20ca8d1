"""Keyboard only, in the real browser: the skip link works, and on every form page and in the
tagging workspace Tab reaches every control in order, traps nowhere and shows where the focus
is (tests/browser/keyboard.py says what is checked). tests/browser/test_tagging.py tags and
untags with the keyboard; here the whole workspace is walked."""

from __future__ import annotations

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from deliberation.models import Recommendation
from tests.browser.conftest import sign_in_with_password
from tests.browser.keyboard import KeyboardCheck, tab_through
from tests.browser.scenarios import PERSONAL


@pytest.fixture
def keyboard(page: Page) -> KeyboardCheck:
    return KeyboardCheck(page)


# --- The check itself ---------------------------------------------------------------------------
def test_the_walk_finds_what_it_should(page: Page, live_server):
    """The check can fail: a control without a focus indicator, one with a faint one, one
    Tab skips, one out of order and a trap are each reported."""
    page.goto("/account/inloggen/")
    assert tab_through(page, "login").problems == []

    page.goto("/account/inloggen/")
    page.evaluate(
        """() => {
        const button = document.querySelector("main button[type=submit]");
        button.classList.add("kbd-test-no-ring");
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(
          ".kbd-test-no-ring:focus-visible { outline: none !important;"
          + " box-shadow: none !important }"
          + " #id_auth-password:focus-visible { outline: 1px solid #eee !important;"
          + " box-shadow: none !important }");
        document.adoptedStyleSheets = [sheet];
        document.querySelector("a[href*=wachtwoord]").tabIndex = -1;
        }"""
    )
    problems = tab_through(page, "login").problems
    assert any("no focus indicator" in p and "Inloggen" in p for p in problems), problems
    assert any("too faint" in p and "id_auth-password" in p for p in problems), problems
    assert any(p.startswith("never reached") and "Wachtwoord vergeten" in p for p in problems)

    page.goto("/account/wachtwoord-vergeten/")
    page.evaluate("() => { document.querySelector('main button[type=submit]').tabIndex = 1; }")
    problems = tab_through(page, "password reset").problems
    assert any(p.startswith("focus went back") for p in problems), problems

    page.goto("/account/inloggen/")
    page.evaluate(
        """() => { const field = document.getElementById("id_auth-username");
        field.addEventListener("keydown", (event) => {
          if (event.key === "Tab") event.preventDefault(); }); }"""
    )
    problems = tab_through(page, "login").problems
    assert any(p.startswith("keyboard trap") and "id_auth-username" in p for p in problems)


# --- The skip link ------------------------------------------------------------------------------
@pytest.mark.parametrize("signed_in", [False, True], ids=["statement", "workspace"])
def test_the_skip_link_shows_on_the_first_tab_and_moves_the_focus_to_main(
    page: Page, log_in, member, signed_in
):
    if signed_in:
        log_in(member)
        page.goto("/organen/rekenkamer/")
    else:
        page.goto("/toegankelijkheid/")
    skip = page.get_by_role("link", name="Direct naar de inhoud")
    expect(skip).not_to_be_in_viewport()
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    box = skip.bounding_box()
    assert box["width"] > 50  # shown, not a clipped pixel
    assert box["height"] > 20
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    expect(page.locator("main")).to_be_focused()
    # The next Tab goes on in main, past the header and its menu.
    page.keyboard.press("Tab")
    assert page.evaluate("() => !!document.activeElement.closest('main')")
    assert page.evaluate("() => document.activeElement !== document.querySelector('main')")


# --- Pages before signing in ------------------------------------------------------------------
def test_signing_in_by_keyboard(page: Page, keyboard: KeyboardCheck, chair):
    walk = keyboard.visit("login", "/account/inloggen/")
    assert walk.descriptions("main")[:3] == [
        "input#id_auth-username[type=text] “Gebruikersnaam*”",
        "input#id_auth-password[type=password] “Wachtwoord*”",
        "button “Inloggen”",
    ]
    assert walk.stops[0]["description"].startswith("a “Direct naar de inhoud”")
    keyboard.visit("password reset", "/account/wachtwoord-vergeten/")
    keyboard.visit("accessibility statement", "/toegankelijkheid/")

    # The second step, typed: the code field and its buttons.
    TOTPDevice.objects.create(user=chair, name="default", confirmed=True)
    sign_in_with_password(page, chair)
    expect(page.get_by_label("Code uit uw authenticator-app")).to_be_visible()
    walk = keyboard.walk("two-factor step")
    assert "button “Opnieuw beginnen”" in walk.descriptions("main")
    keyboard.assert_clean()


# --- Members ----------------------------------------------------------------------------------
def test_the_member_forms_by_keyboard(page: Page, log_in, keyboard: KeyboardCheck, member, site):
    log_in(member)
    walk = keyboard.visit("member start page", "/")
    # The header is walked too: the red navbar's links, the user menu, the language switch.
    header = walk.descriptions("header")
    assert header[0].startswith("a “Rode draden")
    assert any(d.startswith("select#language-select") for d in header), header
    assert walk.descriptions("footer") == ["a “Toegankelijkheid”"]

    keyboard.visit("body workspace", "/organen/rekenkamer/")
    walk = keyboard.visit("signal form", "/organen/rekenkamer/signalen/nieuw/")
    assert walk.descriptions("main")[-2:] == ["button “Opslaan als concept”", "a “Annuleren”"]
    page.get_by_label("Titel").fill("Terugbelverzoeken blijven liggen")
    page.get_by_label("Beschrijving").fill(PERSONAL)
    page.get_by_label("Waargenomen vanaf").fill("2026-01-01")
    page.get_by_label("Waargenomen tot en met").fill("2026-06-30")
    page.get_by_role("button", name="Opslaan als concept").click()
    expect(page.locator("section.findings-panel")).to_be_visible()
    walk = keyboard.walk("signal form with personal data found")
    assert "button “Vervanging overnemen en opslaan”" in walk.descriptions("main")
    keyboard.visit("signal detail", site["draft"].get_absolute_url())
    keyboard.visit("import", "/organen/rekenkamer/signalen/importeren/")
    keyboard.visit("beraad in preparation", site["preparing"].get_absolute_url())
    keyboard.assert_clean()


def test_the_user_menu_by_keyboard(page: Page, log_in, member):
    """The user menu in the red navbar opens, is walked and closes from the keyboard."""
    log_in(member)
    toggle = page.locator("header .dropdown-toggle")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    items = page.locator("header .dropdown-menu .dropdown-item")
    expect(items).to_have_count(3)
    for index in range(3):
        page.keyboard.press("ArrowDown")
        expect(items.nth(index)).to_be_focused()
    expect(items.nth(2)).to_have_text("Uitloggen")
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()


# --- The chair ----------------------------------------------------------------------------------
def test_the_chair_forms_and_the_tagging_workspace_by_keyboard(
    page: Page, log_in, keyboard: KeyboardCheck, chair, site
):
    beraad = site["beraad"]
    log_in(chair)
    walk = keyboard.visit("beraad form", "/beraden/nieuw/")
    assert walk.descriptions("main")[-2:] == ["button “Opslaan”", "a “Annuleren”"]
    keyboard.visit("beraad in session", beraad.get_absolute_url())
    keyboard.visit("transition confirmation", f"/beraden/{site['preparing'].pk}/stap/starten/")

    walk = keyboard.visit("tagging workspace", f"/beraden/{beraad.pk}/werkruimte/")
    stops = walk.descriptions("main")
    # Every kind of control of the workspace is on the way: chips, suggestions, theme fields.
    assert any(d.startswith("button#tag-") for d in stops), stops
    assert any(d.startswith("button#suggest-") for d in stops), stops
    assert sum(d.startswith("input#new-theme-") for d in stops) == 4, stops
    assert any(d.startswith("a “Tijdigheid”") for d in stops), stops  # the matrix's links

    # Tab to a suggestion and accept it with Enter; the keyboard stays in the signal.
    suggestion = page.locator(".suggestion").first
    inclusion = suggestion.get_attribute("id").split("-")[1]
    for _ in range(80):
        if suggestion.evaluate("element => element === document.activeElement"):
            break
        page.keyboard.press("Tab")
    expect(suggestion).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(f"#tags-{inclusion} .tag-chip")).to_have_count(1)
    expect(page.locator(f"#new-theme-{inclusion}")).to_be_focused()
    # And after the change the workspace is walked again.
    keyboard.walk("tagging workspace after a change")

    tijdigheid = site["themes"]["tijdigheid"]
    walk = keyboard.visit(
        "rode-draad page (analysis, recommendations)",
        f"/beraden/{beraad.pk}/rode-draden/{tijdigheid.pk}/",
    )
    stops = walk.descriptions("main")
    assert "textarea#id_text “Analyse”" in stops, stops
    assert any(d.startswith("textarea#id_recommendation_text") for d in stops), stops
    keyboard.visit("theme list", "/themas/")
    walk = keyboard.visit("theme detail (rename, merge)", tijdigheid.get_absolute_url())
    assert "button “Samenvoegen met het gekozen thema…”" in walk.descriptions("main")
    keyboard.visit("memo page", f"/beraden/{beraad.pk}/memo/")
    keyboard.visit("dashboard", "/dashboard/")
    keyboard.assert_clean()


# --- Readers ------------------------------------------------------------------------------------
def test_the_response_form_by_keyboard(page: Page, log_in, keyboard: KeyboardCheck, reader, site):
    log_in(reader)
    recommendation = Recommendation.objects.filter(beraad=site["earlier"], response="").first()
    walk = keyboard.visit("recommendation response form", recommendation.get_absolute_url())
    stops = walk.descriptions("main")
    assert any(d.startswith("input#id_response_0[type=radio]") for d in stops), stops
    # The radio group is one Tab stop; the arrow keys choose within it.
    page.locator("#id_response_0").focus()
    page.keyboard.press("ArrowDown")
    expect(page.locator("#id_response_1")).to_be_focused()
    expect(page.locator("#id_response_1")).to_be_checked()
    keyboard.assert_clean()
