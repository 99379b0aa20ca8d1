"""Keyboard use in the real browser: Tab through a page from the top, as a person without a
mouse does, and check what happens on the way.

``tab_through(page)`` presses Tab from the top of the page until the focus leaves the page
and reports, in words a person can act on:

- every visible, enabled control (link, button, field, summary) in ``main`` that Tab never
  reached, a control with tabindex="-1" included (a radio group counts once: Tab enters it,
  the arrow keys move within it);
- a keyboard trap (Tab leaves the focus on one element: a date field has three parts, more
  than five presses is a trap);
- focus that goes backwards in the page (a positive tabindex, a control moved by CSS order);
- a focused element that is not on the screen, or has no focus indicator: no outline and
  no box-shadow, or one whose colours all have less than 3:1 against the background around
  the element (WCAG 2.1 1.4.11: the focus is a state that must be seen).

Everywhere on the page, the header (the red navbar) and the footer included.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from playwright.sync_api import Page

from tests.browser.axe import SETTLE

# Marks every element that could take the focus with its position in the document, and says
# which of those in main a keyboard user must be able to reach.
MARK = """() => {
  const selector =
    "a[href], button, input, select, textarea, summary, [tabindex], [contenteditable]";
  const elements = [...document.querySelectorAll(selector)];
  const expected = [];
  const groups = new Set();
  elements.forEach((element, index) => {
    element.dataset.kbd = String(index);
    if (!element.closest("main")) return;
    // A control taken out of the Tab order (tabindex="-1") still counts: it is on the screen.
    // Other elements count when they are made focusable on purpose (tabindex 0 or more).
    const control = element.matches("a[href], button, input, select, textarea, summary");
    if (!control && element.tabIndex < 0) return;
    if (element.matches("input[type=hidden], [disabled], [inert] *")) return;
    if (element.closest("details:not([open])") && element.tagName !== "SUMMARY") return;
    if (!element.checkVisibility({visibilityProperty: true})) return;
    const rect = element.getBoundingClientRect();
    if (rect.width === 0 && rect.height === 0) return;
    let key = element.dataset.kbd;
    if (element.type === "radio" && element.name) {
      key = "radio:" + (element.form ? element.form.dataset.kbd || "" : "") + ":" + element.name;
      if (groups.has(key)) return;
      groups.add(key);
    }
    expected.push({key, description: window.__kbdDescribe(element)});
  });
  return expected;
}"""

DESCRIBE = """() => {
  window.__kbdDescribe = (element) => {
    const label = (element.labels && element.labels[0] && element.labels[0].textContent)
      || element.getAttribute("aria-label") || element.textContent || element.value || "";
    const words = label.replace(/\\s+/g, " ").trim().slice(0, 60);
    const id = element.id ? "#" + element.id : "";
    const type = element.type && element.tagName === "INPUT" ? `[type=${element.type}]` : "";
    return `${element.tagName.toLowerCase()}${id}${type} “${words}”`;
  };
}"""

START = """() => {
  window.scrollTo(0, 0);
  const focused = document.activeElement;
  if (!focused || focused === document.body) return;  // as a page opens: from the top
  const start = document.createElement("span");
  start.id = "kbd-start";
  start.tabIndex = -1;
  document.body.prepend(start);
  start.focus();
}"""

# What the focused element looks like at this moment.
FOCUSED = """() => {
  const element = document.activeElement;
  if (!element || element === document.body || element === document.documentElement) {
    return null;
  }
  const parse = (text) => {
    const match = text.match(/rgba?\\(([^)]+)\\)/);
    if (!match) return null;
    const parts = match[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return {r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1};
  };
  const colours = (text) => (text.match(/rgba?\\([^)]+\\)/g) || []).map(parse);
  const background = () => {
    // The colour around the element: the first ancestor with an opaque background.
    for (let node = element.parentElement; node; node = node.parentElement) {
      const colour = parse(getComputedStyle(node).backgroundColor);
      if (colour && colour.a > 0.5) return colour;
    }
    return {r: 255, g: 255, b: 255, a: 1};
  };
  const style = getComputedStyle(element);
  const rect = element.getBoundingClientRect();
  const ring = [];
  if (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) {
    ring.push(...colours(style.outlineColor));
  }
  if (style.boxShadow && style.boxShadow !== "none") ring.push(...colours(style.boxShadow));
  return {
    key: element.dataset.kbd || null,
    radioKey: element.type === "radio" && element.name
      ? "radio:" + (element.form ? element.form.dataset.kbd || "" : "") + ":" + element.name
      : null,
    description: window.__kbdDescribe ? window.__kbdDescribe(element) : element.tagName,
    region: element.closest("main") ? "main" : element.closest("header") ? "header"
      : element.closest("footer") ? "footer" : "page",
    outline: `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`,
    boxShadow: style.boxShadow,
    ring: ring.filter((colour) => colour && colour.a > 0),
    background: background(),
    onScreen: rect.width > 0 && rect.height > 0 && rect.bottom > 0 && rect.right > 0
      && rect.top < innerHeight && rect.left < innerWidth,
  };
}"""


def _luminance(colour: dict) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour["r"])
        + 0.7152 * channel(colour["g"])
        + 0.0722 * channel(colour["b"])
    )


def _over(colour: dict, background: dict) -> dict:
    """A translucent colour as it shows on the background."""
    alpha = colour["a"]
    return {c: colour[c] * alpha + background[c] * (1 - alpha) for c in "rgb"}


def contrast(first: dict, second: dict) -> float:
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def indicator_problem(state: dict) -> str | None:
    """Why the focused element's indicator is not visible enough, or None."""
    if not state["ring"]:
        return f"no focus indicator (outline {state['outline']}, box-shadow {state['boxShadow']})"
    background = state["background"]
    best = max(contrast(_over(colour, background), background) for colour in state["ring"])
    if best < 3:
        return (
            f"focus indicator too faint: {best:.2f}:1 against its background "
            f"(outline {state['outline']}, box-shadow {state['boxShadow']})"
        )
    return None


@dataclass
class Walk:
    """What Tab did on one page."""

    name: str
    stops: list[dict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def descriptions(self, region: str | None = None) -> list[str]:
        return [s["description"] for s in self.stops if region in (None, s["region"])]


def tab_through(page: Page, name: str, *, limit: int = 400) -> Walk:
    """Tab from the top of the page to the end; what was reached and what went wrong."""
    walk = Walk(name)
    # What is measured is where the focus comes to rest: without the smooth scrolling and the
    # colour transitions (Bootstrap drops both for reduced motion), and after any that run.
    page.emulate_media(reduced_motion="reduce")
    page.evaluate(DESCRIBE)
    expected = page.evaluate(MARK)
    # From the top of the page, whatever has the focus now (a field with autofocus, a control
    # used last): a stand-in at the very start of the body takes it, and Tab goes on from there.
    page.evaluate(START)
    reached: set[str] = set()
    last_key, repeats, last_order = None, 0, -1
    first_key = None
    for _ in range(limit):
        page.keyboard.press("Tab")
        page.evaluate("() => { const s = document.getElementById('kbd-start'); s && s.remove(); }")
        page.evaluate(SETTLE)
        state = page.evaluate(FOCUSED)
        if state is None:  # left the page (to the browser's own controls)
            break
        key = state["key"]
        if key is not None and key == first_key and walk.stops:
            break  # round again
        if first_key is None:
            first_key = key
        if key == last_key:
            repeats += 1
            if repeats >= 5:
                walk.problems.append(f"keyboard trap: Tab stays on {state['description']}")
                break
            continue
        last_key, repeats = key, 0
        walk.stops.append(state)
        reached.add(key)
        if state["radioKey"]:
            reached.add(state["radioKey"])
        if key is not None:
            order = int(key)
            if order < last_order:
                walk.problems.append(
                    f"focus went back in the page to {state['description']} "
                    f"(after {walk.stops[-2]['description']})"
                )
            last_order = order
        if not state["onScreen"]:
            walk.problems.append(f"focused but not on the screen: {state['description']}")
        problem = indicator_problem(state)
        if problem:
            walk.problems.append(f"{state['description']} ({state['region']}): {problem}")
    else:
        walk.problems.append(f"Tab did not reach the end of the page in {limit} presses")
    for item in expected:
        if item["key"] not in reached:
            walk.problems.append(f"never reached by Tab: {item['description']}")
    return walk


class KeyboardCheck:
    """Walks page after page; every page with a problem is named in one report at the end."""

    def __init__(self, page: Page):
        self.page = page
        self.walks: list[Walk] = []

    def walk(self, name: str) -> Walk:
        walk = tab_through(self.page, name)
        assert walk.stops, f"{name}: Tab reached nothing"
        self.walks.append(walk)
        return walk

    def visit(self, name: str, path: str) -> Walk:
        response = self.page.goto(path)
        assert response is not None, f"{name} ({path})"
        assert response.status == 200, f"{name} ({path}): {response.status}"
        return self.walk(name)

    def assert_clean(self) -> None:
        report = [
            f"{walk.name} ({len(walk.stops)} stops):\n" + "\n".join(f"  {p}" for p in walk.problems)
            for walk in self.walks
            if walk.problems
        ]
        assert not report, "Keyboard problems:\n" + "\n".join(report)
