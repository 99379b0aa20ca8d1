"""The guard on every write (signals.guard): the model fields refuse personal data on every ORM
path, the form fields refuse it or, in a form with the mixin, take the proposed redaction; bad
input gets a clear Dutch message, never a 500, and nothing is stored raw."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Value
from django.urls import reverse
from django.utils import translation

from signals import services
from signals.anonymisation import ScanResult
from signals.guard import (
    CONTROL_CHARACTERS_MESSAGE,
    MIXED_SCRIPTS_MESSAGE,
    GuardedFormField,
    GuardedFormMixin,
    PersonalDataFound,
    PersonalDataInField,
    check_text,
    scan_json,
    scan_text,
    visible,
)
from signals.models import Aspect, OrganisationUnit, OversightBody, Signal
from tests.factories import SignalFactory

PERSONAL = "Klacht van mevrouw Jansen, bereikbaar op 06-12345678"
REDACTED = "Klacht van mevrouw [NAAM], bereikbaar op [TELEFOON]"


def nl(message) -> str:
    with translation.override("nl"):
        return translation.gettext(str(message)) if isinstance(message, str) else str(message)


def en(message) -> str:
    with translation.override("en"):
        return str(message)


def refused_without_the_text(error: ValidationError, *raw: str) -> str:
    """The refusal's messages (in Dutch), which never repeat the refused text."""
    with translation.override("nl"):
        text = " ".join(str(message) for message in error.messages)
    for value in raw:
        assert value not in text
    return text


def raw_in_database(value: str) -> bool:
    with connection.cursor() as cursor:
        for table in ("signals_signal", "signals_aspect", "signals_organisationunit"):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608
            for row in cursor.fetchall():
                if any(value in str(cell) for cell in row):
                    return True
    return False


# --- The model fields: every ORM write -----------------------------------------------------------
@pytest.mark.django_db
def test_save_refuses_personal_data_and_names_the_field_not_the_text():
    with pytest.raises(PersonalDataFound) as refused, transaction.atomic():
        OrganisationUnit.objects.create(name="Team van mevrouw Jansen")
    assert set(refused.value.results) == {"name"}
    assert nl("Contains personal data") in refused_without_the_text(refused.value, "Jansen")
    assert not OrganisationUnit.objects.exists()


@pytest.mark.django_db
def test_bulk_create_is_refused(body):
    signal = SignalFactory.build(body=body, description=PERSONAL)
    with pytest.raises(PersonalDataFound) as refused, transaction.atomic():
        Signal.objects.bulk_create([signal])
    assert set(refused.value.results) == {"description"}
    assert not Signal.objects.exists()


@pytest.mark.django_db
def test_update_is_refused(body):
    signal = SignalFactory(body=body, title="Wachttijden Wmo")
    with pytest.raises(PersonalDataFound), transaction.atomic():
        Signal.objects.filter(pk=signal.pk).update(title=PERSONAL)
    field = Signal._meta.get_field("title")
    with pytest.raises(PersonalDataFound), transaction.atomic():
        Signal.objects.filter(pk=signal.pk).update(title=Value(PERSONAL, output_field=field))
    signal.refresh_from_db()
    assert signal.title == "Wachttijden Wmo"


@pytest.mark.django_db
def test_bulk_update_is_refused(body):
    signal = SignalFactory(body=body)
    signal.source_reference = PERSONAL
    with pytest.raises(PersonalDataFound), transaction.atomic():
        Signal.objects.bulk_update([signal], ["source_reference"])
    assert not raw_in_database("Jansen")


@pytest.mark.django_db
def test_a_filter_is_not_refused(body):
    """Only writes are guarded: searching for a text is not saving it."""
    assert not Signal.objects.filter(title=PERSONAL).exists()


@pytest.mark.django_db
def test_the_details_are_scanned_leaf_by_leaf_numbers_as_the_text_they_show(body):
    signal = SignalFactory(body=body)
    for details in (
        {"rapport": PERSONAL},
        {"indeling": ["wachttijden", "mevrouw Jansen"]},
        {"rapport": 612345678},  # a mobile number that a spreadsheet made a number of
        {"rapport": 612345678.0},
    ):
        signal.details = details
        with pytest.raises(PersonalDataFound) as refused, transaction.atomic():
            signal.save()
        assert set(refused.value.results) == {"details"}
    signal.details = {"behandelduur_dagen": 45, "opvolging": "niet", "positief": True}
    signal.save()
    field = Signal._meta.get_field("details")
    assert field.redact_personal_data({"rapport": PERSONAL, "aantal": 612345678}) == {
        "rapport": REDACTED,
        "aantal": "[TELEFOON]",
    }


@pytest.mark.django_db
def test_full_clean_refuses_at_the_field():
    unit = OrganisationUnit(name="Team van mevrouw Jansen")
    with pytest.raises(ValidationError) as refused:
        unit.full_clean()
    [error] = refused.value.error_dict["name"]
    assert isinstance(error, PersonalDataInField)
    assert error.redacted_value == "Team van mevrouw [NAAM]"


@pytest.mark.django_db
def test_loaddata_is_refused(tmp_path):
    fixture = tmp_path / "eenheden.json"
    fixture.write_text(
        json.dumps([{"model": "signals.organisationunit", "pk": 900, "fields": {"name": PERSONAL}}])
    )
    with pytest.raises(PersonalDataFound), transaction.atomic():
        call_command("loaddata", str(fixture), verbosity=0)
    assert not OrganisationUnit.objects.filter(pk=900).exists()


@pytest.mark.django_db
def test_a_data_migration_with_historical_models_is_refused():
    """RunPython gets the historical models of the migration state: guarded as well."""
    state = MigrationExecutor(connection).loader.project_state()
    historical = state.apps.get_model("signals", "Aspect")
    assert historical._meta.get_field("name").guarded
    with pytest.raises(PersonalDataFound), transaction.atomic():
        historical.objects.create(name="Aspect van J. Jansen", slug="jansen", order=99)
    assert not Aspect.objects.filter(slug="jansen").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b", "\x7f", "\x85"])
def test_control_characters_are_refused_with_a_message_not_a_database_error(character):
    with pytest.raises(ValidationError) as refused, transaction.atomic():
        OrganisationUnit.objects.create(name=f"Team{character}Noord")
    assert refused.value.message_dict == {"name": [nl(CONTROL_CHARACTERS_MESSAGE)]}
    assert not OrganisationUnit.objects.exists()


@pytest.mark.django_db
def test_a_nul_byte_in_a_service_call_is_a_message_not_a_500(body, member):
    with pytest.raises(ValidationError) as refused:
        services.signal_create(
            body=body,
            author=member,
            title="Wachttijden",
            description="Een tekst met een \x00 erin",
            period_start=date(2026, 1, 1),
            period_end=date(2026, 6, 30),
        )
    assert refused.value.message_dict["description"] == [nl(CONTROL_CHARACTERS_MESSAGE)]
    assert not Signal.objects.exists()


@pytest.mark.django_db
def test_a_service_names_every_field_that_holds_personal_data(body, member):
    with pytest.raises(PersonalDataFound) as refused:
        services.signal_create(
            body=body,
            author=member,
            title="Klacht van dhr. P. de Vries",
            description="Wachttijden",
            period_start=date(2026, 1, 1),
            period_end=date(2026, 6, 30),
            details={"rapport": PERSONAL},
        )
    assert set(refused.value.results) == {"title", "details_rapport"}


# --- The form fields -----------------------------------------------------------------------------
class PlainForm(forms.Form):
    text = GuardedFormField(max_length=100)


class MixinForm(GuardedFormMixin, forms.Form):
    text = GuardedFormField(max_length=100)
    other = forms.CharField(required=False)


def test_a_guarded_form_field_without_the_mixin_refuses():
    form = PlainForm({"text": PERSONAL, "accept_redaction": "1"})
    assert not form.is_valid()
    [error] = form.errors.as_data()["text"]
    assert isinstance(error, PersonalDataInField)
    assert error.code == "personal_data"
    assert "Jansen" not in str(error.message)


def test_the_mixin_keeps_the_findings_and_takes_the_redaction_when_accepted():
    refused = MixinForm({"text": PERSONAL})
    assert not refused.is_valid()
    assert list(refused.findings) == ["text"]
    assert refused.findings["text"].redacted == REDACTED
    assert [field.name for field, _result in refused.findings_in_order()] == ["text"]
    assert refused.findings_id == "id_findings"
    assert not refused.redacted

    accepted = MixinForm({"text": PERSONAL, "accept_redaction": "1"})
    assert accepted.is_valid(), accepted.errors
    assert accepted.cleaned_data["text"] == REDACTED
    assert accepted.redacted
    assert accepted.findings == {}

    clean = MixinForm({"text": "Wachttijden Wmo", "accept_redaction": "1"})
    assert clean.is_valid()
    assert not clean.redacted


def test_a_service_refusal_lands_in_the_findings_panel():
    form = MixinForm({"text": "Wachttijden Wmo"})
    assert form.is_valid()
    form.add_personal_data(
        PersonalDataFound({"text": scan_text(PERSONAL), "unknown": scan_text(PERSONAL)})
    )
    assert list(form.findings) == ["text"]
    assert form.errors["text"]
    assert form.non_field_errors()


class ShortForm(GuardedFormMixin, forms.Form):
    text = GuardedFormField(max_length=13)


def test_a_redaction_longer_than_the_field_allows_is_refused_with_the_length():
    """[NAAM] is longer than Bos: the database would refuse the redacted text."""
    form = ShortForm({"text": "mevrouw Bos", "accept_redaction": "1"})
    assert not form.is_valid()
    assert form.has_error("text", "max_length")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Wachttijden\x00", CONTROL_CHARACTERS_MESSAGE),
        ("Wacht\x1b[31mtijden", CONTROL_CHARACTERS_MESSAGE),
        ("Mevrouw J\u0430nsen", MIXED_SCRIPTS_MESSAGE),  # a Cyrillic a (U+0430)
        ("Klacht over \u03b1lgemene regels", MIXED_SCRIPTS_MESSAGE),  # a Greek alpha
    ],
)
def test_bad_input_gets_a_clear_dutch_message(text, message):
    form = MixinForm({"text": text})
    assert not form.is_valid()
    with translation.override("nl"):
        # First what no person types; personal data, when there is some, as well.
        assert str(form.errors["text"][0]) == str(message)
    assert nl(message) != en(message)  # translated


@pytest.mark.parametrize(
    "text",
    [
        "Москва и Київ",  # other alphabets, each word in one
        "Συνάντηση in Griekenland",
        "25 µg/m³ fijnstof",  # the micro sign is no Greek letter
        "Straße, café, naïef, Ærø",
        "Vergadering 😀🇳🇱",
        "<script>alert(1)</script> '; DROP TABLE signals_signal; --",
    ],
)
def test_other_alphabets_markup_and_sql_are_ordinary_text(text):
    check_text(text)  # no refusal
    assert visible(text) == text


def test_markup_and_sql_are_saved_as_they_are():
    text = "<script>alert(1)</script> '; DROP TABLE signals_signal; -- {{ x }} %s"
    form = MixinForm({"text": text})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["text"] == text


def test_invisible_characters_are_removed_and_cannot_hide_personal_data():
    hidden = "BSN 111\u200b222\u2060333 van mevrouw Jan\u00adsen \u202egnirts\u202c"
    assert visible(hidden) == "BSN 111222333 van mevrouw Jansen gnirts"
    form = MixinForm({"text": hidden})
    assert not form.is_valid()
    assert form.findings["text"].text == visible(hidden)
    accepted = MixinForm({"text": hidden, "accept_redaction": "1"})
    assert accepted.is_valid()
    assert accepted.cleaned_data["text"] == "BSN [BSN] van mevrouw [NAAM] gnirts"
    only_invisible = MixinForm({"text": "\u200b\u200e"})
    assert not only_invisible.is_valid()  # nothing left: required


def test_a_text_of_100_kb_is_refused_by_its_length_before_it_is_scanned(monkeypatch):
    scanned = []
    monkeypatch.setattr(
        "signals.guard.scan",
        lambda text: scanned.append(text) or ScanResult(text=text, findings=()),
    )
    form = MixinForm({"text": "Jan Jansen " * 10_000})
    assert not form.is_valid()
    assert form.has_error("text", "max_length")
    assert scanned == []


def test_the_json_scan_maps_every_leaf():
    result = scan_json({"a": "Wachttijden", "b": ["mevrouw Jansen"], "c": 3, "d": None})
    assert result.types == ["naam"]
    assert result.text == "Wachttijden\nmevrouw Jansen\n3"
    assert result.redacted == "Wachttijden\nmevrouw [NAAM]\n3"


# --- Through the pages ---------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_nul_byte_in_the_signal_form_is_a_message_not_a_500(client, member, body):
    client.force_login(member)
    response = client.post(
        reverse("signals:signal-create", args=[body.slug]),
        {
            "title": "Wachttijden",
            "description": "Een \x00 in de tekst",
            "period_start": "2026-01-01",
            "period_end": "2026-06-30",
            "case_count": "2",
            "impact": "midden",
            "details_indeling": ["doelmatigheid"],
        },
    )
    assert response.status_code == 200
    assert nl(CONTROL_CHARACTERS_MESSAGE) in response.content.decode()
    assert not Signal.objects.exists()


@pytest.mark.django_db
def test_seeding_refuses_personal_data_with_a_message(monkeypatch):
    """A command that writes says what is wrong (the kinds of data), not a traceback."""
    from signals import demo

    def seed(password):
        OversightBody.objects.create(name="Rekenkamer van J. Jansen", slug="r", kind="overig")
        return []

    monkeypatch.setattr(demo, "seed", seed)
    with pytest.raises(CommandError) as refused:
        call_command("seed_demo")
    assert nl("Contains personal data") in str(refused.value)
    assert "Jansen" not in str(refused.value)


# --- The import: numbers as the text they show ----------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("number", [612345678, 612345678.0])
def test_an_import_cell_that_a_spreadsheet_made_a_number_is_scanned_as_its_text(
    client, member, body, number
):
    from tests.signals.test_no_personal_data import upload, xlsx_file

    row = {
        "titel": "Wachttijden Wmo",
        "omschrijving": "Aanvragen blijven lang liggen.",
        "periode_van": "01-01-2026",
        "periode_tot": "30-06-2026",
        "indeling": "doelmatigheid",
        "bron": number,  # a mobile number that lost its leading 0
        "rapport": number,
    }
    client.force_login(member)
    content = xlsx_file(body, [row])
    refused = client.post(
        reverse("signals:signal-import", args=[body.slug]),
        {"file": upload_file(content)},
    )
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "612345678" not in html
    problems = " ".join(str(problem.message) for problem in refused.context["problems"])
    assert "bron" in problems
    assert "rapport" in problems
    assert "telefoon" in problems
    assert not Signal.objects.exists()

    accepted = upload(client, body, "signalen.xlsx", content, accept=True)
    assert accepted.status_code == 302
    signal = Signal.objects.get()
    assert signal.source_reference == "[TELEFOON]"
    assert signal.details["rapport"] == "[TELEFOON]"


def upload_file(content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("signalen.xlsx", content)
