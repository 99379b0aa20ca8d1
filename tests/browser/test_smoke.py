"""Smoke test in a real browser: a member records a signal with personal data in it and
accepts the proposed redaction, as a person would."""

import re

from playwright.sync_api import Page, expect

from signals.models import Signal

DESCRIPTION = "Mevrouw Jansen belde vanaf 06-12345678 over haar aanvraag."
REDACTED = "Mevrouw [NAAM] belde vanaf [TELEFOON] over haar aanvraag."


def test_member_records_a_signal_and_accepts_the_redaction(
    page: Page, log_in, screenshot, member, body
):
    log_in(member)

    # The start page, with the member's body.
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")
    # The static files are served: Bootstrap's CSS applies and htmx is loaded.
    assert page.evaluate("typeof htmx") == "object"
    assert page.evaluate("typeof bootstrap") == "object"
    expect(page.locator(".visually-hidden").first).to_have_css("position", "absolute")

    page.get_by_role("link", name="Rekenkamer").click()
    expect(page).to_have_url(re.compile(r"/organen/rekenkamer/$"))
    expect(page.get_by_role("heading", name="Rekenkamer", level=1)).to_be_visible()

    page.get_by_role("link", name="Nieuw signaal").click()
    expect(page.get_by_role("heading", name="Nieuw signaal", level=1)).to_be_visible()
    page.get_by_label("Titel").fill("Terugbelverzoeken blijven liggen")
    page.get_by_label("Beschrijving").fill(DESCRIPTION)
    page.get_by_label("Waargenomen vanaf").fill("2026-01-01")
    period_end = page.get_by_label("Waargenomen tot en met")
    period_end.fill("2026-06-30")
    # With the keyboard: Tab from the last field filled in, past the remaining fields, to
    # "Opslaan als concept", and Enter.
    save = page.get_by_role("button", name="Opslaan als concept")
    period_end.focus()
    for _ in range(15):
        page.keyboard.press("Tab")
        if save.evaluate("button => button === document.activeElement"):
            break
    expect(save).to_be_focused()
    page.keyboard.press("Enter")

    # Not saved: the personal data is shown with the proposed redaction.
    findings = page.locator("section.findings-panel")
    expect(findings.get_by_role("heading", name="Persoonsgegevens gevonden")).to_be_visible()
    expect(findings.locator("mark.finding").first).to_contain_text("Jansen")
    expect(findings).to_contain_text("[NAAM]")
    expect(findings).to_contain_text("[TELEFOON]")
    expect(findings).to_contain_text(REDACTED)
    assert not Signal.objects.exists()

    findings.get_by_role("button", name="Vervanging overnemen en opslaan").click()

    # The saved signal, with only the redacted text.
    expect(page).to_have_url(re.compile(r"/signalen/\d+/$"))
    expect(page.get_by_role("heading", name="Terugbelverzoeken blijven liggen")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("persoonsgegevens zijn vervangen")
    expect(page.get_by_role("main")).to_contain_text(REDACTED)
    expect(page.get_by_role("main")).not_to_contain_text("Jansen")
    expect(page.get_by_role("main")).not_to_contain_text("06-12345678")
    assert Signal.objects.get().description == REDACTED
    screenshot("smoke-signal-redacted")
