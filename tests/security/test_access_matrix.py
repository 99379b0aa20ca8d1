"""The access matrix (issue 6): every URL of the site, for every role, for the own and the
other body and for every state, answers as the table below says; nothing leaks.

The roles: anonymous, a member of the rekenkamer (body A, "own body"), a member of the
ombudsman (body B, "other body", which takes part in no beraad with A), a member of the
bezwarencommissie (body C, which takes part in every beraad together with A: it sees A's
signals once a beraad has started, never before), the chair, a reader and a (verified)
administrator.

The objects: A's signals in every state (concept, ingediend, in_beraad in a session in
session and in one with a draft memo, besproken in an adopted and in a shared session), B's and
C's signals, a beraad in every state (gepland … gedeeld), memos (concept and definitive, ready
with a file, and one that failed), recommendations and themes.

The expected answers are written down here, by hand: they are not derived from the app's own
access code. 200 (or a redirect where a page redirects by design), 404 for what one may not
see (never a 403 that confirms it exists), 405 for a GET of an endpoint that only takes POST,
and a redirect to the login page for anonymous visitors (except the pages that need no login).

Besides the status, every page, list, search result, export and htmx fragment that answers 200
is read for the titles of the signals the role may not see (``MAY_NOT_SEE``): a member of B
never sees a title of A, a reader never sees a signal at all. POST endpoints are tried by every
role that may not use them: a 404 (or the login page) and nothing changed in the database; and
once by the roles that may, to show that the same request does change something (so that the
refusals are refusals, not broken requests).

The Django admin is covered as a group: every admin URL (built from the admin's own URL
patterns, with a real object) for every role. ``test_every_url_pattern_is_in_the_matrix`` fails
when a URL pattern has no row here, so that no view can be added without an access expectation.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import openpyxl
import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from deliberation import services as deliberation_services
from deliberation.models import Addressee, BeraadSignal, BeraadState
from reports.models import Memo, MemoKind, MemoState
from rodedraden.accounts.models import Role
from rodedraden.retention.models import RetentionRun
from signals import transfer
from signals.models import OrganisationUnit, SignalState
from tests.deliberation.helpers import advance, submitted, tag
from tests.factories import (
    BeraadFactory,
    MembershipFactory,
    OversightBodyFactory,
    SignalFactory,
    ThemeFactory,
    UserFactory,
)
from tests.reports.helpers import FAKE_PDF, ready_memo
from tests.scenario import module_scenario

pytestmark = pytest.mark.django_db

ROLES = ("anon", "member_a", "member_b", "member_c", "chair", "reader", "admin")
HTMX = {"HX-Request": "true"}
SEARCH = "wachttijden"  # a word in the title of every signal of the scenario


# --- The scenario ---------------------------------------------------------------------------
# Every signal's title, by key. No title is part of another, so a title found in a page is
# that signal.
TITLES = {
    "a-concept": "Wachttijden rekenkamer alfa",
    "a-ingediend": "Wachttijden rekenkamer bravo",
    "a-in_beraad": "Wachttijden rekenkamer charlie",
    "a-concept_memo": "Wachttijden rekenkamer delta",
    "a-vastgesteld": "Wachttijden rekenkamer echo",
    "a-gedeeld": "Wachttijden rekenkamer foxtrot",
    "b-concept": "Wachttijden ombudsman golf",
    "b-ingediend": "Wachttijden ombudsman hotel",
    "c-ingediend": "Wachttijden bezwarencommissie india",
    "c-in_beraad": "Wachttijden bezwarencommissie juliett",
}
OF_A = {key for key in TITLES if key.startswith("a-")}
OF_B = {key for key in TITLES if key.startswith("b-")}
OF_C = {key for key in TITLES if key.startswith("c-")}

# The titles each role must never find in anything it is shown.
MAY_NOT_SEE = {
    "anon": set(TITLES),
    # B's signals are B's; C's submission for the session in preparation is sealed.
    "member_a": OF_B | {"c-ingediend"},
    # B takes part in no beraad with A or C: nothing of theirs, ever.
    "member_b": OF_A | OF_C,
    # C shares the started sessions with A, but never sees A's draft or sealed submission.
    "member_c": OF_B | {"a-concept", "a-ingediend"},
    # The chair never sees a draft.
    "chair": {"a-concept", "b-concept"},
    # Readers read the memo and its aggregates, never a signal.
    "reader": set(TITLES),
    "admin": set(),
}

# Sessions, one per state, all of the rekenkamer (A) and the bezwarencommissie (C).
SESSIONS = {
    "gedeeld": ("voorjaar", 2025),
    "vastgesteld": ("najaar", 2025),
    "concept_memo": ("voorjaar", 2026),
    "in_beraad": ("najaar", 2026),
    "voorbereiding": ("voorjaar", 2027),
    "gepland": ("najaar", 2027),
}
STARTED = ("in_beraad", "concept_memo", "vastgesteld", "gedeeld")


@dataclass
class World:
    bodies: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    signals: dict = field(default_factory=dict)
    beraden: dict = field(default_factory=dict)
    recommendations: dict = field(default_factory=dict)
    memos: dict = field(default_factory=dict)
    themes: dict = field(default_factory=dict)

    def inclusion(self, key: str) -> BeraadSignal:
        return BeraadSignal.objects.get(signal=self.signals[key])


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> World:
    """The scenario, built once for the whole module in a transaction that is rolled back at
    its end; each test runs in a savepoint of its own inside it (pytest-django's ``db``), so
    that what a test changes is gone before the next. The memo files live in a storage of
    their own."""
    with module_scenario(django_db_blocker):
        yield build_world()


def build_world() -> World:
    body = OversightBodyFactory(name="Rekenkamer", slug="rekenkamer", kind="rekenkamer")
    other_body = OversightBodyFactory(name="Ombudsman", slug="ombudsman", kind="ombudsman")
    member = MembershipFactory(body=body, user__username="lid").user
    chair = UserFactory(username="voorzitter", role=Role.CHAIR)
    reader = UserFactory(username="lezer", role=Role.READER)
    admin_user = UserFactory(username="beheerder", role=Role.ADMIN)
    w = World()
    body_c = OversightBodyFactory(
        name="Bezwarencommissie", slug="bezwarencommissie", kind="bezwarencommissie"
    )
    w.bodies = {"a": body, "b": other_body, "c": body_c}
    w.users = {
        "member_a": member,
        "member_b": MembershipFactory(body=other_body, user__username="lid-ombudsman").user,
        "member_c": MembershipFactory(body=body_c, user__username="lid-bezwaar").user,
        "chair": chair,
        "reader": reader,
        "admin": admin_user,
    }
    tijdigheid = ThemeFactory(name="Tijdigheid")
    w.themes = {"tijdigheid": tijdigheid, "bereikbaarheid": ThemeFactory(name="Bereikbaarheid")}

    for state, (season, year) in SESSIONS.items():
        w.beraden[state] = BeraadFactory(
            chair=chair, season=season, year=year, bodies=[body, body_c]
        )

    def period(state):
        beraad = w.beraden[state]
        return {"period_start": beraad.period_start, "period_end": beraad.period_end}

    w.signals["a-concept"] = SignalFactory(
        body=body, title=TITLES["a-concept"], state=SignalState.CONCEPT, **period("gepland")
    )
    w.signals["a-ingediend"] = submitted(
        body, title=TITLES["a-ingediend"], **period("voorbereiding")
    )
    w.signals["c-ingediend"] = submitted(
        body_c, title=TITLES["c-ingediend"], **period("voorbereiding")
    )
    w.signals["b-concept"] = SignalFactory(body=other_body, title=TITLES["b-concept"])
    w.signals["b-ingediend"] = submitted(other_body, title=TITLES["b-ingediend"])
    for state in STARTED:
        w.signals[f"a-{state}"] = submitted(body, title=TITLES[f"a-{state}"], **period(state))
    w.signals["c-in_beraad"] = submitted(body_c, title=TITLES["c-in_beraad"], **period("in_beraad"))

    advance(w.beraden["voorbereiding"], chair, BeraadState.VOORBEREIDING)
    for state in STARTED:
        beraad = advance(w.beraden[state], chair, BeraadState.IN_BERAAD)
        tag(beraad, w.signals[f"a-{state}"], tijdigheid, chair)
        w.recommendations[state] = deliberation_services.recommendation_create(
            beraad=beraad,
            theme=tijdigheid,
            user=chair,
            text=f"Aanbeveling van de sessie {state}.",
            addressee=Addressee.BURGEMEESTER,
        )
        advance(beraad, chair, state)
    for beraad in w.beraden.values():
        beraad.refresh_from_db()
    tag(w.beraden["in_beraad"], w.signals["c-in_beraad"], tijdigheid, chair)
    for signal in w.signals.values():
        signal.refresh_from_db()
    for recommendation in w.recommendations.values():
        recommendation.refresh_from_db()
    # The readers adopted the shared session's recommendation, and its theme came back in
    # every later session, none of them shared: its page must name and link none of them to
    # a reader (issue 17; tests/security/test_cross_session.py has the other cross-session
    # mentions).
    shared = w.recommendations["gedeeld"]
    w.recommendations["gedeeld"] = deliberation_services.recommendation_respond(
        recommendation=shared,
        user=reader,
        version=shared.version,
        response="overgenomen",
        response_reason="",
        owner="",
        due_date=None,
        progress="",
        status="open",
    )

    for state in STARTED:
        w.memos[f"concept@{state}"] = ready_memo(w.beraden[state], version=1, requested_by=chair)
    for state in ("vastgesteld", "gedeeld"):
        w.memos[f"definitief@{state}"] = ready_memo(
            w.beraden[state], kind=MemoKind.DEFINITIEF, version=2, requested_by=chair
        )
    w.memos["mislukt@in_beraad"] = Memo.objects.create(
        beraad=w.beraden["in_beraad"],
        version=2,
        kind=MemoKind.CONCEPT,
        state=MemoState.MISLUKT,
        error="WeasyPrint gaf een fout.",
        requested_by=chair,
    )

    # Something for every model in the admin.
    OrganisationUnit.objects.create(name="Sociaal domein")
    for user in (chair, reader, admin_user):
        TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    StaticDevice.objects.create(user=chair, name="backup", confirmed=True).token_set.create(
        token="abcd1234"
    )
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    attempt = {"user_agent": "test", "ip_address": "127.0.0.1", "http_accept": "*/*"}
    AccessAttempt.objects.create(
        **attempt, username="lid", path_info="/", get_data="", post_data="", failures_since_start=1
    )
    AccessLog.objects.create(**attempt, username="lid", path_info="/account/inloggen/")
    AccessFailureLog.objects.create(**attempt, username="lid", path_info="/account/inloggen/")
    now = timezone.now()
    RetentionRun.objects.create(started_at=now - timedelta(minutes=1), finished_at=now)
    return w


def sign_in_as(client, w: World, role: str) -> None:
    client.logout()
    if role != "anon":
        client.force_login(w.users[role])


# --- What is expected -------------------------------------------------------------------------
@dataclass(frozen=True)
class Redirect:
    """A 302 to the URL ``name`` (with ``args``); ``prefix``: the location starts with it."""

    name: str
    args: tuple = ()
    prefix: bool = False
    also: tuple = ()  # other URL names that will do as well

    def __str__(self):
        return f"302 to {self.name}{list(self.args) if self.args else ''}"


LOGIN = Redirect("login", prefix=True)  # the login page, with ?next=
# The admin's own login page, which sends everyone on to the site's (see the admin's
# "login" case below), or the site's directly.
ANY_LOGIN = Redirect("login", prefix=True, also=("admin:login",))
N = 404
NA = 405  # a GET of an endpoint that only takes POST
# A POST this role may make: it changes the data (tried in
# test_the_same_posts_by_a_role_that_may_make_them_do_change_the_data).
CHANGES = "changes"
NOT_HERE = "not here"  # not tried here (the admin's own forms: tests/signals/test_admin.py)


def R(name: str, *args) -> Redirect:
    return Redirect(name, args)


def resolve(w: World, spec):
    """An argument of a URL: "sig:a-concept" is that signal's pk, "body:a" the body's slug,
    and so on; anything else is used as it is."""
    if not isinstance(spec, str) or ":" not in spec:
        return spec
    kind, key = spec.split(":", 1)
    if kind == "sig":
        return w.signals[key].pk
    if kind == "body":
        return w.bodies[key].slug
    if kind == "beraad":
        return w.beraden[key].pk
    if kind == "rec":
        return w.recommendations[key].pk
    if kind == "memo":
        return w.memos[key].pk
    if kind == "theme":
        return w.themes[key].pk
    if kind == "user":
        return w.users[key].pk
    raise AssertionError(f"unknown argument {spec}")


def url_of(w: World, name: str, args: tuple, query: str = "") -> str:
    url = reverse(name, args=[resolve(w, arg) for arg in args])
    return f"{url}?{query}" if query else url


@dataclass(frozen=True)
class Case:
    case: str
    name: str
    args: tuple
    expected: tuple  # by ROLES
    query: str | Callable[[World], str] = ""  # a callable: for the ids of the scenario
    htmx: bool = False
    data: Callable[[World], dict] | None = None  # POST only

    def __post_init__(self):
        assert len(self.expected) == len(ROLES), self.case

    def url(self, w: World) -> str:
        query = self.query(w) if callable(self.query) else self.query
        return url_of(w, self.name, self.args, query)

    def headers(self) -> dict:
        return HTMX if self.htmx else {}


def G(case, name, args, *expected, query="", htmx=False) -> Case:
    return Case(case, name, tuple(args), tuple(expected), query=query, htmx=htmx)


def P(case, name, args, data, *expected, htmx=False) -> Case:
    return Case(case, name, tuple(args), tuple(expected), htmx=htmx, data=data)


def check(w: World, response, expected) -> str | None:
    """What is wrong with ``response``, or None."""
    status = response.status_code
    if isinstance(expected, Redirect):
        if status != 302:
            return f"got {status}, expected {expected}"
        location = response["Location"]
        targets = [url_of(w, name, expected.args) for name in (expected.name, *expected.also)]
        if expected.prefix:
            found = any(location.startswith(target) for target in targets)
        else:
            found = location in targets
        return None if found else f"redirected to {location}, expected {expected}"
    if status != expected:
        return f"got {status}, expected {expected}"
    return None


# --- The GET matrix ---------------------------------------------------------------------------
# fmt: off
GET_TABLE = [
    #  case                           url name                    args
    #                                  anon   A    B    C   chair reader admin
    # -- The site, signing in and the account ----------------------------------------------
    G("home", "home", (),
      LOGIN, 200, 200, 200, 200, 200, 200),
    G("health", "health", (),
      200, 200, 200, 200, 200, 200, 200),
    # The accessibility statement is for everyone, signed in or not.
    G("accessibility statement", "accessibility", (),
      200, 200, 200, 200, 200, 200, 200),
    G("login", "login", (),
      200, R("home"), R("home"), R("home"), R("home"), R("home"), R("home")),
    # The QR code exists only while an authenticator is being linked (the key in the session).
    G("2fa qr code", "two_factor:qr", (),
      LOGIN, N, N, N, N, N, N),
    G("2fa profile", "two_factor:profile", (),
      LOGIN, 200, 200, 200, 200, 200, 200),
    # Members may link an app; a verified session has linked one already.
    G("2fa setup", "two_factor:setup", (),
      LOGIN, 200, 200, 200, R("two_factor:profile"), R("two_factor:profile"),
      R("two_factor:profile")),
    # The pages of a linked authenticator ask an unverified session (members without an
    # app) to sign in with one first.
    G("2fa setup complete", "two_factor:setup_complete", (),
      LOGIN, LOGIN, LOGIN, LOGIN, 200, 200, 200),
    G("2fa recovery codes", "two_factor:backup_tokens", (),
      LOGIN, LOGIN, LOGIN, LOGIN, 200, 200, 200),
    # Switching two factors off: not for the roles that must have them.
    G("2fa disable", "two_factor:disable", (),
      LOGIN, R("home"), R("home"), R("home"), N, N, N),
    G("logout (GET)", "logout", (),
      LOGIN, NA, NA, NA, NA, NA, NA),
    G("password change", "password_change", (),
      LOGIN, 200, 200, 200, 200, 200, 200),
    G("password changed", "password_change_done", (),
      LOGIN, 200, 200, 200, 200, 200, 200),
    G("password reset", "password_reset", (),
      200, 200, 200, 200, 200, 200, 200),
    G("password reset sent", "password_reset_done", (),
      200, 200, 200, 200, 200, 200, 200),
    G("password reset, bad link", "password_reset_confirm", ("MQ", "bad-token"),
      200, 200, 200, 200, 200, 200, 200),
    G("password reset complete", "password_reset_complete", (),
      200, 200, 200, 200, 200, 200, 200),
    G("set language (GET)", "set_language", (),
      R("home"), R("home"), R("home"), R("home"), R("home"), R("home"), R("home")),

    # -- Bodies: lists, search, filters, exports ----------------------------------------------
    G("body list", "signals:body-list", (),
      LOGIN, 200, 200, 200, 200, N, 200),
    G("body list htmx", "signals:body-list", (),
      LOGIN, 200, 200, 200, 200, N, 200, htmx=True),
    G("workspace A", "signals:body-detail", ("body:a",),
      LOGIN, 200, N, N, 200, N, 200),
    G("workspace A search", "signals:body-detail", ("body:a",),
      LOGIN, 200, N, N, 200, N, 200, query=f"q={SEARCH}"),
    G("workspace A drafts", "signals:body-detail", ("body:a",),
      LOGIN, 200, N, N, 200, N, 200, query="state=concept"),
    G("workspace A htmx", "signals:body-detail", ("body:a",),
      LOGIN, 200, N, N, 200, N, 200, htmx=True),
    G("workspace B", "signals:body-detail", ("body:b",),
      LOGIN, N, 200, N, 200, N, 200),
    G("workspace B search", "signals:body-detail", ("body:b",),
      LOGIN, N, 200, N, 200, N, 200, query=f"q={SEARCH}"),
    G("workspace B search for A", "signals:body-detail", ("body:b",),
      LOGIN, N, 200, N, 200, N, 200, query="q=rekenkamer"),
    G("workspace B search htmx", "signals:body-detail", ("body:b",),
      LOGIN, N, 200, N, 200, N, 200, query=f"q={SEARCH}", htmx=True),
    G("workspace B every state", "signals:body-detail", ("body:b",),
      LOGIN, N, 200, N, 200, N, 200, query="state=in_beraad"),
    G("workspace B page 2", "signals:body-detail", ("body:b",),
      LOGIN, N, 200, N, 200, N, 200, query="pagina=2"),
    G("workspace C", "signals:body-detail", ("body:c",),
      LOGIN, N, N, 200, 200, N, 200),
    G("workspace C search", "signals:body-detail", ("body:c",),
      LOGIN, N, N, 200, 200, N, 200, query=f"q={SEARCH}"),
    G("workspace of no body", "signals:body-detail", ("geen-orgaan",),
      LOGIN, N, N, N, N, N, N),
    G("new signal A", "signals:signal-create", ("body:a",),
      LOGIN, 200, N, N, N, N, N),
    G("new signal B", "signals:signal-create", ("body:b",),
      LOGIN, N, 200, N, N, N, N),
    G("import A", "signals:signal-import", ("body:a",),
      LOGIN, 200, N, N, N, N, N),
    G("import B", "signals:signal-import", ("body:b",),
      LOGIN, N, 200, N, N, N, N),
    G("import template A csv", "signals:import-template", ("body:a", "csv"),
      LOGIN, 200, N, N, N, N, N),
    G("import template A xlsx", "signals:import-template", ("body:a", "xlsx"),
      LOGIN, 200, N, N, N, N, N),
    G("import template B csv", "signals:import-template", ("body:b", "csv"),
      LOGIN, N, 200, N, N, N, N),
    G("export A csv", "signals:signal-export", ("body:a", "csv"),
      LOGIN, 200, N, N, 200, N, 200),
    G("export A xlsx", "signals:signal-export", ("body:a", "xlsx"),
      LOGIN, 200, N, N, 200, N, 200),
    G("export A csv search", "signals:signal-export", ("body:a", "csv"),
      LOGIN, 200, N, N, 200, N, 200, query=f"q={SEARCH}"),
    G("export B csv", "signals:signal-export", ("body:b", "csv"),
      LOGIN, N, 200, N, 200, N, 200),
    G("export B xlsx", "signals:signal-export", ("body:b", "xlsx"),
      LOGIN, N, 200, N, 200, N, 200),
    G("export B csv search", "signals:signal-export", ("body:b", "csv"),
      LOGIN, N, 200, N, 200, N, 200, query=f"q={SEARCH}"),
    G("export B xlsx every state", "signals:signal-export", ("body:b", "xlsx"),
      LOGIN, N, 200, N, 200, N, 200, query="state=besproken"),
    G("export C csv", "signals:signal-export", ("body:c", "csv"),
      LOGIN, N, N, 200, 200, N, 200),

    # -- Signals, in every state -----------------------------------------------------------
    G("signal A concept", "signals:signal-detail", ("sig:a-concept",),
      LOGIN, 200, N, N, N, N, 200),
    G("signal A ingediend", "signals:signal-detail", ("sig:a-ingediend",),
      LOGIN, 200, N, N, 200, N, 200),
    G("signal A in_beraad", "signals:signal-detail", ("sig:a-in_beraad",),
      LOGIN, 200, N, 200, 200, N, 200),
    G("signal A in_beraad (draft memo)", "signals:signal-detail", ("sig:a-concept_memo",),
      LOGIN, 200, N, 200, 200, N, 200),
    G("signal A besproken (adopted)", "signals:signal-detail", ("sig:a-vastgesteld",),
      LOGIN, 200, N, 200, 200, N, 200),
    G("signal A besproken (shared)", "signals:signal-detail", ("sig:a-gedeeld",),
      LOGIN, 200, N, 200, 200, N, 200),
    G("signal B concept", "signals:signal-detail", ("sig:b-concept",),
      LOGIN, N, 200, N, N, N, 200),
    G("signal B ingediend", "signals:signal-detail", ("sig:b-ingediend",),
      LOGIN, N, 200, N, 200, N, 200),
    G("signal C ingediend (sealed)", "signals:signal-detail", ("sig:c-ingediend",),
      LOGIN, N, N, 200, 200, N, 200),
    G("signal C in_beraad", "signals:signal-detail", ("sig:c-in_beraad",),
      LOGIN, 200, N, 200, 200, N, 200),
    G("signal of nobody", "signals:signal-detail", (999_999,),
      LOGIN, N, N, N, N, N, N),
    # Editing: a draft, by the members of its body; any other state sends them back.
    G("edit A concept", "signals:signal-update", ("sig:a-concept",),
      LOGIN, 200, N, N, N, N, N),
    G("edit A ingediend", "signals:signal-update", ("sig:a-ingediend",),
      LOGIN, R("signals:signal-detail", "sig:a-ingediend"), N, N, N, N, N),
    G("edit A in_beraad", "signals:signal-update", ("sig:a-in_beraad",),
      LOGIN, R("signals:signal-detail", "sig:a-in_beraad"), N, N, N, N, N),
    G("edit A besproken", "signals:signal-update", ("sig:a-gedeeld",),
      LOGIN, R("signals:signal-detail", "sig:a-gedeeld"), N, N, N, N, N),
    G("edit B concept", "signals:signal-update", ("sig:b-concept",),
      LOGIN, N, 200, N, N, N, N),
    G("edit C in_beraad", "signals:signal-update", ("sig:c-in_beraad",),
      LOGIN, N, N, R("signals:signal-detail", "sig:c-in_beraad"), N, N, N),
    # Submitting is asked first (a GET shows what happens), for the members of the body; a
    # signal that is no draft sends them back. Withdrawing takes POST only: a GET is a 405.
    G("submit A concept (GET)", "signals:signal-submit", ("sig:a-concept",),
      LOGIN, 200, N, N, N, N, N),
    G("submit A ingediend (GET)", "signals:signal-submit", ("sig:a-ingediend",),
      LOGIN, R("signals:signal-detail", "sig:a-ingediend"), N, N, N, N, N),
    G("submit B concept (GET)", "signals:signal-submit", ("sig:b-concept",),
      LOGIN, N, 200, N, N, N, N),
    G("withdraw A ingediend (GET)", "signals:signal-withdraw", ("sig:a-ingediend",),
      LOGIN, NA, NA, NA, NA, NA, NA),
    # The delete page: for the members of the body (the service refuses all but drafts).
    G("delete A concept", "signals:signal-delete", ("sig:a-concept",),
      LOGIN, 200, N, N, N, N, N),
    G("delete A ingediend", "signals:signal-delete", ("sig:a-ingediend",),
      LOGIN, 200, N, N, N, N, N),
    G("delete A besproken", "signals:signal-delete", ("sig:a-gedeeld",),
      LOGIN, 200, N, N, N, N, N),
    G("delete B concept", "signals:signal-delete", ("sig:b-concept",),
      LOGIN, N, 200, N, N, N, N),

    # -- Sessions, in every state ----------------------------------------------------------
    G("beraad list", "deliberation:beraad-list", (),
      LOGIN, 200, 200, 200, 200, 200, 200),
    G("beraad list htmx", "deliberation:beraad-list", (),
      LOGIN, 200, 200, 200, 200, 200, 200, htmx=True),
    G("new beraad", "deliberation:beraad-create", (),
      LOGIN, N, N, N, 200, N, N),
    G("beraad gepland", "deliberation:beraad-detail", ("beraad:gepland",),
      LOGIN, 200, N, 200, 200, N, 200),
    G("beraad voorbereiding", "deliberation:beraad-detail", ("beraad:voorbereiding",),
      LOGIN, 200, N, 200, 200, N, 200),
    G("beraad in_beraad", "deliberation:beraad-detail", ("beraad:in_beraad",),
      LOGIN, 200, N, 200, 200, N, 200),
    G("beraad concept_memo", "deliberation:beraad-detail", ("beraad:concept_memo",),
      LOGIN, 200, N, 200, 200, N, 200),
    G("beraad vastgesteld", "deliberation:beraad-detail", ("beraad:vastgesteld",),
      LOGIN, 200, N, 200, 200, N, 200),
    G("beraad gedeeld", "deliberation:beraad-detail", ("beraad:gedeeld",),
      LOGIN, 200, N, 200, 200, 200, 200),
    G("edit beraad gepland", "deliberation:beraad-update", ("beraad:gepland",),
      LOGIN, N, N, N, 200, N, N),
    G("edit beraad voorbereiding", "deliberation:beraad-update", ("beraad:voorbereiding",),
      LOGIN, N, N, N, 200, N, N),
    G("edit beraad in_beraad", "deliberation:beraad-update", ("beraad:in_beraad",),
      LOGIN, N, N, N, 200, N, N),
    G("edit beraad concept_memo", "deliberation:beraad-update", ("beraad:concept_memo",),
      LOGIN, N, N, N, 200, N, N),
    G("edit beraad vastgesteld", "deliberation:beraad-update", ("beraad:vastgesteld",),
      LOGIN, N, N, N, R("deliberation:beraad-detail", "beraad:vastgesteld"), N, N),
    G("edit beraad gedeeld", "deliberation:beraad-update", ("beraad:gedeeld",),
      LOGIN, N, N, N, R("deliberation:beraad-detail", "beraad:gedeeld"), N, N),
    # Each step asks for confirmation first (the step itself is refused in the wrong state).
    G("step gepland", "deliberation:beraad-transition", ("beraad:gepland", "voorbereiden"),
      LOGIN, N, N, N, 200, N, N),
    G("step voorbereiding", "deliberation:beraad-transition",
      ("beraad:voorbereiding", "starten"),
      LOGIN, N, N, N, 200, N, N),
    G("step in_beraad", "deliberation:beraad-transition", ("beraad:in_beraad", "concept-memo"),
      LOGIN, N, N, N, 200, N, N),
    G("step concept_memo", "deliberation:beraad-transition",
      ("beraad:concept_memo", "vaststellen"),
      LOGIN, N, N, N, 200, N, N),
    G("step vastgesteld", "deliberation:beraad-transition", ("beraad:vastgesteld", "delen"),
      LOGIN, N, N, N, 200, N, N),
    G("step gedeeld", "deliberation:beraad-transition", ("beraad:gedeeld", "delen"),
      LOGIN, N, N, N, 200, N, N),
    G("step that does not exist", "deliberation:beraad-transition",
      ("beraad:in_beraad", "opheffen"),
      LOGIN, N, N, N, N, N, N),
    # "Our submission is complete" is asked first (GET ?body=), by the members of that body.
    G("intake (GET) without a body", "deliberation:intake", ("beraad:voorbereiding",),
      LOGIN, N, N, N, N, N, N),
    G("intake (GET) for A", "deliberation:intake", ("beraad:voorbereiding",),
      LOGIN, 200, N, N, N, N, N, query=lambda w: f"body={w.bodies['a'].pk}"),
    G("intake (GET) for C", "deliberation:intake", ("beraad:voorbereiding",),
      LOGIN, N, N, 200, N, N, N, query=lambda w: f"body={w.bodies['c'].pk}"),
    G("intake (GET) for B (not taking part)", "deliberation:intake", ("beraad:voorbereiding",),
      LOGIN, N, N, N, N, N, N, query=lambda w: f"body={w.bodies['b'].pk}"),
    G("intake (GET) for A, too late", "deliberation:intake", ("beraad:in_beraad",),
      LOGIN, R("deliberation:beraad-detail", "beraad:in_beraad"), N, N, N, N, N,
      query=lambda w: f"body={w.bodies['a'].pk}"),
    G("workspace gepland", "deliberation:workspace", ("beraad:gepland",),
      LOGIN, N, N, N, N, N, N),
    G("workspace voorbereiding", "deliberation:workspace", ("beraad:voorbereiding",),
      LOGIN, N, N, N, N, N, N),
    G("workspace in_beraad", "deliberation:workspace", ("beraad:in_beraad",),
      LOGIN, N, N, N, 200, N, N),
    G("workspace in_beraad htmx", "deliberation:workspace", ("beraad:in_beraad",),
      LOGIN, N, N, N, 200, N, N, htmx=True),
    G("workspace concept_memo", "deliberation:workspace", ("beraad:concept_memo",),
      LOGIN, N, N, N, 200, N, N),
    G("workspace vastgesteld", "deliberation:workspace", ("beraad:vastgesteld",),
      LOGIN, N, N, N, 200, N, N),
    G("workspace gedeeld", "deliberation:workspace", ("beraad:gedeeld",),
      LOGIN, N, N, N, 200, N, N),
    G("tag (GET)", "deliberation:tag", ("beraad:in_beraad",),
      LOGIN, N, N, N, NA, N, N),
    G("tag new theme (GET)", "deliberation:tag-new-theme", ("beraad:in_beraad",),
      LOGIN, N, N, N, NA, N, N),
    G("rode draad gepland", "deliberation:rode-draad", ("beraad:gepland", "theme:tijdigheid"),
      LOGIN, N, N, N, N, N, N),
    G("rode draad voorbereiding", "deliberation:rode-draad",
      ("beraad:voorbereiding", "theme:tijdigheid"),
      LOGIN, N, N, N, N, N, N),
    G("rode draad in_beraad", "deliberation:rode-draad",
      ("beraad:in_beraad", "theme:tijdigheid"),
      LOGIN, N, N, N, 200, N, N),
    G("rode draad concept_memo", "deliberation:rode-draad",
      ("beraad:concept_memo", "theme:tijdigheid"),
      LOGIN, N, N, N, 200, N, N),
    G("rode draad vastgesteld", "deliberation:rode-draad",
      ("beraad:vastgesteld", "theme:tijdigheid"),
      LOGIN, N, N, N, 200, N, N),
    G("rode draad gedeeld", "deliberation:rode-draad", ("beraad:gedeeld", "theme:tijdigheid"),
      LOGIN, N, N, N, 200, N, N),

    # -- Themes and recommendations --------------------------------------------------------
    G("themes", "deliberation:theme-list", (),
      LOGIN, N, N, N, 200, N, N),
    G("theme", "deliberation:theme-detail", ("theme:tijdigheid",),
      LOGIN, N, N, N, 200, N, N),
    G("recommendations", "deliberation:recommendation-list", (),
      LOGIN, N, N, N, 200, 200, 200),
    G("recommendations open", "deliberation:recommendation-list", (),
      LOGIN, N, N, N, 200, 200, 200, query="status=open"),
    G("recommendation in_beraad", "deliberation:recommendation-detail", ("rec:in_beraad",),
      LOGIN, N, N, N, 200, N, 200),
    G("recommendation concept_memo", "deliberation:recommendation-detail",
      ("rec:concept_memo",),
      LOGIN, N, N, N, 200, N, 200),
    G("recommendation vastgesteld", "deliberation:recommendation-detail",
      ("rec:vastgesteld",),
      LOGIN, N, N, N, 200, N, 200),
    G("recommendation gedeeld", "deliberation:recommendation-detail", ("rec:gedeeld",),
      LOGIN, N, N, N, 200, 200, 200),
    # Removing a recommendation is asked first; an adopted one sends the chair back.
    G("delete recommendation (GET)", "deliberation:recommendation-delete", ("rec:in_beraad",),
      LOGIN, N, N, N, 200, N, N),
    G("delete recommendation, shared (GET)", "deliberation:recommendation-delete",
      ("rec:gedeeld",),
      LOGIN, N, N, N, R("deliberation:rode-draad", "beraad:gedeeld", "theme:tijdigheid"), N, N),

    # -- Memos and the dashboard ------------------------------------------------------------
    G("memos gepland", "reports:memo-list", ("beraad:gepland",),
      LOGIN, N, N, N, N, N, N),
    G("memos voorbereiding", "reports:memo-list", ("beraad:voorbereiding",),
      LOGIN, N, N, N, N, N, N),
    G("memos in_beraad", "reports:memo-list", ("beraad:in_beraad",),
      LOGIN, 200, N, 200, 200, N, 200),
    G("memos in_beraad htmx", "reports:memo-list", ("beraad:in_beraad",),
      LOGIN, 200, N, 200, 200, N, 200, htmx=True),
    G("memos concept_memo", "reports:memo-list", ("beraad:concept_memo",),
      LOGIN, 200, N, 200, 200, N, 200),
    G("memos vastgesteld", "reports:memo-list", ("beraad:vastgesteld",),
      LOGIN, 200, N, 200, 200, N, 200),
    G("memos vastgesteld htmx", "reports:memo-list", ("beraad:vastgesteld",),
      LOGIN, 200, N, 200, 200, N, 200, htmx=True),
    G("memos gedeeld", "reports:memo-list", ("beraad:gedeeld",),
      LOGIN, 200, N, 200, 200, 200, 200),
    G("memos gedeeld htmx", "reports:memo-list", ("beraad:gedeeld",),
      LOGIN, 200, N, 200, 200, 200, 200, htmx=True),
    # The definitive memo is asked first (GET ?kind=definitief); where it cannot be made
    # (made already, not adopted) and for any other GET: back to the memo page.
    G("request memo (GET)", "reports:memo-request", ("beraad:in_beraad",),
      LOGIN, N, N, N, R("reports:memo-list", "beraad:in_beraad"), N, N),
    G("request the definitive memo (GET), made already", "reports:memo-request",
      ("beraad:vastgesteld",),
      LOGIN, N, N, N, R("reports:memo-list", "beraad:vastgesteld"), N, N,
      query="kind=definitief"),
    G("request the definitive memo (GET), not adopted", "reports:memo-request",
      ("beraad:concept_memo",),
      LOGIN, N, N, N, R("reports:memo-list", "beraad:concept_memo"), N, N,
      query="kind=definitief"),
    G("retry memo (GET)", "reports:memo-retry", ("memo:mislukt@in_beraad",),
      LOGIN, N, N, N, NA, N, N),
    G("pdf concept in_beraad", "reports:memo-download", ("memo:concept@in_beraad",),
      LOGIN, 200, N, 200, 200, N, 200),
    G("pdf failed in_beraad", "reports:memo-download", ("memo:mislukt@in_beraad",),
      LOGIN, N, N, N, N, N, N),
    G("pdf concept concept_memo", "reports:memo-download", ("memo:concept@concept_memo",),
      LOGIN, 200, N, 200, 200, N, 200),
    G("pdf concept vastgesteld", "reports:memo-download", ("memo:concept@vastgesteld",),
      LOGIN, 200, N, 200, 200, N, 200),
    G("pdf definitief vastgesteld", "reports:memo-download", ("memo:definitief@vastgesteld",),
      LOGIN, 200, N, 200, 200, N, 200),
    G("pdf concept gedeeld", "reports:memo-download", ("memo:concept@gedeeld",),
      LOGIN, 200, N, 200, 200, N, 200),
    G("pdf definitief gedeeld", "reports:memo-download", ("memo:definitief@gedeeld",),
      LOGIN, 200, N, 200, 200, 200, 200),
    G("pdf of nothing", "reports:memo-download", (999_999,),
      LOGIN, N, N, N, N, N, N),
    G("dashboard", "reports:dashboard", (),
      LOGIN, N, N, N, 200, 200, 200),
]
# fmt: on

# Where a role must find titles (so that the search for leaks reads real lists).
MUST_SEE = {
    "workspace A": {"member_a": OF_A, "chair": OF_A - {"a-concept"}, "admin": OF_A},
    "workspace A search": {"member_a": OF_A},
    "export A csv": {"member_a": OF_A, "chair": OF_A - {"a-concept"}},
    "export A xlsx": {"member_a": OF_A, "admin": OF_A},
    "export A csv search": {"member_a": OF_A},
    "workspace B": {"member_b": OF_B},
    "workspace B search": {"member_b": OF_B},
    "workspace B search htmx": {"member_b": OF_B},
    "export B csv": {"member_b": OF_B},
    "export B xlsx": {"member_b": OF_B},
    "export B csv search": {"member_b": OF_B},
    "workspace C": {"member_c": OF_C},
    "workspace in_beraad": {"chair": {"a-in_beraad", "c-in_beraad"}},
    "signal C in_beraad": {"member_a": {"c-in_beraad"}},
    "signal A in_beraad": {"member_c": {"a-in_beraad"}},
}


# The pages of single records: a role that may not open one must not find a link to it either.
RECORD_PAGES = {
    "signals:signal-detail",
    "deliberation:beraad-detail",
    "deliberation:recommendation-detail",
    "reports:memo-list",
    "reports:memo-download",
}


def hidden_links(w: World, role: str) -> set[str]:
    """The addresses of the records the table closes to ``role``, as they appear in a link."""
    column = ROLES.index(role)
    return {
        row.url(w)
        for row in GET_TABLE
        if row.name in RECORD_PAGES and not row.query and row.expected[column] in (N, LOGIN)
    }


def shown_text(response) -> str | None:
    """The text of a response that may hold titles (pages, fragments, exports)."""
    content_type = response.get("Content-Type", "")
    if response.streaming:
        return None  # the memo PDFs: checked on their own
    if "spreadsheetml" in content_type:
        workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
        return "\n".join(
            str(value)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    if content_type.startswith(("text/", "application/json")):
        return response.content.decode("utf-8-sig")
    return None


def read_pdf(response) -> bytes:
    # Read to the end, which closes the file (the test client's wrapper); closing the response
    # by hand would end the "request" and with it the test's database connection.
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("role", ROLES)
def test_every_url_answers_each_role_as_the_table_says_and_shows_no_other_titles(
    client, world, role
):
    sign_in_as(client, world, role)
    column = ROLES.index(role)
    links = hidden_links(world, role)
    mismatches = []
    for row in GET_TABLE:
        expected = row.expected[column]
        url = row.url(world)
        response = client.get(url, headers=row.headers())
        problem = check(world, response, expected)
        if problem:
            mismatches.append(f"{row.case} (GET {url}) as {role}: {problem}")
        if response.status_code != 200:
            continue
        if row.name == "reports:memo-download":
            content = read_pdf(response)
            if response["Content-Type"] != "application/pdf" or content != FAKE_PDF:
                mismatches.append(f"{row.case} as {role}: not the memo's PDF")
            continue
        text = shown_text(response)
        if text is None:
            mismatches.append(f"{row.case} as {role}: unexpected {response['Content-Type']}")
            continue
        for key in sorted(MAY_NOT_SEE[role]):
            if TITLES[key] in text:
                mismatches.append(f"{row.case} (GET {url}) as {role}: LEAK of {key}")
        for link in sorted(links):
            if any(f'"{link}{end}' in text for end in '"#?'):
                mismatches.append(f"{row.case} (GET {url}) as {role}: a link to {link}")
        for key in sorted(MUST_SEE.get(row.case, {}).get(role, ())):
            if TITLES[key] not in text:
                mismatches.append(f"{row.case} (GET {url}) as {role}: {key} is missing")
    print(f"{len(GET_TABLE)} GET cases checked as {role}")
    assert not mismatches, "\n".join(mismatches)


def test_members_get_no_link_to_a_recommendation_they_cannot_open(client, world):
    recommendation = world.recommendations["gedeeld"]
    url = recommendation.get_absolute_url()
    for role in ("member_a", "member_c"):
        sign_in_as(client, world, role)
        assert client.get(url).status_code == 404
        html = client.get(world.beraden["gepland"].get_absolute_url()).content.decode()
        assert recommendation.text in html  # on the agenda of the next session, by design
        assert f'href="{url}"' not in html, role


def test_a_member_of_b_finds_nothing_of_a_in_the_lists_of_b(client, world):
    """The search, the filters, the htmx requests and the exports of body B, as a member of B:
    B's signals, and not one of A's (whose titles hold the words searched for)."""
    client.force_login(world.users["member_b"])
    workspace = reverse("signals:body-detail", args=["ombudsman"])
    queries = [f"q={SEARCH}", "q=rekenkamer", "q=charlie", "state=besproken", "state=in_beraad"]
    for query in ["", *queries]:
        for headers in ({}, HTMX):
            html = client.get(f"{workspace}?{query}", headers=headers).content.decode()
            assert not [key for key in OF_A if TITLES[key] in html], query
        for fmt in ("csv", "xlsx"):
            response = client.get(
                reverse("signals:signal-export", args=["ombudsman", fmt]) + f"?{query}"
            )
            assert response.status_code == 200
            text = shown_text(response)
            assert not [key for key in OF_A if TITLES[key] in text], (fmt, query)
    found = client.get(f"{workspace}?q={SEARCH}").content.decode()
    assert all(TITLES[key] in found for key in OF_B)
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(
                    reverse("signals:signal-export", args=["ombudsman", "csv"])
                ).content.decode("utf-8-sig")
            ),
            delimiter=";",
        )
    )
    assert len(rows) == 1 + len(OF_B)


# --- POSTs ------------------------------------------------------------------------------------
def signal_form(w: World, **changes) -> dict:
    data = {
        "title": "Terugbelverzoeken niet opgevolgd",
        "description": "Inwoners worden niet teruggebeld na een verzoek daartoe.",
        "period_start": "2026-01-01",
        "period_end": "2026-06-30",
        "case_count": "7",
        "impact": "midden",
        "source_reference": "Kwartaalrapportage Q2",
        "details_indeling": ["doelmatigheid"],
        "details_rapport": "",
        "details_opvolging": "",
    }
    data.update(changes)
    return data


def import_file(w: World) -> dict:
    header, rows, _notes = transfer.template_rows(w.bodies["a"])
    content = transfer.write_csv(header, rows)
    return {"file": SimpleUploadedFile("signalen.csv", content, content_type="text/csv")}


def beraad_form(w: World, key: str) -> dict:
    beraad = w.beraden[key]
    return {
        "title": "Gewijzigde titel",
        "date": beraad.date.isoformat(),
        "period_start": beraad.period_start.isoformat(),
        "period_end": beraad.period_end.isoformat(),
        "submission_deadline": beraad.submission_deadline.isoformat(),
        "bodies": [w.bodies["a"].pk, w.bodies["c"].pk],
        "min_bodies": 2,
        "agenda": "",
        "attendance": "",
        "minutes": "",
        "summary": "",
        "version": beraad.version,
    }


def new_beraad(w: World) -> dict:
    return {
        "title": "Rode-dradenberaad voorjaar 2028",
        "season": "voorjaar",
        "year": 2028,
        "date": "2028-03-15",
        "period_start": "2027-07-01",
        "period_end": "2027-12-31",
        "submission_deadline": "2028-02-23",
        "bodies": [w.bodies["a"].pk],
        "min_bodies": 2,
        "agenda": "",
    }


def tagging(key: str, theme: str = "bereikbaarheid") -> Callable[[World], dict]:
    def data(w: World) -> dict:
        return {"inclusion": w.inclusion(key).pk, "theme": w.themes[theme].pk, "tagged": "1"}

    return data


def response_form(key: str) -> Callable[[World], dict]:
    def data(w: World) -> dict:
        return {
            "version": w.recommendations[key].version,
            "response": "overgenomen",
            "response_reason": "",
            "owner": "Directeur Publiekszaken",
            "due_date": "2027-06-01",
            "status": "in_uitvoering",
            "progress": "Het plan van aanpak is vastgesteld.",
        }

    return data


def version_of(key: str) -> Callable[[World], dict]:
    return lambda w: {"version": w.signals[key].version}


def nothing(w: World) -> dict:
    return {}


def detail(key: str) -> Redirect:
    return R("signals:signal-detail", f"sig:{key}")


def session(key: str) -> Redirect:
    return R("deliberation:beraad-detail", f"beraad:{key}")


# fmt: off
POST_TABLE = [
    #  case / url name / args / data
    #                                  anon   A    B    C   chair reader admin
    # -- Signals --------------------------------------------------------------------------
    P("create signal in A", "signals:signal-create", ("body:a",), signal_form,
      LOGIN, CHANGES, N, N, N, N, N),
    P("import into A", "signals:signal-import", ("body:a",), import_file,
      LOGIN, CHANGES, N, N, N, N, N),
    P("edit A concept", "signals:signal-update", ("sig:a-concept",),
      lambda w: signal_form(w, version=w.signals["a-concept"].version),
      LOGIN, CHANGES, N, N, N, N, N),
    P("edit A ingediend", "signals:signal-update", ("sig:a-ingediend",),
      lambda w: signal_form(w, version=w.signals["a-ingediend"].version),
      LOGIN, detail("a-ingediend"), N, N, N, N, N),
    P("edit A in_beraad", "signals:signal-update", ("sig:a-in_beraad",),
      lambda w: signal_form(w, version=w.signals["a-in_beraad"].version),
      LOGIN, detail("a-in_beraad"), N, N, N, N, N),
    P("submit A concept", "signals:signal-submit", ("sig:a-concept",), version_of("a-concept"),
      LOGIN, CHANGES, N, N, N, N, N),
    P("submit B concept", "signals:signal-submit", ("sig:b-concept",), version_of("b-concept"),
      LOGIN, N, CHANGES, N, N, N, N),
    P("withdraw A ingediend", "signals:signal-withdraw", ("sig:a-ingediend",),
      version_of("a-ingediend"),
      LOGIN, CHANGES, N, N, N, N, N),
    P("withdraw A in_beraad", "signals:signal-withdraw", ("sig:a-in_beraad",),
      version_of("a-in_beraad"),
      LOGIN, detail("a-in_beraad"), N, N, N, N, N),
    P("withdraw C ingediend", "signals:signal-withdraw", ("sig:c-ingediend",),
      version_of("c-ingediend"),
      LOGIN, N, N, CHANGES, N, N, N),
    P("delete A concept", "signals:signal-delete", ("sig:a-concept",), version_of("a-concept"),
      LOGIN, CHANGES, N, N, N, N, N),
    P("delete A besproken", "signals:signal-delete", ("sig:a-gedeeld",),
      version_of("a-gedeeld"),
      LOGIN, detail("a-gedeeld"), N, N, N, N, N),
    # -- Sessions -------------------------------------------------------------------------
    P("plan a beraad", "deliberation:beraad-create", (), new_beraad,
      LOGIN, N, N, N, CHANGES, N, N),
    P("edit beraad gepland", "deliberation:beraad-update", ("beraad:gepland",),
      lambda w: beraad_form(w, "gepland"),
      LOGIN, N, N, N, CHANGES, N, N),
    P("edit beraad gedeeld", "deliberation:beraad-update", ("beraad:gedeeld",),
      lambda w: beraad_form(w, "gedeeld"),
      LOGIN, N, N, N, session("gedeeld"), N, N),
    P("open the intake", "deliberation:beraad-transition", ("beraad:gepland", "voorbereiden"),
      nothing,
      LOGIN, N, N, N, CHANGES, N, N),
    P("start the beraad", "deliberation:beraad-transition",
      ("beraad:voorbereiding", "starten"), nothing,
      LOGIN, N, N, N, CHANGES, N, N),
    P("draft the memo", "deliberation:beraad-transition", ("beraad:in_beraad", "concept-memo"),
      nothing,
      LOGIN, N, N, N, CHANGES, N, N),
    P("adopt", "deliberation:beraad-transition", ("beraad:concept_memo", "vaststellen"),
      nothing,
      LOGIN, N, N, N, CHANGES, N, N),
    P("share", "deliberation:beraad-transition", ("beraad:vastgesteld", "delen"), nothing,
      LOGIN, N, N, N, CHANGES, N, N),
    P("share again", "deliberation:beraad-transition", ("beraad:gedeeld", "delen"), nothing,
      LOGIN, N, N, N, session("gedeeld"), N, N),
    P("intake done for A", "deliberation:intake", ("beraad:voorbereiding",),
      lambda w: {"body": w.bodies["a"].pk},
      LOGIN, CHANGES, N, N, N, N, N),
    P("intake done for B (not taking part)", "deliberation:intake", ("beraad:voorbereiding",),
      lambda w: {"body": w.bodies["b"].pk},
      LOGIN, N, N, N, N, N, N),
    P("intake done for C", "deliberation:intake", ("beraad:voorbereiding",),
      lambda w: {"body": w.bodies["c"].pk},
      LOGIN, N, N, CHANGES, N, N, N),
    P("intake done for A, too late", "deliberation:intake", ("beraad:in_beraad",),
      lambda w: {"body": w.bodies["a"].pk},
      LOGIN, session("in_beraad"), N, N, N, N, N),
    # -- Tagging, analyses, recommendations -------------------------------------------------
    P("tag in_beraad", "deliberation:tag", ("beraad:in_beraad",), tagging("a-in_beraad"),
      LOGIN, N, N, N, CHANGES, N, N),
    P("tag in_beraad htmx", "deliberation:tag", ("beraad:in_beraad",), tagging("a-in_beraad"),
      LOGIN, N, N, N, CHANGES, N, N, htmx=True),
    P("tag concept_memo", "deliberation:tag", ("beraad:concept_memo",),
      tagging("a-concept_memo"),
      LOGIN, N, N, N, CHANGES, N, N),
    P("tag adopted", "deliberation:tag", ("beraad:vastgesteld",), tagging("a-vastgesteld"),
      LOGIN, N, N, N, R("deliberation:workspace", "beraad:vastgesteld"), N, N),
    P("tag with a new theme", "deliberation:tag-new-theme", ("beraad:in_beraad",),
      lambda w: {"inclusion": w.inclusion("a-in_beraad").pk, "name": "Dienstverlening"},
      LOGIN, N, N, N, CHANGES, N, N),
    P("tag with a new theme htmx", "deliberation:tag-new-theme", ("beraad:in_beraad",),
      lambda w: {"inclusion": w.inclusion("c-in_beraad").pk, "name": "Dienstverlening"},
      LOGIN, N, N, N, CHANGES, N, N, htmx=True),
    P("write the analysis", "deliberation:rode-draad",
      ("beraad:in_beraad", "theme:tijdigheid"),
      lambda w: {"version": 0, "text": "Aanvragen blijven liggen."},
      LOGIN, N, N, N, CHANGES, N, N),
    P("add a recommendation", "deliberation:rode-draad",
      ("beraad:in_beraad", "theme:tijdigheid"),
      lambda w: {"add_recommendation": "1", "text": "Meet de doorlooptijd.",
                 "addressee": "burgemeester"},
      LOGIN, N, N, N, CHANGES, N, N),
    P("write the analysis, adopted", "deliberation:rode-draad",
      ("beraad:vastgesteld", "theme:tijdigheid"),
      lambda w: {"version": 0, "text": "Te laat."},
      LOGIN, N, N, N, R("deliberation:rode-draad", "beraad:vastgesteld", "theme:tijdigheid"),
      N, N),
    P("add a theme", "deliberation:theme-list", (),
      lambda w: {"name": "Dienstverlening", "description": ""},
      LOGIN, N, N, N, CHANGES, N, N),
    P("rename a theme", "deliberation:theme-detail", ("theme:bereikbaarheid",),
      lambda w: {"name": "Telefonische bereikbaarheid", "description": ""},
      LOGIN, N, N, N, CHANGES, N, N),
    # A merge is asked first: the first POST shows what moves, the second (confirm) merges.
    P("merge a theme, asked first", "deliberation:theme-detail", ("theme:bereikbaarheid",),
      lambda w: {"merge": "1", "target": w.themes["tijdigheid"].pk},
      LOGIN, N, N, N, 200, N, N),
    P("merge a theme", "deliberation:theme-detail", ("theme:bereikbaarheid",),
      lambda w: {"merge": "1", "target": w.themes["tijdigheid"].pk, "confirm": "1"},
      LOGIN, N, N, N, CHANGES, N, N),
    P("respond, shared", "deliberation:recommendation-detail", ("rec:gedeeld",),
      response_form("gedeeld"),
      LOGIN, N, N, N, CHANGES, CHANGES, N),
    P("respond, not shared yet", "deliberation:recommendation-detail", ("rec:vastgesteld",),
      response_form("vastgesteld"),
      LOGIN, N, N, N, 200, N, N),
    P("delete a recommendation", "deliberation:recommendation-delete", ("rec:in_beraad",),
      nothing,
      LOGIN, N, N, N, CHANGES, N, N),
    P("delete a recommendation, shared", "deliberation:recommendation-delete",
      ("rec:gedeeld",), nothing,
      LOGIN, N, N, N, R("deliberation:rode-draad", "beraad:gedeeld", "theme:tijdigheid"),
      N, N),
    # -- Memos -------------------------------------------------------------------------------
    P("request a concept memo", "reports:memo-request", ("beraad:in_beraad",), nothing,
      LOGIN, N, N, N, CHANGES, N, N),
    P("request the definitive memo", "reports:memo-request", ("beraad:vastgesteld",),
      lambda w: {"kind": "definitief"},
      LOGIN, N, N, N, R("reports:memo-list", "beraad:vastgesteld"), N, N),
    P("retry a failed memo", "reports:memo-retry", ("memo:mislukt@in_beraad",), nothing,
      LOGIN, N, N, N, CHANGES, N, N),
    P("retry a ready memo", "reports:memo-retry", ("memo:concept@in_beraad",), nothing,
      LOGIN, N, N, N, R("reports:memo-list", "beraad:in_beraad"), N, N),
    # -- The account and the admin -----------------------------------------------------------
    # Recovery codes need a verified session (members have no authenticator here).
    P("make recovery codes", "two_factor:backup_tokens", (), nothing,
      LOGIN, LOGIN, LOGIN, LOGIN, CHANGES, CHANGES, CHANGES),
    P("switch two factors off", "two_factor:disable", (), lambda w: {"understand": "on"},
      LOGIN, R("home"), R("home"), R("home"), N, N, N),
    P("admin: make oneself administrator", "admin:accounts_user_change", ("user:member_b",),
      lambda w: {"username": "lid-ombudsman", "role": Role.ADMIN, "is_active": "on"},
      LOGIN, N, N, N, N, N, NOT_HERE),
    P("admin: join body A", "admin:signals_membership_add", (),
      lambda w: {"user": w.users["member_b"].pk, "body": w.bodies["a"].pk},
      LOGIN, N, N, N, N, N, NOT_HERE),
    P("admin: delete a signal", "admin:signals_signal_delete", ("sig:a-concept",),
      lambda w: {"post": "yes"},
      LOGIN, N, N, N, N, N, NOT_HERE),
]
# fmt: on

# Records about requests, not the data: sessions, the audit trail, django-axes' logs.
NOT_DATA = {"sessions.session", "audit.auditentry", "auditlog.logentry"}


def snapshot() -> dict:
    """Every row of every model (but NOT_DATA), to compare before and after."""
    state = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in NOT_DATA or model._meta.app_label == "axes" or model._meta.proxy:
            continue
        state[label] = list(model._base_manager.order_by("pk").values())
    return state


def differences(before: dict, after: dict) -> list[str]:
    return [
        f"{label}: {len(before[label])} rows before, {len(after[label])} after"
        if len(before[label]) != len(after[label])
        else f"{label}: rows changed"
        for label in before
        if before[label] != after[label]
    ]


def post(client, w: World, row: Case):
    return client.post(row.url(w), row.data(w), headers=row.headers())


@pytest.mark.parametrize("role", ROLES)
def test_posts_a_role_may_not_make_are_refused_and_change_nothing(client, world, role):
    sign_in_as(client, world, role)
    column = ROLES.index(role)
    mismatches, checked = [], 0
    before = snapshot()
    for row in POST_TABLE:
        expected = row.expected[column]
        if expected in (CHANGES, NOT_HERE):
            continue
        checked += 1
        response = post(client, world, row)
        problem = check(world, response, expected)
        if problem:
            mismatches.append(f"{row.case} (POST {row.url(world)}) as {role}: {problem}")
        after = snapshot()
        if after != before:
            mismatches.append(f"{row.case} as {role} CHANGED {differences(before, after)}")
            before = after
    print(f"{checked} refused POST cases checked as {role}")
    assert checked
    assert not mismatches, "\n".join(mismatches)


def test_the_same_posts_by_a_role_that_may_make_them_do_change_the_data(client, world):
    """The control of the test above: its requests are real, so its refusals are refusals.
    Each runs in a savepoint that is rolled back, so that each finds the scenario as built."""
    mismatches, checked = [], 0
    for row in POST_TABLE:
        for role, expected in zip(ROLES, row.expected, strict=True):
            if expected != CHANGES:
                continue
            checked += 1
            sign_in_as(client, world, role)
            before = snapshot()
            with transaction.atomic():
                response = post(client, world, row)
                changed = snapshot() != before
                transaction.set_rollback(True)
            if response.status_code not in (200, 302) or not changed:
                mismatches.append(
                    f"{row.case} as {role}: {response.status_code}, changed: {changed}"
                )
    assert checked >= 25
    assert not mismatches, "\n".join(mismatches)


# --- The Django admin, as a group -----------------------------------------------------------
ADMIN_ROLES = (*ROLES, "admin_unverified", "admin_without_2fa")
# The admin pages a verified administrator opens (the rest of the admin's own behaviour, its
# add and delete forms, is tested in the apps' admin tests).
ADMIN_PAGES = ("index", "app_list", "changelist", "change", "history")


def admin_urls(w: World) -> list[tuple[str, str, str]]:
    """(kind, URL name, URL) of every URL pattern of the admin, with a real object for the
    patterns that take one."""
    site = admin.site
    cases = []
    missing = []
    for model, model_admin in site._registry.items():
        obj = model._default_manager.order_by("pk").first()
        if obj is None:
            missing.append(model._meta.label)
            continue
        for pattern in model_admin.get_urls():
            if pattern.name is None:  # <object_id>/: a redirect to the change page
                opts = model._meta
                url = reverse("admin:index") + f"{opts.app_label}/{opts.model_name}/{obj.pk}/"
                cases.append(("object", "", url))
                continue
            kwargs = dict.fromkeys(pattern.pattern.converters, obj.pk)
            kind = pattern.name.rsplit("_", 1)[-1]
            cases.append(
                (kind, f"admin:{pattern.name}", reverse(f"admin:{pattern.name}", kwargs=kwargs))
            )
    assert not missing, f"the scenario has no object for the admin of {missing}"
    signal = w.signals["a-concept"]
    special = {
        "view_on_site": [
            {
                "content_type_id": ContentType.objects.get_for_model(signal).pk,
                "object_id": signal.pk,
            }
        ],
        "app_list": [
            {"app_label": label}
            for label in sorted({model._meta.app_label for model in site._registry})
        ],
    }
    for pattern in site.get_urls():
        if isinstance(pattern, URLResolver):
            continue  # the model admins, above
        if pattern.name is None:  # the catch-all
            cases.append(("catch-all", "", reverse("admin:index") + "geen-pagina/"))
            continue
        for kwargs in special.get(pattern.name, [{}]):
            url = reverse(f"admin:{pattern.name}", kwargs=kwargs)
            cases.append((pattern.name, f"admin:{pattern.name}", url))
    return cases


def admin_expected(role: str, kind: str):
    """What ``role`` gets for an admin URL of ``kind``; None: not asked here."""
    if role in ("admin_unverified", "admin_without_2fa") and kind not in ADMIN_PAGES:
        return None  # an administrator without a verified second factor: the pages it opens
    if role == "admin_without_2fa":  # first an authenticator, whatever is asked
        return R("two_factor:setup")
    if kind == "login":  # the admin's login page sends everyone to the site's own
        return LOGIN
    if role == "anon":
        return ANY_LOGIN
    if role == "admin_unverified":  # signed out, and asked to sign in with both factors
        return LOGIN
    if role == "admin":
        return 200 if kind in ADMIN_PAGES else None
    return N


@pytest.mark.parametrize("role", ADMIN_ROLES)
def test_only_a_verified_administrator_opens_the_admin(client, world, role):
    unverified = {
        "admin_unverified": world.users["admin"],  # has an authenticator, but did not use it
        "admin_without_2fa": UserFactory(username="beheerder-zonder-app", role=Role.ADMIN),
    }
    cases = admin_urls(world)
    mismatches, checked = [], 0
    sign_in_as(client, world, role if role in ROLES else "anon")
    for kind, _name, url in cases:
        expected = admin_expected(role, kind)
        if expected is None:
            continue
        if role in unverified:
            # Signed in again each time: the unverified session is ended at its first request.
            client.force_login(unverified[role], verified=False)
        checked += 1
        response = client.get(url)
        problem = check(world, response, expected)
        if problem:
            mismatches.append(f"admin {kind} (GET {url}) as {role}: {problem}")
    print(f"{checked} admin cases checked as {role}")
    assert checked >= 3 * len(admin.site._registry)
    assert not mismatches, "\n".join(mismatches)


# --- Nothing without an expectation -----------------------------------------------------------
def url_patterns() -> tuple[set[str], list[str]]:
    """The names of every URL pattern of the site (with their namespaces), and the patterns
    without a name."""
    names, unnamed = set(), []

    def walk(resolver, namespaces, prefix):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                walk(
                    pattern,
                    namespaces + ([pattern.namespace] if pattern.namespace else []),
                    prefix + str(pattern.pattern),
                )
            elif isinstance(pattern, URLPattern):
                if pattern.name:
                    names.add(":".join([*namespaces, pattern.name]))
                else:
                    unnamed.append(f"{':'.join(namespaces)} {prefix}{pattern.pattern}")

    walk(get_resolver(), [], "")
    return names, unnamed


def test_every_url_pattern_is_in_the_matrix(world):
    names, unnamed = url_patterns()
    site_names = {name for name in names if not name.startswith("admin:")}
    assert {"home", "two_factor:setup", "signals:signal-detail", "reports:dashboard"} <= site_names
    in_the_table = {row.name for row in GET_TABLE}
    missing = sorted(site_names - in_the_table)
    assert not missing, f"URL patterns without a row in GET_TABLE: {missing}"
    # Every POST row names a real URL.
    assert {row.name for row in POST_TABLE} <= names
    # Outside the admin, every pattern has a name (an unnamed one could not be in the table).
    assert not [pattern for pattern in unnamed if not pattern.startswith("admin ")], unnamed
    # The admin group reaches every named admin pattern with a real object.
    admin_names = {name for name in names if name.startswith("admin:")}
    reached = {name for _kind, name, _url in admin_urls(world)}
    assert admin_names - reached == set(), sorted(admin_names - reached)
    # Each role and state has its row: the six sessions, the signal states, the memo kinds.
    covered = {arg for row in GET_TABLE for arg in row.args if isinstance(arg, str)}
    assert {f"beraad:{state}" for state in BeraadState.values} <= covered
    assert {f"sig:{key}" for key in TITLES} <= covered
    assert {f"memo:{key}" for key in world.memos} <= covered
    assert {f"rec:{key}" for key in world.recommendations} <= covered
    assert {world.signals[key].state for key in OF_A} == set(SignalState.values)
    assert {beraad.state for beraad in world.beraden.values()} == set(BeraadState.values)
