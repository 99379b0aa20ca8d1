"""A form sent again from the browser (issue 17 point 8): the member saves a signal, goes Back
and presses the button once more, as someone does who is not sure it was saved. The form comes
back with what was typed and with the key it was sent with, so the second press is a replay:
one signal, and the page says so."""

import re

from playwright.sync_api import Page, expect

from signals.models import Signal


def test_back_and_send_again_saves_the_signal_once(page: Page, log_in, member, body):
    log_in(member)
    page.goto(page.url.rstrip("/") + f"/organen/{body.slug}/signalen/nieuw/")
    page.get_by_label("Titel").fill("Terugbelverzoeken blijven liggen")
    page.get_by_label("Beschrijving").fill("Inwoners worden niet teruggebeld.")
    page.get_by_role("button", name="Opslaan als concept").click()
    expect(page).to_have_url(re.compile(r"/signalen/\d+/$"))
    first = page.url

    page.go_back()
    expect(page.get_by_label("Titel")).to_have_value("Terugbelverzoeken blijven liggen")
    page.get_by_role("button", name="Opslaan als concept").click()

    expect(page).to_have_url(first)
    expect(page.get_by_text("Dit formulier was al verzonden")).to_be_visible()
    assert Signal.objects.filter(body=body).count() == 1
