"""Rows stored before every free-text field was guarded: ``manage.py redact_personal_data``
counts the personal data they still hold per field and, with ``--apply``, replaces it by the
placeholders, through the guarded write path."""

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection

from deliberation.models import Theme
from signals.models import Signal
from signals.services import stored_personal_data_redact
from tests.factories import SignalFactory, ThemeFactory

RAW_TITLE = "Klacht van mevr. bakker over 06 - 1234 5678"
RAW_DETAIL = "Melding van dhr. yilmaz, bsn 111-222-333"


def store_raw(model, pk: int, **columns) -> None:
    """Write as the application did before the guard: past the ORM, straight into the table."""
    table = connection.ops.quote_name(model._meta.db_table)
    assignments = ", ".join(f"{connection.ops.quote_name(name)} = %s" for name in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {assignments} WHERE id = %s",  # noqa: S608
            [*columns.values(), pk],
        )


@pytest.fixture
def stored(body):
    signal = SignalFactory(body=body)
    clean = SignalFactory(body=body)
    theme = ThemeFactory()
    store_raw(Signal, signal.pk, title=RAW_TITLE, details=json.dumps({"rapport": RAW_DETAIL}))
    store_raw(Theme, theme.pk, name="Thema van wethouder Van der Berg")
    return signal, clean, theme


def run(*args) -> str:
    out = io.StringIO()
    call_command("redact_personal_data", *args, stdout=out)
    return out.getvalue()


def test_without_apply_it_counts_per_field_and_changes_nothing(stored):
    signal, _, _ = stored
    output = run()
    assert "signals.Signal.title: 1" in output
    assert "signals.Signal.details: 1" in output
    assert "deliberation.Theme.name: 1" in output
    assert "bakker" not in output  # counts, never the data
    assert "yilmaz" not in output
    assert Signal.objects.get(pk=signal.pk).title == RAW_TITLE


def test_with_apply_the_data_is_replaced_by_placeholders_and_the_version_goes_up(stored):
    signal, clean, theme = stored
    version = Signal.objects.get(pk=signal.pk).version
    run("--apply")
    signal.refresh_from_db()
    assert signal.title == "Klacht van mevr. [NAAM] over [TELEFOON]"
    assert signal.details == {"rapport": "Melding van dhr. [NAAM], bsn [BSN]"}
    assert signal.version == version + 1
    theme.refresh_from_db()
    assert theme.name == "Thema van wethouder [NAAM]"
    before = clean.title
    clean.refresh_from_db()
    assert clean.title == before  # clean rows are left alone
    assert stored_personal_data_redact() == {}  # nothing left


def test_with_apply_nothing_personal_is_left_in_any_table(stored):
    from tests.signals.test_no_personal_data import database_dump

    run("--apply")
    dump = database_dump().lower()
    for raw in ("mevr. bakker", "1234 5678", "dhr. yilmaz", "111-222-333", "wethouder van der"):
        assert raw not in dump
