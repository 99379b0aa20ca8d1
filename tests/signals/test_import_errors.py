"""The import's refusals never repeat what a cell holds (issue 16, "nothing personal in side
stores"): each names its line, its column and the reason. Every cell reaches the guard as the
text it shows, numeric ones included (a spreadsheet makes 612345678 of a mobile number, and
keeps its leading zero only in a number format): a number in a kind's numeric field or in the
source column is refused when it is personal data. And no form of the site (nor any model
field) has a message that repeats a refused value: Django's do, for a refused choice."""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from html import unescape

import openpyxl
import pytest
from django import forms
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from signals.bodies import all_kinds
from signals.forms import SignalFilter, SignalForm
from signals.models import Signal
from tests.factories import MembershipFactory, OversightBodyFactory
from tests.signals.test_import_export import BASE_HEADER

pytestmark = pytest.mark.django_db

NAME_AND_BSN = "mevrouw jansen bsn 111222333"
HEADER = [*BASE_HEADER, "uitkomst", "behandelduur_dagen"]


def row(**changes) -> dict:
    values = {
        "titel": "Klachten over bejegening aan de balie",
        "omschrijving": "Klagers voelden zich niet serieus genomen aan de balie van Burgerzaken.",
        "periode_van": "01-01-2026",
        "periode_tot": "30-06-2026",
        "aantal_zaken": "4",
        "impact": "midden",
        "positief": "nee",
        "invalshoeken": "",
        "organisatieonderdelen": "",
        "bron": "Jaarverslag klachtbehandeling 2026",
        "indeling": "bejegening",
        "uitkomst": "gegrond",
        "behandelduur_dagen": "42",
    }
    values.update(changes)
    return values


@pytest.fixture
def commissioner(db):
    return OversightBodyFactory(
        name="Klachtencommissaris", slug="klachtencommissaris", kind="klachtencommissaris"
    )


@pytest.fixture
def member_client(client, commissioner):
    member = MembershipFactory(body=commissioner, user__username="klachtlid").user
    client.force_login(member)
    return client


def csv_file(rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    for values in rows:
        writer.writerow([values.get(name, "") for name in HEADER])
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_file(rows: list[dict], formats: dict[str, str] | None = None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for values in rows:
        sheet.append([values.get(name) for name in HEADER])
    for name, number_format in (formats or {}).items():
        column = HEADER.index(name) + 1
        for line in range(2, len(rows) + 2):
            sheet.cell(row=line, column=column).number_format = number_format
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, body, name: str, content: bytes, **data):
    url = reverse("signals:signal-import", kwargs={"slug": body.slug})
    return client.post(url, {"file": SimpleUploadedFile(name, content), **data})


def problems_by_line(response) -> dict[int, list[str]]:
    html = response.content.decode()
    block = re.search(r'<ul class="mb-0 import-problems">(.*?)</ul>', html, re.S)
    assert block, "the page lists no problems"
    with translation.override("nl"):
        before, after = translation.gettext("Line %(line)s").split("%(line)s")
    prefix = re.compile(rf"^{re.escape(before)}(\d+){re.escape(after)}: (.*)$", re.S)
    found: dict[int, list[str]] = defaultdict(list)
    for item in re.findall(r"<li>(.*?)</li>", block.group(1), re.S):
        match = prefix.match(unescape(item).strip())
        assert match, item
        found[int(match.group(1))].append(match.group(2))
    return dict(found)


def assert_refused_without(response, *values: str) -> dict[int, list[str]]:
    assert response.status_code == 200
    assert not Signal.objects.exists()
    page = unescape(response.content.decode()).lower()
    for value in values:
        assert value.lower() not in page, value
    return problems_by_line(response)


# --- Refused values are not repeated -------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("uitkomst", "Kerkhofzaak doorverwezen"),  # a choice of the kind
        ("impact", "Zeer ingrijpend"),  # a choice of every signal
        ("indeling", "Bejegening; Klachtafhandelingsduur"),  # codes of the yardstick
    ],
)
def test_a_refused_choice_names_line_and_column_never_the_value(
    member_client, commissioner, fmt, column, value
):
    builder = csv_file if fmt == "csv" else xlsx_file
    rows = [row(), row(**{column: value})]
    response = upload(member_client, commissioner, f"signalen.{fmt}", builder(rows))
    problems = assert_refused_without(response, value, value.split(";")[-1].strip())
    assert set(problems) == {3}
    (problem,) = problems[3]
    assert problem.startswith(f"{column}: ")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_personal_data_in_a_choice_column_is_refused_as_personal_data(
    member_client, commissioner, fmt
):
    builder = csv_file if fmt == "csv" else xlsx_file
    response = upload(
        member_client,
        commissioner,
        f"signalen.{fmt}",
        builder([row(uitkomst=NAME_AND_BSN)]),
        accept_redactions="on",  # a choice cannot take a placeholder: refused all the same
    )
    problems = assert_refused_without(response, NAME_AND_BSN, "jansen", "111222333")
    (problem,) = problems[2]
    assert problem.startswith("uitkomst: ")
    assert "bsn" in problem


# --- Numbers are scanned as the text they show ---------------------------------------------------
@pytest.mark.parametrize(
    ("column", "value", "kind"),
    [
        ("behandelduur_dagen", 612345678, "telefoon"),  # a mobile number without its 0
        ("aantal_zaken", 111222333, "bsn"),
        ("behandelduur_dagen", 12345672, "bsn"),  # a BSN without its leading 0
    ],
)
def test_a_number_in_a_numeric_column_is_scanned_as_text(
    member_client, commissioner, column, value, kind
):
    response = upload(
        member_client, commissioner, "signalen.xlsx", xlsx_file([row(**{column: value})])
    )
    problems = assert_refused_without(response, str(value))
    (problem,) = problems[2]
    assert problem.startswith(f"{column}: ")
    assert kind in problem


def test_a_number_in_the_source_column_is_scanned_as_text(member_client, commissioner):
    response = upload(
        member_client, commissioner, "signalen.xlsx", xlsx_file([row(bron=612345678)])
    )
    problems = assert_refused_without(response, "612345678")
    assert any("bron" in problem and "telefoon" in problem for problem in problems[2])


def test_a_number_padded_with_zeros_by_its_format_is_scanned_as_it_shows(
    member_client, commissioner
):
    response = upload(
        member_client,
        commissioner,
        "signalen.xlsx",
        xlsx_file([row(bron=612345678)], formats={"bron": "0000000000"}),
        accept_redactions="on",
    )
    # Free text: the proposed redaction replaces what the cell shows.
    assert response.status_code == 302, unescape(response.content.decode())
    signal = Signal.objects.get()
    assert signal.source_reference == "[TELEFOON]"


def test_ordinary_numbers_dates_and_choices_pass(member_client, commissioner):
    rows = [row(), row(aantal_zaken=12, behandelduur_dagen=365, impact="Hoog", positief="ja")]
    response = upload(member_client, commissioner, "signalen.xlsx", xlsx_file(rows))
    assert response.status_code == 302, unescape(response.content.decode())
    assert Signal.objects.count() == 2


# --- No message of any form or model field repeats a value ---------------------------------------
def _project_form_classes():
    from signals import forms as signal_forms  # noqa: F401  (imported: its forms are made)

    roots = ("signals", "deliberation", "reports", "rodedraden")
    found, pending = set(), [forms.BaseForm]
    while pending:
        for subclass in pending.pop().__subclasses__():
            if subclass not in found:
                found.add(subclass)
                pending.append(subclass)
    return [cls for cls in found if cls.__module__.split(".")[0] in roots]


def _placeholders(messages: dict) -> dict:
    return {
        code: str(message)
        for code, message in messages.items()
        if "%(value)" in str(message) or "%(pk)" in str(message)
    }


def test_no_field_of_any_form_of_the_site_repeats_a_refused_value():
    import deliberation.forms  # noqa: F401
    import rodedraden.accounts.forms  # noqa: F401

    classes = _project_form_classes()
    assert any(cls.__name__ == "Details" for cls in classes)
    for cls in classes:
        for name, field in cls.base_fields.items():
            assert not _placeholders(field.error_messages), (cls, name)


def test_no_field_of_the_signal_form_or_the_filters_repeats_a_refused_value(commissioner):
    for kind in all_kinds():
        body = OversightBodyFactory(name=f"Orgaan {kind.code}", slug=kind.code, kind=kind.code)
        form = SignalForm(body=body)
        for name, field in form.fields.items():
            assert not _placeholders(field.error_messages), (kind.code, name)
    for name, field in SignalFilter().form.fields.items():
        assert not _placeholders(field.error_messages), name


def test_a_refused_choice_in_a_kind_s_form_names_no_value(commissioner):
    data = {
        "title": "Titel",
        "description": "Omschrijving",
        "period_start": "2026-01-01",
        "period_end": "2026-06-30",
        "case_count": "1",
        "impact": "Zeer ingrijpend",
        "details_uitkomst": "Kerkhofzaak doorverwezen",
        "details_indeling": ["Klachtafhandelingsduur"],
    }
    form = SignalForm(data=data, body=commissioner)
    assert not form.is_valid()
    for language in ("nl", "en"):
        with translation.override(language):
            text = str(form.errors)
        assert "Zeer ingrijpend" not in text
        assert "Kerkhofzaak" not in text
        assert "Klachtafhandelingsduur" not in text
    assert {"impact", "details_uitkomst", "details_indeling"} <= set(form.errors)


def test_no_model_field_repeats_a_refused_value():
    for model in apps.get_models():
        for field in model._meta.get_fields():
            messages = getattr(field, "error_messages", None)
            if isinstance(messages, dict):
                assert not _placeholders(messages), (model, field.name)


def test_django_s_own_fields_made_later_repeat_no_value():
    for field in (
        forms.ChoiceField(choices=[("a", "A")]),
        forms.TypedChoiceField(choices=[("a", "A")]),
        forms.MultipleChoiceField(choices=[("a", "A")]),
    ):
        with pytest.raises(forms.ValidationError) as refused:
            field.clean(["jansen"] if isinstance(field, forms.MultipleChoiceField) else "jansen")
        assert "jansen" not in " ".join(refused.value.messages)
