"""The whole journey, in a real browser, as the people who use Rode draden go through it.

Every person has a browser context of their own (their own cookies) and signs in through the
real login form, with the code of their authenticator app where their role needs two factors.
Three members record signals for their bodies — one pastes a text with personal data in it and
accepts the proposed redaction — and submit them; the chair plans the beraad, opens the intake,
starts it, tags the rode draden from the keyboard, writes the analysis and a recommendation,
has a concept memo made and watches it being made, adopts the beraad and has the definitive
memo made; then shares it. The mayor signs in with two factors, downloads the definitive memo
and records the response to the recommendation. The administrator adds a body in the Django
admin. Each step asserts what the person sees, not only where the browser went.

The memo is rendered by a real Celery worker process (the ``worker-memos`` command of
docker-compose.yml) that takes its task from a private Redis; the page shows the progress
until the PDF is ready, without a reload.

The pictures of the README (docs/images/screens) are taken here: ``make screenshots``.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import re
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import BrowserContext, Page, expect
from pypdf import PdfReader

from deliberation.models import Beraad, BeraadState, Recommendation, Response, Tag
from reports.models import Memo, MemoDownload, MemoKind, MemoState
from rodedraden.accounts.models import Role
from signals.models import OversightBody, Signal, SignalState
from tests.browser.conftest import sign_in, tab_to, take_screenshot
from tests.factories import MembershipFactory, OversightBodyFactory, SignalFactory, UserFactory
from tests.processes import TASK_TIMEOUT, Process, sending_to_broker, start_memo_worker

VIEWPORT = {"width": 1280, "height": 860}
PASTED = (
    "Mevrouw Jansen belde vanaf 06-12345678: haar terugbelverzoek over de bijzondere "
    "bijstand bleef drie weken liggen."
)
REDACTED = (
    "Mevrouw [NAAM] belde vanaf [TELEFOON]: haar terugbelverzoek over de bijzondere "
    "bijstand bleef drie weken liggen."
)
DRAFTS = (
    "Beslistermijnen Wmo-aanvragen overschreden",
    "Jaarrekening: controle op subsidies onvolledig",
    "Aanbevelingen over inkoop nog niet opgevolgd",
)
THEME = "Bereikbaarheid en terugbellen"
# The pictures of the README, taken on the way (make screenshots writes them there).
README_SCREENSHOTS = ("start-page", "body-workspace", "tagging-workspace", "memo-progress", "memo")
ANALYSIS = (
    "Drie organen zien onafhankelijk van elkaar dat inwoners de gemeente slecht bereiken: "
    "terugbelverzoeken blijven liggen en brieven noemen geen vast contactpunt."
)
RECOMMENDATION = (
    "Leg per directie een terugbelnorm van twee werkdagen vast en rapporteer er elk kwartaal "
    "over aan de concerndirectie."
)


@pytest.fixture
def people(db):
    """The accounts the functional administrator made beforehand."""
    bodies = {
        "rekenkamer": OversightBodyFactory(name="Rekenkamer", slug="rekenkamer", kind="rekenkamer"),
        "klachten": OversightBodyFactory(
            name="Klachtencommissaris", slug="klachtencommissaris", kind="klachtencommissaris"
        ),
        "ombudsman": OversightBodyFactory(name="Ombudsman", slug="ombudsman", kind="ombudsman"),
    }
    members = {
        key: MembershipFactory(
            body=body,
            user__username=f"lid-{key}",
            user__first_name=first,
            user__last_name=last,
        ).user
        for (key, body), (first, last) in zip(
            bodies.items(),
            [("Anouk", "de Wit"), ("Bram", "Kuipers"), ("Chantal", "Smit")],
            strict=True,
        )
    }
    # The rekenkamer has drafts of its own, which no one else sees and the beraad leaves alone.
    for title in DRAFTS:
        SignalFactory(body=bodies["rekenkamer"], title=title, state=SignalState.CONCEPT)
    return {
        "bodies": bodies,
        "members": members,
        "chair": UserFactory(
            username="voorzitter", first_name="Dirk", last_name="Mulder", role=Role.CHAIR
        ),
        "reader": UserFactory(
            username="burgemeester", first_name="Els", last_name="Brink", role=Role.READER
        ),
        "admin": UserFactory(
            username="beheerder", first_name="Fatima", last_name="Bakker", role=Role.ADMIN
        ),
    }


@pytest.fixture
def person(new_context, live_server, transactional_db, _close_test_thread_connections):
    """A browser window of its own for each person (own cookies), on the live server."""

    def person() -> Page:
        context: BrowserContext = new_context(
            viewport=VIEWPORT, locale="nl-NL", timezone_id="Europe/Amsterdam"
        )
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    return person


@pytest.fixture
def memo_worker(private_redis, media, cleanup, tmp_path):
    """The memo worker of docker-compose.yml, on this test's database and media folder."""
    worker = start_memo_worker(
        cleanup, tmp_path, broker=private_redis.url, media=media, name="worker-memos"
    )
    return private_redis.url, worker


def status_text(page: Page):
    return page.get_by_role("status").first


# --- The steps --------------------------------------------------------------------------------
def plan_the_beraad(chair: Page) -> Beraad:
    chair.get_by_role("link", name="Beraden").first.click()
    expect(chair.get_by_role("heading", name="Beraden", level=1)).to_be_visible()
    chair.get_by_role("link", name="Plan het eerste beraad").click()
    # The form proposes the next session; the chair keeps the proposal.
    expect(chair.get_by_role("heading", level=1)).to_have_text("Beraad plannen")
    expect(chair.get_by_label("Titel")).to_have_value(re.compile(r"^Rode-dradenberaad "))
    chair.get_by_role("button", name="Opslaan").click()
    expect(status_text(chair)).to_be_visible()
    beraad = Beraad.objects.get()
    expect(chair.get_by_role("heading", level=1)).to_contain_text(beraad.title)
    expect(chair.locator(".lifecycle [aria-current=step]")).to_have_text(re.compile("gepland"))

    chair.get_by_role("link", name="Inzending openen").click()
    expect(chair.get_by_role("heading", level=1)).to_have_text("Inzending openen?")
    chair.get_by_role("button", name="Inzending openen").click()
    expect(status_text(chair)).to_contain_text("De inzending is geopend")
    expect(chair.locator(".lifecycle [aria-current=step]")).to_have_text(
        re.compile("voorbereiding")
    )
    beraad.refresh_from_db()
    assert beraad.state == BeraadState.VOORBEREIDING
    return beraad


def record_and_submit(
    page: Page, body: OversightBody, beraad: Beraad, *, title: str, text: str, redact: bool
) -> Signal:
    page.get_by_role("link", name=body.name).first.click()
    expect(page.get_by_role("heading", name=body.name, level=1)).to_be_visible()
    page.get_by_role("link", name="Nieuw signaal").first.click()
    expect(page.get_by_role("heading", name="Nieuw signaal", level=1)).to_be_visible()
    page.get_by_label("Titel").fill(title)
    page.get_by_label("Beschrijving").fill(text)
    page.get_by_label("Waargenomen vanaf").fill(beraad.period_start.isoformat())
    page.get_by_label("Waargenomen tot en met").fill(beraad.period_end.isoformat())
    page.get_by_label("Aantal zaken").fill("7")
    page.get_by_role("button", name="Opslaan als concept").click()
    if redact:
        findings = page.locator("section.findings-panel")
        expect(findings.get_by_role("heading", name="Persoonsgegevens gevonden")).to_be_visible()
        expect(findings.locator("mark.finding").first).to_contain_text("Jansen")
        expect(findings).to_contain_text(REDACTED)
        assert not Signal.objects.filter(body=body, title=title).exists()
        findings.get_by_role("button", name="Vervanging overnemen en opslaan").click()
        expect(status_text(page)).to_contain_text("persoonsgegevens zijn vervangen")
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    expect(page.locator(".state-badge")).to_have_text("concept")
    signal = Signal.objects.get(body=body, title=title)
    assert signal.description == (REDACTED if redact else text)

    # Submitting is asked first, with what it means.
    page.get_by_role("link", name="Indienen voor het beraad").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Dit signaal indienen voor het beraad?"
    )
    expect(page.get_by_role("main")).to_contain_text("De voorzitter van het beraad kan het signaal")
    page.get_by_role("button", name="Het signaal indienen").click()
    expect(status_text(page)).to_contain_text("Het signaal is ingediend")
    expect(page.locator(".state-badge")).to_have_text("ingediend")
    signal.refresh_from_db()
    assert signal.state == SignalState.INGEDIEND
    return signal


def complete_the_intake(page: Page, body: OversightBody, beraad: Beraad) -> None:
    page.goto(f"/beraden/{beraad.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(beraad.title)
    row = page.locator("section[aria-labelledby=intake-heading] tbody tr", has_text=body.name)
    expect(row.locator("td").first).to_have_text("1")
    row.get_by_role("link", name="Onze inzending is compleet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Is de inzending van {body.name} compleet?"
    )
    page.get_by_role("button", name="Ja, onze inzending is compleet").click()
    expect(status_text(page)).to_contain_text(
        f"de inzending van {body.name} voor dit beraad is compleet"
    )
    expect(row.get_by_text("compleet")).to_be_visible()


def start_the_beraad(chair: Page, beraad: Beraad, bodies) -> None:
    chair.goto(f"/beraden/{beraad.pk}/")
    intake = chair.locator("section[aria-labelledby=intake-heading]")
    for body in bodies:
        row = intake.locator("tbody tr", has_text=body.name)
        expect(row.locator("td").first).to_have_text("1")
        expect(row.get_by_text("compleet")).to_be_visible()
    chair.get_by_role("link", name="Beraad starten").click()
    expect(chair.get_by_role("heading", level=1)).to_have_text("Beraad starten?")
    chair.get_by_role("button", name="Beraad starten").click()
    expect(status_text(chair)).to_contain_text("Het beraad is begonnen")
    beraad.refresh_from_db()
    assert beraad.state == BeraadState.IN_BERAAD
    assert Signal.objects.filter(state=SignalState.IN_BERAAD).count() == 3


def tag_from_the_keyboard(chair: Page, beraad: Beraad, signals) -> None:
    chair.get_by_role("link", name="Werkruimte openen").click()
    expect(chair).to_have_url(re.compile(rf"/beraden/{beraad.pk}/werkruimte/$"))
    matrix = chair.locator("#matrix")
    for signal in signals:
        expect(chair.get_by_role("heading", name=signal.title)).to_be_visible()
    inclusions = {s.pk: s.inclusions.get(beraad=beraad).pk for s in signals}
    row = matrix.locator("tbody tr", has_text=THEME)
    for count, signal in enumerate(signals, start=1):
        field = chair.locator(f"#new-theme-{inclusions[signal.pk]}")
        tab_to(chair, field)
        chair.keyboard.type(THEME)
        chair.keyboard.press("Enter")
        expect(
            chair.locator(f"#tags-{inclusions[signal.pk]} .tag-chip", has_text=THEME)
        ).to_be_visible()
        expect(chair.locator(f"#new-theme-{inclusions[signal.pk]}")).to_be_focused()
        expect(row.locator("td.heat-1")).to_have_count(count)
        # A theme is a rode draad from the second body on.
        expect(row.locator(".rode-draad-badge")).to_have_count(0 if count == 1 else 1)
    assert Tag.objects.filter(beraad=beraad).count() == 3
    take_screenshot(chair, "tagging-workspace", full_page=False)


def write_the_rode_draad(chair: Page, beraad: Beraad, examples) -> Recommendation:
    chair.locator("#matrix").get_by_role("link", name=THEME).click()
    expect(chair.get_by_role("heading", level=1)).to_contain_text(THEME)
    expect(chair.locator("h1 .rode-draad-badge")).to_have_text("rode draad")
    expect(chair.get_by_role("main")).to_contain_text("3 signalen, van 3 organen")
    analysis = chair.get_by_role("textbox", name="Analyse")
    analysis.fill(ANALYSIS)
    for signal in examples:
        chair.get_by_label(re.compile(re.escape(signal.title))).check()
    chair.get_by_role("button", name="Analyse opslaan").click()
    expect(status_text(chair)).to_contain_text("De analyse is opgeslagen")
    expect(analysis).to_have_value(ANALYSIS)

    chair.get_by_role("textbox", name="Aanbeveling").fill(RECOMMENDATION)
    chair.get_by_role("radio", name="de burgemeester").check()
    chair.get_by_role("button", name="Toevoegen").click()
    expect(status_text(chair)).to_contain_text("De aanbeveling is toegevoegd")
    expect(chair.locator("ol.recommendations")).to_contain_text(RECOMMENDATION)
    return Recommendation.objects.get(beraad=beraad)


def step(chair: Page, beraad: Beraad, button: str, done: str) -> None:
    chair.goto(f"/beraden/{beraad.pk}/")
    chair.get_by_role("link", name=button, exact=True).click()
    expect(chair.get_by_role("heading", level=1)).to_have_text(f"{button}?")
    chair.get_by_role("button", name=button, exact=True).click()
    expect(status_text(chair)).to_contain_text(done)


def make_a_memo(
    chair: Page, beraad: Beraad, worker: Process, broker: str, *, button: str, kind: str
) -> Memo:
    url = f"/beraden/{beraad.pk}/memo/"
    chair.goto(url)
    expect(chair.get_by_role("heading", level=1)).to_contain_text("Memo")
    # The worker is busy elsewhere for a moment (paused), so that the page is seen waiting.
    worker.pause()
    try:
        with sending_to_broker(broker):
            if kind == MemoKind.DEFINITIEF:  # made once and never changed: asked first
                chair.get_by_role("link", name=button).click()
                expect(chair.get_by_role("heading", level=1)).to_have_text(
                    "Het definitieve memo maken?"
                )
            chair.get_by_role("button", name=button).click()
            expect(status_text(chair)).to_contain_text("Het memo wordt gemaakt")
            memo = Memo.objects.filter(beraad=beraad, kind=kind).latest("version")
            row = chair.locator(f"#memo-versions #memo-{memo.pk}")
            expect(row.locator(".memo-state")).to_have_text("wachtend")
            expect(row.locator(".spinner-border")).to_have_count(1)
            expect(row).to_contain_text("wordt gemaakt…")
            # The page asks for the list again and again (htmx), and still shows it waiting.
            with chair.expect_response(
                lambda response: (
                    response.url.endswith(url)
                    and response.request.headers.get("hx-request") == "true"
                )
            ):
                pass
            expect(row.locator(".memo-state")).to_have_text("wachtend")
            if kind == MemoKind.CONCEPT:
                take_screenshot(chair, "memo-progress", full_page=False)
            chair.evaluate("() => { window.stillTheSamePage = true; }")
    finally:
        worker.resume()
    # The same page shows the file once the worker is done, without a reload.
    expect(row.locator(".memo-state")).to_have_text("klaar", timeout=TASK_TIMEOUT * 1000)
    # ... and says so once to a screen reader, in the page's status region.
    expect(chair.locator("#memo-progress[role=status]")).to_have_text(
        f"Versie {memo.version} van het memo is klaar."
    )
    assert chair.evaluate("() => window.stillTheSamePage === true")
    expect(row.get_by_role("link", name="PDF downloaden")).to_be_visible()
    expect(row.locator(".spinner-border")).to_have_count(0)
    memo.refresh_from_db()
    assert memo.state == MemoState.KLAAR
    return memo


def download(page: Page, link) -> bytes:
    with page.expect_download() as info:
        link.click()
    path = info.value.path()
    with open(path, "rb") as file:
        return file.read()


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


# --- The journey ------------------------------------------------------------------------------
def test_the_readme_shows_the_pictures_this_journey_takes():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    shown = re.findall(r"\(docs/images/screens/([a-z-]+)\.png\)", readme)
    assert sorted(shown) == sorted(README_SCREENSHOTS)
    for name in shown:
        assert (
            Path(__file__).resolve().parents[2] / "docs/images/screens" / f"{name}.png"
        ).exists()


def test_the_whole_journey(people, person, memo_worker):
    broker, worker = memo_worker
    bodies = people["bodies"]

    # The chair plans the beraad and opens the intake.
    chair = sign_in(person(), people["chair"])
    expect(chair.get_by_role("heading", level=1)).to_contain_text("Welkom")
    beraad = plan_the_beraad(chair)

    # Members of three bodies record a signal each and submit it; one pastes personal data.
    signals = []
    for key, title, text, redact in (
        ("rekenkamer", "Terugbelverzoeken blijven liggen", PASTED, True),
        (
            "klachten",
            "Klachten over onbereikbare klantcontactlijn",
            "Twaalf klachten gingen over een klantcontactlijn die na vier uur niet opneemt.",
            False,
        ),
        (
            "ombudsman",
            "Brieven zonder vast contactpunt",
            "In brieven over de Wmo staat geen telefoonnummer of naam van een vaste afdeling.",
            False,
        ),
    ):
        member = sign_in(person(), people["members"][key])
        expect(member.get_by_role("heading", level=1)).to_contain_text("Welkom")
        signals.append(
            record_and_submit(member, bodies[key], beraad, title=title, text=text, redact=redact)
        )
        if key == "rekenkamer":
            member.get_by_role("link", name=bodies[key].name).first.click()
            take_screenshot(member, "body-workspace", full_page=False)
        complete_the_intake(member, bodies[key], beraad)
        member.context.close()

    # The chair opens the beraad: the signals of all three bodies are in.
    start_the_beraad(chair, beraad, bodies.values())
    chair.get_by_role("link", name="Start", exact=True).click()
    expect(chair.get_by_role("heading", level=1)).to_have_text("Welkom, Dirk")
    take_screenshot(chair, "start-page", full_page=False)
    chair.goto(f"/beraden/{beraad.pk}/")
    tag_from_the_keyboard(chair, beraad, signals)
    recommendation = write_the_rode_draad(chair, beraad, signals[:2])

    # A concept memo, made by the worker while the chair watches.
    step(chair, beraad, "Conceptmemo opstellen", "conceptmemo")
    concept = make_a_memo(
        chair, beraad, worker, broker, button="Conceptversie maken", kind="concept"
    )
    text = pdf_text(download(chair, chair.get_by_role("link", name="PDF downloaden").first))
    assert "CONCEPT" in text
    assert THEME in text
    assert "Jansen" not in text

    # Adopted, the definitive memo, shared with the readers.
    step(chair, beraad, "Vaststellen", "vastgesteld")
    definitive = make_a_memo(
        chair, beraad, worker, broker, button="Definitief memo maken", kind=MemoKind.DEFINITIEF
    )
    expect(chair.locator(f"#memo-{definitive.pk}")).to_contain_text(definitive.sha256)
    take_screenshot(chair, "memo", full_page=False)
    step(chair, beraad, "Delen met de lezers", "gedeeld")
    beraad.refresh_from_db()
    assert beraad.state == BeraadState.GEDEELD
    assert concept.pk != definitive.pk
    assert [message.to for message in mail.outbox if "memo" in message.subject.lower()] == [
        [people["reader"].email]
    ]

    # The mayor signs in with two factors, downloads the definitive memo, records a response.
    reader = sign_in(person(), people["reader"])
    expect(reader.get_by_role("main")).to_contain_text(beraad.title)
    reader.get_by_role("link", name=beraad.title).first.click()
    reader.get_by_role("link", name=re.compile("Memo")).first.click()
    row = reader.locator(f"#memo-{definitive.pk}")
    expect(row).to_contain_text("definitief")
    expect(reader.locator(f"#memo-{concept.pk}")).to_have_count(0)  # concepts are not theirs
    data = download(reader, row.get_by_role("link", name="PDF downloaden"))
    assert hashlib.sha256(data).hexdigest() == definitive.sha256
    assert "CONCEPT" not in pdf_text(data)
    assert MemoDownload.objects.filter(memo=definitive, user=people["reader"]).count() == 1

    reader.get_by_role("link", name="Aanbevelingen").first.click()
    reader.get_by_role("link", name=re.compile(re.escape(RECOMMENDATION[:40]))).click()
    expect(reader.get_by_role("heading", level=1)).to_contain_text(THEME)
    reader.get_by_role("radio", name="overgenomen", exact=True).check()
    reader.get_by_label("Eigenaar").fill("Directie Dienstverlening")
    reader.get_by_label("Streefdatum").fill("2027-03-01")
    reader.get_by_label("Voortgang").fill("De terugbelnorm is in het directieoverleg besproken.")
    reader.get_by_role("button", name="Opslaan").click()
    expect(status_text(reader)).to_contain_text("De reactie is opgeslagen")
    facts = reader.locator("dl").first
    expect(facts).to_contain_text("overgenomen")
    expect(facts).to_contain_text("Directie Dienstverlening")
    expect(facts).to_contain_text("1 maart 2027")
    recommendation.refresh_from_db()
    assert recommendation.response == Response.OVERGENOMEN
    assert recommendation.due_date == datetime.date(2027, 3, 1)

    # The functional administrator adds a body in the Django admin.
    admin = sign_in(person(), people["admin"])
    admin.goto("/admin/")
    admin.get_by_role("link", name="Toezichtsorganen", exact=True).click()
    admin.get_by_role("link", name="toezichtsorgaan toevoegen").click()
    admin.get_by_label("Naam:", exact=True).press_sequentially("Bezwarencommissie")
    expect(admin.get_by_label("Korte naam:")).to_have_value("bezwarencommissie")
    admin.get_by_label("Soort:").select_option("bezwarencommissie")
    admin.get_by_role("button", name="Opslaan", exact=True).click()
    expect(admin.locator(".messagelist")).to_contain_text("Bezwarencommissie")
    assert OversightBody.objects.filter(slug="bezwarencommissie").exists()
    admin.goto("/organen/")
    expect(admin.get_by_role("link", name="Bezwarencommissie")).to_be_visible()
