"""CSRF (issue 6): every state-changing request needs the form's token.

Every URL pattern of the site is walked (the admin through a representative set) and posted to
by the role that may use it, with real objects in its address and a realistic form, the way a
page on another site would: without the CSRF cookie, with the cookie but without the token,
with a wrong token (in the form and in htmx' header), and with the right token but from another
origin. Each answer must be the 403 page of the CSRF check (in Dutch), and the database must
be exactly as before: every row of every table, the sessions (so nobody was signed in or out),
and no e-mail may leave.

So that the 403 cannot come from anything but the missing token, the same request with the
right token is sent last: it must get through (no 403, no 404), and where it changes something
it must be seen to change the database. A URL pattern without a route here fails the meta-check,
so a new page cannot be skipped silently.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from deliberation import services as deliberation_services
from deliberation.models import Addressee, BeraadState, Recommendation
from reports.models import Memo, MemoKind, MemoState
from signals.models import Aspect, OrganisationUnit
from tests.conftest import verify_second_factor
from tests.deliberation.helpers import advance, inclusion, submitted, tag
from tests.factories import (
    PASSWORD,
    BeraadFactory,
    SignalFactory,
    ThemeFactory,
)
from tests.reports.helpers import earlier_shared_session, ready_memo

# A CSRF secret is 32 letters and digits; the cookie holds it, the form may send it unmasked.
TOKEN = "RodeDraden" * 3 + "Ok"
WRONG_TOKEN = "Aanvaller" * 3 + "Hack0"
FOREIGN_ORIGIN = "https://aanvaller.example"
NEW_PASSWORD = "een-ander-lang-wachtwoord-2026"


# --- The world the requests act on --------------------------------------------------------------
class World:
    """The objects the addresses point at, each made when a route first asks for it (every
    test makes only what its route needs)."""

    def __init__(self, *, body, other_body, member, chair, reader, admin_user):
        self.body = body
        self.other_body = other_body
        self.member = member
        self.chair = chair
        self.reader = reader
        self.admin_user = admin_user

    def user(self, role: str):
        return {
            "member": self.member,
            "member-verified": self.member,
            "chair": self.chair,
            "reader": self.reader,
            "admin": self.admin_user,
        }[role]

    @cached_property
    def draft(self):
        return SignalFactory(body=self.body, author=self.member)

    @cached_property
    def theme(self):
        return ThemeFactory(name="Tijdigheid")

    @cached_property
    def other_theme(self):
        return ThemeFactory(name="Bereikbaarheid")

    @cached_property
    def started(self):
        """Najaar 2026, in session: a signal of each body, the first tagged, a recommendation."""
        beraad = BeraadFactory(chair=self.chair, bodies=[self.body, self.other_body])
        self.included = submitted(self.body, title="Aanvragen blijven liggen")
        submitted(self.other_body, title="Wachttijden jeugdhulp")
        beraad = advance(beraad, self.chair, BeraadState.IN_BERAAD)
        tag(beraad, self.included, self.theme, self.chair)
        return beraad

    @cached_property
    def inclusion(self):
        self.started  # noqa: B018 - makes the signal that is included
        return inclusion(self.included)

    @cached_property
    def recommendation(self):
        return deliberation_services.recommendation_create(
            beraad=self.started,
            theme=self.theme,
            user=self.chair,
            text="Stel per voorziening een doorlooptijd vast.",
            addressee=Addressee.BURGEMEESTER,
        )

    @cached_property
    def withdrawable(self):
        """Submitted, in no session that has started."""
        self.started  # noqa: B018 - first the session, which takes the signals there are
        return submitted(self.body, title="Brieven naar een oud adres")

    @cached_property
    def preparing(self):
        """Voorjaar 2027, in preparation: the bodies may submit."""
        beraad = BeraadFactory(
            chair=self.chair, season="voorjaar", year=2027, bodies=[self.body, self.other_body]
        )
        return advance(beraad, self.chair, BeraadState.VOORBEREIDING)

    @cached_property
    def shared_recommendation(self):
        """A recommendation of a shared session that has no response yet."""
        earlier = earlier_shared_session(
            self.chair, self.reader, self.body, self.other_body, self.theme
        )
        return Recommendation.objects.filter(beraad=earlier, response="").first()

    @cached_property
    def ready_memo(self):
        return ready_memo(self.started, requested_by=self.chair)

    @cached_property
    def failed_memo(self):
        return Memo.objects.create(
            beraad=self.started,
            version=1,
            kind=MemoKind.CONCEPT,
            state=MemoState.MISLUKT,
            requested_by=self.chair,
            error="Het renderen mislukte.",
        )

    @cached_property
    def spare_aspect(self):
        return Aspect.objects.create(name="Wendbaarheid", slug="wendbaarheid", order=99)

    @cached_property
    def spare_unit(self):
        return OrganisationUnit.objects.create(name="Team Archief")

    @cached_property
    def reset_uid(self):
        return urlsafe_base64_encode(force_bytes(self.member.pk))


def signal_form(world: World) -> dict:
    return {
        "title": "Beslistermijnen overschreden",
        "description": "Bij een derde van de aanvragen werd de termijn overschreden.",
        "period_start": "2026-01-01",
        "period_end": "2026-06-30",
        "case_count": "3",
        "impact": "midden",
        "details_indeling": ["rechtmatigheid"],
        "details_opvolging": "niet",
    }


def import_file(world: World) -> dict:
    rows = [
        "titel;omschrijving;periode_van;periode_tot",
        "Facturen te laat betaald;Leveranciers wachtten langer dan dertig dagen.;"
        "01-01-2026;30-06-2026",
    ]
    content = ("\r\n".join(rows) + "\r\n").encode("utf-8")
    return {"file": SimpleUploadedFile("signalen.csv", content, content_type="text/csv")}


def beraad_edit_form(beraad) -> dict:
    return {
        "version": beraad.version,
        "title": beraad.title,
        "date": beraad.date.isoformat(),
        "period_start": beraad.period_start.isoformat(),
        "period_end": beraad.period_end.isoformat(),
        "submission_deadline": beraad.submission_deadline.isoformat(),
        "bodies": [b.pk for b in beraad.bodies.all()],
        "min_bodies": beraad.min_bodies,
        "agenda": "1. Opening",
        "attendance": "De secretarissen van de organen",
        "minutes": "",
        "summary": "",
    }


def prepare_reset(client: Client, world: World) -> None:
    """The link of the reset e-mail, opened: the token goes into the session and the browser
    is sent on to the form, at …/set-password/."""
    token = default_token_generator.make_token(world.member)
    url = reverse("password_reset_confirm", kwargs={"uidb64": world.reset_uid, "token": token})
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].endswith("/set-password/")


# --- The routes ---------------------------------------------------------------------------------
def no_data(world: World) -> dict:
    return {}


@dataclass(frozen=True)
class Route:
    role: str  # "anonymous", or the role that may use the page ("member-verified": a member
    # who has set up and verified a second factor)
    kwargs: Callable[[World], dict] = no_data
    data: Callable[[World], dict] = no_data
    changes: bool = False  # does the request with the right token change the database?
    htmx: bool = False
    prepare: Callable[[Client, World], None] | None = None
    extra: dict = field(default_factory=dict)
    # GET only, answered before the CSRF check (/health/, ahead of every middleware that
    # reads the database): every POST is refused with 405 and changes nothing.
    get_only: bool = False


def _slug(world):
    return {"slug": world.body.slug}


ROUTES: dict[str, Route] = {
    # --- The site and the accounts
    "home": Route("member"),
    "health": Route("anonymous", get_only=True),
    "accessibility": Route("anonymous"),
    "set_language": Route("anonymous", data=lambda w: {"language": "en", "next": "/"}),
    "login": Route(
        "anonymous",
        data=lambda w: {
            "login_view-current_step": "auth",
            "auth-username": w.member.username,
            "auth-password": PASSWORD,
        },
        changes=True,
    ),
    "logout": Route("member", changes=True),
    "password_change": Route(
        "member",
        data=lambda w: {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
        changes=True,
    ),
    "password_change_done": Route("member"),
    "password_reset": Route("anonymous", data=lambda w: {"email": w.member.email}),
    "password_reset_done": Route("anonymous"),
    "password_reset_confirm": Route(
        "anonymous",
        kwargs=lambda w: {"uidb64": w.reset_uid, "token": "set-password"},
        data=lambda w: {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        changes=True,
        prepare=prepare_reset,
    ),
    "password_reset_complete": Route("anonymous"),
    "two_factor:profile": Route("chair"),
    "two_factor:setup": Route(
        "member", data=lambda w: {"setup_view-current_step": "welcome"}, changes=True
    ),
    "two_factor:qr": Route("member"),
    "two_factor:setup_complete": Route("chair"),
    "two_factor:backup_tokens": Route("chair", changes=True),
    "two_factor:disable": Route(
        "member-verified", data=lambda w: {"understand": "on"}, changes=True
    ),
    # --- Signals
    "signals:body-list": Route("member"),
    "signals:body-detail": Route("member", kwargs=_slug),
    "signals:signal-create": Route("member", kwargs=_slug, data=signal_form, changes=True),
    "signals:signal-import": Route("member", kwargs=_slug, data=import_file, changes=True),
    "signals:import-template": Route("member", kwargs=lambda w: {**_slug(w), "fmt": "xlsx"}),
    "signals:signal-export": Route("member", kwargs=lambda w: {**_slug(w), "fmt": "csv"}),
    "signals:signal-detail": Route("member", kwargs=lambda w: {"pk": w.draft.pk}),
    "signals:signal-update": Route(
        "member",
        kwargs=lambda w: {"pk": w.draft.pk},
        data=lambda w: {**signal_form(w), "version": w.draft.version},
        changes=True,
    ),
    "signals:signal-submit": Route(
        "member",
        kwargs=lambda w: {"pk": w.draft.pk},
        data=lambda w: {"version": w.draft.version},
        changes=True,
    ),
    "signals:signal-withdraw": Route(
        "member",
        kwargs=lambda w: {"pk": w.withdrawable.pk},
        data=lambda w: {"version": w.withdrawable.version},
        changes=True,
    ),
    "signals:signal-delete": Route(
        "member",
        kwargs=lambda w: {"pk": w.draft.pk},
        data=lambda w: {"version": w.draft.version},
        changes=True,
    ),
    # --- The beraad
    "deliberation:beraad-list": Route("chair"),
    "deliberation:beraad-create": Route(
        "chair",
        data=lambda w: {
            "title": "Rode-dradenberaad najaar 2027",
            "season": "najaar",
            "year": 2027,
            "date": "2027-10-15",
            "period_start": "2027-01-01",
            "period_end": "2027-06-30",
            "submission_deadline": "2027-09-24",
            "bodies": [w.body.pk, w.other_body.pk],
            "min_bodies": 2,
            "agenda": "1. Opening",
        },
        changes=True,
    ),
    "deliberation:beraad-detail": Route("chair", kwargs=lambda w: {"pk": w.started.pk}),
    "deliberation:beraad-update": Route(
        "chair",
        kwargs=lambda w: {"pk": w.preparing.pk},
        data=lambda w: beraad_edit_form(w.preparing),
        changes=True,
    ),
    "deliberation:beraad-transition": Route(
        "chair", kwargs=lambda w: {"pk": w.preparing.pk, "action": "starten"}, changes=True
    ),
    "deliberation:intake": Route(
        "member",
        kwargs=lambda w: {"pk": w.preparing.pk},
        data=lambda w: {"body": w.body.pk},
        changes=True,
    ),
    "deliberation:workspace": Route("chair", kwargs=lambda w: {"pk": w.started.pk}),
    "deliberation:tag": Route(
        "chair",
        kwargs=lambda w: {"pk": w.started.pk},
        data=lambda w: {"inclusion": w.inclusion.pk, "theme": w.other_theme.pk, "tagged": "1"},
        changes=True,
        htmx=True,
    ),
    "deliberation:tag-new-theme": Route(
        "chair",
        kwargs=lambda w: {"pk": w.started.pk},
        data=lambda w: {"inclusion": w.inclusion.pk, "name": "Bejegening"},
        changes=True,
        htmx=True,
    ),
    "deliberation:rode-draad": Route(
        "chair",
        kwargs=lambda w: {"pk": w.started.pk, "theme": w.theme.pk},
        data=lambda w: {"version": 0, "text": "Drie organen zien dat aanvragen blijven liggen."},
        changes=True,
    ),
    "deliberation:theme-list": Route(
        "chair",
        data=lambda w: {"name": "Bereikbaarheid telefonie", "description": "Niet teruggebeld."},
        changes=True,
    ),
    "deliberation:theme-detail": Route(
        "chair",
        kwargs=lambda w: {"pk": w.theme.pk},
        data=lambda w: {"name": "Tijdigheid van besluiten", "description": ""},
        changes=True,
    ),
    "deliberation:recommendation-list": Route("reader"),
    "deliberation:recommendation-detail": Route(
        "reader",
        kwargs=lambda w: {"pk": w.shared_recommendation.pk},
        data=lambda w: {
            "version": w.shared_recommendation.version,
            "response": "overgenomen",
            "response_reason": "",
            "owner": "Directeur Publiekszaken",
            "due_date": "2027-06-01",
            "status": "in_uitvoering",
            "progress": "",
        },
        changes=True,
    ),
    "deliberation:recommendation-delete": Route(
        "chair", kwargs=lambda w: {"pk": w.recommendation.pk}, changes=True
    ),
    # --- The memo and the dashboard
    "reports:memo-list": Route("chair", kwargs=lambda w: {"pk": w.started.pk}),
    "reports:memo-request": Route(
        "chair",
        kwargs=lambda w: {"pk": w.started.pk},
        data=lambda w: {"kind": "concept"},
        changes=True,
    ),
    "reports:memo-retry": Route("chair", kwargs=lambda w: {"pk": w.failed_memo.pk}, changes=True),
    "reports:memo-download": Route("chair", kwargs=lambda w: {"pk": w.ready_memo.pk}),
    "reports:dashboard": Route("reader"),
}

# The admin has a hundred generated patterns; these stand for each kind of them.
ADMIN_ROUTES: dict[str, Route] = {
    "admin:login": Route("anonymous"),
    "admin:logout": Route("admin", changes=True),
    "admin:signals_aspect_changelist": Route(
        "admin",
        data=lambda w: {
            "action": "delete_selected",
            "_selected_action": [w.spare_aspect.pk],
            "post": "yes",
        },
        changes=True,
    ),
    "admin:signals_aspect_change": Route(
        "admin",
        kwargs=lambda w: {"object_id": w.spare_aspect.pk},
        data=lambda w: {
            "name": "Wendbaarheid van de organisatie",
            "slug": "wendbaarheid",
            "description": "",
            "order": 5,
            "is_active": "on",
        },
        changes=True,
    ),
    "admin:signals_organisationunit_add": Route(
        "admin", data=lambda w: {"name": "Team Belastingen", "is_active": "on"}, changes=True
    ),
    "admin:signals_organisationunit_delete": Route(
        "admin",
        kwargs=lambda w: {"object_id": w.spare_unit.pk},
        data=lambda w: {"post": "yes"},
        changes=True,
    ),
    "admin:auth_user_password_change": Route(
        "admin",
        kwargs=lambda w: {"id": w.member.pk},
        data=lambda w: {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        changes=True,
    ),
}


# --- Walking the URL patterns -------------------------------------------------------------------
def pattern_names(resolver: URLResolver | None = None, namespace: str = "") -> list[str]:
    """The full name of every URL pattern (namespace:name), the unnamed ones as None."""
    names = []
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names += pattern_names(entry, inner)
        elif isinstance(entry, URLPattern):
            names.append(f"{namespace}{entry.name}" if entry.name else None)
    return names


def site_pattern_names() -> set[str]:
    names = pattern_names()
    return {name for name in names if name and not name.startswith("admin:")}


def test_every_url_pattern_of_the_site_has_a_route():
    names = pattern_names()
    assert None not in [name for name in names if not (name or "admin:").startswith("admin:")], (
        "every pattern outside the admin has a name"
    )
    site = site_pattern_names()
    assert site - set(ROUTES) == set(), "URL patterns without a CSRF route: add them to ROUTES"
    assert set(ROUTES) - site == set(), "routes for URL patterns that no longer exist"
    assert len(site) >= 45


def test_the_admin_routes_stand_for_every_kind_of_admin_page():
    admin = {name for name in pattern_names() if name and name.startswith("admin:")}
    assert set(ADMIN_ROUTES) <= admin
    kinds = {name.split(":")[1].rsplit("_", 1)[-1] for name in ADMIN_ROUTES}
    assert {"login", "logout", "changelist", "change", "add", "delete"} <= kinds


# --- The requests -------------------------------------------------------------------------------
def fingerprint() -> dict[str, object]:
    """Every row of every table, hashed per model; the sessions by key and content (their
    expiry moves with every request, SESSION_SAVE_EVERY_REQUEST)."""
    state: dict[str, object] = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        if model is Session:
            state["sessions"] = sorted(
                (session.session_key, json.dumps(session.get_decoded(), sort_keys=True))
                for session in Session.objects.all()
            )
            continue
        columns = [f.attname for f in model._meta.concrete_fields]
        rows = list(model._base_manager.order_by("pk").values_list(*columns))
        state[model._meta.label] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return state


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(
        label for label in before.keys() | after.keys() if before.get(label) != after.get(label)
    )


def nl(message: str) -> str:
    with translation.override("nl"):
        return translation.gettext(message)


@dataclass(frozen=True)
class Attack:
    name: str
    cookie: bool
    form_token: str | None = None
    header_token: str | None = None
    origin: str | None = None


ATTACKS = (
    Attack("no cookie and no token", cookie=False),
    Attack("the cookie but no token", cookie=True),
    Attack("a wrong token in the form", cookie=True, form_token=WRONG_TOKEN),
    Attack("a wrong token in the htmx header", cookie=True, header_token=WRONG_TOKEN),
    Attack("the right token from another origin", cookie=True, form_token=TOKEN,
           origin=FOREIGN_ORIGIN),
)  # fmt: skip


def send(client: Client, route: Route, url: str, world: World, attack: Attack):
    if attack.cookie:
        client.cookies[settings.CSRF_COOKIE_NAME] = TOKEN
    else:
        client.cookies.pop(settings.CSRF_COOKIE_NAME, None)
    data = dict(route.data(world))
    headers = dict(route.extra)
    if route.htmx:
        headers["HTTP_HX_REQUEST"] = "true"
    if attack.form_token:
        data["csrfmiddlewaretoken"] = attack.form_token
    if attack.header_token:
        headers["HTTP_X_CSRFTOKEN"] = attack.header_token
    if attack.origin:
        headers["HTTP_ORIGIN"] = attack.origin
    return client.post(url, data, **headers)


def signed_in_client(role: str, world: World) -> Client:
    client = Client(enforce_csrf_checks=True)
    if role == "anonymous":
        return client
    user = world.user(role)
    client.force_login(user)
    if user.needs_second_factor or role == "member-verified":
        verify_second_factor(client, user)
    return client


def check_route(name: str, route: Route, world: World) -> None:
    kwargs = route.kwargs(world)
    url = reverse(name, kwargs=kwargs)
    assert resolve(url).view_name == name
    client = signed_in_client(route.role, world)
    if route.prepare:
        route.prepare(client, world)
    route.data(world)  # every object the form names exists before the first look
    before, mails = fingerprint(), len(mail.outbox)
    if route.get_only:
        for attack in (*ATTACKS, Attack("the right token", cookie=True, form_token=TOKEN)):
            response = send(client, route, url, world, attack)
            assert response.status_code == 405, f"{name}, {attack.name}: {response.status_code}"
        assert changed_tables(before, fingerprint()) == [], f"{name}: a POST changed the data"
        assert len(mail.outbox) == mails
        return
    for attack in ATTACKS:
        response = send(client, route, url, world, attack)
        assert response.status_code == 403, f"{name}, {attack.name}: {response.status_code}"
        assert "403_csrf.html" in [template.name for template in response.templates], name
        assert nl("The form has expired") in response.content.decode(), name
        assert len(mail.outbox) == mails, f"{name}, {attack.name} sent e-mail"
    after = fingerprint()
    assert changed_tables(before, after) == [], f"{name}: a refused request changed the data"

    # The same request with the right token gets through: the 403s were the CSRF check's.
    before = after
    if route.htmx:
        valid = Attack("the right token", cookie=True, header_token=TOKEN)
    else:
        valid = Attack("the right token", cookie=True, form_token=TOKEN)
    response = send(client, route, url, world, valid)
    assert response.status_code not in (403, 404), f"{name} with the token: {response.status_code}"
    assert response.status_code < 500
    if route.changes:
        assert changed_tables(before, fingerprint()), f"{name}: the real request changed nothing"


@pytest.fixture
def world(body, other_body, member, chair, reader, admin_user):
    return World(
        body=body,
        other_body=other_body,
        member=member,
        chair=chair,
        reader=reader,
        admin_user=admin_user,
    )


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_a_post_without_a_valid_csrf_token_is_refused_and_changes_nothing(world, name):
    check_route(name, ROUTES[name], world)


@pytest.mark.parametrize("name", sorted(ADMIN_ROUTES))
def test_the_admin_refuses_a_post_without_a_valid_csrf_token(world, name):
    check_route(name, ADMIN_ROUTES[name], world)


def test_signing_out_without_the_token_leaves_the_session_signed_in(world):
    client = signed_in_client("member", world)
    client.cookies[settings.CSRF_COOKIE_NAME] = TOKEN
    assert client.post(reverse("logout")).status_code == 403
    assert client.get(reverse("home")).status_code == 200  # still signed in
    response = client.post(reverse("logout"), {"csrfmiddlewaretoken": TOKEN})
    assert response.status_code == 302
    home = client.get(reverse("home"))
    assert home.status_code == 302
    assert home["Location"].startswith(reverse("login"))


def test_a_signal_posted_from_another_site_is_not_saved(world):
    """The case the check exists for, end to end: a member who is signed in visits a page
    elsewhere that posts the signal form to the site."""
    client = signed_in_client("member", world)
    url = reverse("signals:signal-create", kwargs={"slug": world.body.slug})
    response = client.post(url, signal_form(world), HTTP_ORIGIN=FOREIGN_ORIGIN)
    assert response.status_code == 403
    assert not world.body.signals.exists()
    # The page's own form, with its token, saves it.
    page = client.get(url)
    token = page.cookies[settings.CSRF_COOKIE_NAME].value
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    response = client.post(url, {**signal_form(world), "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert world.body.signals.count() == 1
    assert world.body.signals.get().period_start == date(2026, 1, 1)
