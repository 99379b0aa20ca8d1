"""The proof that raw personal data never reaches the database, the logs, the broker or an
error report (DESIGN.md, Anonymisation).

Texts full of personal data go through every write path of a signal: the form (create and
edit), first without and then with the accepted redaction, and the import (CSV and Excel,
without and with accepted redactions). Meanwhile every log record (DEBUG and up, SQL with its
parameters included), every query and every message for the broker is recorded; afterwards the
whole database is read back. None of them may contain a single one of the raw values, while
each of them does contain the placeholders, which shows that the watching itself works.

Each path uses a person of its own, so a leak names the path it came from.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import runpy
import sys
import traceback
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from html import unescape
from pathlib import Path

import openpyxl
import pytest
from celery import Celery
from celery.app.task import Task
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

from signals.anonymisation import FINDING_TYPES, REDACTIONS, scan
from signals.models import Aspect, Signal
from signals.services import signal_create
from signals.tasks import membership_send_welcome_task
from signals.transfer import columns_for

# --- The people in the texts (synthetic: the BSNs pass the 11-proef, the IBANs mod-97) -----------
PEOPLE = {
    "form-create": {
        "aanhef": "mevrouw drs.",
        "name": "Annelies Kuipers-Veldkamp",
        "surname": "Kuipers-Veldkamp",
        "street": "Hengelosestraat 112",
        "postcode": "7514 AE",
        "bsn": "966 298 937",
        "iban": "NL89 RABO 3771 9806 11",
        "phone": "06-41327795",
        "email": "a.kuipers-veldkamp@ziggo.nl",
        "dob": "14-03-1961",
        "plate": "7-TZB-45",
    },
    "form-edit": {
        "aanhef": "de heer ir.",
        "name": "Gerrit-Jan Nijhuis",
        "surname": "Nijhuis",
        "street": "Oldenzaalsestraat 27",
        "postcode": "7511 DM",
        "bsn": "934889880",
        "iban": "NL10 INGB 5936 9679 69",
        "phone": "053-4318862",
        "email": "gj.nijhuis@hetnet.nl",
        "dob": "02-11-1948",
        "plate": "XL-123-B",
    },
    "import-csv": {
        "aanhef": "mevrouw mr.",
        "name": "Fatima el Amrani-Bakker",
        "surname": "el Amrani-Bakker",
        "street": "Haaksbergerstraat 301",
        "postcode": "7545 GB",
        "bsn": "163172948",
        "iban": "NL13ABNA2778454843",
        "phone": "+31 6 28374615",
        "email": "f.elamrani@gmail.com",
        "dob": "30-07-1979",
        "plate": "GZ-482-K",
    },
    "import-xlsx": {
        "aanhef": "de heer dr.",
        "name": "Hendrikus ter Horst",
        "surname": "ter Horst",
        "street": "Lipperkerkstraat 64",
        "postcode": "7533 AH",
        "bsn": "114 938 453",
        "iban": "NL23 SNSB 4504 6361 91",
        "phone": "0534-872190",
        "email": "h.terhorst@kpnmail.nl",
        "dob": "05-05-1955",
        "plate": "41-KLT-8",
    },
}


def texts(person: dict) -> dict[str, str]:
    """Every free-text field of a court-of-audit signal, each with personal data in it."""
    return {
        "title": f"Wmo-aanvraag van {person['aanhef']} {person['surname']} blijft liggen",
        "description": (
            f"{person['aanhef'].capitalize()} {person['name']}, geboren op {person['dob']}, "
            f"wonend aan de {person['street']} in {person['postcode']} Enschede "
            f"(BSN {person['bsn']}), wacht sinds maart op een besluit. Zij is bereikbaar op "
            f"{person['phone']} en via {person['email']}; de terugbetaling gaat naar "
            f"{person['iban']}. De taxi met kenteken {person['plate']} kwam twee keer niet opdagen."
        ),
        "source_reference": f"Klachtdossier {person['name']}, {person['email']}",
        "details_rapport": (
            f"Melding van {person['aanhef']} {person['surname']} op {person['phone']}"
        ),
    }


def raw_values(person: dict) -> set[str]:
    """What must never be stored: each identifier, also without its spaces and dashes."""
    values = {value for key, value in person.items() if key != "aanhef"}
    for key in ("bsn", "iban", "phone", "postcode"):
        values.add(person[key].replace(" ", "").replace("-", ""))
    # How a JSON column on SQLite stores text (non-ASCII escaped), for completeness.
    values |= {json.dumps(value)[1:-1] for value in set(values)}
    return values


BASE_SETTINGS = "rodedraden/settings/base.py"
ALL_RAW = sorted(set().union(*(raw_values(person) for person in PEOPLE.values())))
PLACEHOLDERS = [REDACTIONS[kind] for kind in FINDING_TYPES]


def leaks(text: str) -> list[str]:
    lowered = text.lower()
    return [value for value in ALL_RAW if value.lower() in lowered]


# --- Helpers ------------------------------------------------------------------------------------
def nl(message: str, **params) -> str:
    with translation.override("nl"):
        text = translation.gettext(message)
    return text % params if params else text


def form_data(person: dict, *, accept: bool = False, version: int | None = None) -> dict:
    data = {
        **texts(person),
        "period_start": "2025-01-01",
        "period_end": "2025-06-30",
        "case_count": "4",
        "impact": "hoog",
        "aspects": [Aspect.objects.get(slug="tijdigheid").pk],
        "details_indeling": ["rechtmatigheid"],
        "details_opvolging": "niet",
    }
    if version is not None:
        data["version"] = str(version)
    if accept:
        data["accept_redaction"] = "1"
    return data


def import_row(person: dict) -> dict:
    text = texts(person)
    return {
        "titel": text["title"],
        "omschrijving": text["description"],
        "periode_van": "01-01-2025",
        "periode_tot": "30-06-2025",
        "aantal_zaken": "4",
        "impact": "hoog",
        "invalshoeken": "Tijdigheid",
        "bron": text["source_reference"],
        "indeling": "rechtmatigheid",
        "rapport": text["details_rapport"],
        "opvolging": "niet",
    }


def csv_file(body, rows: list[dict]) -> bytes:
    header = [column.name for column in columns_for(body.kind_spec)]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_file(body, rows: list[dict]) -> bytes:
    header = [column.name for column in columns_for(body.kind_spec)]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(name, "") for name in header])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def create_url(body) -> str:
    return reverse("signals:signal-create", kwargs={"slug": body.slug})


def import_url(body) -> str:
    return reverse("signals:signal-import", kwargs={"slug": body.slug})


def upload(client, body, name: str, content: bytes, *, accept: bool = False):
    data = {"file": SimpleUploadedFile(name, content)}
    if accept:
        data["accept_redactions"] = "on"
    return client.post(import_url(body), data)


def clean_signal(body, member) -> Signal:
    return signal_create(
        body=body,
        author=member,
        title="Beslistermijnen Wmo-aanvragen overschreden",
        description="Bij een op de drie aanvragen werd de wettelijke beslistermijn overschreden.",
        period_start=date(2025, 1, 1),
        period_end=date(2025, 6, 30),
    )


def database_dump() -> str:
    """Every row of every table, as text."""
    lines = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                cells = []
                for value in row:
                    if isinstance(value, memoryview):
                        value = value.tobytes()
                    if isinstance(value, bytes):
                        value = value.decode("utf-8", "replace")
                    cells.append(str(value))
                lines.append(f"{table}: " + " | ".join(cells))
    return "\n".join(lines)


def record_text(record: logging.LogRecord) -> str:
    """All a log record carries: its message, its arguments, its extras and its traceback."""
    parts = [repr(record.msg), repr(record.args)]
    try:
        parts.append(record.getMessage())
    except Exception as error:
        parts.append(repr(error))
    parts.append(repr({k: v for k, v in vars(record).items() if k not in ("exc_info", "args")}))
    if record.exc_info:
        parts.append("".join(traceback.format_exception(*record.exc_info)))
    return "\n".join(parts)


# --- Watching -----------------------------------------------------------------------------------
@dataclass
class Evidence:
    records: list[logging.LogRecord] = field(default_factory=list)
    queries: list[dict] = field(default_factory=list)
    broker: list[tuple] = field(default_factory=list)


def production_log_levels(monkeypatch) -> dict[str, str]:
    """The level of every configured logger when production runs with LOG_LEVEL=DEBUG: the
    project's own LOGGING, read again from rodedraden/settings/base.py with that variable."""
    monkeypatch.setenv("LOG_LEVEL", "DEBUG")
    logging_config = runpy.run_path(str(Path(settings.BASE_DIR, BASE_SETTINGS)))["LOGGING"]
    levels = {"": logging_config["root"]["level"]}
    for name, config in logging_config["loggers"].items():
        if "level" in config:
            levels[name] = config["level"]
    return levels


@pytest.fixture
def watch(caplog, monkeypatch, django_capture_on_commit_callbacks):
    """Record every log record, query and message for the broker inside the block.

    Logging runs as in production with LOG_LEVEL=DEBUG, and the SQL log (django.db.backends)
    at DEBUG in any case, so that every query is logged with its parameters.
    """

    @contextmanager
    def watching():
        evidence = Evidence()
        levels = production_log_levels(monkeypatch)
        assert levels[""] == "DEBUG"
        for name, level in levels.items():
            caplog.set_level(level, logger=name or None)
        caplog.set_level(logging.DEBUG, logger="django.db.backends")
        caplog.handler.setLevel(logging.DEBUG)
        # caplog listens on the root logger; loggers that do not propagate (django, …) are
        # given its handler as well, so that nothing escapes.
        isolated = {
            id(logger): logger
            for logger in [logging.getLogger(name) for name in levels if name]
            + [
                logger
                for logger in logging.root.manager.loggerDict.values()
                if isinstance(logger, logging.Logger)
            ]
            if not logger.propagate
        }.values()
        for logger in isolated:
            logger.addHandler(caplog.handler)

        apply_async, send_task = Task.apply_async, Celery.send_task

        def recording_apply_async(task, *args, **kwargs):
            evidence.broker.append(("apply_async", task.name, args, kwargs))
            return apply_async(task, *args, **kwargs)

        def recording_send_task(app, *args, **kwargs):
            evidence.broker.append(("send_task", args, kwargs))
            return send_task(app, *args, **kwargs)

        monkeypatch.setattr(Task, "apply_async", recording_apply_async)
        monkeypatch.setattr(Celery, "send_task", recording_send_task)
        try:
            with (
                CaptureQueriesContext(connection) as queries,
                django_capture_on_commit_callbacks(execute=True),
            ):
                yield evidence
            evidence.queries = list(queries.captured_queries)
            evidence.records = list(caplog.records)
        finally:
            for logger in isolated:
                logger.removeHandler(caplog.handler)

    return watching


@pytest.fixture
def member_client(client, member):
    # Fixed names: the factory's random Dutch names must not collide with the test's.
    member.first_name, member.last_name = "Ria", "Kok"
    member.save()
    client.force_login(member)
    return client


def write_through_every_path(client, body, member) -> dict:
    """Every way a member can write a signal, with personal data, refused and accepted.
    Returns each step's response and the signals as they were right after it."""
    steps = {}

    def step(name, response):
        stored = list(Signal.objects.order_by("pk").values_list("title", "version"))
        steps[name] = (response, stored)

    create, edit = PEOPLE["form-create"], PEOPLE["form-edit"]
    step("create-refused", client.post(create_url(body), form_data(create)))
    step("create-accepted", client.post(create_url(body), form_data(create, accept=True)))

    signal = clean_signal(body, member)
    edit_url = reverse("signals:signal-update", kwargs={"pk": signal.pk})
    step("edit-refused", client.post(edit_url, form_data(edit, version=signal.version)))
    step(
        "edit-accepted",
        client.post(edit_url, form_data(edit, version=signal.version, accept=True)),
    )

    for fmt, builder in (("csv", csv_file), ("xlsx", xlsx_file)):
        content = builder(body, [import_row(PEOPLE[f"import-{fmt}"])])
        step(f"import-{fmt}-refused", upload(client, body, f"signalen.{fmt}", content))
        step(
            f"import-{fmt}-accepted",
            upload(client, body, f"signalen.{fmt}", content, accept=True),
        )
    return steps


# --- The test data itself -----------------------------------------------------------------------
@pytest.mark.parametrize("path", list(PEOPLE))
def test_the_texts_are_full_of_personal_data_that_the_scanner_finds(path):
    person = PEOPLE[path]
    found = scan(texts(person)["description"])
    assert found.types == list(FINDING_TYPES), "every kind of personal data is in the text"
    for name, text in texts(person).items():
        result = scan(text)
        assert result.findings, name
        assert not [value for value in raw_values(person) if value in result.redacted], name


# --- The write paths ----------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_form_shows_the_findings_first_and_saves_only_the_redaction(
    member_client, member, body
):
    steps = write_through_every_path(member_client, body, member)
    clean_title = "Beslistermijnen Wmo-aanvragen overschreden"

    for name in ("create-refused", "edit-refused"):
        response = steps[name][0]
        assert response.status_code == 200, name
        page = response.content.decode()
        assert nl("Personal data found") in page, name
        for placeholder in PLACEHOLDERS:
            assert placeholder in page, (name, placeholder)  # the proposed redaction
        assert 'name="accept_redaction" value="1"' in page, name
    # Refused: nothing was saved, nothing was changed.
    assert steps["create-refused"][1] == []
    created_title = "Wmo-aanvraag van mevrouw drs. [NAAM] blijft liggen"
    assert steps["edit-refused"][1] == [(created_title, 1), (clean_title, 1)]
    for name in ("create-accepted", "edit-accepted"):
        assert steps[name][0].status_code == 302, name
    edited_title = "Wmo-aanvraag van de heer ir. [NAAM] blijft liggen"
    assert steps["edit-accepted"][1] == [(created_title, 1), (edited_title, 2)]

    created = Signal.objects.get(title=created_title)
    assert created.author == member
    for placeholder in PLACEHOLDERS:
        assert placeholder in created.description
    assert created.description.startswith("Mevrouw drs. [NAAM], geboren op [GEBOORTEDATUM], ")
    assert created.source_reference == "Klachtdossier [NAAM], [EMAIL]"
    assert created.details == {
        "rapport": "Melding van mevrouw drs. [NAAM] op [TELEFOON]",
        "opvolging": "niet",
        "indeling": ["rechtmatigheid"],
    }
    edited = Signal.objects.get(title=edited_title)
    for placeholder in PLACEHOLDERS:
        assert placeholder in edited.description
    assert edited.source_reference == "Klachtdossier [NAAM], [EMAIL]"


@pytest.mark.django_db
def test_the_import_refuses_personal_data_without_repeating_it_or_saves_the_redaction(
    member_client, member, body
):
    steps = write_through_every_path(member_client, body, member)
    titles = {
        "csv": "Wmo-aanvraag van mevrouw mr. [NAAM] blijft liggen",
        "xlsx": "Wmo-aanvraag van de heer dr. [NAAM] blijft liggen",
    }
    for fmt, title in titles.items():
        refused, stored = steps[f"import-{fmt}-refused"]
        assert refused.status_code == 200
        assert title not in [title for title, _version in stored]
        page = unescape(refused.content.decode())
        problems = re.search(r'<ul class="[^"]*import-problems">(.*?)</ul>', page, re.S)
        [problem] = re.findall(r"<li>(.*?)</li>", problems.group(1), re.S)
        assert problem.startswith(nl("Line %(line)s", line=2) + ": ")
        for column in ("titel", "omschrijving", "bron", "rapport"):
            assert column in problem, (fmt, column)
        for kind in FINDING_TYPES:
            assert kind in problem, (fmt, kind)
        assert leaks(page) == [], fmt

        accepted, stored = steps[f"import-{fmt}-accepted"]
        assert accepted.status_code == 302
        assert (title, 1) in stored
        signal = Signal.objects.get(title=title)
        assert signal.author == member
        for placeholder in PLACEHOLDERS:
            assert placeholder in signal.description
        assert signal.details["rapport"].endswith("[NAAM] op [TELEFOON]")


# --- Where raw text must never go ---------------------------------------------------------------
@pytest.mark.django_db
def test_no_raw_value_reaches_the_database(member_client, member, body, watch):
    with watch():
        write_through_every_path(member_client, body, member)
    dump = database_dump()
    # The dump does hold the signals (redacted), so a leak would be seen.
    assert dump.count("[BSN]") >= 4
    assert "Klachtdossier [NAAM], [EMAIL]" in dump
    assert "Melding van de heer dr. [NAAM] op [TELEFOON]" in dump
    assert leaks(dump) == []


def leaking_loggers(evidence: Evidence) -> dict[str, list[str]]:
    leaked: dict[str, set[str]] = {}
    for record in evidence.records:
        found = leaks(record_text(record))
        if found:
            leaked.setdefault(record.name, set()).update(found)
    return {name: sorted(values) for name, values in leaked.items()}


@pytest.mark.django_db
def test_no_raw_value_reaches_the_logs_or_the_queries(member_client, member, body, watch):
    with watch() as evidence:
        write_through_every_path(member_client, body, member)

    assert evidence.records, "logging was captured"
    sql_records = [r for r in evidence.records if r.name == "django.db.backends"]
    # The SQL log carries its parameters: the redacted text is in it, the raw text is not.
    assert any("[BSN]" in record_text(record) for record in sql_records)
    assert any(
        r.name == "signals.services" and "created" in r.getMessage() for r in evidence.records
    )
    # Among them the template engine's DEBUG records, which print whole template contexts
    # (the re-rendered form with the raw text): they must not be emitted.
    assert leaking_loggers(evidence) == {}

    assert any("[BSN]" in query["sql"] for query in evidence.queries)
    assert [query["sql"] for query in evidence.queries if leaks(query["sql"])] == []


@pytest.mark.django_db
def test_no_raw_value_reaches_the_broker(member_client, member, body, watch):
    with watch() as evidence:
        write_through_every_path(member_client, body, member)
        # A task queued on the way is seen: the recording works.
        membership_send_welcome_task.delay(membership_id=0)
    assert [call[:2] for call in evidence.broker] == [
        ("apply_async", "signals.membership_send_welcome")
    ]
    assert "'membership_id': 0" in repr(evidence.broker[0])
    assert [call for call in evidence.broker if leaks(repr(call))] == []


# --- Error reports ------------------------------------------------------------------------------
FREE_TEXT_FIELDS = ("title", "description", "source_reference", "details_rapport")


def error_report(request) -> str:
    """The report Django would mail or show for an error in this request."""

    def fail():
        raise RuntimeError("Er ging iets mis")

    try:
        fail()
    except RuntimeError:
        exc_type, exc, tb = sys.exc_info()
    return ExceptionReporter(request, exc_type, exc, tb, is_email=True).get_traceback_text()


@pytest.mark.django_db
@pytest.mark.parametrize("accept", [False, True])
def test_the_signal_form_hides_the_free_text_from_error_reports(
    member_client, member, body, accept
):
    signal = clean_signal(body, member)
    cases = {
        "create": (create_url(body), form_data(PEOPLE["form-create"], accept=accept)),
        "edit": (
            reverse("signals:signal-update", kwargs={"pk": signal.pk}),
            form_data(PEOPLE["form-edit"], version=signal.version, accept=accept),
        ),
    }
    for name, (url, data) in cases.items():
        response = member_client.post(url, data)
        assert response.status_code == (302 if accept else 200), name
        request = response.wsgi_request
        # Every posted value is hidden (a body kind may add text fields of its own); the
        # field names stay, so the report still says what was posted.
        assert request.sensitive_post_parameters == "__ALL__", name
        reporter_filter = SafeExceptionReporterFilter()
        shown = reporter_filter.get_post_parameters(request)
        for text_field in FREE_TEXT_FIELDS:
            assert shown[text_field] == reporter_filter.cleansed_substitute, (name, text_field)
        assert shown["period_start"] == reporter_filter.cleansed_substitute
        assert leaks(str(dict(shown.lists()))) == [], name
        report = error_report(request)
        assert "period_start" in report
        assert leaks(report) == [], name


@pytest.mark.django_db
def test_the_import_is_marked_sensitive_and_its_file_stays_out_of_error_reports(
    member_client, body
):
    content = csv_file(body, [import_row(PEOPLE["import-csv"])])
    response = upload(member_client, body, "signalen.csv", content, accept=True)
    assert response.status_code == 302
    request = response.wsgi_request
    assert request.sensitive_post_parameters == "__ALL__"
    report = error_report(request)
    assert "signalen.csv" in report  # the file is named, its content is not shown
    assert leaks(report) == []


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["create", "import"])
def test_a_crash_while_saving_shows_and_logs_no_personal_data(
    client, member_client, body, monkeypatch, watch, path
):
    def database_away(**kwargs):
        raise RuntimeError("De database is niet bereikbaar")

    monkeypatch.setattr(
        "signals.services.signal_create" if path == "create" else "signals.services.signals_import",
        database_away,
    )
    member_client.raise_request_exception = False
    with watch() as evidence:
        if path == "create":
            response = member_client.post(
                create_url(body), form_data(PEOPLE["form-create"], accept=True)
            )
        else:
            content = csv_file(body, [import_row(PEOPLE["import-csv"])])
            response = upload(member_client, body, "signalen.csv", content, accept=True)
    assert response.status_code == 500
    assert leaks(response.content.decode()) == []
    errors = [r for r in evidence.records if r.name == "django.request" and r.exc_info]
    assert errors, "the crash was logged"
    assert "De database is niet bereikbaar" in record_text(errors[0])
    assert [r.name for r in evidence.records if leaks(record_text(r))] == []
    assert not Signal.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "create",
        "import",
    ],
)
def test_the_full_error_report_of_a_crash_holds_no_personal_data(
    member_client, body, monkeypatch, watch, path
):
    """What Django's technical error report shows (the DEBUG page, the HTML attachment of
    AdminEmailHandler), frame variables included."""

    def database_away(**kwargs):
        raise RuntimeError("De database is niet bereikbaar")

    monkeypatch.setattr(
        "signals.services.signal_create" if path == "create" else "signals.services.signals_import",
        database_away,
    )
    member_client.raise_request_exception = False
    with watch() as evidence:
        if path == "create":
            member_client.post(create_url(body), form_data(PEOPLE["form-create"], accept=True))
        else:
            content = csv_file(body, [import_row(PEOPLE["import-csv"])])
            upload(member_client, body, "signalen.csv", content, accept=True)
    [error] = [r for r in evidence.records if r.name == "django.request" and r.exc_info]
    reporter = ExceptionReporter(error.request, *error.exc_info, is_email=True)
    text, page = reporter.get_traceback_text(), unescape(reporter.get_traceback_html())
    for report in (text, page):
        assert "De database is niet bereikbaar" in report
    # The HTML report has a table of the variables of every frame.
    assert "local vars" in page.lower()
    assert leaks(text) == []
    assert leaks(page) == []
