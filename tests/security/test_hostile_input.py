"""Hostile input (issue 6): whatever a signed-in user sends, the site answers without a server
error, stores no personal data and shows every text escaped.

Property-based (hypothesis). Every form of the app and its htmx endpoints are posted to by the
role that may use them, with arbitrary text in the free-text fields (control characters, NUL,
very long strings, right-to-left marks, markup, SQL, format strings, any unicode a browser can
send) and arbitrary values in the choice, number and date fields; the import gets arbitrary
bytes, damaged files and hostile cells. The answer is never a server error, and no exception
escapes (the test client raises what a view raises).

- **Personal data**: texts that hold a BSN (11-proef), an e-mail address, a Dutch IBAN (mod 97),
  a telephone number, a name or a street with a house number, inside random surrounding text,
  go through the signal form, the import and every free-text field of the beraad; afterwards
  no text column of any table (the audit trail and the sessions included) holds the raw value.
- **Markup**: markup that is saved is shown escaped on every page and htmx fragment that shows
  it, in the dashboard's charts and in the memo.

Every example runs inside a savepoint that is rolled back, so each starts from the same
database; the runs are derandomized, so CI tries the same examples every time.
"""

from __future__ import annotations

import csv
import io
import json
import operator
import re
import zipfile
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from html import escape, unescape
from urllib.parse import urlencode, urlsplit

import openpyxl
import pytest
from django import forms
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from stdnum import iban as iban_number
from stdnum.nl import bsn as bsn_number

from deliberation import services as deliberation_services
from deliberation.models import (
    Addressee,
    Beraad,
    BeraadState,
    Recommendation,
    RecommendationStatus,
    Response,
    Season,
    Theme,
)
from reports.memo import memo_context
from reports.models import Memo, MemoKind, MemoState
from reports.services import MEMO_TEMPLATE
from signals.anonymisation import REDACTIONS, scan
from signals.anonymisation import scanner as anonymisation_scanner
from signals.bodies import all_kinds
from signals.models import Aspect, Impact, OrganisationUnit, OversightBody, Signal
from signals.transfer import EXPORT_ONLY, MAX_ROWS, columns_for
from tests.conftest import Client, verify_second_factor
from tests.deliberation.helpers import advance, inclusion, submitted, tag
from tests.factories import (
    PASSWORD,
    BeraadFactory,
    MembershipFactory,
    OversightBodyFactory,
    SignalFactory,
    ThemeFactory,
)
from tests.reports.helpers import earlier_shared_session

# --- Running examples ---------------------------------------------------------------------------
HEALTH_CHECKS = [
    HealthCheck.function_scoped_fixture,
    HealthCheck.too_slow,
    HealthCheck.data_too_large,
    HealthCheck.filter_too_much,
]


def for_all(strategy, check: Callable, *, examples: int, database: bool = True) -> None:
    """Runs ``check`` on ``examples`` examples of ``strategy``, each in a savepoint that is
    rolled back afterwards (unless it needs no ``database``); the same examples on every run
    (derandomized, no example database)."""

    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=HEALTH_CHECKS,
        print_blob=False,
    )
    @given(strategy)
    def run(value):
        if not database:
            return check(value)
        with rolled_back():
            check(value)

    run()


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def answered(response):
    """A response that is no server error (a raised exception fails the test by itself)."""
    assert response.status_code < 500, response.status_code
    return response


def nl(message: str, **params) -> str:
    with translation.override("nl"):
        text = translation.gettext(message)
    return text % params if params else text


def nl_plural(singular: str, plural: str, number: int, **params) -> str:
    with translation.override("nl"):
        return translation.ngettext(singular, plural, number) % params


def body_text(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


# --- Hostile values -----------------------------------------------------------------------------
# Every character a browser can send (UTF-8: no lone surrogates), control characters and NUL
# included.
UTF8 = st.characters(codec="utf-8")
MARKUP = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</textarea><svg onload=alert(2)>",
    "<b onmouseover='alert(3)'>vet</b>",
    '<a href="javascript:alert(4)">klik</a>',
)
PAYLOADS = (
    *MARKUP,
    "'; DROP TABLE signals_signal; --",
    '" OR "1"="1',
    "1; SELECT pg_sleep(0) --",
    "{0} {1!r} {x.__class__} %s %(x)s %d %n",
    "{{ request }} {% debug %} ${7*7} #{7*7}",
    "\u202e\u2066gnirts\u2069\u200f\u200e",
    "\x00",
    "\x1b[31m\x07\x08",
    "\r\n\r\n.\r\n",
    "\ufeff\u200b\u00ad",
    "😀🇳🇱👩‍👩‍👧",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ǅ ß İ ﷺ",
    "e\u0301\u0301\u0301",
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "../../etc/passwd%00",
    "\\u0000 \\x00 \\",
    "%",
    "_",
)
# Long texts are repetitions of units without capitalised words: a long run of names is
# another matter (see test_the_personal_data_check_keeps_up_with_long_texts).
LONG_UNITS = ("x", "ab ", "<b>", "é", "\u202e", "%s", "🙂", "\x00", "1", "=", MARKUP[0])
ODD_VALUES = (
    "", " ", "0", "-1", "-0", "+5", "1.5", "1e400", "NaN", "inf", "32768", "2147483648",
    "9223372036854775808", "99999999999999999999999999999", "0x10", "1_000", "٣",
    "2026-02-30", "0000-00-00", "0001-01-01", "9999-12-31", "10000-01-01", "2026-13-01",
    "31-12-2026", "null", "None", "true", "[]", "{}", "\x00", "%00", "' OR 1=1 --",
)  # fmt: skip


def hostile_text(max_size: int = 60):
    return st.one_of(
        st.text(UTF8, max_size=max_size),
        st.lists(
            st.one_of(st.sampled_from(PAYLOADS), st.text(UTF8, max_size=6)), min_size=1, max_size=6
        ).map("".join),
        st.builds(operator.mul, st.sampled_from(LONG_UNITS), st.integers(50, 3000)),
    )


JUNK = st.one_of(
    st.sampled_from(ODD_VALUES),
    st.integers().map(str),
    st.floats().map(repr),
    st.dates().map(date.isoformat),
    st.text(UTF8, max_size=12),
)


@dataclass(frozen=True)
class Field:
    """A form field: a strategy for valid values, and what kind of field it is."""

    valid: st.SearchStrategy
    text: bool = False  # free text
    many: bool = False  # several values (checkboxes, a multiple select)


def text_field(valid: str = "") -> Field:
    return Field(st.just(valid), text=True)


def one_of_field(values) -> Field:
    return Field(st.sampled_from(list(values)))


def many_field(values, max_size: int = 3) -> Field:
    values = list(values)
    if not values:
        return Field(st.just([]), many=True)
    return Field(st.lists(st.sampled_from(values), max_size=max_size, unique=True), many=True)


def junk_for(field: Field):
    if field.text:
        return hostile_text()
    if field.many:
        return st.lists(st.one_of(JUNK, field.valid.map(lambda values: values[:1])), max_size=4)
    return JUNK


def form_data(fields: dict[str, Field]):
    """Posted forms: valid but for one hostile free text, or for hostile text in any of them
    (so that it reaches the services and the pages), or anything at all in any field, fields
    left out included."""
    texts = [name for name, field in fields.items() if field.text]
    valid = {name: field.valid for name, field in fields.items()}
    one_text = st.sampled_from(texts or [None]).flatmap(
        lambda chosen: st.fixed_dictionaries(
            {**valid, **({chosen: hostile_text()} if chosen else {})}
        )
    )
    some_texts = st.fixed_dictionaries(
        {**valid, **{name: st.one_of(fields[name].valid, hostile_text()) for name in texts}}
    )
    anything = st.fixed_dictionaries(
        {},
        optional={name: st.one_of(field.valid, junk_for(field)) for name, field in fields.items()},
    )
    return st.one_of(one_text, some_texts, anything)


def flatten(data: dict) -> dict:
    """Lists of lists (junk in a multiple field) become flat lists of strings."""
    flat = {}
    for name, value in data.items():
        if isinstance(value, list):
            flat[name] = [
                str(v) for item in value for v in (item if isinstance(item, list) else [item])
            ]
        else:
            flat[name] = value
    return flat


def markup_in(data: dict) -> list[str]:
    texts = [v for value in data.values() for v in (value if isinstance(value, list) else [value])]
    return [payload for payload in MARKUP if any(payload in str(text) for text in texts)]


def assert_no_raw_markup(response, payloads) -> None:
    page = body_text(response)
    for payload in payloads:
        assert payload not in page, f"unescaped markup on {response.request['PATH_INFO']}"


# --- The people and the objects -----------------------------------------------------------------
@pytest.fixture
def people(member, chair, reader, admin_user):
    """The users, with names of their own that no text of the tests holds."""
    for user in (member, chair, reader, admin_user):
        user.first_name, user.last_name = "Testgebruiker", user.username.capitalize()
        user.save()
    return {"member": member, "chair": chair, "reader": reader, "admin": admin_user}


@pytest.fixture
def units(db):
    directorate = OrganisationUnit.objects.create(name="Sociaal domein")
    team = OrganisationUnit.objects.create(name="Team Wmo", parent=directorate)
    return [directorate, team]


def body_of_kind(kind: str, member) -> OversightBody:
    body = OversightBodyFactory(name=f"Orgaan {kind}", slug=f"orgaan-{kind}", kind=kind)
    MembershipFactory(body=body, user=member)
    return body


@dataclass
class Scene:
    body: OversightBody
    other_body: OversightBody
    draft: Signal
    started: Beraad  # najaar 2026, in session
    included: Signal
    theme: Theme
    other_theme: Theme
    recommendation: Recommendation
    preparing: Beraad  # voorjaar 2027, in preparation
    shared_recommendation: Recommendation  # of voorjaar 2026, shared, no response yet
    units: list


@pytest.fixture
def scene(people, body, other_body, units) -> Scene:
    member, chair, reader = people["member"], people["chair"], people["reader"]
    draft = SignalFactory(body=body, author=member, title="Concept over beslistermijnen")
    theme = ThemeFactory(name="Tijdigheid")
    other_theme = ThemeFactory(name="Bereikbaarheid")
    earlier = earlier_shared_session(chair, reader, body, other_body, theme)
    started = BeraadFactory(chair=chair, bodies=[body, other_body])
    included = submitted(body, title="Aanvragen blijven liggen")
    submitted(other_body, title="Wachttijden jeugdhulp")
    started = advance(started, chair, BeraadState.IN_BERAAD)
    tag(started, included, theme, chair)
    recommendation = deliberation_services.recommendation_create(
        beraad=started,
        theme=theme,
        user=chair,
        text="Stel per voorziening een doorlooptijd vast.",
        addressee=Addressee.BURGEMEESTER,
    )
    preparing = BeraadFactory(chair=chair, season="voorjaar", year=2027, bodies=[body, other_body])
    preparing = advance(preparing, chair, BeraadState.VOORBEREIDING)
    return Scene(
        body=body,
        other_body=other_body,
        draft=draft,
        started=started,
        included=included,
        theme=theme,
        other_theme=other_theme,
        recommendation=recommendation,
        preparing=preparing,
        shared_recommendation=Recommendation.objects.filter(beraad=earlier, response="").first(),
        units=units,
    )


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)  # with the second factor verified for chairs, readers, admins
    return client


# --- The forms, field by field ------------------------------------------------------------------
def signal_fields(body: OversightBody, units) -> dict[str, Field]:
    kind = body.kind_spec
    fields = {
        "title": text_field("Beslistermijnen overschreden"),
        "description": text_field("Bij een derde van de aanvragen werd de termijn overschreden."),
        "source_reference": text_field(),
        "is_positive": one_of_field(["", "on"]),
        "aspects": many_field(Aspect.objects.values_list("pk", flat=True)),
        "organisation_units": many_field([unit.pk for unit in units]),
        "period_start": one_of_field(["2026-01-01", "2025-07-01"]),
        "period_end": one_of_field(["2026-06-30", "2026-12-31"]),
        "case_count": Field(st.integers(0, 10_000).map(str)),
        "impact": one_of_field(Impact.values),
        "accept_redaction": one_of_field(["", "1"]),
    }
    if kind.taxonomy:
        fields["details_indeling"] = many_field(category.code for category in kind.taxonomy)
    else:
        fields["details_indeling"] = text_field()
    for name, form_field in kind.details_fields().items():
        if isinstance(form_field, forms.ChoiceField):
            field = one_of_field(code for code, _label in form_field.choices)
        elif isinstance(form_field, forms.IntegerField):
            field = Field(
                st.integers(form_field.min_value or 0, form_field.max_value or 99).map(str)
            )
        elif isinstance(form_field, forms.CharField):
            field = text_field()
        else:  # a new kind of field needs a strategy of its own here
            raise AssertionError(f"{kind.code}.{name}: no strategy for {type(form_field)}")
        fields[f"details_{name}"] = field
    return fields


def beraad_fields(scene: Scene, *, creating: bool, beraad: Beraad | None = None) -> dict:
    bodies = [scene.body.pk, scene.other_body.pk]
    fields = {
        "title": text_field("Rode-dradenberaad najaar 2027"),
        "date": one_of_field(["2027-10-15", "2027-11-01"]),
        "period_start": one_of_field(["2027-01-01"]),
        "period_end": one_of_field(["2027-06-30"]),
        "submission_deadline": one_of_field(["2027-09-24", "2027-10-01"]),
        "bodies": Field(st.just(bodies), many=True),
        "min_bodies": Field(st.integers(1, 3).map(str)),
        "agenda": text_field("1. Opening"),
    }
    if creating:
        fields["season"] = one_of_field(Season.values)
        fields["year"] = one_of_field(["2027", "2028"])
    else:
        fields.update(
            version=one_of_field([str(beraad.version)]),
            date=one_of_field([beraad.date.isoformat()]),
            period_start=one_of_field([beraad.period_start.isoformat()]),
            period_end=one_of_field([beraad.period_end.isoformat()]),
            submission_deadline=one_of_field([beraad.submission_deadline.isoformat()]),
            bodies=Field(st.just(list(beraad.bodies.values_list("pk", flat=True))), many=True),
            attendance=text_field("De secretarissen van de organen"),
            minutes=text_field(),
            summary=text_field(),
        )
    return fields


# --- Signals: the form, the actions and the workspace -------------------------------------------
@pytest.mark.parametrize("kind", [kind.code for kind in all_kinds()])
def test_the_signal_form_of_every_kind_of_body_takes_anything(client, people, units, kind):
    member = people["member"]
    body = body_of_kind(kind, member)
    client.force_login(member)
    url = reverse("signals:signal-create", kwargs={"slug": body.slug})
    before = Signal.objects.count()
    outcomes = Counter()

    def check(data):
        data = flatten(data)
        response = answered(client.post(url, data))
        outcomes[response.status_code] += 1
        assert_no_raw_markup(response, markup_in(data))
        if response.status_code == 302:
            assert Signal.objects.count() == before + 1
            signal = Signal.objects.latest("pk")
            for page in (signal.get_absolute_url(), body.get_absolute_url()):
                shown = answered(client.get(page))
                assert shown.status_code == 200
                assert_no_raw_markup(shown, markup_in(data))
        else:
            assert response.status_code == 200
            assert Signal.objects.count() == before
            assert response.context["form"].errors, "a refused form says why"

    for_all(form_data(signal_fields(body, units)), check, examples=35)
    assert outcomes[302], outcomes
    assert outcomes[200], outcomes


def test_editing_a_signal_takes_anything(client, scene, people):
    client.force_login(people["member"])
    draft = scene.draft
    url = reverse("signals:signal-update", kwargs={"pk": draft.pk})
    fields = signal_fields(scene.body, scene.units)
    fields["version"] = one_of_field([str(draft.version)])
    outcomes = Counter()

    def check(data):
        data = flatten(data)
        response = answered(client.post(url, data))
        outcomes[response.status_code] += 1
        assert_no_raw_markup(response, markup_in(data))
        draft.refresh_from_db()
        if response.status_code == 302:
            assert draft.version == 2
            assert_no_raw_markup(answered(client.get(draft.get_absolute_url())), markup_in(data))
        else:
            assert response.status_code == 200
            assert draft.version == 1

    for_all(form_data(fields), check, examples=35)
    assert outcomes[302], outcomes
    assert outcomes[200], outcomes


def test_submitting_withdrawing_and_deleting_take_any_version(client, scene, people):
    client.force_login(people["member"])
    withdrawable = submitted(scene.body, title="Brieven naar een oud adres")
    actions = {
        "signal-submit": scene.draft,
        "signal-delete": scene.draft,
        "signal-withdraw": withdrawable,
    }

    def check(args):
        action, version = args
        signal = actions[action]
        url = reverse(f"signals:{action}", kwargs={"pk": signal.pk})
        data = {} if version is None else {"version": version}
        response = answered(client.post(url, data))
        assert response.status_code == 302

    version = st.one_of(st.none(), st.just("1"), JUNK)
    for_all(st.tuples(st.sampled_from(sorted(actions)), version), check, examples=30)


QUERY_KEYS = (
    "q",
    "state",
    "aspect",
    "organisation_unit",
    "period_from",
    "period_until",
    "nature",
    "pagina",
    "groep",
    "status",
    "e",
    "o",
    "p",
    "all",
    "event__exact",
    "body__id__exact",
    "timestamp__gte",
)


def test_filters_search_and_paging_take_any_query(scene, people):
    """The GET side: the workspace's filters and search box, the export with those filters,
    the grouping of the tagging workspace, the status filter of the follow-up, the admin's
    lists (which answer a filter they cannot read with a redirect to ?e=1)."""
    member, chair, reader, admin = (
        client_for(people[role]) for role in ("member", "chair", "reader", "admin")
    )
    pages = [
        (member, reverse("signals:body-detail", kwargs={"slug": scene.body.slug})),
        (member, reverse("signals:signal-export", kwargs={"slug": scene.body.slug, "fmt": "csv"})),
        (member, reverse("signals:signal-export", kwargs={"slug": scene.body.slug, "fmt": "xlsx"})),
        (chair, reverse("signals:body-detail", kwargs={"slug": scene.other_body.slug})),
        (chair, reverse("deliberation:workspace", kwargs={"pk": scene.started.pk})),
        (chair, reverse("deliberation:beraad-list")),
        (chair, reverse("reports:memo-list", kwargs={"pk": scene.started.pk})),
        (reader, reverse("deliberation:recommendation-list")),
        (reader, reverse("reports:dashboard")),
        (admin, reverse("admin:signals_signal_changelist")),
        (admin, reverse("admin:audit_auditentry_changelist")),
    ]
    query = st.dictionaries(
        st.one_of(st.sampled_from(QUERY_KEYS), st.text(UTF8, min_size=1, max_size=8)),
        st.one_of(JUNK, hostile_text(40), st.lists(JUNK, max_size=3)),
        max_size=5,
    )

    def check(args):
        index, params, htmx = args
        client, url = pages[index]
        headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        response = answered(client.get(url, params, **headers))
        if url.startswith("/admin/") and response.status_code == 302:
            assert response["Location"].endswith("?e=1")
            return
        assert response.status_code == 200
        if not response.streaming and "text/html" in response["Content-Type"]:
            assert_no_raw_markup(response, markup_in(params))

    strategy = st.tuples(st.integers(0, len(pages) - 1), query, st.booleans())
    for_all(strategy, check, examples=60)


# --- The beraad ---------------------------------------------------------------------------------
def test_planning_a_beraad_takes_anything(client, scene, people):
    client.force_login(people["chair"])
    url = reverse("deliberation:beraad-create")
    before = Beraad.objects.count()
    outcomes = Counter()

    def check(data):
        data = flatten(data)
        response = answered(client.post(url, data))
        outcomes[response.status_code] += 1
        assert_no_raw_markup(response, markup_in(data))
        if response.status_code == 302:
            assert Beraad.objects.count() == before + 1
            page = answered(client.get(response["Location"]))
            assert page.status_code == 200
            assert_no_raw_markup(page, markup_in(data))
        else:
            assert response.status_code == 200
            assert Beraad.objects.count() == before

    for_all(form_data(beraad_fields(scene, creating=True)), check, examples=35)
    assert outcomes[302], outcomes
    assert outcomes[200], outcomes


@pytest.mark.parametrize("which", ["preparing", "started"])
def test_editing_a_beraad_takes_anything(client, scene, people, which):
    """The session's own fields and, once it has met, the attendance, minutes and summary."""
    client.force_login(people["chair"])
    beraad = getattr(scene, which)
    url = reverse("deliberation:beraad-update", kwargs={"pk": beraad.pk})
    version = beraad.version
    outcomes = Counter()

    def check(data):
        data = flatten(data)
        response = answered(client.post(url, data))
        outcomes[response.status_code] += 1
        assert_no_raw_markup(response, markup_in(data))
        beraad.refresh_from_db()
        if response.status_code == 302:
            assert beraad.version == version + 1
            assert_no_raw_markup(answered(client.get(beraad.get_absolute_url())), markup_in(data))
        else:
            assert response.status_code == 200
            assert beraad.version == version

    for_all(form_data(beraad_fields(scene, creating=False, beraad=beraad)), check, examples=35)
    assert outcomes[302], outcomes
    assert outcomes[200], outcomes


def test_the_analysis_and_recommendation_forms_take_anything(client, scene, people):
    client.force_login(people["chair"])
    url = reverse(
        "deliberation:rode-draad", kwargs={"pk": scene.started.pk, "theme": scene.theme.pk}
    )
    inclusions = list(scene.started.inclusions.values_list("pk", flat=True))
    analysis = {
        "version": one_of_field(["0"]),
        "text": text_field("Drie organen zien dat aanvragen blijven liggen."),
        "examples": many_field(inclusions),
    }
    recommendation = {
        "add_recommendation": one_of_field(["1"]),
        "text": text_field("Stel per voorziening een doorlooptijd vast."),
        "addressee": one_of_field(Addressee.values),
        "directorate": one_of_field(["", str(scene.units[0].pk), str(scene.units[1].pk)]),
    }
    outcomes = Counter()

    def check(data):
        data = flatten(data)
        response = answered(client.post(url, data))
        outcomes[response.status_code] += 1
        assert response.status_code in (200, 302)
        assert_no_raw_markup(response, markup_in(data))
        if response.status_code == 302:
            assert_no_raw_markup(answered(client.get(url)), markup_in(data))

    for_all(st.one_of(form_data(analysis), form_data(recommendation)), check, examples=45)
    assert outcomes[302], outcomes
    assert outcomes[200], outcomes


def test_the_response_form_takes_anything(client, scene, people):
    client.force_login(people["reader"])
    recommendation = scene.shared_recommendation
    url = reverse("deliberation:recommendation-detail", kwargs={"pk": recommendation.pk})
    fields = {
        "version": one_of_field([str(recommendation.version)]),
        "response": one_of_field(Response.values),
        "response_reason": text_field("Er is geen budget voor."),
        "owner": text_field("Directeur Publiekszaken"),
        "due_date": one_of_field(["", "2027-06-01"]),
        "status": one_of_field(RecommendationStatus.values),
        "progress": text_field(),
    }
    outcomes = Counter()

    def check(data):
        data = flatten(data)
        response = answered(client.post(url, data))
        outcomes[response.status_code] += 1
        assert response.status_code in (200, 302)
        assert_no_raw_markup(response, markup_in(data))
        if response.status_code == 302:
            assert_no_raw_markup(answered(client.get(url)), markup_in(data))

    for_all(form_data(fields), check, examples=35)
    assert outcomes[302], outcomes
    assert outcomes[200], outcomes


def test_the_theme_forms_take_anything(client, scene, people):
    """Adding a theme to the catalogue, renaming it, merging it into another."""
    client.force_login(people["chair"])
    create = reverse("deliberation:theme-list")
    detail = reverse("deliberation:theme-detail", kwargs={"pk": scene.other_theme.pk})
    theme = {"name": text_field("Bejegening"), "description": text_field()}
    merge = {
        "merge": one_of_field(["1"]),
        "target": one_of_field([str(scene.theme.pk)]),
    }
    strategy = st.one_of(
        st.tuples(st.just(create), form_data(theme)),
        st.tuples(st.just(detail), form_data(theme)),
        st.tuples(st.just(detail), form_data(merge)),
    )
    outcomes = Counter()

    def check(args):
        url, data = args
        data = flatten(data)
        response = answered(client.post(url, data))
        outcomes[response.status_code] += 1
        assert response.status_code in (200, 302)
        assert_no_raw_markup(response, markup_in(data))
        if response.status_code == 302:
            for page in (response["Location"], create):
                assert_no_raw_markup(answered(client.get(page)), markup_in(data))

    for_all(strategy, check, examples=45)
    assert outcomes[302], outcomes
    assert outcomes[200], outcomes


def test_tagging_takes_anything_with_and_without_htmx(client, scene, people):
    client.force_login(people["chair"])
    tag_url = reverse("deliberation:tag", kwargs={"pk": scene.started.pk})
    new_theme_url = reverse("deliberation:tag-new-theme", kwargs={"pk": scene.started.pk})
    included = str(inclusion(scene.included).pk)
    tagging = {
        "inclusion": one_of_field([included]),
        "theme": one_of_field([str(scene.theme.pk), str(scene.other_theme.pk)]),
        "tagged": one_of_field(["0", "1"]),
    }
    new_theme = {"inclusion": one_of_field([included]), "name": text_field("Bejegening")}
    strategy = st.tuples(
        st.one_of(
            st.tuples(st.just(tag_url), form_data(tagging)),
            st.tuples(st.just(new_theme_url), form_data(new_theme)),
        ),
        st.booleans(),
    )
    outcomes = Counter()

    def check(args):
        (url, data), htmx = args
        data = flatten(data)
        headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        response = answered(client.post(url, data, **headers))
        outcomes[(response.status_code, htmx)] += 1
        # htmx gets the fragment (or a 404 for a signal it cannot know); a form, the workspace.
        assert response.status_code in ((200, 404) if htmx else (302, 404))
        assert_no_raw_markup(response, markup_in(data))
        workspace = answered(client.get(reverse("deliberation:workspace", args=[scene.started.pk])))
        assert_no_raw_markup(workspace, markup_in(data))

    for_all(strategy, check, examples=45)
    assert outcomes[(200, True)], outcomes
    assert outcomes[(302, False)], outcomes


def test_the_other_buttons_take_anything(scene, people):
    """The intake, the steps of a beraad, the memo buttons, removing a recommendation: their
    few fields, and the words in their addresses. (The intake's body as anything but a number:
    test_the_intake_takes_a_body_that_is_no_number.)"""
    member, chair = client_for(people["member"]), client_for(people["chair"])
    beraad, started = scene.preparing.pk, scene.started.pk
    failed = Memo.objects.create(
        beraad=scene.started, version=1, kind=MemoKind.CONCEPT, state=MemoState.MISLUKT
    )
    anything = st.dictionaries(st.text(UTF8, min_size=1, max_size=5), JUNK, max_size=2)
    posts = st.one_of(
        st.tuples(
            st.just(member),
            st.just(reverse("deliberation:intake", kwargs={"pk": beraad})),
            st.fixed_dictionaries(
                {}, optional={"body": st.one_of(st.just(scene.body.pk), st.integers())}
            ),
        ),
        st.tuples(
            st.just(chair),
            st.from_regex(r"\A[-a-zA-Z0-9_]{1,30}\Z").map(
                lambda action: reverse(
                    "deliberation:beraad-transition", kwargs={"pk": beraad, "action": action}
                )
            ),
            st.just({}),
        ),
        st.tuples(
            st.just(chair),
            st.just(reverse("reports:memo-request", kwargs={"pk": started})),
            st.fixed_dictionaries({}, optional={"kind": st.one_of(JUNK, st.just("definitief"))}),
        ),
        st.tuples(
            st.just(chair),
            st.just(
                reverse(
                    "deliberation:recommendation-delete", kwargs={"pk": scene.recommendation.pk}
                )
            ),
            anything,
        ),
        st.tuples(
            st.just(chair), st.just(reverse("reports:memo-retry", args=[failed.pk])), anything
        ),
    )

    def check(args):
        client, url, data = args
        response = answered(client.post(url, data))
        assert response.status_code in (302, 404)

    for_all(posts, check, examples=40)


def outcome(request: Callable):
    """The status of a response, or the exception the view raised (the test client passes it
    on), so that a server error fails an assertion."""
    try:
        return request().status_code
    except Exception as error:
        return f"{type(error).__name__} (a server error)"


def test_the_intake_takes_a_body_that_is_no_number(scene, people):
    client = client_for(people["member"])
    url = reverse("deliberation:intake", kwargs={"pk": scene.preparing.pk})
    for body in ("rekenkamer", " ", "1.0", "2026-13-01", "<script>"):
        with rolled_back():
            assert outcome(lambda body=body: client.post(url, {"body": body})) == 404, body


# Every address with a number in it, and the role that may see it.
NUMBERED = (
    ("member", "signals:signal-detail", {}),
    ("member", "signals:signal-update", {}),
    ("member", "signals:signal-submit", {}),
    ("chair", "deliberation:beraad-detail", {}),
    ("chair", "deliberation:beraad-update", {}),
    ("chair", "deliberation:beraad-transition", {"action": "starten"}),
    ("member", "deliberation:intake", {}),
    ("chair", "deliberation:workspace", {}),
    ("chair", "deliberation:tag", {}),
    ("chair", "deliberation:rode-draad", {"theme": 1}),
    ("chair", "deliberation:theme-detail", {}),
    ("reader", "deliberation:recommendation-detail", {}),
    ("chair", "deliberation:recommendation-delete", {}),
    ("chair", "reports:memo-list", {}),
    ("chair", "reports:memo-request", {}),
    ("chair", "reports:memo-retry", {}),
    ("chair", "reports:memo-download", {}),
)


def test_numbers_out_of_range_in_addresses_are_a_404(scene, people):
    clients = {role: client_for(people[role]) for role in ("member", "chair", "reader")}
    # No object of the tests has such a number (the sequences keep counting in rolled-back
    # examples, but not that far).
    numbers = st.one_of(
        st.sampled_from([0, 2**31 - 1, 2**31, 2**32, 2**63 - 1, 2**63, 2**64, 10**30]),
        st.integers(min_value=10**9, max_value=10**40),
    )

    def check(args):
        (role, name, extra), number, method = args
        url = reverse(name, kwargs={"pk": number, **extra})
        response = answered(getattr(clients[role], method)(url))
        assert response.status_code in (404, 405)

    strategy = st.tuples(st.sampled_from(NUMBERED), numbers, st.sampled_from(["get", "post"]))
    for_all(strategy, check, examples=60)


# --- Signing in ---------------------------------------------------------------------------------
def test_the_sign_in_pages_take_anything_and_send_nobody_elsewhere(people):
    """The login's two steps, the password reset, the language switch and the password
    change; a ``next`` address never leads to another site."""
    member = people["member"]
    next_urls = st.one_of(
        st.sampled_from(
            [
                "//aanvaller.example/",
                "https://aanvaller.example/",
                "/\\aanvaller.example",
                "\\\\aanvaller.example",
                "javascript:alert(1)",
                "http:aanvaller.example",
                "/%2F%2Faanvaller.example",
                " //aanvaller.example",
                "\t//aanvaller.example",
            ]
        ),
        hostile_text(40),
    )
    login = {
        "login_view-current_step": one_of_field(["auth", "token", "backup"]),
        "auth-username": one_of_field([member.username, "onbekend"]),
        "auth-password": text_field(PASSWORD),
        "token-otp_token": text_field("123456"),
        "backup-otp_token": text_field(),
    }
    # A ``next`` without "/" or "." breaks the login: test_a_next_that_is_no_path_*.
    paths = next_urls.filter(lambda url: "/" in url or "." in url)
    posts = st.one_of(
        st.tuples(st.just("login"), form_data(login), paths),
        st.tuples(
            st.just("password_reset"),
            form_data({"email": one_of_field([member.email])}),
            next_urls,
        ),
        st.tuples(
            st.just("set_language"),
            form_data({"language": one_of_field(["nl", "en"]), "next": text_field("/")}),
            next_urls,
        ),
    )

    def check(args):
        name, data, next_url = args
        client = Client()
        data = flatten(data)
        if name == "set_language":
            data["next"] = next_url
            response = answered(client.post(reverse(name), data))
        else:
            url = f"{reverse(name)}?{urlencode({'next': next_url})}"
            response = answered(client.post(url, data))
        # 400: the login's steps out of order (django-formtools' ManagementForm check).
        assert response.status_code in (200, 302, 400, 429)
        if response.status_code == 302:
            target = urlsplit(response["Location"])
            assert target.scheme in ("", "http"), response["Location"]
            assert target.netloc in ("", "testserver"), response["Location"]
            assert not response["Location"].startswith(("//", "/\\", "\\"))
        assert_no_raw_markup(response, markup_in({**data, "next": next_url}))

    for_all(posts, check, examples=50)

    # Signed in: the password change.
    client = client_for(member)
    change = {
        "old_password": text_field(PASSWORD),
        "new_password1": text_field("een-ander-lang-wachtwoord"),
        "new_password2": text_field("een-ander-lang-wachtwoord"),
    }

    def check_change(data):
        client.force_login(member)  # a changed password starts a new session
        response = answered(client.post(reverse("password_change"), flatten(data)))
        assert response.status_code in (200, 302)

    for_all(form_data(change), check_change, examples=20)


def test_the_two_factor_pages_take_anything(people):
    """Setting up the authenticator app (every step of its wizard), making new recovery codes,
    switching two factors off."""
    member, chair = people["member"], people["chair"]
    TOTPDevice.objects.create(user=chair, name="reserve", confirmed=False)
    setup = {
        "setup_view-current_step": one_of_field(["welcome", "method", "generator"]),
        "method-method": one_of_field(["generator"]),
        "generator-token": text_field("123456"),
        "wizard_goto_step": one_of_field(["", "welcome", "generator"]),
    }
    pages = st.one_of(
        st.tuples(st.just("member"), st.just("two_factor:setup"), form_data(setup)),
        st.tuples(
            st.just("chair"),
            st.just("two_factor:backup_tokens"),
            st.dictionaries(st.text(UTF8, min_size=1, max_size=6), JUNK, max_size=2),
        ),
        st.tuples(
            st.just("member-verified"),
            st.just("two_factor:disable"),
            form_data({"understand": one_of_field(["on", ""])}),
        ),
    )

    def check(args):
        role, name, data = args
        user = chair if role == "chair" else member
        client = Client()
        client.force_login(user)
        if role == "member-verified":
            verify_second_factor(client, user)
        response = answered(client.post(reverse(name), flatten(data)))
        # 400: the wizard's steps out of order (django-formtools' ManagementForm check).
        assert response.status_code in (200, 302, 400)
        assert_no_raw_markup(response, markup_in(data))

    for_all(pages, check, examples=40)


def test_the_admin_forms_take_anything(scene, people):
    """The functional administrator's forms: a signal's correction (through the same guard),
    and the master data: bodies, aspects, organisation units."""
    client = client_for(people["admin"])
    signal = scene.draft
    fields = signal_fields(scene.body, scene.units)
    for name in ("accept_redaction", "details_indeling", "details_rapport", "details_opvolging"):
        del fields[name]
    fields.update(version=one_of_field([str(signal.version)]), _save=one_of_field(["Opslaan"]))
    forms_ = {
        reverse("admin:signals_signal_change", args=[signal.pk]): fields,
        reverse("admin:signals_aspect_add"): {
            "name": text_field("Wendbaarheid"),
            "slug": one_of_field(["wendbaarheid"]),
            "description": text_field(),
            "order": Field(st.integers(0, 100).map(str)),
            "is_active": one_of_field(["on", ""]),
        },
        reverse("admin:signals_organisationunit_add"): {
            "name": text_field("Team Belastingen"),
            "parent": one_of_field(["", str(scene.units[0].pk)]),
            "is_active": one_of_field(["on", ""]),
        },
        reverse("admin:signals_oversightbody_add"): {
            "name": text_field("Accountant"),
            "slug": one_of_field(["accountant"]),
            "kind": one_of_field(kind.code for kind in all_kinds()),
            "description": text_field(),
            "is_active": one_of_field(["on", ""]),
            "memberships-TOTAL_FORMS": one_of_field(["0"]),
            "memberships-INITIAL_FORMS": one_of_field(["0"]),
        },
    }
    strategy = st.sampled_from(sorted(forms_)).flatmap(
        lambda url: st.tuples(st.just(url), form_data(forms_[url]))
    )
    outcomes = Counter()

    def check(args):
        url, data = args
        data = flatten(data)
        response = answered(client.post(url, data))
        outcomes[response.status_code] += 1
        assert response.status_code in (200, 302)
        assert_no_raw_markup(response, markup_in(data))
        if response.status_code == 302:
            assert_no_raw_markup(answered(client.get(response["Location"])), markup_in(data))

    for_all(strategy, check, examples=50)
    assert outcomes[302], outcomes
    assert outcomes[200], outcomes


@pytest.mark.parametrize(
    ("page", "next_url"), [("login", "rapport"), ("login", "0"), ("setup", "rapport")]
)
def test_a_next_that_is_no_path_does_not_break_signing_in(people, page, next_url):
    member = people["member"]
    client = Client()
    if page == "login":
        url = f"{reverse('login')}?{urlencode({'next': next_url})}"
        data = {
            "login_view-current_step": "auth",
            "auth-username": member.username,
            "auth-password": PASSWORD,
        }
        assert outcome(lambda: client.post(url, data)) == 302
    else:  # a member with an authenticator app, signed in without it, opens the setup
        TOTPDevice.objects.create(user=member, name="default", confirmed=True)
        client.force_login(member)
        url = f"{reverse('two_factor:setup')}?{urlencode({'next': next_url})}"
        assert outcome(lambda: client.get(url)) == 302


# --- The import ---------------------------------------------------------------------------------
def import_header(body) -> list[str]:
    return [column.name for column in columns_for(body.kind_spec)]


VALID_ROW = {
    "titel": "Facturen te laat betaald",
    "omschrijving": "Leveranciers wachtten langer dan dertig dagen op hun geld.",
    "periode_van": "01-01-2026",
    "periode_tot": "30-06-2026",
    "aantal_zaken": "5",
    "impact": "hoog",
    "positief": "nee",
    "invalshoeken": "Tijdigheid",
    "organisatieonderdelen": "",
    "bron": "Jaarverslag 2026",
    "indeling": "rechtmatigheid",
    "rapport": "Onderzoek betaalgedrag",
    "opvolging": "deels",
}


def csv_bytes(header, rows, *, delimiter=";", encoding="utf-8-sig") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header] if isinstance(row, dict) else row)
    return buffer.getvalue().encode(encoding, "replace")


def xlsx_bytes(header, rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        values = [row.get(name) for name in header] if isinstance(row, dict) else row
        sheet.append(
            [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in values]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, body, name: str, content: bytes, **data):
    url = reverse("signals:signal-import", kwargs={"slug": body.slug})
    return client.post(url, {"file": SimpleUploadedFile(name, content), **data})


def import_problems(response) -> dict[int, list[str]]:
    """The problems the import page lists by line (0: about the file), and the form's own
    errors under 0 as well."""
    html = response.content.decode()
    found: dict[int, list[str]] = {}
    block = re.search(r'<ul class="mb-0 import-problems">(.*?)</ul>', html, re.S)
    if block:
        before, after = nl("Line %(line)s").split("%(line)s")
        prefix = re.compile(rf"^{re.escape(before)}(\d+){re.escape(after)}: (.*)$", re.S)
        for item in re.findall(r"<li>(.*?)</li>", block.group(1), re.S):
            text = unescape(item).strip()
            match = prefix.match(text)
            line = int(match.group(1)) if match else 0
            found.setdefault(line, []).append(match.group(2) if match else text)
    form = response.context["form"] if response.context else None
    if form is not None and form.errors:
        found.setdefault(0, []).extend(str(e) for errors in form.errors.values() for e in errors)
    return found


@pytest.mark.parametrize("suffix", ["csv", "xlsx", "CSV", "txt"])
def test_random_bytes_are_refused_with_a_message(client, people, body, suffix):
    client.force_login(people["member"])
    before = Signal.objects.count()

    def check(content):
        response = answered(upload(client, body, f"signalen.{suffix}", content))
        assert response.status_code == 200
        assert Signal.objects.count() == before
        assert import_problems(response), "the page says what is wrong"

    contents = st.one_of(
        st.binary(max_size=2000),
        st.text(UTF8, max_size=300).map(lambda text: text.encode("utf-8")),
        st.builds(
            lambda head, tail: head + tail,
            st.sampled_from([b"PK\x03\x04", b"\xef\xbb\xbf", b"\xff\xfe", b"titel;omschrijving\n"]),
            st.binary(max_size=500),
        ),
    )
    for_all(contents, check, examples=40)


def test_text_in_any_encoding_is_read_or_refused_with_a_message(client, people, body):
    client.force_login(people["member"])
    header = import_header(body)
    row = {**VALID_ROW, "omschrijving": "Geen reactie op één van de brieven; ook niet na ‘rappel’."}
    before = Signal.objects.count()
    for encoding in ("utf-8-sig", "utf-8", "cp1252", "latin-1", "utf-16", "utf-32", "mac_roman"):
        with rolled_back():
            response = answered(
                upload(client, body, "signalen.csv", csv_bytes(header, [row], encoding=encoding))
            )
            if response.status_code == 302:
                signal = Signal.objects.get(title=VALID_ROW["titel"])
                assert "Geen reactie" in signal.description, encoding
            else:
                assert response.status_code == 200, encoding
                assert import_problems(response), encoding
                assert Signal.objects.count() == before


def damaged_xlsx() -> list[tuple[str, bytes]]:
    """An Excel file of the right layout, damaged as a download or a disk damages files."""
    good = xlsx_bytes(["titel", "omschrijving", "periode_van", "periode_tot"], [VALID_ROW] * 20)
    sheet = zipfile.ZipFile(io.BytesIO(good)).getinfo("xl/worksheets/sheet1.xml")
    start = sheet.header_offset + 30 + len(sheet.filename) + len(sheet.extra)
    middle = start + sheet.compress_size // 2
    flipped = bytearray(good)
    for offset in range(middle, middle + 8):
        flipped[offset] ^= 0xFF
    # The sheet's compression method (in its local and its central header) one that no
    # program knows.
    unknown_method = bytearray(good)
    name = sheet.filename.encode()
    unknown_method[sheet.header_offset + 8 : sheet.header_offset + 10] = (99).to_bytes(2, "little")
    position = good.find(b"PK\x01\x02")
    while position != -1:
        length = int.from_bytes(good[position + 28 : position + 30], "little")
        if good[position + 46 : position + 46 + length] == name:
            unknown_method[position + 10 : position + 12] = (99).to_bytes(2, "little")
        position = good.find(b"PK\x01\x02", position + 4)
    return [
        ("bytes in the sheet flipped", bytes(flipped)),
        ("an unknown compression method", bytes(unknown_method)),
        ("cut off inside the sheet", good[:middle]),
    ]


def test_a_damaged_excel_file_is_refused_with_a_message(client, people, body):
    client.force_login(people["member"])
    failures = []
    for label, content in damaged_xlsx():
        with rolled_back():
            try:
                response = upload(client, body, "signalen.xlsx", content)
            except Exception as error:  # what the test client re-raises from the view
                failures.append(f"{label}: {type(error).__module__}.{type(error).__name__}")
                continue
            if response.status_code != 200 or not import_problems(response):
                failures.append(f"{label}: {response.status_code}")
    assert failures == []


def test_hostile_cells_are_imported_as_text_or_refused_by_line(client, people, body):
    """Any text in any cell, formulas included: the import saves every line or none, and
    says which lines are wrong; a formula comes back out of the export as text."""
    client.force_login(people["member"])
    header = import_header(body)
    before = Signal.objects.count()
    cell = st.one_of(hostile_text(80), JUNK, st.just("=cmd|' /C calc'!A0"))
    base = {name: VALID_ROW.get(name, "") for name in header}
    row = st.dictionaries(st.sampled_from(header), cell, max_size=3).map(
        lambda changes: {**base, **changes}
    )

    def check(args):
        rows, fmt, accept = args
        content = csv_bytes(header, rows) if fmt == "csv" else xlsx_bytes(header, rows)
        data = {"accept_redactions": "on"} if accept else {}
        response = answered(upload(client, body, f"signalen.{fmt}", content, **data))
        if response.status_code == 302:
            assert Signal.objects.count() == before + len(rows)
            export = answered(
                client.get(
                    reverse("signals:signal-export", kwargs={"slug": body.slug, "fmt": "csv"})
                )
            )
            exported = list(
                csv.reader(io.StringIO(body_text(export).lstrip("\ufeff")), delimiter=";")
            )
            for line in exported[1:]:
                for value in line:
                    assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
        else:
            assert response.status_code == 200
            assert Signal.objects.count() == before
            problems = import_problems(response)
            assert problems
            assert set(problems) <= {0, 1, *range(2, len(rows) + 2)}

    strategy = st.tuples(
        st.lists(row, min_size=1, max_size=4), st.sampled_from(["csv", "xlsx"]), st.booleans()
    )
    for_all(strategy, check, examples=40)


CORRUPTIONS = {
    "a date that is none": {"periode_van": "31-02-2026"},
    "a period backwards": {"periode_van": "30-06-2026", "periode_tot": "01-01-2026"},
    "no title": {"titel": ""},
    "a title too long": {"titel": "x" * 201},
    "a description far too long": {"omschrijving": "lang " * 20_000},
    "an unknown impact": {"impact": "enorm"},
    "an unknown aspect": {"invalshoeken": "Bestaat niet"},
    "a count that is no number": {"aantal_zaken": "veel"},
    "a negative count": {"aantal_zaken": "-3"},
    "personal data": {"omschrijving": "Mevrouw Jansen belde op 06-12345678."},
    "an unknown classification": {"indeling": "willekeur"},
    "too many values": {"extra": "waarde"},
}


def test_the_import_is_all_or_nothing_and_names_the_wrong_line(client, people, body):
    client.force_login(people["member"])
    header = import_header(body)
    before = Signal.objects.count()

    def check(args):
        count, position, corruption, fmt = args
        position = position % count
        rows = [{**VALID_ROW, "titel": f"Facturen te laat betaald ({n})"} for n in range(count)]
        rows[position] = {**rows[position], **CORRUPTIONS[corruption]}
        if "extra" in rows[position]:  # a value past the last column
            rows = [[row.get(name, "") for name in header] for row in rows]
            rows[position] = [*rows[position], "waarde"]
        content = csv_bytes(header, rows) if fmt == "csv" else xlsx_bytes(header, rows)
        response = answered(upload(client, body, f"signalen.{fmt}", content))
        assert response.status_code == 200
        assert Signal.objects.count() == before, "nothing is saved while one line is wrong"
        problems = import_problems(response)
        assert list(problems) == [position + 2], problems  # line 1 is the header
        assert nl("Nothing was imported") in body_text(response)

    strategy = st.tuples(
        st.integers(1, 12),
        st.integers(0, 11),
        st.sampled_from(sorted(CORRUPTIONS)),
        st.sampled_from(["csv", "xlsx"]),
    )
    for_all(strategy, check, examples=40)

    # Without the wrong line, every line is saved.
    rows = [{**VALID_ROW, "titel": f"Facturen te laat betaald ({n})"} for n in range(12)]
    response = answered(upload(client, body, "signalen.csv", csv_bytes(header, rows)))
    assert response.status_code == 302
    assert Signal.objects.count() == before + 12


def test_the_columns_of_the_file_are_checked_first(client, people, body):
    client.force_login(people["member"])
    header = import_header(body)
    before = Signal.objects.count()
    required = ["titel", "omschrijving", "periode_van", "periode_tot"]
    ignored = {"", *EXPORT_ONLY}  # the export's own columns: an export can be imported again

    def check(args):
        dropped, extra, fmt = args
        columns = [name for name in header if name not in dropped] + extra
        rows = [{**VALID_ROW, **dict.fromkeys(extra, "iets")}]
        content = csv_bytes(columns, rows) if fmt == "csv" else xlsx_bytes(columns, rows)
        response = answered(upload(client, body, f"signalen.{fmt}", content))
        missing = [name for name in required if name in dropped]
        unknown = sorted({name.strip().lower() for name in extra} - set(header) - ignored)
        if not missing and not unknown:
            return
        assert response.status_code == 200
        assert Signal.objects.count() == before
        problems = " ".join(import_problems(response).get(1, []))
        if missing:
            expected = nl_plural(
                "Missing column: %(names)s.",
                "Missing columns: %(names)s.",
                len(missing),
                names=", ".join(missing),
            )
            assert expected in problems
        if unknown:
            expected = nl_plural(
                "Unknown column: %(names)s.",
                "Unknown columns: %(names)s.",
                len(unknown),
                names=", ".join(unknown),
            )
            assert expected in problems

    strategy = st.tuples(
        st.lists(st.sampled_from(header), unique=True, max_size=4),
        st.lists(
            st.one_of(
                st.sampled_from(["kolom", "naam", "bsn", "id", "status"]),
                st.text(st.characters(min_codepoint=97, max_codepoint=122), min_size=1, max_size=8),
            ).filter(lambda name: name not in header),
            unique=True,
            max_size=2,
        ),
        st.sampled_from(["csv", "xlsx"]),
    )
    for_all(strategy, check, examples=30)


def test_a_file_with_too_many_lines_is_refused_as_a_whole(client, people, body):
    client.force_login(people["member"])
    header = import_header(body)
    rows = [VALID_ROW] * (MAX_ROWS + 1)
    response = answered(upload(client, body, "signalen.csv", csv_bytes(header, rows)))
    assert response.status_code == 200
    assert not Signal.objects.exists()
    assert import_problems(response)[0] == [
        nl("The file has more than %(max)s signals. Split it into smaller files.", max=MAX_ROWS)
    ]


# --- Personal data: never stored ----------------------------------------------------------------
FIRST_NAMES = ("Jan", "Piet", "Henk", "Sandra", "Annelies", "Mohamed", "Fatima", "Kees", "Ingrid")
SURNAMES = ("Jansen", "Visser", "Mulder", "Bakker", "Dijkstra", "Hendriks", "Brouwer", "Kuipers")
STREETS = ("Kerkstraat", "Molenstraat", "Schoolstraat", "Dorpsstraat", "Hengelosestraat")
BANKS = ("ABNA", "RABO", "INGB", "SNSB", "TRIO", "ASNB", "KNAB", "BUNQ")


@dataclass(frozen=True)
class Personal:
    """A piece of personal data in a sentence: what must never be stored, and its kind."""

    kind: str  # the scanner's kind (bsn, email, iban, telefoon, naam, adres)
    sentence: str
    raw: tuple[str, ...]  # the values that must never be found in the database


def _bsn(digits: list[int]) -> str | None:
    check = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True)) % 11
    if check == 10:
        return None
    number = "".join(map(str, digits)) + str(check)
    return number if bsn_number.is_valid(number) else None


bsns = (
    st.lists(st.integers(0, 9), min_size=8, max_size=8)
    .map(_bsn)
    .filter(bool)
    .flatmap(
        lambda n: st.sampled_from([n, f"{n[:3]}.{n[3:6]}.{n[6:]}", f"{n[:3]} {n[3:6]} {n[6:]}"])
    )
    .map(
        lambda v: Personal(
            "bsn",
            f"Volgens het dossier (BSN {v}) is de zaak niet afgehandeld.",
            (v, re.sub(r"\D", "", v)),
        )
    )
)


def _iban(bank: str, account: int, spaced: bool) -> str:
    body = f"{bank}{account:010d}"
    number = f"NL{iban_number.calc_check_digits('NL00' + body)}{body}"
    assert iban_number.is_valid(number)
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4)) if spaced else number


ibans = st.builds(_iban, st.sampled_from(BANKS), st.integers(0, 10**10 - 1), st.booleans()).map(
    lambda v: Personal(
        "iban",
        f"De terugbetaling ging naar rekening {v} van de verkeerde persoon.",
        (v, v.replace(" ", "")),
    )
)
emails = st.builds(
    lambda user, domain, tld: f"{user}@{domain}.{tld}",
    st.from_regex(r"\A[a-z][a-z0-9]{1,8}(\.[a-z0-9]{1,6})?\Z"),
    st.from_regex(r"\A[a-z][a-z0-9-]{1,10}[a-z0-9]\Z"),
    st.sampled_from(["nl", "com", "org", "eu"]),
).map(lambda v: Personal("email", f"De klager mailde vanaf {v} om uitstel te vragen.", (v,)))
phones = st.builds(
    lambda shape, digits: shape.format(*digits),
    st.sampled_from(
        [
            "06-{}{}{}{}{}{}{}{}",
            "06 {}{}{}{}{}{}{}{}",
            "+31 6 {}{}{}{}{}{}{}{}",
            "06{}{}{}{}{}{}{}{}",
        ]
    ),
    st.lists(st.integers(0, 9), min_size=8, max_size=8),
).map(
    lambda v: Personal("telefoon", f"Zij was bereikbaar op {v} maar werd niet teruggebeld.", (v,))
)
names = st.builds(
    lambda first, last, shape: Personal(
        "naam",
        shape.format(first=first, last=last),
        (f"{first} {last}", last) if "{first}" in shape else (last,),
    ),
    st.sampled_from(FIRST_NAMES),
    st.sampled_from(SURNAMES),
    st.sampled_from(
        [
            "Mevrouw {last} belde drie keer over de aanvraag.",
            "Volgens {first} {last} is hij niet gehoord.",
            "De heer {last} kreeg geen antwoord op zijn brief.",
        ]
    ),
)
addresses = st.builds(
    lambda street, number: Personal(
        "adres", f"Het gezin woont aan de {street} {number} in Enschede.", (f"{street} {number}",)
    ),
    st.sampled_from(STREETS),
    st.builds(
        lambda n, letter: f"{n}{letter}", st.integers(1, 399), st.sampled_from(["", "a", "B"])
    ),
)
personal_data = st.one_of(bsns, ibans, emails, phones, names, addresses)
# Random text around it, on lines of their own, so that it cannot change how the sentence
# with the personal data reads.
noise = st.text(UTF8, max_size=25).map(lambda text: text.replace("\n", " ").replace("\r", " "))


@st.composite
def personal_texts(draw):
    personal = draw(personal_data)
    text = f"{draw(noise)}\n{personal.sentence}\n{draw(noise)}"
    return personal, text


def stored_texts() -> str:
    """Every value of every text, char and JSON column of every table (the audit trail's
    changes, object names and additional data included) and every session's content."""
    parts = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        columns = [
            field.attname
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField | models.JSONField)
        ]
        if not columns:
            continue
        for row in model._base_manager.values_list(*columns):
            for value in row:
                if isinstance(value, str):
                    parts.append(value)
                elif value is not None:
                    parts.append(json.dumps(value, ensure_ascii=False, default=str))
    for session in Session.objects.all():
        parts.append(json.dumps(session.get_decoded(), ensure_ascii=False, default=str))
    return "\n".join(parts)


def assert_not_stored(personal: Personal) -> str:
    everything = stored_texts()
    lowered = everything.casefold()
    for raw in personal.raw:
        # Names by their capitals (a surname can be an ordinary word in lower case).
        found = raw in everything if personal.kind == "naam" else raw.casefold() in lowered
        assert not found, f"{personal.kind} stored: {raw!r}"
    return everything


def test_the_generated_personal_data_is_what_the_scanner_must_find():
    def check(args):
        personal, text = args
        result = scan(text)
        found = {text[f.start : f.end] for f in result.findings if f.type == personal.kind}
        assert any(personal.raw[0] in value for value in found), (personal, result.as_dict())
        for raw in personal.raw:
            assert raw not in result.redacted

    for_all(personal_texts(), check, examples=200, database=False)


@pytest.fixture
def pd_scene(people, body):
    """The rekenkamer, with nothing that holds a name of the tests."""
    body.description = ""
    body.save()
    assert not any(raw in stored_texts() for raw in (*SURNAMES, *STREETS)), (
        "the database holds a name of the tests before they start"
    )
    return body


def test_personal_data_in_the_signal_form_is_never_stored(client, people, pd_scene):
    body = pd_scene
    client.force_login(people["member"])
    url = reverse("signals:signal-create", kwargs={"slug": body.slug})
    base = {
        "title": "Beslistermijnen overschreden",
        "description": "Bij een derde van de aanvragen werd de termijn overschreden.",
        "period_start": "2026-01-01",
        "period_end": "2026-06-30",
        "case_count": "3",
        "impact": "midden",
    }
    fields = st.sampled_from(["title", "description", "source_reference", "details_rapport"])
    saved = Counter()

    def check(args):
        (personal, text), field = args
        data = {**base, field: text}
        refused = answered(client.post(url, data))
        assert refused.status_code == 200
        assert not Signal.objects.exists()
        accepted = answered(client.post(url, {**data, "accept_redaction": "1"}))
        if accepted.status_code == 302:
            saved[personal.kind] += 1
            stored = Signal.objects.get()
            value = (
                stored.details.get("rapport")
                if field == "details_rapport"
                else getattr(stored, field)
            )
            assert REDACTIONS[personal.kind] in value
        else:  # the surrounding text itself is not allowed (a NUL, too long, …)
            assert accepted.status_code == 200
            assert accepted.context["form"].errors
        assert_not_stored(personal)

    for_all(st.tuples(personal_texts(), fields), check, examples=60)
    assert len(saved) >= 5, saved  # (nearly) every kind was saved redacted at least once


def test_personal_data_in_the_import_is_never_stored(client, people, pd_scene):
    body = pd_scene
    client.force_login(people["member"])
    header = import_header(body)
    saved = Counter()

    def check(args):
        (personal, text), column, fmt = args
        row = {**VALID_ROW, column: text}
        content = csv_bytes(header, [row]) if fmt == "csv" else xlsx_bytes(header, [row])
        refused = answered(upload(client, body, f"signalen.{fmt}", content))
        assert refused.status_code == 200
        assert 2 in import_problems(refused)
        assert not Signal.objects.exists()
        assert_not_stored(personal)
        accepted = answered(
            upload(client, body, f"signalen.{fmt}", content, accept_redactions="on")
        )
        if accepted.status_code == 302:
            saved[personal.kind] += 1
            assert Signal.objects.count() == 1
        else:
            assert accepted.status_code == 200
            assert not Signal.objects.exists()
        assert_not_stored(personal)

    strategy = st.tuples(
        personal_texts(),
        st.sampled_from(["titel", "omschrijving", "bron", "rapport"]),
        st.sampled_from(["csv", "xlsx"]),
    )
    for_all(strategy, check, examples=40)
    assert len(saved) >= 4, saved


DELIBERATION_TEXT_FORMS = (
    "beraad-create",
    "beraad-update",
    "theme-create",
    "theme-rename",
    "tag-new-theme",
    "analysis",
    "recommendation",
    "response",
)


def deliberation_text_forms(scene: Scene, people) -> dict[str, tuple]:
    """Every form of the deliberation with free text: (who posts it, where, the rest of the
    form, its free-text fields)."""
    chair, reader = client_for(people["chair"]), client_for(people["reader"])
    started, preparing, theme = scene.started, scene.preparing, scene.other_theme
    response_of = scene.shared_recommendation
    edit = {
        "version": preparing.version,
        "title": preparing.title,
        "date": preparing.date.isoformat(),
        "period_start": preparing.period_start.isoformat(),
        "period_end": preparing.period_end.isoformat(),
        "submission_deadline": preparing.submission_deadline.isoformat(),
        "bodies": [scene.body.pk, scene.other_body.pk],
        "min_bodies": 2,
        "agenda": "",
        "attendance": "",
        "minutes": "",
        "summary": "",
    }
    create = {
        "title": "Rode-dradenberaad najaar 2027",
        "season": "najaar",
        "year": 2027,
        "date": "2027-10-15",
        "period_start": "2027-01-01",
        "period_end": "2027-06-30",
        "submission_deadline": "2027-09-24",
        "bodies": [scene.body.pk, scene.other_body.pk],
        "min_bodies": 2,
        "agenda": "",
    }
    rode_draad = reverse("deliberation:rode-draad", args=[started.pk, scene.theme.pk])
    return {
        "beraad-create": (
            chair,
            reverse("deliberation:beraad-create"),
            create,
            ["title", "agenda"],
        ),
        "beraad-update": (
            chair,
            reverse("deliberation:beraad-update", args=[preparing.pk]),
            edit,
            ["title", "agenda", "attendance", "minutes", "summary"],
        ),
        "theme-create": (
            chair,
            reverse("deliberation:theme-list"),
            {"name": "Bejegening", "description": ""},
            ["name", "description"],
        ),
        "theme-rename": (
            chair,
            reverse("deliberation:theme-detail", args=[theme.pk]),
            {"name": theme.name, "description": ""},
            ["name", "description"],
        ),
        "tag-new-theme": (
            chair,
            reverse("deliberation:tag-new-theme", args=[started.pk]),
            {"inclusion": inclusion(scene.included).pk},
            ["name"],
        ),
        "analysis": (chair, rode_draad, {"version": 0}, ["text"]),
        "recommendation": (
            chair,
            rode_draad,
            {"add_recommendation": "1", "addressee": "burgemeester"},
            ["text"],
        ),
        "response": (
            reader,
            reverse("deliberation:recommendation-detail", args=[response_of.pk]),
            {
                "version": response_of.version,
                "response": "deels",
                "response_reason": "Er is geen budget voor.",
                "owner": "Directeur Publiekszaken",
                "due_date": "2027-06-01",
                "status": "in_uitvoering",
                "progress": "",
            },
            ["response_reason", "owner", "progress"],
        ),
    }


@pytest.mark.parametrize("form", DELIBERATION_TEXT_FORMS)
def test_personal_data_in_the_beraad_is_never_stored(scene, people, form):
    """Every free-text field of the deliberation: the session (its attendance included), the
    themes (also made while tagging), the analysis, the recommendation and the response."""
    forms_ = deliberation_text_forms(scene, people)
    assert set(forms_) == set(DELIBERATION_TEXT_FORMS)
    client, url, data, fields = forms_[form]
    # Tagging answers htmx with a fragment that says why (without htmx: a message).
    headers = {"HTTP_HX_REQUEST": "true"} if form == "tag-new-theme" else {}
    said = Counter()

    def check(args):
        (personal, text), field = args
        response = answered(client.post(url, {**data, field: text}, **headers))
        assert response.status_code == 200, "refused, with the form again"
        said[nl("Contains personal data") in unescape(body_text(response))] += 1
        assert_not_stored(personal)

    for_all(st.tuples(personal_texts(), st.sampled_from(fields)), check, examples=15)
    # The page said that the text holds personal data (some examples are refused for what
    # the surrounding text holds: a NUL, a text too long, …).
    assert said[True] >= 5, said


def test_personal_data_in_the_admin_is_never_stored(scene, people):
    """The administrator's correction of a signal goes through the same guard."""
    client = client_for(people["admin"])
    signal = scene.draft
    url = reverse("admin:signals_signal_change", args=[signal.pk])
    data = {
        "title": signal.title,
        "description": signal.description,
        "source_reference": "",
        "period_start": "2026-01-01",
        "period_end": "2026-06-30",
        "case_count": "4",
        "impact": "midden",
        "version": signal.version,
        "_save": "Opslaan",
    }
    said = Counter()

    def check(args):
        (personal, text), field = args
        response = answered(client.post(url, {**data, field: text}))
        assert response.status_code == 200, "refused, with the form again"
        said[nl("Contains personal data") in unescape(body_text(response))] += 1
        assert_not_stored(personal)

    fields = st.sampled_from(["title", "description", "source_reference"])
    for_all(st.tuples(personal_texts(), fields), check, examples=20)
    assert said[True] >= 5, said


def test_a_refusal_says_in_dutch_that_the_text_holds_personal_data(client, scene, people):
    client.force_login(people["chair"])
    url = reverse("deliberation:beraad-update", args=[scene.preparing.pk])
    beraad = scene.preparing
    response = answered(
        client.post(
            url,
            {
                "version": beraad.version,
                "title": beraad.title,
                "date": beraad.date.isoformat(),
                "period_start": beraad.period_start.isoformat(),
                "period_end": beraad.period_end.isoformat(),
                "submission_deadline": beraad.submission_deadline.isoformat(),
                "bodies": [scene.body.pk, scene.other_body.pk],
                "min_bodies": 2,
                "attendance": "Aanwezig: mevrouw Jansen (06-12345678).",
            },
        )
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["attendance"])
    assert nl("Contains personal data") in errors
    assert "Jansen" not in errors
    assert "06-12345678" not in errors
    beraad.refresh_from_db()
    assert beraad.attendance == ""


# --- Markup: always escaped ---------------------------------------------------------------------
def assert_escaped(response, payload: str, *, shown: bool = True) -> None:
    page = body_text(response)
    where = response.request["PATH_INFO"]
    assert payload not in page, f"unescaped markup on {where}"
    if shown:
        assert escape(payload) in page, f"the text is not on {where}"


# A word to search for: no stop word, so that the search finds the signal.
filler = st.text(st.characters(min_codepoint=97, max_codepoint=122), min_size=3, max_size=8).map(
    lambda letters: f"woord{letters}"
)


def test_markup_is_shown_escaped_on_every_page_and_fragment(scene, people):
    """Text with markup, saved through the forms, on every page, htmx fragment and chart that
    shows it, and in the memo."""
    member = client_for(people["member"])
    chair = client_for(people["chair"])
    reader = client_for(people["reader"])
    body = scene.body

    def check(args):
        payload, word = args
        text = f"{word} {payload} {word}"
        beraad = Beraad.objects.get(pk=scene.preparing.pk)  # as it is in this example

        # A signal of the rekenkamer, through the form, then submitted for the session.
        response = member.post(
            reverse("signals:signal-create", kwargs={"slug": body.slug}),
            {
                "title": text,
                "description": text,
                "source_reference": text,
                "details_rapport": text[:200],
                "period_start": "2026-07-01",
                "period_end": "2026-12-31",
                "case_count": "2",
                "impact": "hoog",
            },
        )
        assert response.status_code == 302
        signal = Signal.objects.latest("pk")
        for page in (signal.get_absolute_url(), body.get_absolute_url()):
            assert_escaped(answered(member.get(page)), payload)
        assert_escaped(answered(member.get(body.get_absolute_url(), {"q": word})), payload)
        member.post(reverse("signals:signal-submit", args=[signal.pk]), {"version": 1})

        # The session's texts, then it starts.
        edit = {
            "version": beraad.version,
            "title": text,
            "date": beraad.date.isoformat(),
            "period_start": beraad.period_start.isoformat(),
            "period_end": beraad.period_end.isoformat(),
            "submission_deadline": beraad.submission_deadline.isoformat(),
            "bodies": [scene.body.pk, scene.other_body.pk],
            "min_bodies": 1,
            "agenda": text,
            "attendance": text,
            "minutes": text,
            "summary": text,
        }
        url = reverse("deliberation:beraad-update", args=[beraad.pk])
        edited = chair.post(url, edit)
        assert edited.status_code == 302, edited.context["form"].errors
        start = reverse("deliberation:beraad-transition", args=[beraad.pk, "starten"])
        assert chair.post(start).status_code == 302
        for page in (
            beraad.get_absolute_url(),
            reverse("deliberation:beraad-list"),
            reverse("home"),
            reverse("deliberation:workspace", args=[beraad.pk]),
        ):
            assert_escaped(answered(chair.get(page)), payload)

        # Tagging with a new theme in the workspace: the htmx fragment names it.
        included = inclusion(signal).pk
        fragment = chair.post(
            reverse("deliberation:tag-new-theme", args=[beraad.pk]),
            {"inclusion": included, "name": f"{word} {payload}"[:120]},
            HTTP_HX_REQUEST="true",
        )
        assert fragment.status_code == 200
        assert_escaped(fragment, payload)
        theme = Theme.objects.latest("pk")
        retag = chair.post(
            reverse("deliberation:tag", args=[beraad.pk]),
            {"inclusion": included, "theme": theme.pk, "tagged": "1"},
            HTTP_HX_REQUEST="true",
        )
        assert_escaped(retag, payload)
        theme_detail = reverse("deliberation:theme-detail", args=[theme.pk])
        assert (
            chair.post(theme_detail, {"name": theme.name, "description": text}).status_code == 302
        )

        # The rode draad: analysis and recommendation.
        rode_draad = reverse("deliberation:rode-draad", args=[beraad.pk, theme.pk])
        assert chair.post(rode_draad, {"version": 0, "text": text}).status_code == 302
        added = chair.post(
            rode_draad, {"add_recommendation": "1", "text": text, "addressee": "burgemeester"}
        )
        assert added.status_code == 302
        for page in (
            rode_draad,
            theme_detail,
            reverse("deliberation:theme-list"),
            reverse("deliberation:workspace", args=[beraad.pk]),
            reverse("reports:dashboard"),
        ):
            assert_escaped(answered(chair.get(page)), payload)
        # The memo's HTML (the PDF is made from it).
        with translation.override("nl"):
            html = render_to_string(
                MEMO_TEMPLATE,
                memo_context(beraad=Beraad.objects.get(pk=beraad.pk), definitive=False, version=1),
            )
        assert payload not in html
        assert escape(payload) in html

        # Shared: the readers' response.
        advance(beraad, people["chair"], BeraadState.GEDEELD)
        recommendation = Recommendation.objects.get(beraad=beraad)
        detail = reverse("deliberation:recommendation-detail", args=[recommendation.pk])
        responded = reader.post(
            detail,
            {
                "version": recommendation.version,
                "response": "deels",
                "response_reason": text,
                "owner": text[:150],
                "due_date": "2027-06-01",
                "status": "in_uitvoering",
                "progress": text,
            },
        )
        assert responded.status_code == 302
        for page in (detail, reverse("deliberation:recommendation-list")):
            assert_escaped(answered(reader.get(page)), payload)
        assert_escaped(answered(reader.get(reverse("reports:dashboard"))), payload, shown=False)

    for_all(st.tuples(st.sampled_from(MARKUP), filler), check, examples=6)


# --- Long texts ---------------------------------------------------------------------------------
def scanner_work(monkeypatch) -> Counter:
    """Counts what the scanner does: the word pairs it compares and the characters its idiom
    pattern reads."""
    work = Counter()
    joined = anonymisation_scanner.Scanner._joined
    idioms = anonymisation_scanner._IDIOMS

    def counting_joined(self, *args, **kwargs):
        work["word pairs"] += 1
        return joined(self, *args, **kwargs)

    class CountingIdioms:
        def finditer(self, text, *args):
            work["idiom characters"] += len(text)
            return idioms.finditer(text, *args)

        def __getattr__(self, name):
            return getattr(idioms, name)

    monkeypatch.setattr(anonymisation_scanner.Scanner, "_joined", counting_joined)
    monkeypatch.setattr(anonymisation_scanner, "_IDIOMS", CountingIdioms())
    return work


@pytest.mark.parametrize("unit", ["Jan Jansen ", "Mevrouw Jansen belde. "])
def test_the_personal_data_check_keeps_up_with_long_texts(client, scene, people, monkeypatch, unit):
    """A text twice as long costs the check about twice the work, not four times."""
    client.force_login(people["chair"])
    beraad = scene.preparing
    url = reverse("deliberation:beraad-update", args=[beraad.pk])
    work = scanner_work(monkeypatch)
    costs = []
    for repeat in (150, 300):
        work.clear()
        with rolled_back():
            response = answered(
                client.post(
                    url,
                    {
                        "version": beraad.version,
                        "title": beraad.title,
                        "date": beraad.date.isoformat(),
                        "period_start": beraad.period_start.isoformat(),
                        "period_end": beraad.period_end.isoformat(),
                        "submission_deadline": beraad.submission_deadline.isoformat(),
                        "bodies": [scene.body.pk, scene.other_body.pk],
                        "min_bodies": 2,
                        "minutes": unit * repeat,
                    },
                )
            )
        assert response.status_code == 200  # refused: the minutes name people
        costs.append(sum(work.values()))
    assert costs[0] > 0
    assert costs[1] <= 2.5 * costs[0], costs
