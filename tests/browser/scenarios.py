"""What the accessibility and keyboard tests share: the scenario they visit, and small steps
in the browser."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from deliberation import services as deliberation_services
from deliberation.models import BeraadState, Tag
from reports.models import MemoKind
from signals.models import Aspect, Signal, SignalState
from tests.deliberation.helpers import advance, submitted
from tests.factories import BeraadFactory, SignalFactory
from tests.reports.helpers import memo_session, ready_memo

PERSONAL = "Mevrouw Jansen belde vanaf 06-12345678 over haar aanvraag."


def site(*, chair, reader, body, other_body) -> dict:
    """A beraad in session (tags, analysis, a recommendation; one signal left untagged, so that
    it gets suggestions) after a shared one with its definitive memo; a beraad in preparation;
    a draft of the member's."""
    Aspect.objects.get_or_create(slug="tijdigheid", defaults={"name": "Tijdigheid"})
    session = memo_session(
        chair=chair, reader=reader, body=body, other_body=other_body, state=BeraadState.IN_BERAAD
    )
    ready_memo(session["earlier"], kind=MemoKind.DEFINITIEF, requested_by=chair)
    beraad = session["beraad"]
    untagged = session["signals"]["d"]
    # Worded like the signals tagged "Tijdigheid", so that the theme is suggested for it.
    Signal.objects.filter(pk=untagged.pk).update(
        title="Aanvragen blijven lang liggen",
        description="Aanvragen voor een voorziening wachten maanden op een besluit.",
    )
    for tag in Tag.objects.filter(beraad=beraad, inclusion__signal=untagged):
        deliberation_services.tag_set(
            beraad=beraad, inclusion=tag.inclusion, theme=tag.theme, user=chair, tagged=False
        )
    preparing = BeraadFactory(chair=chair, season="voorjaar", year=2027, bodies=[body, other_body])
    submitted(body, period_start=preparing.period_start, period_end=preparing.period_end)
    session["preparing"] = advance(preparing, chair, BeraadState.VOORBEREIDING)
    session["draft"] = SignalFactory(
        body=body, title="Terugbelverzoeken blijven liggen", state=SignalState.CONCEPT
    )
    return session


def resize(page: Page, width: int, height: int) -> None:
    """A window of this size, laid out again before anything is measured (the new size
    reaches the page a moment after Playwright sets it)."""
    page.set_viewport_size({"width": width, "height": height})
    for _ in range(50):
        if page.evaluate("[innerWidth, innerHeight]") == [width, height]:
            break
        page.wait_for_timeout(20)
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => done()))")


def switch_language(page: Page, code: str) -> None:
    page.locator("#language-select").select_option(code)
    page.locator(".language-switcher button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", code)
