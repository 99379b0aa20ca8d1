"""axe-core (vendored from npm into tests/browser/vendor, never served by the app) checks the
pages for WCAG 2.1 A and AA violations in the real browser: none may be serious or critical.

The engine is evaluated through Playwright (the DevTools protocol), not added as a <script>:
the application's Content-Security-Policy rightly refuses inline scripts.
"""

from pathlib import Path

import pytest
from playwright.sync_api import Page

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def serious_violations(page: Page) -> list[str]:
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async (tags) => await axe.run(document, {
            runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]
        })""",
        WCAG_21_AA,
    )
    return [
        f"{page.url}: {violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(node["target"][0] for node in violation["nodes"][:5])
        for violation in result["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def test_the_engine_finds_what_it_should(page: Page, live_server):
    """The check can fail: an image without a text alternative is a critical violation."""
    page.goto("/account/inloggen/")
    page.evaluate(
        "() => { const img = document.createElement('img'); img.src = '/static/x.png';"
        " document.querySelector('main').append(img); }"
    )
    assert any("image-alt" in line for line in serious_violations(page))


def test_the_sign_in_pages_have_no_serious_violations(page: Page, live_server):
    found = []
    for url in ("/account/inloggen/", "/account/wachtwoord-vergeten/"):
        page.goto(url)
        found += serious_violations(page)
    assert found == []


@pytest.mark.parametrize("who", ["member", "chair", "reader"])
def test_the_start_pages_have_no_serious_violations(page: Page, log_in, request, who, body):
    user = request.getfixturevalue(who)
    log_in(user)
    found = serious_violations(page)
    if who == "member":
        page.goto(f"/organen/{body.slug}/")
        found += serious_violations(page)
        page.goto(f"/organen/{body.slug}/signalen/nieuw/")
        found += serious_violations(page)
    assert found == []
