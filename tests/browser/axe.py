"""axe-core in the real browser: the WCAG 2.1 A and AA rules, run on the page as it is.

The engine (vendored from npm into tests/browser/vendor by ``make vendor``; the application
never serves it) is evaluated through Playwright, that is through the DevTools protocol: a
``<script>`` added to the page would be refused by the application's Content-Security-Policy,
as it should be.

Before a check the page is brought to rest, so that what is measured is the page a person
sees, not a frame of an animation: the web fonts are loaded, the mouse is moved off every
control (a hover colour is a state of its own, not the page's), and the transitions that are
running (Bootstrap's buttons fade their colours for .15 s) have finished. Animations that
never end (a spinner) are left alone. The focus is left where it is: a focus ring is part of
the page.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from playwright.sync_api import Page

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SERIOUS = ("serious", "critical")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

SETTLE = """async () => {
  await document.fonts.ready;
  const finite = document.getAnimations().filter((animation) => {
    const timing = animation.effect && animation.effect.getComputedTiming();
    return timing && Number.isFinite(timing.endTime);
  });
  await Promise.all(finite.map((animation) => animation.finished.catch(() => null)));
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
}"""

RUN = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations", "incomplete"],
  });
  // axe leaves an id shared by two elements that a label or an ARIA attribute points at for
  // a person to review ("incomplete"); it is wrong whatever the review, so it counts.
  const duplicates = result.incomplete.filter((item) => item.id === "duplicate-id-aria");
  // And every other id used twice: WCAG 2.1's 4.1.1 (obsolete in 2.2, so axe 4.14 no longer
  // checks it under the 2.1 tags).
  const seen = new Map();
  for (const element of document.querySelectorAll("[id]")) {
    seen.set(element.id, [...(seen.get(element.id) || []), element]);
  }
  const twice = [...seen.entries()].filter(([, elements]) => elements.length > 1);
  if (twice.length) {
    duplicates.push({
      id: "duplicate-id",
      impact: "serious",
      help: "An id is used by more than one element (WCAG 2.1 success criterion 4.1.1)",
      helpUrl: "https://www.w3.org/TR/WCAG21/#parsing",
      nodes: twice.flatMap(([id, elements]) => elements.map((element) => ({
        target: ["#" + CSS.escape(id)],
        html: element.outerHTML.slice(0, 300),
        impact: "serious",
        any: [{message: `id "${id}" is used ${elements.length} times`}],
        all: [],
        none: [],
      }))),
    });
  }
  return [...result.violations, ...duplicates].map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    helpUrl: violation.helpUrl,
    nodes: violation.nodes.map((node) => ({
      target: node.target.join(" "),
      html: node.html,
      impact: node.impact,
      messages: [...node.any, ...node.all, ...node.none].map((check) => check.message),
    })),
  }));
}"""


@cache
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def settle(page: Page) -> None:
    """The page at rest: fonts loaded, no hover, no transition half-way."""
    page.emulate_media(reduced_motion="reduce")
    page.mouse.move(0, 0)
    page.evaluate(SETTLE)


def violations(page: Page) -> list[dict]:
    """The serious and critical WCAG 2.1 A/AA violations axe finds on the page as it is."""
    settle(page)
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    found = page.evaluate(RUN, WCAG_21_AA)
    return [violation for violation in found if violation["impact"] in SERIOUS]


def describe(name: str, url: str, found: list[dict]) -> str:
    """A report a person can act on: each rule, and each element with axe's own reasons."""
    lines = [f"{name} ({url}):"]
    for violation in found:
        lines.append(
            f"  {violation['id']} ({violation['impact']}): {violation['help']}"
            f" — {violation['helpUrl']}"
        )
        for node in violation["nodes"][:10]:
            lines.append(f"    {node['target']}: {node['html'][:300]}")
            lines.extend(f"      {message}" for message in node["messages"])
    return "\n".join(lines)


class Audit:
    """Checks page after page; every page with a violation is named in one report at the end,
    with a screenshot of it at that moment in var/screenshots/axe-NAME.png."""

    def __init__(self, page: Page):
        self.page = page
        self.checked: list[str] = []
        self.failures: list[str] = []

    def check(self, name: str) -> list[dict]:
        found = violations(self.page)
        self.checked.append(name)
        if found:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
            path = SCREENSHOTS / f"axe-{slug}.png"
            self.page.screenshot(path=path, full_page=True)
            self.failures.append(f"{describe(name, self.page.url, found)}\n    screenshot: {path}")
        return found

    def visit(self, name: str, path: str, *, status: int = 200) -> None:
        response = self.page.goto(path)
        assert response is not None, path
        assert response.status == status, f"{name} ({path}): {response.status}, not {status}"
        self.check(name)

    def assert_clean(self) -> None:
        assert self.checked, "no page was checked"
        assert not self.failures, (
            "Serious or critical WCAG 2.1 A/AA violations (axe-core):\n" + "\n".join(self.failures)
        )
