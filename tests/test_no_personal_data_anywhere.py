"""Issue 16, acceptance: personal data written the way people really write it goes through
every guarded path of the site, and afterwards no table, no log, no query, no broker message,
no cache entry, no session and no e-mail holds any of it.

The spellings are those of the issue's "What was found" (lower-case names and streets, postcodes
and plates with and without a hyphen, phone numbers with spaces around a hyphen or with Word's
non-breaking hyphen U+2011, BSN in groups, obfuscated e-mail, an official's name, an IBAN with
hyphens, a number a spreadsheet made of a mobile number, a date of birth). Every path is
posted twice where it offers the choice: first as typed (refused: the findings are shown and
nothing is saved), then with the proposed redaction accepted (the placeholders are saved).

The paths: the signal form (create and edit, the body kinds' free-text details and free
classification), the import (CSV and Excel; text cells and numeric cells; refused and with
``accept_redactions``), the beraad (create and edit: title, agenda, attendance, minutes,
summary), the themes (catalogue and theme page), the workspace's new-theme field (htmx and its
page without JavaScript), the analysis, the recommendation, the readers' response (reason, owner,
progress), the admin (add and change of OversightBody, Aspect and OrganisationUnit, change of
Signal), and the management commands that write (``seed_demo`` with personal data planted in its
demo texts refuses; ``scan_personal_data`` stores nothing).

While they run, every log record (as production logs at LOG_LEVEL=DEBUG, with the SQL log and
its parameters), every query and every message for the broker is recorded
(tests/signals/test_no_personal_data.py, ``watch``); afterwards every entry of every configured
cache, every session and every e-mail in the outbox are read, and every table is dumped. Each
is searched for each raw value: as typed, without its separators, with its dashes normalised,
JSON-escaped, compared in lower case. So that the search can fail, the placeholders must be
found in the database after the accepted paths, and a raw value planted in each store on purpose
must be found by the same functions (a self-check).
"""

from __future__ import annotations

import gzip
import io
import json
import logging
import pickle
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from html import unescape
from importlib import import_module

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.http import HttpResponseBase
from django.urls import reverse

from deliberation.models import Beraad, BeraadState, Recommendation, Theme
from deliberation.tasks import recommendation_send_reminder_task
from rodedraden.accounts.models import Role
from signals.anonymisation import FINDING_TYPES, REDACTIONS, scan
from signals.models import Aspect, OrganisationUnit, OversightBody, Signal
from signals.transfer import columns_for
from tests.conftest import Client
from tests.deliberation.helpers import advance, inclusion, submitted, tag
from tests.deliberation.test_follow_up import shared_session
from tests.deliberation.test_guard_paths import edit_data
from tests.factories import (
    BeraadFactory,
    MembershipFactory,
    OversightBodyFactory,
    ThemeFactory,
    UserFactory,
)
from tests.signals.test_admin import signal_admin_data
from tests.signals.test_no_personal_data import (  # noqa: F401  (watch: a fixture)
    Evidence,
    clean_signal,
    create_url,
    csv_file,
    database_dump,
    nl,
    record_text,
    upload,
    watch,
    xlsx_file,
)

# --- The personal data, as people write it ------------------------------------------------------
# (spelling, the kind the scanner must call it, a sentence it is found in). Synthetic: the BSN
# 111222333 passes the 11-proef, NL91ABNA0417164300 is the mod-97 example IBAN.
SPELLINGS = [
    ("j.de vries", "naam", "Het dossier van {} lag drie maanden stil."),
    ("mevr. bakker", "naam", "Volgens {} werd zij niet teruggebeld."),
    ("de heer de vries", "naam", "Daarna belde {} opnieuw met de afdeling."),
    ("kerkstraat 12", "adres", "De brief ging naar {} in plaats van naar het juiste adres."),
    ("7511ab", "postcode", "De brief ging naar postcode {} in Enschede."),
    ("7511-AB", "postcode", "De brief ging naar postcode {} in Enschede."),
    ("ab-123-c", "kenteken", "De taxi met kenteken {} kwam twee keer niet opdagen."),
    ("06 - 1234 5678", "telefoon", "Zij is bereikbaar op {} na vijf uur."),
    ("06\u201112345678", "telefoon", "Zij is bereikbaar op {} na vijf uur."),
    ("111-222-333", "bsn", "Het bsn {} stond in de brief."),
    ("1112 22333", "bsn", "Het bsn {} stond in de brief."),
    ("jan.jansen @ gmail.com", "email", "Stuur de stukken naar {} voor vrijdag."),
    ("jan.jansen(at)gmail.com", "email", "Stuur de stukken naar {} voor vrijdag."),
    ("wethouder Van der Berg", "naam", "Het besluit van {} bleef uit."),
    ("NL91-ABNA-0417-1643-00", "iban", "De terugbetaling gaat naar {} zodra het besluit er is."),
    ("612345678", "telefoon", "In de spreadsheet stond bij de melder {}."),
    ("14-03-1961", "geboortedatum", "Zij is geboren op {} in Hengelo."),
]
NUMERIC_CELL = 612345678  # a mobile number that Excel made a number of (its 0 is gone)
# Parts of the spellings that must not survive on their own either.
# (Not "bakker" or "jansen": the demo has accounts of Willem Bakker and Marieke Jansen.)
PARTS = ["vries", "van der berg", "jan.jansen", "jan.jansen@gmail.com", "0612345678"]

# Every spelling in one text, for the fields that take a text of some length.
LONG = (
    "Volgens mevr. bakker en j.de vries bleef de aanvraag maanden liggen; de heer de vries "
    "woont op kerkstraat 12, 7511ab Enschede (op het formulier: 7511-AB). De taxi met "
    "kenteken ab-123-c kwam twee keer niet. Zij is bereikbaar op 06 - 1234 5678 of "
    "06\u201112345678, het bsn 111-222-333 (elders 1112 22333), en per mail via "
    "jan.jansen @ gmail.com of jan.jansen(at)gmail.com. Het besluit van wethouder Van der Berg "
    "bleef uit; de terugbetaling gaat naar NL91-ABNA-0417-1643-00. In de spreadsheet stond "
    "bij de melder 612345678. Zij is geboren op 14-03-1961."
)
# For names and titles: every spelling in at least one of them, none longer than 100.
SHORT = [
    "klacht van mevr. bakker, kerkstraat 12, 7511ab",
    "wachttijd j.de vries, 06 - 1234 5678, kenteken ab-123-c",
    "dossier de heer de vries, bsn 111-222-333, postcode 7511-AB",
    "mail jan.jansen @ gmail.com of bel 06\u201112345678",
    "wethouder Van der Berg, rekening NL91-ABNA-0417-1643-00",
    "bsn 1112 22333, jan.jansen(at)gmail.com, geboren op 14-03-1961",
    "in de spreadsheet stond bij de melder 612345678",
]

PLACEHOLDERS = [REDACTIONS[kind] for kind in FINDING_TYPES]
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2212"


def raw_values() -> list[str]:
    """What must never be stored or written anywhere, in lower case: each spelling as typed,
    with its dashes normalised, without its separators, and JSON-escaped (how a JSON column
    and the audit trail's JSON store non-ASCII text)."""
    values = set()
    for spelling, _kind, _sentence in SPELLINGS:
        plain = spelling.translate({ord(dash): "-" for dash in DASHES})
        values |= {
            spelling,
            plain,
            re.sub(r"[\s\-()" + DASHES + "]", "", spelling),  # 0612345678, 7511ab, ab123c
            re.sub(r"\W", "", spelling),  # jdevries, wethoudervanderberg
        }
    values |= set(PARTS)
    values |= {json.dumps(value)[1:-1] for value in set(values)}
    values |= {json.dumps(json.dumps(value)[1:-1])[1:-1] for value in set(values)}
    return sorted({value.lower() for value in values})


RAW = raw_values()
# A value counts where it stands as a whole: "7511ab" inside a random hexadecimal session key
# or password hash is no postcode (and would make the test fail by chance).
RAW_PATTERNS = [
    (value, re.compile(rf"(?<![0-9a-z]){re.escape(value)}(?![0-9a-z])")) for value in RAW
]


def leaks(text: str) -> list[str]:
    lowered = str(text).lower()
    return [value for value, pattern in RAW_PATTERNS if pattern.search(lowered)]


# --- Reading every store -------------------------------------------------------------------------
def readable(value) -> str:
    """Whatever a store holds, as text: bytes decoded (and decompressed), containers and
    responses opened up, other objects with their attributes."""
    if isinstance(value, bytes | bytearray | memoryview):
        data = bytes(value)
        for decompress in (zlib.decompress, gzip.decompress):
            try:
                data = decompress(data)
                break
            except Exception:  # noqa: S112  (not compressed: read as it is)
                continue
        try:
            return readable(pickle.loads(data))  # noqa: S301  (our own cache, in a test)
        except Exception:
            return data.decode("utf-8", "replace")
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return "\n".join(f"{readable(key)}: {readable(item)}" for key, item in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return "\n".join(readable(item) for item in value)
    if isinstance(value, HttpResponseBase):
        content = value.content if hasattr(value, "content") else b""
        return f"{value.headers!r}\n{readable(content)}"
    if hasattr(value, "__dict__"):
        return f"{value!r}\n{readable(vars(value))}"
    return repr(value)


def cache_entries() -> dict[str, str]:
    """Every key and value of every configured cache alias."""
    entries = {}
    for alias in settings.CACHES:
        cache = caches[alias]
        if isinstance(cache, LocMemCache):
            with cache._lock:
                items = list(cache._cache.items())
            for key, value in items:
                entries[f"cache {alias}: {key}"] = f"{key}\n{readable(value)}"
        elif hasattr(getattr(cache, "client", None), "get_client"):  # django-redis
            client = cache.client.get_client(write=False)
            for key in client.scan_iter(count=1000):
                kind = client.type(key)
                if kind == b"string":
                    stored = client.get(key)
                    try:
                        value = cache.client.decode(stored)
                    except Exception:
                        value = stored
                elif kind == b"hash":
                    value = client.hgetall(key)
                elif kind == b"list":
                    value = client.lrange(key, 0, -1)
                elif kind == b"set":
                    value = client.smembers(key)
                elif kind == b"zset":
                    value = client.zrange(key, 0, -1)
                else:
                    value = kind
                entries[f"cache {alias}: {key!r}"] = f"{readable(key)}\n{readable(value)}"
        else:
            pytest.fail(f"cache {alias!r} ({type(cache).__name__}) cannot be read by this test")
    return entries


def clear_local_caches() -> None:
    """The per-process caches outlive a test (a shared Redis is read, never emptied)."""
    for alias in settings.CACHES:
        if isinstance(caches[alias], LocMemCache):
            caches[alias].clear()


@pytest.fixture(autouse=True)
def _empty_local_caches():
    """Each test starts with empty per-process caches and leaves them empty: a page kept here
    must not be served to a later test that finds the same data version."""
    clear_local_caches()
    yield
    clear_local_caches()


def session_entries() -> dict[str, str]:
    """Every session of the session store, decoded (the database holds them encoded)."""
    entries = {}
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    if settings.SESSION_ENGINE.endswith(("backends.db", "backends.cached_db")):
        from django.contrib.sessions.models import Session

        for session in Session.objects.all():
            entries[f"session {session.session_key}"] = readable(store.decode(session.session_data))
    return entries  # a session kept in a cache is read with the cache


def mail_entries() -> dict[str, str]:
    entries = {}
    for number, message in enumerate(mail.outbox):
        parts = [message.subject, message.body, repr(message.to), repr(message.extra_headers)]
        if isinstance(message, EmailMultiAlternatives):
            parts += [readable(content) for content, _mimetype in message.alternatives]
        for attachment in message.attachments:
            parts.append(readable(attachment))
        parts.append(message.message().as_string())
        entries[f"e-mail {number}: {message.subject}"] = "\n".join(parts)
    return entries


def table_entries() -> dict[str, str]:
    """The dump of every table (tests/signals/test_no_personal_data.py), a line per row."""
    entries = {}
    rows = re.split(r"\n(?=\w+: )", database_dump())  # a text may hold a line break
    for number, row in enumerate(rows):
        entries[f"table {row.split(':', 1)[0]} (row {number})"] = row
    return entries


def evidence_entries(evidence: Evidence, run: Run | None = None) -> dict[str, str]:
    """The log records, queries and broker messages, each named with the path it came from."""
    run = run or Run()
    entries = {}
    for number, record in enumerate(evidence.records):
        where = f"log {record.name} (record {number}, during {run.path_of(0, number)})"
        entries[where] = record_text(record)
    for number, query in enumerate(evidence.queries):
        entries[f"query {number} (during {run.path_of(1, number)})"] = query["sql"]
    for number, call in enumerate(evidence.broker):
        where = f"broker {call[1]} (message {number}, during {run.path_of(2, number)})"
        entries[where] = repr(call)
    return entries


def where_it_leaked(entries: dict[str, str]) -> dict[str, list[str]]:
    found = {}
    for where, text in entries.items():
        values = leaks(text)
        if values:
            found[where] = values
    return found


# --- The people ----------------------------------------------------------------------------------
# Fixed names: the factories' random Dutch names could be "Bakker" or "de Vries".
@pytest.fixture
def member(body):
    return MembershipFactory(
        body=body, user__username="lid", user__first_name="Ria", user__last_name="Kok"
    ).user


@pytest.fixture
def chair(db):
    return UserFactory(username="voorzitter", role=Role.CHAIR, first_name="Noor", last_name="Dam")


@pytest.fixture
def reader(db):
    return UserFactory(username="lezer", role=Role.READER, first_name="Sem", last_name="Wit")


@pytest.fixture
def admin_user(db):
    return UserFactory(username="beheerder", role=Role.ADMIN, first_name="Eva", last_name="Ros")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)  # chair, reader and administrator: second factor verified
    return client


# --- The paths -----------------------------------------------------------------------------------
@dataclass
class Run:
    """What every path did: each step's response, the markers of the accepted steps (a clean
    word at the start of their texts, to find their rows again), the commands' output, and
    where each step began in the log records, the queries and the broker messages (``probe``
    counts them), so that a leak names the path it came from."""

    probe: Callable[[], tuple[int, int, int]] = lambda: (0, 0, 0)
    responses: dict = field(default_factory=dict)
    markers: dict = field(default_factory=dict)
    commands: dict = field(default_factory=dict)
    starts: list = field(default_factory=list)  # (name, records, queries, broker messages)
    # Whether the database held a path's marker right after its refusal (when checked).
    check_refusals: bool = False
    stored_when_refused: dict = field(default_factory=dict)

    def begin(self, name: str) -> None:
        self.starts.append((name, *self.probe()))

    def pair(self, name: str, post, data: dict, *, accept: str = "accept_redaction", marker=None):
        """The path posted as typed, then with the proposed redaction accepted."""
        self.begin(f"{name}: refused")
        self.responses[f"{name}: refused"] = post(data)
        if self.check_refusals and marker:
            self.stored_when_refused[name] = marker in database_dump()
        self.begin(f"{name}: accepted")
        self.responses[f"{name}: accepted"] = post({**data, accept: "1"})
        self.begin(f"after {name}")
        if marker:
            self.markers[name] = marker

    def path_of(self, store: int, index: int) -> str:
        """The step during which the index-th record, query or message (store 0, 1, 2) came."""
        name = "before the paths"
        for start in self.starts:
            if index < start[1 + store]:
                break
            name = start[0]
        return name


def short(number: int, marker: str) -> str:
    return f"{marker} {SHORT[number % len(SHORT)]}"


def long(marker: str) -> str:
    return f"{marker} {LONG}"


def signal_data(body, number: int, marker: str, **extra) -> dict:
    data = {
        "title": short(number, marker),
        "description": long(marker),
        "source_reference": short(number + 1, marker),
        "period_start": "2025-01-01",
        "period_end": "2025-06-30",
        "case_count": "4",
        "impact": "hoog",
        "aspects": [Aspect.objects.get(slug="tijdigheid").pk],
    }
    data.update(extra)
    return data


def import_rows(body, marker: str) -> list[dict]:
    """A row of text cells and a row whose cells a spreadsheet made numbers of."""
    names = {column.name for column in columns_for(body.kind_spec)}
    text = {
        "titel": short(0, marker),
        "omschrijving": long(marker),
        "periode_van": "01-01-2025",
        "periode_tot": "30-06-2025",
        "aantal_zaken": "4",
        "impact": "hoog",
        "invalshoeken": "Tijdigheid",
        "bron": short(2, marker),
        "indeling": "rechtmatigheid" if body.kind_spec.taxonomy else short(3, marker),
        "rapport": short(4, marker),
        "opvolging": "niet",
        "herkomst": short(5, marker),
    }
    numeric = {
        **text,
        "titel": f"{marker} getallen uit een spreadsheet",
        "omschrijving": f"{marker} de melder stond in de spreadsheet als getal.",
        "bron": NUMERIC_CELL,
        "rapport": NUMERIC_CELL,
        "herkomst": NUMERIC_CELL,
    }
    if not body.kind_spec.taxonomy:  # a free classification: text, a number here
        numeric["indeling"] = NUMERIC_CELL
    return [
        {name: value for name, value in row.items() if name in names} for row in (text, numeric)
    ]


def as_csv_cells(rows: list[dict]) -> list[dict]:
    """In a CSV file every cell is text: the number as the spreadsheet wrote it."""
    return [{name: str(value) for name, value in row.items()} for row in rows]


@dataclass
class World:
    body: OversightBody
    other_body: OversightBody
    overig: OversightBody
    complaints: OversightBody
    member: object
    chair: object
    reader: object
    admin: object
    beraad: Beraad
    shared_recommendation: Recommendation
    signals: dict


@pytest.fixture
def world(body, other_body, member, chair, reader, admin_user, settings) -> World:
    """Bodies of three kinds (free-text details, a free classification, a numeric detail),
    a session in beraad with two tagged signals, and a shared session with a recommendation
    for the readers' response. All of it clean."""
    # The page cache on (off in the test settings), so that pages are kept and can be read.
    settings.PAGE_CACHE_SECONDS = 600
    overig = OversightBodyFactory(name="Accountant", slug="accountant", kind="overig")
    complaints = OversightBodyFactory(
        name="Klachtencommissaris", slug="klachtencommissaris", kind="klachtencommissaris"
    )
    for other in (overig, complaints):
        MembershipFactory(body=other, user=member)
    _shared, [recommendation] = shared_session(
        chair, body, other_body, season="voorjaar", year=2026, texts=("Stel termijnen vast.",)
    )
    beraad = BeraadFactory(chair=chair, bodies=[body, other_body])
    signals = {"a": submitted(body, title="Wachttijden Wmo"), "b": submitted(other_body)}
    beraad = advance(beraad, chair, BeraadState.IN_BERAAD)
    theme = ThemeFactory(name="Tijdigheid")
    for signal in signals.values():
        tag(beraad, signal, theme, chair)
    clear_local_caches()
    return World(
        body=body,
        other_body=other_body,
        overig=overig,
        complaints=complaints,
        member=member,
        chair=chair,
        reader=reader,
        admin=admin_user,
        beraad=beraad,
        shared_recommendation=recommendation,
        signals=signals,
    )


def signal_paths(run: Run, world: World) -> None:
    client = signed_in(world.member)

    def post(url):
        return lambda data: client.post(url, data)

    run.pair(
        "signal form, create (court of audit: report)",
        post(create_url(world.body)),
        signal_data(
            world.body,
            0,
            "padsignaalnieuw",
            details_rapport=short(2, "padsignaalnieuw"),
            details_indeling=["rechtmatigheid"],
            details_opvolging="niet",
        ),
        marker="padsignaalnieuw",
    )
    signal = clean_signal(world.body, world.member)
    run.pair(
        "signal form, edit (court of audit: report)",
        post(reverse("signals:signal-update", kwargs={"pk": signal.pk})),
        signal_data(
            world.body,
            3,
            "padsignaalbewerkt",
            version=str(signal.version),
            details_rapport=short(5, "padsignaalbewerkt"),
            details_indeling=["doelmatigheid"],
        ),
        marker="padsignaalbewerkt",
    )
    run.pair(
        "signal form, create (other body: source and free classification)",
        post(create_url(world.overig)),
        signal_data(
            world.overig,
            4,
            "padsignaaloverig",
            details_herkomst=short(6, "padsignaaloverig"),
            details_indeling=short(1, "padsignaaloverig"),
        ),
        marker="padsignaaloverig",
    )

    for fmt, builder in (("csv", csv_file), ("xlsx", xlsx_file)):
        for body in (world.body, world.overig):
            marker = f"padimport{fmt}{body.slug}"
            rows = import_rows(body, marker)
            content = builder(body, as_csv_cells(rows) if fmt == "csv" else rows)
            run.pair(
                f"import {fmt.upper()} ({body.kind}: text cells and numeric cells)",
                lambda data, body=body, content=content, fmt=fmt: upload(
                    client, body, f"signalen.{fmt}", content, accept=bool(data.get("accept"))
                ),
                {},
                accept="accept",
                marker=marker,
            )
        # A kind's numeric field that holds a phone number: no placeholder fits in a number.
        header = [column.name for column in columns_for(world.complaints.kind_spec)]
        row = {
            "titel": "Behandelduur uit een spreadsheet",
            "omschrijving": "De behandelduur kwam uit een spreadsheet.",
            "periode_van": "01-01-2025",
            "periode_tot": "30-06-2025",
            "aantal_zaken": 111222333,
            "indeling": "bejegening",
            "uitkomst": "gegrond",
            "behandelduur_dagen": NUMERIC_CELL,
        }
        assert set(row) <= set(header)
        content = builder(world.complaints, as_csv_cells([row]) if fmt == "csv" else [row])
        run.pair(
            f"import {fmt.upper()} (complaints commissioner: numeric columns)",
            lambda data, content=content, fmt=fmt: upload(
                client,
                world.complaints,
                f"signalen.{fmt}",
                content,
                accept=bool(data.get("accept")),
            ),
            {},
            accept="accept",
        )


def deliberation_paths(run: Run, world: World) -> None:
    chair = signed_in(world.chair)
    beraad = world.beraad

    def post(url, **headers):
        return lambda data: chair.post(url, data, headers=headers or None)

    run.pair(
        "beraad form, create (title, agenda)",
        post(reverse("deliberation:beraad-create")),
        {
            "title": short(0, "padberaadnieuw"),
            "season": "voorjaar",
            "year": "2028",
            "date": "2028-03-15",
            "period_start": "2027-07-01",
            "period_end": "2027-12-31",
            "submission_deadline": "2028-02-23",
            "bodies": [world.body.pk, world.other_body.pk],
            "min_bodies": "2",
            "agenda": long("padberaadnieuw"),
        },
        marker="padberaadnieuw",
    )
    run.pair(
        "beraad form, edit (title, agenda, attendance, minutes, summary)",
        post(reverse("deliberation:beraad-update", args=[beraad.pk])),
        edit_data(
            beraad,
            title=short(1, "padberaadbewerkt"),
            agenda=long("padberaadbewerkt"),
            attendance=short(2, "padberaadbewerkt aanwezig:"),
            minutes=long("padberaadbewerkt notulen"),
            summary=long("padberaadbewerkt samenvatting"),
        ),
        marker="padberaadbewerkt",
    )
    run.pair(
        "theme catalogue, create",
        post(reverse("deliberation:theme-list")),
        {"name": short(3, "padthemanieuw"), "description": long("padthemanieuw")},
        marker="padthemanieuw",
    )
    theme = ThemeFactory(name="Bereikbaarheid")
    run.pair(
        "theme page, edit",
        post(reverse("deliberation:theme-detail", args=[theme.pk])),
        {"name": short(4, "padthemabewerkt"), "description": long("padthemabewerkt")},
        marker="padthemabewerkt",
    )
    url = reverse("deliberation:tag-new-theme", args=[beraad.pk])
    run.pair(
        "workspace, new theme (htmx)",
        post(url, **{"HX-Request": "true"}),
        {"inclusion": inclusion(world.signals["a"]).pk, "name": short(5, "padthemahtmx")},
        marker="padthemahtmx",
    )
    run.pair(
        "workspace, new theme (page without JavaScript)",
        post(url),
        {"inclusion": inclusion(world.signals["b"]).pk, "name": short(6, "padthemazonderjs")},
        marker="padthemazonderjs",
    )
    rode_draad = reverse(
        "deliberation:rode-draad", args=[beraad.pk, Theme.objects.get(name="Tijdigheid").pk]
    )
    run.pair(
        "rode draad, analysis",
        post(rode_draad),
        {"version": 0, "text": long("padanalyse")},
        marker="padanalyse",
    )
    run.pair(
        "rode draad, recommendation",
        post(rode_draad),
        {"add_recommendation": "1", "text": long("padaanbeveling"), "addressee": "burgemeester"},
        marker="padaanbeveling",
    )

    reader = signed_in(world.reader)
    recommendation = world.shared_recommendation
    run.pair(
        "readers' response (reason, owner, progress)",
        lambda data: reader.post(recommendation.get_absolute_url(), data),
        {
            "version": recommendation.version,
            "response": "deels",
            "response_reason": long("padreactie"),
            "owner": short(0, "padreactie"),
            "due_date": "2027-06-01",
            "status": "in_uitvoering",
            "progress": long("padreactie voortgang"),
        },
        marker="padreactie",
    )
    # The reminder e-mail repeats the recommendation and its owner (as stored: redacted).
    run.begin("reminder e-mail (task)")
    recommendation_send_reminder_task.delay(recommendation_id=recommendation.pk)


def admin_paths(run: Run, world: World) -> None:
    client = signed_in(world.admin)

    def post(url):
        return lambda data: client.post(url, data)

    body_fields = {
        "kind": "rekenkamer",
        "is_active": "on",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "_save": "Opslaan",
    }
    run.pair(
        "admin, oversight body, add (description)",
        post(reverse("admin:signals_oversightbody_add")),
        {
            **body_fields,
            "name": "Rekenkamer Oost",
            "slug": "rekenkamer-oost",
            "description": long("padbeheerorgaannieuw"),
        },
        marker="padbeheerorgaannieuw",
    )
    run.pair(
        "admin, oversight body, change (description)",
        post(reverse("admin:signals_oversightbody_change", args=[world.body.pk])),
        {
            **body_fields,
            "name": world.body.name,
            "slug": world.body.slug,
            "description": long("padbeheerorgaanbewerkt"),
        },
        marker="padbeheerorgaanbewerkt",
    )
    run.pair(
        "admin, aspect, add (name, description)",
        post(reverse("admin:signals_aspect_add")),
        {
            "name": short(1, "padbeheerinvalshoeknieuw"),
            "slug": "nieuwe-invalshoek",
            "description": long("padbeheerinvalshoeknieuw"),
            "order": "99",
            "is_active": "on",
            "_save": "Opslaan",
        },
        marker="padbeheerinvalshoeknieuw",
    )
    aspect = Aspect.objects.order_by("order").first()
    run.pair(
        "admin, aspect, change (name, description)",
        post(reverse("admin:signals_aspect_change", args=[aspect.pk])),
        {
            "name": short(2, "padbeheerinvalshoekbewerkt"),
            "slug": aspect.slug,
            "description": long("padbeheerinvalshoekbewerkt"),
            "order": aspect.order,
            "is_active": "on",
            "_save": "Opslaan",
        },
        marker="padbeheerinvalshoekbewerkt",
    )
    run.pair(
        "admin, organisation unit, add (name)",
        post(reverse("admin:signals_organisationunit_add")),
        {"name": short(3, "padbeheereenheidnieuw"), "is_active": "on", "_save": "Opslaan"},
        marker="padbeheereenheidnieuw",
    )
    unit = OrganisationUnit.objects.create(name="Publiekszaken")
    run.pair(
        "admin, organisation unit, change (name)",
        post(reverse("admin:signals_organisationunit_change", args=[unit.pk])),
        {"name": short(4, "padbeheereenheidbewerkt"), "is_active": "on", "_save": "Opslaan"},
        marker="padbeheereenheidbewerkt",
    )
    signal = world.signals["a"]
    signal.refresh_from_db()
    run.pair(
        "admin, signal, change (title, description, source)",
        post(reverse("admin:signals_signal_change", args=[signal.pk])),
        signal_admin_data(
            signal,
            title=short(5, "padbeheersignaal"),
            description=long("padbeheersignaal"),
            source_reference=short(6, "padbeheersignaal"),
        ),
        marker="padbeheersignaal",
    )


def command_paths(run: Run, monkeypatch) -> None:
    from signals import demo

    # seed_demo: personal data in its demo texts (an organisation unit, a signal) is refused.
    clean_demo_signal = demo.DEMO_SIGNALS[0]
    plantings = {
        "seed_demo (organisation unit)": (
            "ORGANISATION_UNITS",
            {"Dienstverlening": [short(0, "padseedeenheid")]},
        ),
        "seed_demo (signal)": (
            "DEMO_SIGNALS",
            [
                (
                    *clean_demo_signal[:2],
                    short(1, "padseedsignaal"),
                    long("padseedsignaal"),
                    *clean_demo_signal[4:],
                )
            ],
        ),
    }
    for name, (attribute, value) in plantings.items():
        run.begin(name)
        with monkeypatch.context() as patch:
            patch.setattr(demo, attribute, value)
            stdout, stderr = io.StringIO(), io.StringIO()
            try:
                call_command("seed_demo", stdout=stdout, stderr=stderr)
                outcome = "saved"
            except CommandError as error:
                outcome = f"refused: {error}"
            run.commands[name] = (outcome, stdout.getvalue() + stderr.getvalue())
        run.begin(f"after {name}")

    # scan_personal_data: answers, stores nothing.
    run.begin("scan_personal_data")
    before = database_dump()
    lines = [json.dumps({"text": text}) for text in (LONG, *SHORT)]
    stdout = io.StringIO()
    call_command("scan_personal_data", stdin=io.StringIO("\n".join(lines) + "\n"), stdout=stdout)
    run.commands["scan_personal_data"] = ("answered", stdout.getvalue())
    run.commands["scan_personal_data: database unchanged"] = (database_dump() == before, "")
    run.begin("after scan_personal_data")


def pages_read(run: Run, world: World) -> None:
    """The cached pages, read after the writes: the page cache holds what they show."""
    run.begin("pages read afterwards")
    member, chair = signed_in(world.member), signed_in(world.chair)
    for client, url in (
        (member, reverse("signals:body-detail", kwargs={"slug": world.body.slug})),
        (member, reverse("signals:body-detail", kwargs={"slug": world.overig.slug})),
        (chair, reverse("deliberation:workspace", args=[world.beraad.pk])),
    ):
        assert client.get(url).status_code == 200, url


def site_paths(run: Run, world: World) -> None:
    signal_paths(run, world)
    deliberation_paths(run, world)
    admin_paths(run, world)
    pages_read(run, world)


def write_through_every_path(world: World, monkeypatch) -> Run:
    run = Run(check_refusals=True)
    site_paths(run, world)
    command_paths(run, monkeypatch)
    return run


def watched(watching, caplog, paths: Callable[[Run], None]) -> tuple[Run, dict[str, str]]:
    """Runs the paths while every log record, query and broker message is recorded; returns
    the run and the contents of every store afterwards, each named by where it is (and, for
    the records, queries and messages, by the path they came from)."""
    mail.outbox.clear()
    with watching() as evidence:
        # Counted from here: the captured queries start here, the records and messages at 0.
        first_query = len(connection.queries_log)
        run = Run(
            probe=lambda: (
                len(caplog.records),
                len(connection.queries_log) - first_query,
                len(evidence.broker),
            )
        )
        paths(run)
        run.begin("on-commit callbacks, at the end")
    entries = {
        **table_entries(),
        **session_entries(),
        **cache_entries(),
        **mail_entries(),
        **evidence_entries(evidence, run),
        **{
            f"command {name}": f"{outcome}\n{output}"
            for name, (outcome, output) in run.commands.items()
        },
    }
    return run, entries


def assert_no_leak(entries: dict[str, str]) -> None:
    leaked = where_it_leaked(entries)
    assert leaked == {}, "raw personal data found:\n" + "\n".join(
        f"- {where}: {', '.join(values)}" for where, values in leaked.items()
    )


def text_of(entries: dict[str, str], store: str) -> str:
    return "\n".join(text for where, text in entries.items() if where.startswith(store + " "))


# --- The test data itself ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("spelling", "kind", "sentence"), SPELLINGS, ids=[spelling for spelling, *_ in SPELLINGS]
)
def test_the_scanner_finds_each_spelling(spelling, kind, sentence):
    result = scan(sentence.format(spelling))
    assert kind in result.types, result.types
    assert spelling not in result.redacted
    assert leaks(result.redacted) == []


def test_the_texts_hold_every_spelling_and_the_scanner_redacts_all_of_it():
    for spelling, _kind, _sentence in SPELLINGS:
        assert spelling in LONG
        assert any(spelling in text for text in SHORT), spelling
    result = scan(LONG)
    assert sorted(result.types) == sorted(FINDING_TYPES)
    assert leaks(result.redacted) == []
    for text in SHORT:
        result = scan(text)
        assert result.findings, text
        assert leaks(result.redacted) == [], text
        assert len(text) <= 100


# --- Every path, and every store -----------------------------------------------------------------
EXPECTED_STATUS = {"refused": 200, "accepted": 302}
# What differs: the htmx fragment answers 200 on success too; a kind's numeric field cannot
# take a placeholder, so the import refuses it even with accept_redactions.
EXPECTED_STATUS_OF = {
    "workspace, new theme (htmx): accepted": 200,
    "import CSV (complaints commissioner: numeric columns): accepted": 200,
    "import XLSX (complaints commissioner: numeric columns): accepted": 200,
}


@pytest.mark.django_db
def test_every_path_refuses_first_and_stores_the_redaction_when_accepted(world, monkeypatch):
    run = write_through_every_path(world, monkeypatch)

    statuses = {name: response.status_code for name, response in run.responses.items()}
    expected = {
        name: EXPECTED_STATUS_OF.get(name, EXPECTED_STATUS[name.rsplit(": ", 1)[1]])
        for name in run.responses
    }
    assert statuses == expected
    for name, response in run.responses.items():
        if name.startswith("import") and response.status_code == 200:
            # The import names line, column and reason, never the cell.
            assert leaks(unescape(response.content.decode())) == [], name
        if name.endswith(": refused") and "import" not in name:
            page = unescape(response.content.decode())
            assert 'name="accept_redaction" value="1"' in page, name
            assert any(placeholder in page for placeholder in PLACEHOLDERS), name  # proposal

    # Refused: nothing saved. Accepted: the text saved, with the placeholders.
    markers = list(run.markers.values())
    assert not [(a, b) for a in markers for b in markers if a != b and a in b]
    assert run.stored_when_refused == dict.fromkeys(run.markers, False)
    dump = database_dump().splitlines()
    for name, marker in run.markers.items():
        rows = [line for line in dump if marker in line]
        assert rows, f"{name}: nothing stored"
        assert any(placeholder in line for line in rows for placeholder in PLACEHOLDERS), name
    whole = "\n".join(dump)
    for placeholder in PLACEHOLDERS:
        assert placeholder in whole, placeholder
    # The numeric cells: a phone number as free text is redacted, in a number it is refused.
    for fmt in ("csv", "xlsx"):
        for body in (world.body, world.overig):
            numbers = Signal.objects.get(
                title=f"padimport{fmt}{body.slug} getallen uit een spreadsheet"
            )
            assert numbers.source_reference == "[TELEFOON]", (fmt, body.kind)
            assert "[TELEFOON]" in json.dumps(numbers.details), (fmt, body.kind)
    assert not Signal.objects.filter(body=world.complaints).exists()

    assert run.commands["seed_demo (organisation unit)"][0].startswith("refused")
    assert run.commands["seed_demo (signal)"][0].startswith("refused")
    assert not OversightBody.objects.filter(slug="fg").exists()  # nothing of the demo saved
    answers = [json.loads(line) for line in run.commands["scan_personal_data"][1].splitlines()]
    assert len(answers) == 1 + len(SHORT)
    assert all(answer["findings"] for answer in answers)
    assert run.commands["scan_personal_data: database unchanged"][0] is True


@pytest.mark.django_db
def test_no_raw_value_reaches_any_store_through_the_site(world, caplog, watch):  # noqa: F811
    _run, entries = watched(watch, caplog, lambda run: site_paths(run, world))

    # Each store was read and holds what the paths stored (redacted), so a leak would show.
    for store in ("table", "session", "cache", "e-mail", "log", "query", "broker"):
        assert text_of(entries, store), f"nothing read from {store}"
    for store in ("table", "cache", "e-mail", "log", "query"):
        assert "[NAAM]" in text_of(entries, store), store
    assert "deliberation.recommendation_send_reminder" in text_of(entries, "broker")

    assert_no_leak(entries)


@pytest.mark.django_db
def test_the_commands_that_write_leave_no_raw_value_anywhere(monkeypatch, caplog, watch):  # noqa: F811
    """seed_demo with personal data planted in its demo texts refuses (naming field and kind,
    never the text) and saves nothing; scan_personal_data answers and stores nothing. Neither
    leaves the text in a table, a log record, a query, a cache entry or an e-mail."""
    run, entries = watched(watch, caplog, lambda run: command_paths(run, monkeypatch))

    for name in ("seed_demo (organisation unit)", "seed_demo (signal)"):
        outcome = run.commands[name][0]
        assert outcome.startswith("refused"), name
        assert nl("Contains personal data") in outcome, name
    assert not OversightBody.objects.exists()  # nothing of the demo was saved
    assert "[NAAM]" in text_of(entries, "command")  # scan_personal_data's answers
    assert run.commands["scan_personal_data: database unchanged"][0] is True
    assert text_of(entries, "query")
    assert text_of(entries, "log")

    assert_no_leak(entries)


# --- The self-check: a planted value is found ----------------------------------------------------
@pytest.mark.django_db
def test_a_planted_raw_value_is_found_in_every_store(body, member, caplog):
    """The same functions find a raw value that bypassed the guard, in each store."""
    clear_local_caches()
    signal = clean_signal(body, member)
    assert where_it_leaked(table_entries()) == {}
    # Written past the guard (raw SQL), as a leak would be.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE signals_signal SET description = %s, details = %s WHERE id = %s",
            [
                "Gebeld door J.DE VRIES",
                json.dumps({"rapport": "bel 06\u201112345678"}),
                signal.pk,
            ],
        )
    found = where_it_leaked(table_entries())
    [(where, values)] = found.items()
    assert where.startswith("table signals_signal")
    assert "j.de vries" in values
    # SQLite keeps a JSON value's non-ASCII characters escaped, PostgreSQL's jsonb as they are.
    assert "06\\u201112345678" in values or "06\u201112345678" in values

    caches["default"].set("planted", {"page": "<p>kerkstraat 12, 7511AB</p>"})
    client = Client()
    client.force_login(member)
    session = client.session
    session["planted"] = "mail jan.jansen(at)gmail.com"
    session.save()
    mail.send_mail("Melding", "bsn 111222333", None, ["lid@example.org"])
    logging.getLogger("signals.services").warning("De melder is %s", "AB-123-C")
    records = [r for r in caplog.records if r.name == "signals.services"]

    assert where_it_leaked(cache_entries()) == {
        "cache default: :1:planted": ["7511ab", "kerkstraat 12"]
    }
    assert list(where_it_leaked(session_entries()).values()) == [
        ["jan.jansen", "jan.jansen(at)gmail.com"]
    ]
    assert list(where_it_leaked(mail_entries()).values()) == [["111222333"]]
    logged = where_it_leaked(evidence_entries(Evidence(records=records)))
    assert list(logged.values()) == [["ab-123-c"]]
