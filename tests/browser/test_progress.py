"""In a real browser: a long action shows that it is under way, and is sent once however often
the button is pressed (static/js/busy.js). The server is made slow on purpose, so that the page
can be seen while it waits."""

import re
import time

import pytest
from auditlog.models import LogEntry
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from deliberation import views as deliberation_views
from deliberation.models import Beraad, BeraadState
from rodedraden.audit.models import AuditEvent
from signals import transfer
from signals.models import Signal
from tests.browser.conftest import current_code
from tests.deliberation.helpers import advance, submitted
from tests.factories import PASSWORD, BeraadFactory, SignalFactory

WAIT = 1.5  # seconds the slowed-down step takes


def slowly(function):
    def slow(*args, **kwargs):
        time.sleep(WAIT)
        return function(*args, **kwargs)

    return slow


# Clicks the button, looks at its form a moment later (while the request runs: Playwright's own
# locators wait for the navigation to end), and sends the form once more, as a second press of
# Enter would.
PRESS_AND_LOOK = """
button => {
  const form = button.form;
  button.click();
  return new Promise(resolve => setTimeout(() => {
    const status = form.querySelector(".busy-status[role='status']");
    const seen = {
      disabled: [...form.querySelectorAll("button")].every(b => b.disabled),
      status: status ? status.textContent.trim() : null,
      spinner: Boolean(status && status.querySelector(".spinner-border")),
      busy: form.getAttribute("aria-busy"),
    };
    form.requestSubmit();
    resolve(seen);
  }, 300));
}
"""


def press(button) -> dict:
    """Presses ``button`` and says what its form showed while the request ran."""
    return button.evaluate(PRESS_AND_LOOK)


def requests_to(page: Page, method: str, path: str) -> list:
    seen = []
    page.on(
        "request",
        lambda request: (
            seen.append(request)
            if request.method == method and request.url.split("?")[0].endswith(path)
            else None
        ),
    )
    return seen


def test_an_import_shows_its_progress_and_is_sent_once(
    page: Page, log_in, member, body, tmp_path, monkeypatch
):
    header, rows, _notes = transfer.template_rows(body)
    upload = tmp_path / "signalen.csv"
    upload.write_bytes(transfer.write_csv(header, rows))
    monkeypatch.setattr(transfer, "check_rows", slowly(transfer.check_rows))
    log_in(member)
    page.goto(f"/organen/{body.slug}/signalen/importeren/")
    posts = requests_to(page, "POST", f"/organen/{body.slug}/signalen/importeren/")
    page.get_by_label("Bestand").set_input_files(upload)
    # While the server works: the button is disabled, a spinner says what is happening, and
    # sending the form again does nothing.
    seen = press(page.get_by_role("button", name="Importeren"))
    assert seen["disabled"]
    assert seen["status"].startswith("Bezig met importeren…")
    assert seen["spinner"]
    assert seen["busy"] == "true"

    expect(page).to_have_url(re.compile(rf"/organen/{body.slug}/$"))
    expect(page.get_by_role("status").first).to_contain_text("geïmporteerd")
    assert len(posts) == 1
    assert Signal.objects.filter(body=body).count() == len(rows)


def test_an_export_shows_its_progress_and_downloads_once(
    page: Page, log_in, member, body, monkeypatch
):
    SignalFactory.create_batch(3, body=body)
    monkeypatch.setattr(transfer, "export_rows", slowly(transfer.export_rows))
    log_in(member)
    page.goto(f"/organen/{body.slug}/")
    gets = requests_to(page, "GET", f"/organen/{body.slug}/signalen/export.csv")
    link = page.get_by_role("link", name="CSV", exact=True)
    with page.expect_download() as download:
        link.click()
        status = page.locator(".export-links .busy-status[role='status']")
        expect(status).to_contain_text("Export wordt gemaakt")
        expect(link).to_have_attribute("aria-disabled", "true")
        link.click(force=True)  # a second click while it runs is ignored
    assert re.fullmatch(r"signalen-rekenkamer-\d{8}\.csv", download.value.suggested_filename)
    assert download.value.path().read_bytes().decode("utf-8-sig").count("\n") == 4
    expect(status).to_be_empty()
    expect(link).not_to_have_attribute("aria-disabled", "true")
    assert len(gets) == 1
    assert LogEntry.objects.filter(additional_data__event=AuditEvent.EXPORT).count() == 1


@pytest.fixture
def preparing(chair, body, other_body, monkeypatch):
    """A beraad in preparation with three submitted signals, whose start takes a while."""
    beraad = BeraadFactory(chair=chair, bodies=[body, other_body])
    for _ in range(3):
        submitted(body, period_start=beraad.period_start, period_end=beraad.period_end)
    step = deliberation_views.TRANSITIONS["starten"]
    monkeypatch.setitem(
        deliberation_views.TRANSITIONS, "starten", step._replace(service=slowly(step.service))
    )
    return advance(beraad, chair, BeraadState.VOORBEREIDING)


def start(page: Page, beraad, *, javascript: bool = True) -> dict | None:
    page.goto(f"/beraden/{beraad.pk}/")
    page.get_by_role("link", name="Beraad starten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Beraad starten?")
    button = page.get_by_role("button", name="Beraad starten")
    if not javascript:
        button.click()  # a plain form that posts
        return None
    return press(button)


def started(page: Page, beraad) -> None:
    expect(page).to_have_url(re.compile(rf"/beraden/{beraad.pk}/$"))
    expect(page.get_by_role("status").first).to_contain_text("Het beraad is begonnen")
    assert Beraad.objects.get(pk=beraad.pk).state == BeraadState.IN_BERAAD
    assert Beraad.objects.get(pk=beraad.pk).inclusions.count() == 3


def test_starting_a_beraad_shows_its_progress(page: Page, log_in, chair, preparing):
    log_in(chair)
    seen = start(page, preparing)
    assert seen["disabled"]
    assert seen["status"] == "Het beraad wordt gestart en de signalen worden opgenomen…"
    assert seen["spinner"]
    started(page, preparing)


@pytest.mark.browser_context_args(java_script_enabled=False)
def test_without_javascript_the_same_step_works(page: Page, chair, preparing):
    device, _ = TOTPDevice.objects.get_or_create(
        user=chair, name="default", defaults={"confirmed": True}
    )
    page.goto("/account/inloggen/")
    page.get_by_label("Gebruikersnaam").fill(chair.username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_label("Code uit uw authenticator-app").fill(current_code(device))
    page.get_by_role("button", name="Controleren").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")
    start(page, preparing, javascript=False)
    started(page, preparing)
