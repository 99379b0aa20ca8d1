"""On a tablet, in a real browser (issue 7): at 768 by 1024 (portrait) and 1024 by 768 (landscape)
the main pages of a member and of the chair fit the screen — the page itself never scrolls
sideways (a wide table scrolls inside its own box) —, the navigation can be reached (the
collapsed menu opens in portrait) and the page's key content is in view."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from deliberation import services as deliberation_services
from deliberation.models import Addressee, BeraadState
from reports.models import MemoKind
from tests.deliberation.helpers import advance, submitted, tag
from tests.factories import BeraadFactory, OversightBodyFactory, ThemeFactory
from tests.reports.helpers import ready_memo

TABLETS = {
    "portrait": {"width": 768, "height": 1024},
    "landscape": {"width": 1024, "height": 768},
}
BODIES = [
    ("Rekenkamer", "rekenkamer"),
    ("Klachtencommissaris", "klachtencommissaris"),
    ("Bezwarencommissie", "bezwarencommissie"),
    ("Functionaris gegevensbescherming", "fg"),
    ("Ombudsman", "ombudsman"),
]
THEMES = [
    "Tijdigheid van besluiten over maatwerkvoorzieningen",
    "Bereikbaarheid",
    "Begrijpelijke brieven",
    "Zorgvuldige omgang met persoonsgegevens bij het klantcontactcentrum",
]


@pytest.fixture
def town(chair, reader, body):
    """Five bodies (the member's is the rekenkamer) in a shared session and one in session,
    every body with signals, long theme names tagged across bodies, memos of both."""
    bodies = [body] + [
        OversightBodyFactory(name=name, slug=slug, kind=slug) for name, slug in BODIES[1:]
    ]
    themes = [ThemeFactory(name=name) for name in THEMES]

    def session(season: str, year: int, state: str):
        beraad = BeraadFactory(chair=chair, season=season, year=year, bodies=bodies)
        period = {"period_start": beraad.period_start, "period_end": beraad.period_end}
        signals = [
            submitted(
                owner,
                title=f"Aanvragen voor een maatwerkvoorziening blijven lang liggen ({n})",
                description="Inwoners wachten maanden op een besluit. " * 6,
                **period,
            )
            for n, owner in enumerate(bodies * 3)
        ]
        beraad = advance(beraad, chair, BeraadState.IN_BERAAD)
        for n, signal in enumerate(signals):
            tag(beraad, signal, themes[n % len(themes)], chair)
            if n % 2:
                tag(beraad, signal, themes[(n + 1) % len(themes)], chair)
        deliberation_services.recommendation_create(
            beraad=beraad,
            theme=themes[0],
            user=chair,
            text="Stel per voorziening een doorlooptijd vast en maak die openbaar. " * 3,
            addressee=Addressee.BURGEMEESTER,
        )
        ready_memo(beraad, version=1, requested_by=chair)
        beraad = advance(beraad, chair, state)
        if state == BeraadState.GEDEELD:
            ready_memo(beraad, kind=MemoKind.DEFINITIEF, version=2, requested_by=chair)
        return beraad

    shared = session("voorjaar", 2026, BeraadState.GEDEELD)
    current = session("najaar", 2026, BeraadState.IN_BERAAD)
    return {"bodies": bodies, "shared": shared, "current": current}


def fits(page: Page) -> dict:
    return page.evaluate(
        """() => ({
            scrollWidth: document.documentElement.scrollWidth,
            innerWidth: window.innerWidth,
            wide: [...document.querySelectorAll("body *")]
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                             && !e.closest(".table-responsive, .visually-hidden"))
                .slice(0, 5)
                .map(e => e.tagName.toLowerCase() + (e.className ? "." + e.className : "")),
        })"""
    )


def check_page(page: Page, path: str, key: str, problems: list[str], orientation: str) -> None:
    response = page.goto(path)
    assert response is not None, path
    assert response.ok, path
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    measured = fits(page)
    if measured["scrollWidth"] > measured["innerWidth"]:
        problems.append(f"{orientation} {path}: the page scrolls sideways {measured}")
    content = page.locator(key).first
    expect(content).to_be_visible()
    box = content.bounding_box()
    if box is None or box["x"] < 0 or box["x"] >= measured["innerWidth"]:
        problems.append(f"{orientation} {path}: {key} is off the screen ({box})")
    # The navigation: behind the menu button on a tablet (both ways up), in the bar on a
    # desktop screen.
    nav = page.get_by_role("navigation", name="Hoofdnavigatie")
    beraden = nav.get_by_role("link", name="Beraden")
    toggler = page.get_by_role("button", name="Menu tonen of verbergen")
    if orientation in TABLETS:
        expect(toggler).to_be_visible()
        expect(beraden).to_be_hidden()
        toggler.click()
        expect(beraden).to_be_visible()
        expect(toggler).to_have_attribute("aria-expanded", "true")
        expect(nav.get_by_role("button", name="Ingelogd als")).to_be_visible()
    else:
        expect(toggler).to_be_hidden()
        expect(beraden).to_be_visible()
    expect(page.get_by_label("Taal")).to_be_visible()
    measured = fits(page)  # the opened menu must fit as well
    if measured["scrollWidth"] > measured["innerWidth"]:
        problems.append(f"{orientation} {path}, menu open: the page scrolls sideways {measured}")


@pytest.mark.parametrize("orientation", TABLETS)
def test_a_members_pages_fit_a_tablet(
    page: Page, log_in, screenshot, member, body, town, orientation
):
    log_in(member)  # on a desktop screen, where the sign-in helper finds the user menu
    page.set_viewport_size(TABLETS[orientation])
    problems: list[str] = []
    for path, key in [
        ("/", "#can-do-heading"),
        (f"/organen/{body.slug}/", "table.signal-table"),
        (f"/organen/{body.slug}/signalen/nieuw/", "#id_title"),
        (town["current"].get_absolute_url(), "#themes-heading"),
    ]:
        check_page(page, path, key, problems, orientation)
        screenshot(f"tablet-{orientation}-member{path.replace('/', '-').rstrip('-')}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("orientation", TABLETS)
def test_the_chairs_pages_fit_a_tablet(
    page: Page, log_in, screenshot, chair, body, town, orientation
):
    log_in(chair)
    page.set_viewport_size(TABLETS[orientation])
    current = town["current"]
    problems: list[str] = []
    for path, key in [
        ("/", "#can-do-heading"),
        (f"/organen/{body.slug}/", "table.signal-table"),
        (f"/beraden/{current.pk}/werkruimte/", "#matrix table"),
        (f"/beraden/{current.pk}/memo/", "#memo-versions table"),
        (f"/beraden/{town['shared'].pk}/memo/", "#memo-versions table"),
        ("/dashboard/", "figure.chart svg"),
        ("/beraden/", "main table"),
        ("/aanbevelingen/", "main table"),
        ("/themas/", "main table"),
    ]:
        check_page(page, path, key, problems, orientation)
        screenshot(f"tablet-{orientation}-chair{path.replace('/', '-').rstrip('-')}")
    assert not problems, "\n".join(problems)


DESKTOPS = {
    "desktop-1200": {"width": 1200, "height": 800},
    "desktop-1280": {"width": 1280, "height": 800},
}


@pytest.mark.parametrize("who", ["chair", "admin_user"])
def test_the_bar_fits_a_small_desktop_screen_with_every_menu_item(
    request, page: Page, log_in, town, who
):
    """Just above the tablet sizes the menu is in the bar: with all the items of a chair or an
    administrator, and a long name, the page still does not scroll sideways."""
    user = request.getfixturevalue(who)
    user.first_name, user.last_name = "Geertruida Wilhelmina", "van Oldenbarnevelt-Verhoeven"
    user.save()
    log_in(user)
    problems: list[str] = []
    for size, viewport in DESKTOPS.items():
        page.set_viewport_size(viewport)
        check_page(page, "/beraden/", "main table", problems, size)
    assert not problems, "\n".join(problems)


def test_the_matrix_scrolls_inside_its_box_not_the_page(page: Page, log_in, chair, town):
    """The theme-by-body matrix of five bodies may be wider than its column: the table then
    scrolls in its own box, which stays on the screen; the page stays put."""
    log_in(chair)
    page.set_viewport_size(TABLETS["portrait"])
    page.goto(f"/beraden/{town['current'].pk}/werkruimte/")
    box = page.locator("#matrix .table-responsive")
    expect(box).to_be_visible()
    right = box.evaluate("box => box.getBoundingClientRect().right")
    assert right <= page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
