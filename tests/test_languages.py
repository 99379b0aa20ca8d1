"""No English on Dutch pages, no Dutch on English pages.

Every main page of every role is fetched twice over the same scenario — the demo data
(``seed_demo``) with a session in every state, memos in every state and signals in every
state —, once with Dutch chosen in the language switcher and once with English, and the
interface text of the two is compared (``tests/languages.py`` says how): whatever is the
same in both was not translated. Forms are fetched with their validation errors, and
actions with the messages they leave; the htmx fragments, the error pages and the e-mails
are compared too. A control test proves that the comparison catches a hardcoded word.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field, replace
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import Client as DjangoClient
from django.test import RequestFactory
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from deliberation import services as deliberation_services
from deliberation.models import Beraad, BeraadState, Recommendation, Theme
from reports.models import Memo, MemoKind, MemoState
from rodedraden.accounts.models import User
from signals.models import OversightBody, Signal, SignalState
from tests.conftest import Client
from tests.deliberation.helpers import advance
from tests.factories import BeraadFactory, SignalFactory
from tests.languages import ScenarioData, page_language, untranslated, visible_texts

pytestmark = pytest.mark.django_db
LANGUAGES = ("nl", "en")


# --- The scenario -------------------------------------------------------------------------------
@dataclass
class Scenario:
    chair: User
    reader: User
    admin: User
    member: User
    body: OversightBody  # the member's body, the rekenkamer
    planned: Beraad
    preparing: Beraad
    current: Beraad  # in session
    shared: Beraad
    draft: Signal
    submitted: Signal
    discussed: Signal  # of another body, in the shared session
    theme: Theme  # tagged in the current session
    merged: Theme
    recommendation: Recommendation
    extra: dict = field(default_factory=dict)


def build_scenario() -> Scenario:
    call_command("seed_demo", stdout=io.StringIO())
    chair = User.objects.get(username="voorzitter")
    reader = User.objects.get(username="burgemeester")
    member = User.objects.get(username="lid-rekenkamer")
    body = OversightBody.objects.get(slug="rekenkamer")
    earlier, shared, current = Beraad.objects.order_by("date")
    bodies = list(OversightBody.objects.all())
    planned = BeraadFactory(chair=chair, season="najaar", year=current.year + 2, bodies=bodies)
    preparing = BeraadFactory(chair=chair, season="voorjaar", year=current.year + 2, bodies=bodies)
    preparing = advance(preparing, chair, BeraadState.VOORBEREIDING)
    deliberation_services.intake_complete(beraad=preparing, body=body, user=member)

    drafts = [
        SignalFactory(
            body=body,
            author=member,
            title=f"Bezwaartermijn niet genoemd ({number})",
            description="Besluiten noemen de termijn voor bezwaar niet.",
            period_start=current.period_start,
            period_end=current.period_end,
            case_count=12,
            details={"opvolging": "niet"},
        )
        for number in (1, 2, 3)
    ]
    draft = drafts[0]
    submitted = SignalFactory(
        body=body,
        author=member,
        title="Inspraakreacties niet beantwoord",
        description="Inwoners kregen geen antwoord op hun inspraakreactie.",
        period_start=preparing.period_start,
        period_end=preparing.period_end,
        case_count=1234,
        is_positive=True,
        state=SignalState.INGEDIEND,
        submitted_at=timezone.now(),
    )
    discussed = shared.inclusions.exclude(body=body).select_related("signal").first().signal

    # The first theme of the session in progress (a rode draad, if it has one).
    theme = sorted(_statuses(current), key=lambda status: not status.is_rode_draad)[0].theme
    merged = deliberation_services.theme_create(user=chair, name="Wachttijden aan de balie")
    deliberation_services.theme_merge(source=merged, target=theme, user=chair)
    merged.refresh_from_db()
    recommendation = shared.recommendations.order_by("pk").first()

    # Memos in every state, with stand-in files (no rendering).
    _memo(shared, 1, MemoKind.CONCEPT, MemoState.MISLUKT)
    _memo(shared, 2, MemoKind.DEFINITIEF, MemoState.KLAAR, requested_by=chair)
    _memo(current, 1, MemoKind.CONCEPT, MemoState.KLAAR, requested_by=chair)
    _memo(current, 2, MemoKind.CONCEPT, MemoState.WACHTEND, requested_by=chair)
    return Scenario(
        chair=chair,
        reader=reader,
        admin=User.objects.get(username="beheerder"),
        member=member,
        body=body,
        planned=planned,
        preparing=preparing,
        current=current,
        shared=shared,
        draft=draft,
        submitted=submitted,
        discussed=discussed,
        theme=theme,
        merged=merged,
        recommendation=recommendation,
        extra={"earlier": earlier},
    )


def _statuses(beraad):
    from deliberation.selectors import theme_statuses

    return theme_statuses(beraad)


def _memo(beraad, version, kind, state, requested_by=None):
    memo = Memo(
        beraad=beraad,
        version=version,
        kind=kind,
        state=state,
        requested_by=requested_by,
        error="WorkerLost" if state == MemoState.MISLUKT else "",
    )
    if state == MemoState.KLAAR:
        content = b"%PDF-1.7\n" + b"0" * 1_234_567
        memo.page_count = 23
        memo.size = len(content)
        memo.sha256 = "0" * 64
        memo.file.save(memo.filename, ContentFile(content), save=False)
    memo.save()
    return memo


@pytest.fixture
def scenario(db) -> Scenario:
    with translation.override("nl"):  # as `manage.py seed_demo` makes it
        return build_scenario()


# --- Fetching a page in both languages ----------------------------------------------------------
@dataclass(frozen=True)
class Visit:
    name: str
    path: str
    post: dict | None = None
    files: dict | None = None
    htmx: bool = False
    status: int | None = 200  # None: whatever it is
    follow: bool = False
    within: str = ""  # compare the element with this id only


def fetch(client, visit: Visit, language: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    headers = {"HX-Request": "true"} if visit.htmx else {}
    if visit.post is None:
        response = client.get(visit.path, headers=headers, follow=visit.follow)
    else:
        data = dict(visit.post)
        for name, (filename, content) in (visit.files or {}).items():
            data[name] = ContentFile(content, name=filename)
        response = client.post(visit.path, data, headers=headers, follow=visit.follow)
    if visit.status is None and response.status_code != 200:
        return ""  # a page this role does not have
    assert response.status_code == (visit.status or 200), (visit.name, language)
    html = response.content.decode()
    if not visit.htmx:
        assert page_language(html) == language, (visit.name, language)
    assert response.headers["Content-Language"] == language, visit.name
    return html


def check(client, visits, not_ours: tuple[str, ...] = (), *, pair_up: bool = True) -> None:
    """Every visit in Dutch and in English; what a visit posts is user data too. Pieces that
    match a pattern of ``not_ours`` are another package's words. ``pair_up``: see
    ``untranslated``."""
    theirs = re.compile("|".join(f"(?:{pattern})" for pattern in not_ours) or "(?!)")
    problems = []
    scenario_data = ScenarioData.from_database()
    for visit in visits:
        dutch = fetch(client, visit, "nl")
        english = fetch(client, visit, "en")
        if not dutch and not english:
            continue
        assert visible_texts(dutch, visit.within), visit.name
        posted = [value for value in (visit.post or {}).values() if isinstance(value, str)]
        # The session holds data too: the key of an authenticator app being linked.
        kept = [value for value in client.session.values() if isinstance(value, str)]
        data = scenario_data.including(*posted, *kept)
        findings = untranslated(dutch, english, data, within=visit.within, pair_up=pair_up)
        problems.extend(
            f"{visit.name}: {finding}" for finding in findings if not theirs.fullmatch(finding.text)
        )
    assert not problems, "Interface text that is the same in Dutch and English:\n" + "\n".join(
        problems
    )


# --- The pages of each role ---------------------------------------------------------------------
PERSONAL_DATA = "Mevrouw Jansen belde op 06-12345678 over haar aanvraag."


def member_visits(s: Scenario) -> list[Visit]:
    body = s.body.get_absolute_url()
    new = f"/organen/{s.body.slug}/signalen/nieuw/"
    empty_signal = {"title": "", "description": "", "period_start": "", "period_end": ""}
    with_personal_data = {
        "title": "Terugbellen blijft uit",
        "description": PERSONAL_DATA,
        "period_start": "2026-01-01",
        "period_end": "2026-06-30",
        "case_count": "3",
        "impact": "midden",
    }
    bad_import = (
        b"titel;omschrijving;periode_van;periode_tot;positief;invalshoeken\n"
        b";Aanvragen blijven liggen.;1-1-2026;gisteren;misschien;Onbekend\n"
    )
    return [
        Visit("start page", "/"),
        Visit("body list", "/organen/"),
        Visit("workspace", body),
        Visit("workspace, filtered", f"{body}?state=concept&nature=negatief"),
        Visit("workspace, nothing found", f"{body}?q=zzzqqqxxx"),
        Visit("signal form", new),
        Visit("signal form, errors", new, post=empty_signal),
        Visit("signal form, personal data", new, post=with_personal_data),
        Visit("signal, draft", s.draft.get_absolute_url()),
        Visit("signal, submitted", s.submitted.get_absolute_url()),
        Visit("signal, of another body", s.discussed.get_absolute_url()),
        Visit("signal edit form", f"{s.draft.get_absolute_url()}bewerken/"),
        Visit(
            "signal edit form, changed in the meantime",
            f"{s.draft.get_absolute_url()}bewerken/",
            post={
                "title": "Bezwaartermijn niet genoemd in besluiten",
                "description": "Besluiten noemen de termijn niet.",
                "period_start": "2026-01-01",
                "period_end": "2026-06-30",
                "case_count": "12",
                "impact": "midden",
                "version": "0",
            },
        ),
        Visit("signal delete", f"{s.draft.get_absolute_url()}verwijderen/"),
        Visit("import", f"/organen/{s.body.slug}/signalen/importeren/"),
        Visit(
            "import, errors",
            f"/organen/{s.body.slug}/signalen/importeren/",
            post={},
            files={"file": ("signalen.csv", bad_import)},
        ),
        Visit("beraad list", "/beraden/"),
        Visit("beraad in preparation", s.preparing.get_absolute_url()),
        Visit("beraad in session", s.current.get_absolute_url()),
        Visit("beraad shared", s.shared.get_absolute_url()),
        Visit("memo", f"/beraden/{s.current.pk}/memo/"),
        Visit("two-step verification, off", "/account/tweestapsverificatie/"),
        Visit("two-step verification, set up", "/account/tweestapsverificatie/instellen/"),
        Visit(
            "two-step verification, QR code",
            "/account/tweestapsverificatie/instellen/",
            post={"setup_view-current_step": "welcome"},
        ),
        Visit("password change", "/account/wachtwoord-wijzigen/"),
        Visit(
            "password change, errors",
            "/account/wachtwoord-wijzigen/",
            post={"old_password": "fout", "new_password1": "kort", "new_password2": "anders"},
        ),
        Visit("page not found", "/organen/bestaat-niet/", status=404),
    ]


def chair_visits(s: Scenario) -> list[Visit]:
    tag_inclusion = s.current.inclusions.order_by("pk").first()
    rode_draad = f"/beraden/{s.current.pk}/rode-draden/{s.theme.pk}/"
    frozen_theme = next(t.theme for t in _statuses(s.shared) if t.is_rode_draad)
    return [
        Visit("start page", "/"),
        Visit("body list", "/organen/"),
        *(
            Visit(f"workspace {body.slug}", body.get_absolute_url())
            for body in OversightBody.objects.all()
        ),
        Visit("signal", s.submitted.get_absolute_url()),
        Visit("beraad list", "/beraden/"),
        Visit("beraad form", "/beraden/nieuw/"),
        Visit(
            "beraad form, errors",
            "/beraden/nieuw/",
            post={"title": "", "date": "2030-01-01", "submission_deadline": "2030-02-01"},
        ),
        Visit("beraad planned", s.planned.get_absolute_url()),
        Visit("beraad in preparation", s.preparing.get_absolute_url()),
        Visit("beraad in session", s.current.get_absolute_url()),
        Visit("beraad shared", s.shared.get_absolute_url()),
        Visit("beraad edit form", f"{s.planned.get_absolute_url()}bewerken/"),
        *(
            Visit(f"step {action}", f"{s.planned.get_absolute_url()}stap/{action}/")
            for action in ("voorbereiden", "starten", "concept-memo", "vaststellen", "delen")
        ),
        Visit("tagging workspace", f"/beraden/{s.current.pk}/werkruimte/"),
        Visit("tagging workspace by aspect", f"/beraden/{s.current.pk}/werkruimte/?groep=aspect"),
        Visit("tagging workspace by unit", f"/beraden/{s.current.pk}/werkruimte/?groep=unit"),
        Visit("tagging workspace, adopted", f"/beraden/{s.shared.pk}/werkruimte/"),
        Visit(
            "tag (htmx)",
            f"/beraden/{s.current.pk}/werkruimte/tag/",
            post={"inclusion": tag_inclusion.pk, "theme": s.theme.pk, "tagged": "1"},
            htmx=True,
        ),
        Visit(
            "new theme, error (htmx)",
            f"/beraden/{s.current.pk}/werkruimte/nieuw-thema/",
            post={"inclusion": tag_inclusion.pk, "name": ""},
            htmx=True,
        ),
        Visit("rode draad", rode_draad),
        Visit(
            "rode draad, errors",
            rode_draad,
            post={"add_recommendation": "1", "text": "", "addressee": "directie"},
        ),
        Visit("rode draad, adopted", f"/beraden/{s.shared.pk}/rode-draden/{frozen_theme.pk}/"),
        Visit("themes", "/themas/"),
        Visit("themes, errors", "/themas/", post={"name": ""}),
        Visit("theme", s.theme.get_absolute_url()),
        Visit("theme, merged", s.merged.get_absolute_url()),
        Visit("recommendations", "/aanbevelingen/"),
        Visit("recommendations, open", "/aanbevelingen/?status=open"),
        Visit("recommendation", s.recommendation.get_absolute_url()),
        Visit("memo, shared", f"/beraden/{s.shared.pk}/memo/"),
        Visit("memo, in session", f"/beraden/{s.current.pk}/memo/"),
        Visit("memo versions (htmx)", f"/beraden/{s.current.pk}/memo/", htmx=True),
        Visit("dashboard", "/dashboard/"),
        Visit("two-step verification, on", "/account/tweestapsverificatie/"),
        Visit("recovery codes", "/account/tweestapsverificatie/herstelcodes/"),
    ]


def reader_visits(s: Scenario) -> list[Visit]:
    return [
        Visit("start page", "/"),
        Visit("beraad list", "/beraden/"),
        Visit("beraad shared", s.shared.get_absolute_url()),
        Visit("memo", f"/beraden/{s.shared.pk}/memo/"),
        Visit("recommendations", "/aanbevelingen/"),
        Visit("recommendation", s.recommendation.get_absolute_url()),
        Visit(
            "recommendation, errors",
            s.recommendation.get_absolute_url(),
            post={"version": s.recommendation.version, "response": "deels", "status": "open"},
        ),
        Visit("dashboard", "/dashboard/"),
        Visit("page not found", "/organen/", status=404),
    ]


def admin_visits(s: Scenario) -> list[Visit]:
    return [
        Visit("start page", "/"),
        Visit("body list", "/organen/"),
        Visit("workspace", s.body.get_absolute_url()),
        Visit("recommendations", "/aanbevelingen/"),
        Visit("dashboard", "/dashboard/"),
    ]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_pages_of_a_member(scenario):
    check(signed_in(scenario.member), member_visits(scenario))


def test_the_pages_of_the_chair(scenario):
    check(signed_in(scenario.chair), chair_visits(scenario))


def test_the_pages_of_a_reader(scenario):
    check(signed_in(scenario.reader), reader_visits(scenario))


def test_the_pages_of_the_administrator(scenario):
    check(signed_in(scenario.admin), admin_visits(scenario))


def test_the_pages_before_signing_in(scenario):
    chair = scenario.chair
    Client().force_login(chair)  # links an authenticator app: the login asks for its code
    device = StaticDevice.objects.create(user=chair, name="backup")
    StaticToken.objects.create(device=device, token="abcd2345")
    uid = urlsafe_base64_encode(force_bytes(chair.pk))
    token = default_token_generator.make_token(chair)
    password = {"login_view-current_step": "auth", "auth-username": "voorzitter"}
    visits = [
        Visit("login", "/account/inloggen/"),
        Visit(
            "login, wrong password", "/account/inloggen/", post={**password, "auth-password": "x"}
        ),
        Visit("password reset", "/account/wachtwoord-vergeten/"),
        Visit("password reset sent", "/account/wachtwoord-vergeten/verzonden/"),
        Visit("password reset, link invalid", f"/account/wachtwoord-herstellen/{uid}/fout/"),
        Visit(
            "password reset, new password",
            f"/account/wachtwoord-herstellen/{uid}/{token}/",
            follow=True,
        ),
        Visit("password reset done", "/account/wachtwoord-hersteld/"),
        Visit("page not found", "/bestaat-niet/", status=404),
    ]
    check(Client(), visits)

    # The second step of the login, on one client per language (the wizard keeps its state).
    data = ScenarioData.from_database()
    pages = {}
    for language in LANGUAGES:
        client = Client()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        steps = [
            client.post(
                "/account/inloggen/", {**password, "auth-password": settings.DEMO_PASSWORD}
            ),
            client.post(
                "/account/inloggen/",
                {"login_view-current_step": "token", "token-otp_token": "000000"},
            ),
            client.post(
                "/account/inloggen/",
                {"login_view-current_step": "token", "wizard_goto_step": "backup"},
            ),
        ]
        pages[language] = [step.content.decode() for step in steps]
        assert [step.status_code for step in steps] == [200, 200, 200]
    problems = [
        f"login step {number}: {finding}"
        for number, (dutch, english) in enumerate(zip(pages["nl"], pages["en"], strict=True), 2)
        for finding in untranslated(dutch, english, data)
    ]
    assert not problems, "\n".join(problems)


def test_the_form_expired_and_lockout_pages(scenario, settings):
    settings.AXES_FAILURE_LIMIT = 1
    data = ScenarioData.from_database()
    pages = {}
    for language in LANGUAGES:
        client = DjangoClient(enforce_csrf_checks=True)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        expired = client.post("/account/inloggen/", {"auth-username": "x"})
        assert expired.status_code == 403
        locked = Client()
        locked.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        attempt = {
            "login_view-current_step": "auth",
            "auth-username": f"lid-rekenkamer-{language}",
            "auth-password": "fout",
        }
        locked.post("/account/inloggen/", attempt)
        lockout = locked.post("/account/inloggen/", attempt)
        assert lockout.status_code == 429
        pages[language] = [expired.content.decode(), lockout.content.decode()]
    problems = [
        str(finding)
        for dutch, english in zip(pages["nl"], pages["en"], strict=True)
        for finding in untranslated(dutch, english, data)
    ]
    assert not problems, "\n".join(problems)


def test_the_error_pages(scenario):
    from django.core.exceptions import PermissionDenied
    from django.views import defaults

    request = RequestFactory().get("/")
    request.user = scenario.member
    pages = {}
    for language in LANGUAGES:
        with translation.override(language):
            pages[language] = [
                defaults.bad_request(request, Exception()).content.decode(),
                defaults.permission_denied(request, PermissionDenied()).content.decode(),
                defaults.server_error(request).content.decode(),
            ]
    data = ScenarioData.from_database()
    for dutch, english in zip(pages["nl"], pages["en"], strict=True):
        assert untranslated(dutch, english, data) == []


# --- Actions and their messages -----------------------------------------------------------------
def test_actions_leave_messages_in_the_chosen_language(scenario):
    """Each action once per language, on an object of its own, and the page it ends on."""
    s = scenario
    pages = {"nl": [], "en": []}
    second = BeraadFactory(
        chair=s.chair,
        season="voorjaar",
        year=s.current.year + 3,
        bodies=list(OversightBody.objects.all()),
    )
    planned = {"nl": s.planned, "en": second}
    drafts = dict(
        zip(
            LANGUAGES,
            Signal.objects.filter(body=s.body, state=SignalState.CONCEPT).order_by("-pk")[:2],
            strict=True,
        )
    )
    member, chair = signed_in(s.member), signed_in(s.chair)
    for language in LANGUAGES:
        for client in (member, chair):
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        draft = drafts[language]
        steps = [
            member.post(f"/signalen/{draft.pk}/indienen/", {"version": draft.version}, follow=True),
            member.post(
                f"/signalen/{draft.pk}/terugtrekken/", {"version": draft.version + 1}, follow=True
            ),
            chair.post(f"{planned[language].get_absolute_url()}stap/voorbereiden/", follow=True),
            chair.post("/themas/", {"name": f"Nieuw thema {language}"}, follow=True),
        ]
        for step in steps:
            assert step.status_code == 200
            assert step.context["messages"] is not None
        pages[language] = [step.content.decode() for step in steps]
    data = ScenarioData.from_database()
    problems = [
        f"action {number}: {finding}"
        for number, (dutch, english) in enumerate(zip(pages["nl"], pages["en"], strict=True), 1)
        for finding in untranslated(dutch, english, data, pair_up=False)
    ]
    assert not problems, "\n".join(problems)
    for page in pages["nl"] + pages["en"]:
        assert 'class="messages"' in page


# --- E-mails ------------------------------------------------------------------------------------
def test_the_e_mails_are_translatable_and_sent_in_dutch(scenario):
    s = scenario
    Recommendation.objects.filter(pk=s.recommendation.pk).update(
        due_date=timezone.localdate() + timedelta(days=3), status="open", reminded_for=None
    )
    recommendation = Recommendation.objects.get(pk=s.recommendation.pk)
    context = {
        "user": s.member,
        "body": s.body,
        "beraad": s.shared,
        "recommendation": recommendation,
        "overdue": False,
        "url": "https://rodedraden.example/",
        "set_password_url": "https://rodedraden.example/wachtwoord/",
        "municipality_name": settings.MUNICIPALITY_NAME,
    }
    templates = [
        "signals/email/membership_welcome_subject.txt",
        "signals/email/membership_welcome.txt",
        "deliberation/email/shared_subject.txt",
        "deliberation/email/shared.txt",
        "deliberation/email/reminder_subject.txt",
        "deliberation/email/reminder.txt",
    ]
    data = ScenarioData.from_database()
    for name in templates:
        texts = {}
        for language in LANGUAGES:
            with translation.override(language):
                lines = render_to_string(name, context).splitlines()
            texts[language] = "".join(f"<p>{line}</p>" for line in lines if line.strip())
        assert untranslated(texts["nl"], texts["en"], data) == [], name

    # Whoever triggers them, they go out in Dutch (the recipients' language).
    from deliberation.tasks import recommendations_send_reminders_task

    mail.outbox.clear()
    with translation.override("en"):
        recommendations_send_reminders_task()
    assert mail.outbox
    assert all("aanbeveling" in message.subject for message in mail.outbox)


def test_the_password_reset_e_mail_is_in_the_language_of_the_request(scenario):
    bodies = {}
    for language in LANGUAGES:
        mail.outbox.clear()
        client = Client()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        client.post("/account/wachtwoord-vergeten/", {"email": scenario.member.email})
        (message,) = mail.outbox
        bodies[language] = "".join(
            f"<p>{line}</p>" for line in [message.subject, *message.body.splitlines()] if line
        )
    assert untranslated(bodies["nl"], bodies["en"], ScenarioData.from_database()) == []


# --- Where translations go wrong before a page is even asked for ------------------------------
SOURCES = ("rodedraden", "signals", "deliberation", "reports")
EAGER = {"gettext", "ngettext", "pgettext", "npgettext"}


def import_time_translations() -> list[str]:
    """Calls of gettext (not gettext_lazy) that run when a module is imported: at module
    level or in a class body. They translate once, into whatever language is active then,
    and every request after gets that language (the beraad's steps did)."""
    import ast
    from pathlib import Path

    found = []
    for package in SOURCES:
        for path in sorted(Path(settings.BASE_DIR, package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(), filename=str(path))
            names = {
                alias.asname or alias.name
                for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation"
                for alias in node.names
                if alias.name in EAGER
            }

            def visit(node, names=names, path=path):
                for child in ast.iter_child_nodes(node):
                    if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                        continue  # runs later, in a request's language
                    if (
                        isinstance(child, ast.Call)
                        and isinstance(child.func, ast.Name)
                        and child.func.id in names
                    ):
                        found.append(f"{path.relative_to(settings.BASE_DIR)}:{child.lineno}")
                    visit(child)

            visit(tree)
    return found


def test_nothing_is_translated_once_at_import():
    assert import_time_translations() == []


def test_the_language_of_a_request_stays_with_the_request(client):
    """The middleware activates the chosen language for its request only: the thread goes
    back to the language it had (or none) afterwards."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("nl"):
        response = client.get("/account/inloggen/")
        assert translation.get_language() == "nl"
    assert response.headers["Content-Language"] == "en"
    assert '<html lang="en">' in response.content.decode()


# --- The checker itself -------------------------------------------------------------------------
CONTROL = Template(
    "{% load i18n %}<html lang='{{ LANGUAGE_CODE }}'><body>"
    "<h1>{% translate 'Sign in' %}</h1><p>Submit for the beraad</p>"
    "<p>{{ title }}</p><p>{{ title|truncatechars:12 }}</p>"
    "<button aria-label='Close'>×</button><p>Rode draden · 12 %</p>"
    "<p>{% translate 'To' %}: the executive board</p>"
    "<select><option lang='nl'>Nederlands</option></select>"
    "<svg><text>Geen gegevens</text><text>Wmo-aanvragen</text><text>blijven liggen</text></svg>"
    "<script>var label = 'Not shown';</script></body></html>"
)


def render_control(language: str) -> str:
    with translation.override(language):
        return CONTROL.render(
            Context({"LANGUAGE_CODE": language, "title": "Wmo-aanvragen blijven liggen"})
        )


def test_the_checker_catches_hardcoded_words_and_leaves_data_alone():
    data = ScenarioData(["Wmo-aanvragen blijven liggen"])
    findings = untranslated(render_control("nl"), render_control("en"), data)
    assert sorted(str(finding) for finding in findings) == [
        "button@aria-label: 'Close'",
        "p: 'Submit for the beraad'",
        "p: 'executive board' in 'Aan: the executive board'",
        "text: 'Geen gegevens'",
    ]


def test_the_checker_needs_the_pages_to_pair_up():
    dutch, english = render_control("nl"), render_control("en")
    english = english.replace("<p>Rode draden", "<div>Rode draden")
    findings = untranslated(dutch, english, ScenarioData(["Wmo-aanvragen blijven liggen"]))
    assert "the pages differ in structure" in [finding.text for finding in findings]


def test_the_checker_reads_what_people_read_and_hear():
    html = (
        "<html><head><title>Titel</title></head><body><img alt='Logo'>"
        "<input type='submit' value='Verstuur'><input type='text' value='ingevuld'>"
        "<input placeholder='Zoek'><abbr title='Rekenkamer'>Rek</abbr><noscript>Ververs</noscript>"
        "<style>.x{}</style><template>Sjabloon</template>"
        "<svg><title>Grafiek</title><desc>Uitleg</desc></svg></body></html>"
    )
    assert [piece.text for piece in visible_texts(html)] == [
        "Titel",
        "Logo",
        "Verstuur",
        "Zoek",
        "Rekenkamer",
        "Rek",
        "Ververs",
        "Grafiek",
        "Uitleg",
    ]


# Pieces of the Django admin that Django itself, or a package, shows as they are, as patterns
# of the whole piece: the alt texts of the yes/no icons, the masked password hash, and
# django-auditlog's table of changes (its raw values and the names of reverse relations).
ADMIN_NOT_OURS = (
    r"True|False|None|Filter",
    r"md5|salt|hash|\w+\*{4,}",
    r"Field|From|To|Id|Memberships|Chaired beraden",
)


def django_admin_visits() -> list[Visit]:
    """Every page of every model in the admin (the packages' included), with its content only:
    the list of apps beside it is sorted by their names, which differ per language, so it is
    compared on the pages of the apps (``django_admin_app_visits``), without pairing."""
    from django.contrib import admin
    from django.urls import reverse

    visits = []
    for model in admin.site._registry:
        name = f"{model._meta.app_label}_{model._meta.model_name}"
        visits.append(Visit(f"admin {name}", reverse(f"admin:{name}_changelist")))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            path = reverse(f"admin:{name}_change", args=[first.pk])
            visits.append(Visit(f"admin {name} {first.pk}", path))
        visits.append(Visit(f"admin {name} add", reverse(f"admin:{name}_add"), status=None))
    return [replace(visit, within="content-main") for visit in visits]


def django_admin_app_visits() -> list[Visit]:
    from django.contrib import admin
    from django.urls import reverse

    labels = sorted({model._meta.app_label for model in admin.site._registry})
    return [Visit("admin index", reverse("admin:index"))] + [
        Visit(f"admin app {label}", reverse("admin:app_list", args=[label])) for label in labels
    ]


def test_the_admin(scenario):
    check(signed_in(scenario.admin), django_admin_visits(), not_ours=ADMIN_NOT_OURS)


def test_the_admin_index_and_the_apps(scenario):
    check(
        signed_in(scenario.admin),
        django_admin_app_visits(),
        not_ours=ADMIN_NOT_OURS,
        pair_up=False,
    )
