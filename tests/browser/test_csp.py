"""In a real browser, the strict Content-Security-Policy blocks nothing the application needs:
Chromium reports every violation (a ``securitypolicyviolation`` event, a console error), and on
the main pages of every role — the two-step setup with its QR code, the tagging workspace with
a tag toggled through htmx, the dashboard with its charts, the admin — there is none."""

import re
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from deliberation.models import BeraadState, Tag
from reports.models import MemoKind
from signals.models import Aspect, Signal
from tests.browser.conftest import sign_in_with_password
from tests.reports.helpers import memo_session, ready_memo

# Runs in every document before its own scripts (init scripts are not subject to the page's
# policy): keeps each violation the page reports.
WATCH_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__csp.push({
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: event.sourceFile,
    line: event.lineNumber,
    sample: event.sample,
    page: document.location.pathname,
  });
});
"""


class Violations:
    """What the browser reported, over every page the test visits."""

    def __init__(self, page: Page):
        self.page = page
        self.events: list[dict] = []
        self.console: list[str] = []
        self.pages: list[str] = []
        page.add_init_script(WATCH_VIOLATIONS)
        page.on("console", self._on_console)

    def _on_console(self, message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.console.append(f"{message.type}: {message.text}")

    def collect(self) -> None:
        """Keeps what the current document reported (before the next navigation drops it)."""
        self.events += self.page.evaluate("window.__csp || []")
        self.page.evaluate("window.__csp = []")

    def visit(self, path: str) -> None:
        """Goes to ``path``, checks the policy is there and the page is the one asked for."""
        self.collect()
        response = self.page.goto(path)
        assert response is not None, path
        assert response.status == 200, f"{path}: {response.status}"
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy, f"{path}: {policy!r}"
        self.page.wait_for_load_state("load")
        self.pages.append(path)
        self.collect()

    def assert_none(self) -> None:
        self.collect()
        report = [str(event) for event in self.events] + self.console
        assert not report, "Content-Security-Policy violations:\n" + "\n".join(report)


@pytest.fixture
def violations(page: Page) -> Violations:
    return Violations(page)


@pytest.fixture
def site(chair, reader, admin_user, member, body, other_body):
    """A beraad in progress (tags, analysis, recommendation) after a shared one with its memo.
    The live server's database is emptied after each test, the aspects of the data migration
    too: the session needs one."""
    Aspect.objects.get_or_create(slug="tijdigheid", defaults={"name": "Tijdigheid"})
    session = memo_session(
        chair=chair, reader=reader, body=body, other_body=other_body, state=BeraadState.IN_BERAAD
    )
    ready_memo(session["earlier"], kind=MemoKind.DEFINITIEF, requested_by=chair)
    return session


def test_the_watcher_sees_a_violation(page: Page, log_in, violations, member):
    """The check below can fail: an inline script added to a page is reported."""
    log_in(member)
    violations.visit("/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__ran = true'; document.body.appendChild(s); }"
    )
    # Polled from here: wait_for_function evaluates its predicate with eval, which the policy
    # refuses (and reports).
    for _ in range(50):
        if page.evaluate("window.__csp.length") and violations.console:
            break
        page.wait_for_timeout(100)
    assert page.evaluate("window.__ran") is None  # blocked
    violations.collect()
    assert violations.events[0]["directive"] == "script-src-elem"
    assert "inline script" in violations.console[0]
    violations.events.clear()
    violations.console.clear()
    violations.assert_none()


def test_the_member_pages_break_no_rule(page: Page, log_in, violations, member, site):
    log_in(member)
    for path in ("/", "/organen/", "/organen/rekenkamer/", "/organen/rekenkamer/signalen/nieuw/"):
        violations.visit(path)
    signal = Signal.objects.filter(body__slug="rekenkamer").first()
    violations.visit(f"/signalen/{signal.pk}/")
    violations.visit("/account/tweestapsverificatie/")
    violations.assert_none()


def test_setting_up_the_app_with_its_qr_code_breaks_no_rule(page: Page, violations, chair):
    sign_in_with_password(page, chair)  # no app yet: sent to set one up
    expect(page).to_have_url(re.compile(r"/account/tweestapsverificatie/instellen/$"))
    violations.collect()
    page.get_by_role("button", name="Start").click()
    qr = page.locator("img.qr-code")
    expect(qr).to_be_visible()
    expect(qr).to_have_js_property("complete", True)
    assert qr.evaluate("image => image.naturalWidth") > 0  # the SVG loaded and was drawn
    violations.collect()
    secret = page.locator("code.user-select-all").inner_text().strip()
    code = f"{TOTP(b32decode(secret), 30, 0, 6, 0).token():06d}"
    page.get_by_label("Code uit uw authenticator-app").fill(code)
    page.get_by_role("button", name="App koppelen").click()
    expect(page).to_have_url(re.compile(r"/account/tweestapsverificatie/instellen/gereed/$"))
    violations.collect()
    violations.visit("/account/tweestapsverificatie/herstelcodes/")
    page.get_by_role("button", name="Nieuwe herstelcodes aanmaken").click()
    expect(page.locator("ul.recovery-codes li")).to_have_count(10)
    violations.assert_none()


def test_the_chair_pages_and_the_tagging_workspace_break_no_rule(
    page: Page, log_in, violations, chair, site
):
    beraad = site["beraad"]
    log_in(chair)
    violations.visit("/")
    violations.visit("/beraden/")
    violations.visit(f"/beraden/{beraad.pk}/")
    violations.visit(f"/beraden/{beraad.pk}/werkruimte/")

    # Untag through htmx: the chip goes, the page stays.
    tag = Tag.objects.filter(beraad=beraad).order_by("pk").first()
    chip = page.locator(f"#tag-{tag.inclusion_id}-{tag.theme_id}")
    expect(chip).to_have_attribute("aria-pressed", "true")
    chip.click()
    expect(chip).to_have_count(0)
    assert not Tag.objects.filter(pk=tag.pk).exists()
    # And a new theme, typed.
    field = page.locator(f"#new-theme-{tag.inclusion_id}")
    field.fill("Bejegening")
    field.press("Enter")
    expect(
        page.locator(f"#tags-{tag.inclusion_id} .tag-chip", has_text="Bejegening")
    ).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/beraden/{beraad.pk}/werkruimte/$"))
    violations.collect()

    violations.visit(f"/beraden/{beraad.pk}/rode-draden/{site['themes']['tijdigheid'].pk}/")
    violations.visit("/dashboard/")
    expect(page.locator("figure.chart svg").first).to_be_visible()
    page.locator("details.chart-data-details summary").first.click()
    violations.visit("/themas/")
    violations.visit("/aanbevelingen/")
    violations.visit(f"/beraden/{site['earlier'].pk}/memo/")
    violations.assert_none()


def test_the_reader_pages_break_no_rule(page: Page, log_in, violations, reader, site):
    log_in(reader)
    violations.visit("/")
    violations.visit("/dashboard/")
    expect(page.locator("figure.chart svg").first).to_be_visible()
    violations.visit(f"/beraden/{site['earlier'].pk}/")
    violations.visit(f"/beraden/{site['earlier'].pk}/memo/")
    violations.visit("/aanbevelingen/")
    violations.assert_none()


def test_the_admin_breaks_no_rule(page: Page, log_in, violations, admin_user, member, site):
    log_in(admin_user)
    signal = Signal.objects.order_by("pk").first()
    for path in (
        "/admin/",
        "/admin/accounts/user/",
        "/admin/accounts/user/?role__exact=lid&q=lid",
        f"/admin/accounts/user/{member.pk}/change/",
        "/admin/accounts/user/add/",
        f"/admin/signals/signal/{signal.pk}/change/",
        "/admin/signals/oversightbody/add/",
        "/admin/audit/auditentry/",
    ):
        violations.visit(path)
    # The admin's own script at work: the navigation sidebar folds away.
    toggle = page.locator("#toggle-nav-sidebar")
    expect(toggle).to_be_visible()
    toggle.click()
    expect(page.locator("#nav-sidebar")).not_to_be_visible()
    violations.collect()
    violations.assert_none()
