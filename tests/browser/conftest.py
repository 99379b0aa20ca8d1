"""Real-browser tests: Playwright (pytest-playwright) drives Chromium against pytest-django's
live server.

The browser is Debian's ``chromium`` package at /usr/bin/chromium (``RODEDRADEN_CHROMIUM``
names another path) where it is installed, else Playwright's own build (``playwright install
chromium``). `make test` installs one of them first when neither is there
(tests/prerequisites.py: apt-get as root where apt has chromium, Playwright's build
elsewhere). One browser is launched per test session; each test gets a fresh context (cookies,
storage) and page.

The live server runs in a thread of the test process and serves the static files from the app
directories (StaticFilesHandler and WhiteNoise's finders, see rodedraden/settings/test.py), so
Bootstrap and htmx load as in production. Tests that use it need ``transactional_db`` (the
live server implies it): pytest-django runs them after the other database tests.
"""

import os
import re
from pathlib import Path

import pytest
from django.core.cache import caches
from django.db import connections
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from tests import prerequisites
from tests.browser import scenarios
from tests.factories import PASSWORD


def current_code(device) -> str:
    """The six digits an authenticator app linked to ``device`` shows at this moment."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


# Playwright's sync API marks an asyncio loop as running in the test's thread for as long as
# it runs (the whole session: one browser per session), and Django's ORM refuses to run there.
# The test code and the fixtures only prepare and check data, they never share a connection
# with the live server's thread, so the check is switched off for the test process.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",  # runs as root in a container
    "--disable-gpu",
    # No traffic to Google's services: this machine only reaches the package registries.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Screenshots go to var/screenshots (git-ignored); `make screenshots` points SCREENSHOT_DIR at
# docs/images/screens, where the README's pictures come from.
SCREENSHOTS = Path(
    os.environ.get("SCREENSHOT_DIR") or Path(__file__).resolve().parents[2] / "var" / "screenshots"
).resolve()

# Steps wait for what the user should see; ten seconds is generous on the live server, and a
# failure is reported well before Playwright's default of thirty.
TIMEOUT_MS = 10_000
expect.set_options(timeout=TIMEOUT_MS)


def pytest_collection_modifyitems(items):
    """Every test in this folder is a browser test, marked as such (``-m "not browser"``)."""
    folder = Path(__file__).parent
    for item in items:
        if folder in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, browser_name, playwright):
    """pytest-playwright launches Chromium (Debian's or Playwright's), headless unless
    ``--headed``."""
    if browser_name != "chromium":
        pytest.fail(f"Only Chromium is installed for the browser tests, not {browser_name}.")
    executable = prerequisites.chromium_executable(
        prerequisites.debian_chromium(os.environ), Path(playwright.chromium.executable_path)
    )
    if executable is None:
        pytest.fail(
            "The browser tests need Chromium, and neither Debian's "
            f"({os.environ.get('RODEDRADEN_CHROMIUM') or prerequisites.DEBIAN_CHROMIUM}) nor "
            f"Playwright's ({playwright.chromium.executable_path}) is installed: `make test` "
            "installs it, or apt-get install chromium (as root, Debian), or .venv/bin/playwright "
            "install chromium (elsewhere)."
        )
    return {
        "headless": True,
        **browser_type_launch_args,
        "executable_path": str(executable),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def base_url(live_server):
    """page.goto("/…") goes to the live server."""
    return live_server.url


@pytest.fixture(scope="session")
def _close_test_thread_connections(browser):
    """Closes the test thread's database connections before the browser and Playwright stop.

    While Playwright runs, asyncio sees a running loop in the test thread, so Django (through
    asgiref's Local) keeps that thread's connections in a context-local store instead of the
    thread-local one. The connections opened from then on (by the tests that follow) are not
    the ones closed when pytest-django drops the test database at the end of the session, and
    PostgreSQL then refuses: "database … is being accessed by other users". Torn down before
    ``browser`` (it is set up after it), so the loop is still marked running here.
    """
    yield
    connections.close_all()


@pytest.fixture
def page(
    page: Page, _close_test_thread_connections, live_server, transactional_db, settings
) -> Page:
    # The page cache is on, as on a server (the suite has it off): these tests commit, so the
    # data version moves after each write and the pages they reload must show it.
    settings.PAGE_CACHE_SECONDS = 600
    caches["pages"].clear()
    page.set_default_timeout(TIMEOUT_MS)
    return page


def sign_in_with_password(page: Page, user, password: str = PASSWORD) -> None:
    """The login form's first step (for a user without a linked app, that is all)."""
    page.goto("/account/inloggen/")
    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()
    page.get_by_label("Gebruikersnaam").fill(user.username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()


def sign_in(page: Page, user, password: str = PASSWORD) -> Page:
    """Signs ``user`` in through the real login form, in the browser context of ``page``; the
    page is on the start page after it."""
    if user.needs_second_factor:
        # The user linked an authenticator app earlier (tests/accounts/test_two_factor.py
        # goes through linking it).
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="default", defaults={"confirmed": True}
        )
    sign_in_with_password(page, user, password)
    if user.needs_second_factor:
        # Step two: the code the user's authenticator app shows now.
        page.get_by_label("Code uit uw authenticator-app").fill(current_code(device))
        page.get_by_role("button", name="Controleren").click()
    # Signed in: the user menu (with "Uitloggen" in it) carries the user's name.
    menu = page.get_by_role("button", name=re.compile(re.escape(user.get_full_name())))
    expect(menu).to_be_visible()
    menu.click()
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()
    menu.click()
    return page


@pytest.fixture
def site(chair, reader, body, other_body) -> dict:
    """The scenario the accessibility and keyboard tests visit (tests/browser/scenarios.py)."""
    return scenarios.site(chair=chair, reader=reader, body=body, other_body=other_body)


@pytest.fixture
def log_in(page: Page):
    """Signs a user in through the real login form; the page is on the start page after it."""

    def log_in(user, password: str = PASSWORD) -> Page:
        return sign_in(page, user, password)

    return log_in


def tab_to(page: Page, locator, limit: int = 80) -> None:
    """Press Tab until ``locator`` has the focus, as a keyboard user would."""
    for _ in range(limit):
        if locator.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    expect(locator).to_be_focused()


def take_screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """Saves what the page shows to SCREENSHOTS/NAME.png, for a person to see."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path, full_page=full_page)
    return path


@pytest.fixture
def screenshot(page: Page):
    """Saves what the page shows to SCREENSHOTS/NAME.png, for a person to see."""

    def screenshot(name: str) -> Path:
        return take_screenshot(page, name)

    return screenshot
