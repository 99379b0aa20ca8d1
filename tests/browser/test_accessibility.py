"""WCAG 2.1 AA in the real browser: axe-core (tests/browser/axe.py) finds no serious or
critical violation of the A and AA rules on any main page, in any state a person meets it in:
signing in (both steps, linking the app, recovery codes, a forgotten password), the start page
of every role, the bodies' workspaces (with signals, with a filter that finds nothing, empty),
the signal form (empty, with personal data found, with errors), the import with an error, the
beraad in every step a chair takes it through, the tagging workspace with tags, suggestions and
the matrix, the rode-draad page, themes, recommendations, the memo while a version is being
made, ready and failed, the dashboard, the 404 page, the accessibility statement, and English.

Each scenario visits its pages in turn and names every page with a violation in one report
(axe's own reasons per element, and a screenshot in var/screenshots/axe-NAME.png).
"""

from __future__ import annotations

import re
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from deliberation.models import Recommendation
from reports.models import Memo, MemoKind, MemoState
from tests.browser.axe import Audit, violations
from tests.browser.conftest import current_code, sign_in_with_password
from tests.browser.scenarios import (
    PERSONAL,
    resize,
    switch_language,
)
from tests.factories import MembershipFactory, OversightBodyFactory
from tests.reports.helpers import ready_memo


@pytest.fixture
def audit(page: Page) -> Audit:
    return Audit(page)


# --- The check itself ---------------------------------------------------------------------------
def test_the_check_fails_on_an_image_without_a_text_alternative(page: Page, live_server):
    """The check can fail: an image without alt is a critical violation, named with its
    element; the page without it has none."""
    page.goto("/account/inloggen/")
    assert violations(page) == []
    page.evaluate(
        "() => { const img = document.createElement('img'); img.src = '/static/x.png';"
        " img.id = 'no-alt'; document.querySelector('main').append(img); }"
    )
    found = violations(page)
    assert [violation["id"] for violation in found] == ["image-alt"]
    assert found[0]["impact"] == "critical"
    assert found[0]["nodes"][0]["target"] == "#no-alt"


def test_the_check_fails_on_an_id_used_twice(page: Page, live_server):
    """Two fields with one id: the label names the first for both (axe leaves that for a
    person to review; here it counts), and the id is not unique (WCAG 2.1 4.1.1)."""
    page.goto("/account/inloggen/")
    page.evaluate("() => { document.getElementById('id_auth-password').id = 'id_auth-username'; }")
    found = {violation["id"]: violation for violation in violations(page)}
    assert set(found) == {"duplicate-id-aria", "duplicate-id"}
    assert [node["target"] for node in found["duplicate-id"]["nodes"]] == ["#id_auth-username"] * 2


# --- Before signing in --------------------------------------------------------------------------
def test_the_pages_before_signing_in(page: Page, audit: Audit, chair):
    audit.visit("login", "/account/inloggen/")
    sign_in_with_password(page, chair, password="fout-wachtwoord")
    expect(page.locator(".alert-danger")).to_be_visible()
    audit.check("login with a wrong password")
    audit.visit("password reset", "/account/wachtwoord-vergeten/")
    page.get_by_label("E-mailadres").fill("iemand@example.org")
    page.get_by_role("button", name="Link versturen").click()
    expect(page).to_have_url(re.compile(r"/verzonden/$"))
    audit.check("password reset sent")
    audit.visit("password reset, expired link", "/account/wachtwoord-herstellen/MQ/verlopen/")
    audit.visit("accessibility statement", "/toegankelijkheid/")
    switch_language(page, "en")
    audit.check("accessibility statement (English)")
    audit.visit("login (English)", "/account/inloggen/")
    audit.assert_clean()


def test_the_two_factor_pages(page: Page, audit: Audit, chair, reader):
    # The second step, for a chair who linked an app earlier.
    device = TOTPDevice.objects.create(user=chair, name="default", confirmed=True)
    sign_in_with_password(page, chair)
    code_field = page.get_by_label("Code uit uw authenticator-app")
    expect(code_field).to_be_visible()
    audit.check("two-factor token step")
    code_field.fill("000000" if current_code(device) != "000000" else "111111")
    page.get_by_role("button", name="Controleren").click()
    expect(page.locator(".invalid-feedback, .alert-danger").first).to_be_visible()
    audit.check("two-factor token step with a wrong code")

    # Linking the app, for a reader who has none yet: the QR code, done, recovery codes.
    page.context.clear_cookies()
    sign_in_with_password(page, reader)
    expect(page).to_have_url(re.compile(r"/tweestapsverificatie/instellen/$"))
    audit.check("two-factor setup, welcome")
    page.get_by_role("button", name="Start").click()
    expect(page.locator("img.qr-code")).to_be_visible()
    expect(page.locator("img.qr-code")).to_have_js_property("complete", True)
    audit.check("two-factor setup, QR code")
    secret = page.locator("code.user-select-all").inner_text().strip()
    page.get_by_label("Code uit uw authenticator-app").fill(
        f"{TOTP(b32decode(secret), 30, 0, 6, 0).token():06d}"
    )
    page.get_by_role("button", name="App koppelen").click()
    expect(page).to_have_url(re.compile(r"/instellen/gereed/$"))
    audit.check("two-factor setup complete")
    page.get_by_role("link", name="Herstelcodes aanmaken").click()
    audit.check("recovery codes, none yet")
    page.get_by_role("button", name="Nieuwe herstelcodes aanmaken").click()
    expect(page.locator("ul.recovery-codes li")).to_have_count(10)
    audit.check("recovery codes")
    audit.visit("two-factor profile", "/account/tweestapsverificatie/")
    audit.visit("password change", "/account/wachtwoord-wijzigen/")
    audit.assert_clean()


# --- Members ----------------------------------------------------------------------------------
def test_the_member_pages(page: Page, log_in, audit: Audit, member, body, site):
    empty = OversightBodyFactory(
        name="Klachtencommissaris", slug="klachtencommissaris", kind="klachtencommissaris"
    )
    MembershipFactory(body=empty, user=member)
    log_in(member)
    audit.check("member start page")
    audit.visit("member body list", "/organen/")
    audit.visit("body workspace with signals", "/organen/rekenkamer/")
    audit.visit("body workspace, a filter that finds nothing", "/organen/rekenkamer/?q=zzzqqq")
    expect(page.locator(".empty-state")).to_be_visible()
    audit.visit("body workspace of an empty body", "/organen/klachtencommissaris/")

    audit.visit("signal form", "/organen/rekenkamer/signalen/nieuw/")
    page.get_by_role("button", name="Opslaan als concept").click()
    expect(page.locator(".is-invalid").first).to_be_visible()
    audit.check("signal form with errors")
    page.get_by_label("Titel").fill("Terugbelverzoeken blijven liggen")
    page.get_by_label("Beschrijving").fill(PERSONAL)
    page.get_by_label("Waargenomen vanaf").fill("2026-01-01")
    page.get_by_label("Waargenomen tot en met").fill("2026-06-30")
    page.get_by_role("button", name="Opslaan als concept").click()
    expect(page.locator("section.findings-panel")).to_be_visible()
    audit.check("signal form with personal data found")

    audit.visit("signal detail (draft)", site["draft"].get_absolute_url())
    audit.visit("signal detail (in a beraad)", site["signals"]["a"].get_absolute_url())

    audit.visit("import", "/organen/rekenkamer/signalen/importeren/")
    page.get_by_label("Bestand").set_input_files(
        {
            "name": "signalen.csv",
            "mimeType": "text/csv",
            "buffer": b"titel;beschrijving\nWachttijden;Lange wachttijden\n",
        }
    )
    page.get_by_role("button", name="Importeren").click()
    expect(page.locator(".import-problems li").first).to_be_visible()
    audit.check("import with an error")

    audit.visit("member beraad list", "/beraden/")
    audit.visit("member beraad in preparation", site["preparing"].get_absolute_url())
    audit.visit("member beraad in session", site["beraad"].get_absolute_url())
    audit.visit("404 page", "/bestaat-niet/", status=404)

    switch_language(page, "en")
    audit.visit("member start page (English)", "/")
    audit.visit("body workspace (English)", "/organen/rekenkamer/")
    audit.visit("signal form (English)", "/organen/rekenkamer/signalen/nieuw/")
    audit.assert_clean()


# --- The chair --------------------------------------------------------------------------------
def test_the_chair_pages(page: Page, log_in, audit: Audit, chair, site):
    beraad, preparing = site["beraad"], site["preparing"]
    log_in(chair)
    audit.check("chair start page")
    audit.visit("chair body list", "/organen/")
    audit.visit("chair body workspace", "/organen/rekenkamer/")
    audit.visit("beraad list", "/beraden/")
    audit.visit("beraad form", "/beraden/nieuw/")
    page.get_by_label("Titel").fill("")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator(".is-invalid").first).to_be_visible()
    audit.check("beraad form with errors")
    audit.visit("beraad edit form", f"/beraden/{preparing.pk}/bewerken/")
    audit.visit("beraad in preparation", preparing.get_absolute_url())
    audit.visit("transition confirmation", f"/beraden/{preparing.pk}/stap/starten/")
    audit.visit("beraad in session", beraad.get_absolute_url())

    audit.visit("tagging workspace", f"/beraden/{beraad.pk}/werkruimte/")
    expect(page.locator("#matrix table")).to_be_visible()
    expect(page.locator(".suggestion").first).to_be_visible()
    # After changes through htmx: a suggestion accepted, a theme typed.
    page.locator(".suggestion").first.click()
    expect(page.locator(".suggestion")).to_have_count(0)
    field = page.locator("input[name=name]").first
    field.fill("Bejegening")
    field.press("Enter")
    expect(page.locator(".tag-chip", has_text="Bejegening")).to_be_visible()
    audit.check("tagging workspace after tagging")
    audit.visit(
        "tagging workspace grouped by aspect", f"/beraden/{beraad.pk}/werkruimte/?groep=aspect"
    )

    tijdigheid = site["themes"]["tijdigheid"]
    audit.visit("rode-draad page", f"/beraden/{beraad.pk}/rode-draden/{tijdigheid.pk}/")
    audit.visit("theme list", "/themas/")
    audit.visit("theme detail", tijdigheid.get_absolute_url())
    audit.visit("recommendation list", "/aanbevelingen/")
    recommendation = Recommendation.objects.filter(beraad=site["earlier"]).first()
    audit.visit("recommendation detail", recommendation.get_absolute_url())

    memo = Memo.objects.create(beraad=beraad, version=1, kind=MemoKind.CONCEPT, requested_by=chair)
    audit.visit("memo page, a version being made", f"/beraden/{beraad.pk}/memo/")
    expect(page.locator(".spinner-border")).to_be_visible()
    Memo.objects.filter(pk=memo.pk).update(state=MemoState.MISLUKT, error="test")
    audit.visit("memo page, a version failed", f"/beraden/{beraad.pk}/memo/")
    expect(page.get_by_role("button", name="Opnieuw proberen")).to_be_visible()
    ready_memo(beraad, version=2, requested_by=chair)
    audit.visit("memo page, a version ready", f"/beraden/{beraad.pk}/memo/")
    audit.visit("memo page of a shared beraad", f"/beraden/{site['earlier'].pk}/memo/")

    audit.visit("dashboard", "/dashboard/")
    expect(page.locator("figure.chart svg").first).to_be_visible()
    page.locator("details.chart-data-details summary").first.click()
    audit.check("dashboard with a chart's data open")

    switch_language(page, "en")
    audit.visit("chair start page (English)", "/")
    audit.visit("tagging workspace (English)", f"/beraden/{beraad.pk}/werkruimte/")
    audit.assert_clean()


# --- Readers and the administrator -----------------------------------------------------------
def test_the_reader_pages(page: Page, log_in, audit: Audit, reader, site):
    earlier = site["earlier"]
    log_in(reader)
    audit.check("reader start page")
    audit.visit("reader dashboard", "/dashboard/")
    audit.visit("reader beraad list", "/beraden/")
    audit.visit("reader beraad detail", earlier.get_absolute_url())
    audit.visit("reader memo page", f"/beraden/{earlier.pk}/memo/")
    audit.visit("reader recommendation list", "/aanbevelingen/")
    recommendation = Recommendation.objects.filter(beraad=earlier, response="").first()
    audit.visit("recommendation with the response form", recommendation.get_absolute_url())
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator(".is-invalid").first).to_be_visible()
    audit.check("response form with errors")
    audit.assert_clean()


def test_the_admin_start_page(page: Page, log_in, audit: Audit, admin_user, body):
    log_in(admin_user)
    audit.check("admin start page")
    audit.visit("admin body list", "/organen/")
    audit.visit("admin body workspace", "/organen/rekenkamer/")
    audit.assert_clean()


# --- Any window: the header, and reflow at 320 px --------------------------------------------
@pytest.mark.parametrize("width", [1400, 1280, 1100, 992, 390])
def test_the_header_fits_the_window_whatever_the_name_and_language(
    page: Page, log_in, audit: Audit, chair, width
):
    """The red navbar wraps instead of running out of the window. It did not: with the chair's
    links, a name of 15 letters or more and the role, the language switcher stuck out past the
    edge of a 1280 px window, half on the white page, where its white outline button could not
    be read (axe: color-contrast, 1.05:1) and the page scrolled sideways. The factories give
    every test user a random Dutch name, so whether it showed depended on the name."""
    chair.first_name, chair.last_name = "Maximiliaan-Alexander", "van den Berg-Oosterhuis"
    chair.save()
    log_in(chair)
    resize(page, width, 720)
    for language in ("nl", "en"):
        if language == "en":
            switch_language(page, "en")
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width, f"{language}: the page is {scroll_width} px wide"
        bar = page.locator("header nav.navbar").bounding_box()
        for part in (
            "header .navbar-brand",
            "header .language-switcher",
            "header .dropdown-toggle",
        ):
            box = page.locator(part).bounding_box()
            if box:  # the user menu is folded away in a narrow window
                assert bar["x"] <= box["x"], part
                assert box["x"] + box["width"] <= bar["x"] + bar["width"], part
                assert box["y"] + box["height"] <= bar["y"] + bar["height"], part
        audit.check(f"chair start page at {width} px ({language})")
    audit.assert_clean()


def test_the_pages_reflow_at_320_pixels(page: Page, log_in, audit: Audit, chair, site):
    """WCAG 1.4.10: at 320 CSS pixels (1280 at 400 % zoom) no page scrolls sideways; wide
    tables scroll in their own box. Tables, badges and long Dutch words used to push the
    start page, the beraad list, the recommendations and the statement out to 335 to 656 px."""
    beraad = site["beraad"]
    log_in(chair)
    resize(page, 320, 640)
    pages = {
        "start page": "/",
        "body list": "/organen/",
        "body workspace": "/organen/rekenkamer/",
        "beraad list": "/beraden/",
        "beraad form": "/beraden/nieuw/",
        "beraad in session": beraad.get_absolute_url(),
        "beraad in preparation": site["preparing"].get_absolute_url(),
        "tagging workspace": f"/beraden/{beraad.pk}/werkruimte/",
        "rode-draad page": f"/beraden/{beraad.pk}/rode-draden/{site['themes']['tijdigheid'].pk}/",
        "theme list": "/themas/",
        "recommendation list": "/aanbevelingen/",
        "memo page": f"/beraden/{site['earlier'].pk}/memo/",
        "dashboard": "/dashboard/",
        "signal detail": site["signals"]["a"].get_absolute_url(),
        "accessibility statement": "/toegankelijkheid/",
    }
    too_wide = []
    for name, path in pages.items():
        audit.visit(f"{name} at 320 px", path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide.append(f"{name} ({path}): {width} px")
    page.goto("/dashboard/")
    page.locator("details.chart-data-details summary").first.click()
    audit.check("dashboard at 320 px, a chart's data open")
    assert not too_wide, f"Pages wider than the window: {too_wide}"
    audit.assert_clean()
