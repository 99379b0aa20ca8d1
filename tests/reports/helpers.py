"""Helpers of the reports tests: a session with content worth a memo, reading the memo's HTML
by CSS selector, and reading a PDF (its text per page, its catalogue, its fonts)."""

from __future__ import annotations

import io
from datetime import date

import cssselect2
import tinyhtml5
from django.core.files.base import ContentFile
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from deliberation import services as deliberation_services
from deliberation.models import Addressee, Beraad, BeraadState, RecommendationStatus
from reports.models import Memo, MemoKind, MemoState
from rodedraden.accounts.models import Role
from signals.models import Aspect
from tests.deliberation.helpers import advance, inclusion, submitted, tag
from tests.factories import BeraadFactory, OversightBodyFactory, ThemeFactory, UserFactory

# A minimal PDF for the memo rows of the access tests, which need a file, not a rendering.
FAKE_PDF = b"%PDF-1.7\n% Rode draden test file\n%%EOF\n"

EARLIER_RECOMMENDATION = "Maak de beslistermijnen per voorziening openbaar."
UNANSWERED_RECOMMENDATION = "Meet de wachttijd aan de telefoon."
RECOMMENDATION = "Stel per voorziening een doorlooptijd vast."
ANALYSIS = ("Drie organen zien dat aanvragen blijven liggen.", "De oorzaak is de planning.")
SUMMARY = ("Twee rode draden kwamen boven.", "Tijdigheid keert terug.")


# --- Data ---------------------------------------------------------------------------------------
def people() -> dict:
    """The users and bodies of tests/conftest.py, for fixtures that cannot use those."""
    body = OversightBodyFactory(name="Rekenkamer", slug="rekenkamer", kind="rekenkamer")
    other_body = OversightBodyFactory(name="Ombudsman", slug="ombudsman", kind="ombudsman")
    return {
        "body": body,
        "other_body": other_body,
        "chair": UserFactory(username="voorzitter", role=Role.CHAIR),
        "reader": UserFactory(username="lezer", role=Role.READER),
        "admin": UserFactory(username="beheerder", role=Role.ADMIN),
    }


def earlier_shared_session(chair, reader, body, other_body, tijdigheid):
    """Voorjaar 2026, shared: Tijdigheid was a rode draad (two bodies); one recommendation is
    adopted and in progress, one has no response yet."""
    earlier = BeraadFactory(chair=chair, season="voorjaar", year=2026, bodies=[body, other_body])
    period = {"period_start": earlier.period_start, "period_end": earlier.period_end}
    first = submitted(body, title="Eerder signaal van de rekenkamer", **period)
    second = submitted(other_body, title="Eerder signaal van de ombudsman", **period)
    earlier = advance(earlier, chair, BeraadState.IN_BERAAD)
    tag(earlier, first, tijdigheid, chair)
    tag(earlier, second, tijdigheid, chair)
    answered = deliberation_services.recommendation_create(
        beraad=earlier,
        theme=tijdigheid,
        user=chair,
        text=EARLIER_RECOMMENDATION,
        addressee=Addressee.BURGEMEESTER,
    )
    deliberation_services.recommendation_create(
        beraad=earlier,
        theme=tijdigheid,
        user=chair,
        text=UNANSWERED_RECOMMENDATION,
        addressee=Addressee.CONCERNDIRECTIE,
    )
    earlier = advance(earlier, chair, BeraadState.GEDEELD)
    answered.refresh_from_db()
    deliberation_services.recommendation_respond(
        recommendation=answered,
        user=reader,
        version=answered.version,
        response="overgenomen",
        response_reason="",
        owner="Directeur Publiekszaken",
        due_date=date(2027, 6, 1),
        progress="Het plan van aanpak is vastgesteld.",
        status=RecommendationStatus.IN_UITVOERING,
    )
    return earlier


def memo_session(*, chair, reader, body, other_body, state=BeraadState.CONCEPT_MEMO) -> dict:
    """Najaar 2026 of the rekenkamer (three signals), the ombudsman (one) and the
    bezwarencommissie (none), after a shared voorjaar 2026.

    Rode draden: Tijdigheid (rekenkamer 3 signals, ombudsman 1; recurs; with analysis, an
    example and a recommendation) and Bereikbaarheid (rekenkamer 1, ombudsman 1; nothing
    written). Privacy (rekenkamer only) is a theme, not a rode draad."""
    third_body = OversightBodyFactory(
        name="Bezwarencommissie", slug="bezwarencommissie", kind="bezwarencommissie"
    )
    tijdigheid = ThemeFactory(name="Tijdigheid", description="Besluiten op tijd nemen.")
    earlier = earlier_shared_session(chair, reader, body, other_body, tijdigheid)
    beraad = BeraadFactory(chair=chair, bodies=[body, other_body, third_body])
    signals = {
        "a": submitted(
            body,
            title="Wmo-aanvragen blijven lang liggen",
            description="Aanvragen voor een voorziening wachten maanden op een besluit.",
            case_count=12,
            details={"opvolging": "niet"},
        ),
        "c": submitted(
            body,
            title="Post naar een oud adres",
            description="Brieven gingen naar een adres dat niet meer klopte.",
            case_count=1,
        ),
        "d": submitted(
            body,
            title="Facturen te laat betaald",
            description="Leveranciers wachtten langer dan dertig dagen.",
            case_count=5,
        ),
        "b": submitted(
            other_body,
            title="Klachten over wachttijden jeugdhulp",
            description="Gezinnen wachten lang op een eerste gesprek.",
            case_count=7,
        ),
    }
    aspect = Aspect.objects.order_by("order").first()
    signals["a"].aspects.add(aspect)
    beraad = advance(beraad, chair, BeraadState.IN_BERAAD)
    bereikbaarheid = ThemeFactory(name="Bereikbaarheid")
    privacy = ThemeFactory(name="Privacy")
    for key in ("a", "c", "d", "b"):
        tag(beraad, signals[key], tijdigheid, chair)
    tag(beraad, signals["d"], bereikbaarheid, chair)
    tag(beraad, signals["b"], bereikbaarheid, chair)
    tag(beraad, signals["c"], privacy, chair)
    deliberation_services.analysis_save(
        beraad=beraad,
        theme=tijdigheid,
        user=chair,
        version=0,
        text="\n".join(ANALYSIS),
        example_ids=[inclusion(signals["a"]).pk],
    )
    deliberation_services.recommendation_create(
        beraad=beraad,
        theme=tijdigheid,
        user=chair,
        text=RECOMMENDATION,
        addressee=Addressee.CONCERNDIRECTIE,
    )
    Beraad.objects.filter(pk=beraad.pk).update(summary="\n".join(SUMMARY))
    beraad = advance(beraad, chair, state)
    return {
        "beraad": beraad,
        "earlier": earlier,
        "signals": signals,
        "aspect": aspect,
        "third_body": third_body,
        "themes": {"tijdigheid": tijdigheid, "bereikbaarheid": bereikbaarheid, "privacy": privacy},
    }


def started_session(chair, body, other_body, *, state=BeraadState.IN_BERAAD, **fields):
    """A small session of the rekenkamer and the ombudsman, taken to ``state``."""
    beraad = BeraadFactory(chair=chair, bodies=[body, other_body], **fields)
    submitted(body, period_start=beraad.period_start, period_end=beraad.period_end)
    return advance(beraad, chair, state)


def ready_memo(beraad, *, kind=MemoKind.CONCEPT, version=1, requested_by=None) -> Memo:
    """A memo version that is ready, with a stand-in file (no rendering)."""
    memo = Memo(
        beraad=beraad,
        version=version,
        kind=kind,
        state=MemoState.KLAAR,
        requested_by=requested_by,
        page_count=1,
        size=len(FAKE_PDF),
    )
    memo.file.save(memo.filename, ContentFile(FAKE_PDF), save=False)
    memo.save()
    return memo


# --- HTML ---------------------------------------------------------------------------------------
def squash(text: str) -> str:
    return " ".join(text.split())


class Page:
    """An HTML document, queried with CSS selectors."""

    def __init__(self, html: str):
        self.root = cssselect2.ElementWrapper.from_html_root(tinyhtml5.parse(html))

    def all(self, selector: str) -> list:
        return [wrapper.etree_element for wrapper in self.root.query_all(selector)]

    def one(self, selector: str):
        found = self.all(selector)
        assert len(found) == 1, f"{selector}: {len(found)} elements"
        return found[0]

    def text(self, selector: str) -> str:
        return squash(" ".join(" ".join(element.itertext()) for element in self.all(selector)))

    def texts(self, selector: str) -> list[str]:
        return [squash(" ".join(element.itertext())) for element in self.all(selector)]


def element_text(element) -> str:
    return squash(" ".join(element.itertext()))


# --- PDF ----------------------------------------------------------------------------------------
def pdf_reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in pdf_reader(data).pages]


def pdf_fonts(reader: PdfReader) -> list[DictionaryObject]:
    """Every font dictionary reachable from the catalogue (pages, form XObjects, …)."""
    seen: set[tuple[int, int]] = set()
    fonts: list[DictionaryObject] = []
    stack = [reader.trailer["/Root"]]
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            if item.get("/Type") == "/Font":
                fonts.append(item)
            stack.extend(value for name, value in item.items() if name not in ("/Parent", "/P"))
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    return fonts
