"""In a real browser: the chair tags the signals of a beraad from the keyboard and sees the
matrix of themes and bodies follow, without a page reload."""

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from deliberation import services
from deliberation.models import BeraadSignal, Tag
from signals.models import SignalState
from tests.browser.conftest import tab_to
from tests.factories import SignalFactory


@pytest.fixture
def started_beraad(chair, body, other_body):
    for owner, title in (
        (body, "Wachttijden Wmo-aanvragen"),
        (other_body, "Lange wachttijden bij de jeugdhulp"),
        (other_body, "Brieven over de eigen bijdrage onbegrijpelijk"),
    ):
        SignalFactory(
            body=owner,
            title=title,
            state=SignalState.INGEDIEND,
            period_start=datetime.date(2026, 1, 1),
            period_end=datetime.date(2026, 6, 30),
        )
    beraad = services.beraad_create(
        user=chair,
        title="Rode-dradenberaad najaar 2026",
        season="najaar",
        year=2026,
        date=datetime.date(2026, 10, 15),
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 6, 30),
        submission_deadline=datetime.date(2026, 9, 24),
        bodies=[body, other_body],
    )
    services.beraad_open_intake(beraad=beraad, user=chair)
    return services.beraad_start(beraad=beraad, user=chair)


def inclusion(beraad, title) -> BeraadSignal:
    return BeraadSignal.objects.get(beraad=beraad, signal__title=title)


def test_the_chair_tags_from_the_keyboard_and_the_matrix_follows(
    page: Page, log_in, screenshot, chair, started_beraad
):
    beraad = started_beraad
    first = inclusion(beraad, "Wachttijden Wmo-aanvragen")
    second = inclusion(beraad, "Lange wachttijden bij de jeugdhulp")
    log_in(chair)
    page.goto(f"/beraden/{beraad.pk}/werkruimte/")
    matrix = page.locator("#matrix")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(matrix.locator("table")).to_have_count(0)  # nothing tagged yet

    # A new theme for the first signal: Tab to its theme field, type, Enter.
    field = page.locator(f"#new-theme-{first.pk}")
    tab_to(page, field)
    page.keyboard.type("Tijdigheid")
    page.keyboard.press("Enter")
    chip = page.locator(f"#tags-{first.pk} .tag-chip", has_text="Tijdigheid")
    expect(chip).to_be_visible()
    row = matrix.locator("tbody tr", has_text="Tijdigheid")
    expect(row).to_have_count(1)
    expect(row.locator(".rode-draad-badge")).to_have_count(0)  # one body: not yet
    # The keyboard stays where it was: the theme field of the same signal.
    expect(page.locator(f"#new-theme-{first.pk}")).to_be_focused()

    # The same theme for a signal of the other body: now it is a rode draad.
    field = page.locator(f"#new-theme-{second.pk}")
    tab_to(page, field)
    page.keyboard.type("Tijdigheid")
    page.keyboard.press("Enter")
    expect(page.locator(f"#tags-{second.pk} .tag-chip", has_text="Tijdigheid")).to_be_visible()
    expect(row.locator(".rode-draad-badge")).to_have_count(1)
    expect(row.locator("td.heat-1")).to_have_count(2)
    assert Tag.objects.filter(beraad=beraad).count() == 2
    screenshot("workspace-tagged")

    # Untag from the keyboard: Tab to the chip of the second signal, Enter.
    chip = page.locator(f"#tag-{second.pk}-{Tag.objects.first().theme_id}")
    tab_to(page, chip)
    expect(chip).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("Enter")
    expect(page.locator(f"#tags-{second.pk} .tag-chip")).to_have_count(0)
    expect(row.locator(".rode-draad-badge")).to_have_count(0)
    expect(page.locator(f"#new-theme-{second.pk}")).to_be_focused()
    assert Tag.objects.filter(beraad=beraad).count() == 1

    # No reload happened: the URL is the same and no navigation took place.
    expect(page).to_have_url(re.compile(rf"/beraden/{beraad.pk}/werkruimte/$"))

    # Loaded again (the page cache is on, as on a server): the page shows the tags as they
    # are now, not as they were when it was first rendered.
    page.reload()
    expect(page.locator(f"#tags-{first.pk} .tag-chip", has_text="Tijdigheid")).to_be_visible()
    expect(page.locator(f"#tags-{second.pk} .tag-chip")).to_have_count(0)
    expect(matrix.locator("tbody tr", has_text="Tijdigheid")).to_have_count(1)


def test_a_new_theme_with_a_name_in_it_shows_the_findings_and_takes_the_redaction(
    page: Page, log_in, chair, started_beraad
):
    """The guard in the htmx fragment: the name is refused with the findings panel in place,
    and its button (posted by htmx with the typed name) tags with the redacted name."""
    from deliberation.models import Theme

    beraad = started_beraad
    first = inclusion(beraad, "Wachttijden Wmo-aanvragen")
    log_in(chair)
    page.goto(f"/beraden/{beraad.pk}/werkruimte/")
    field = page.locator(f"#new-theme-{first.pk}")
    field.fill("Klachten van mevrouw Jansen")
    field.press("Enter")
    block = page.locator(f"#tags-{first.pk}")
    panel = block.locator("section.findings-panel")
    expect(panel.get_by_role("heading", name="Persoonsgegevens gevonden")).to_be_visible()
    expect(panel.locator("mark.finding").first).to_contain_text("Jansen")
    expect(panel).to_contain_text("Klachten van mevrouw [NAAM]")
    assert not Theme.objects.filter(name__icontains="Jansen").exists()

    panel.get_by_role("button", name="Vervanging overnemen en opslaan").click()
    expect(block.locator(".tag-chip", has_text="Klachten van mevrouw [NAAM]")).to_be_visible()
    expect(block.locator("section.findings-panel")).to_have_count(0)
    assert Tag.objects.filter(inclusion=first, theme__name="Klachten van mevrouw [NAAM]").exists()
    assert not Theme.objects.filter(name__icontains="Jansen").exists()
