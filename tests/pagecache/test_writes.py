"""The data version moves after every committed write to the pages' data, and only then.

These tests commit (``transactional_db``): the version is raised after a commit, which the
ordinary tests' transaction never reaches."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, transaction

from rodedraden.pagecache import services
from rodedraden.pagecache.models import DataVersion
from rodedraden.pagecache.selectors import data_version_get
from rodedraden.pagecache.writes import changes_data
from signals.models import Aspect, Signal
from tests.factories import OversightBodyFactory, SignalFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    ("sql", "watched"),
    [
        ('INSERT INTO "signals_signal" ("title") VALUES (%s)', True),
        ('UPDATE "deliberation_tag" SET "theme_id" = %s WHERE "theme_id" = %s', True),
        ('DELETE FROM "deliberation_tag" WHERE "id" IN (%s)', True),
        ('INSERT OR IGNORE INTO "signals_signal_aspects" ("signal_id") VALUES (%s)', True),
        ("update signals_oversightbody set name = %s", True),
        ('TRUNCATE "signals_signal", "deliberation_tag";', True),
        ('SELECT "signals_signal"."id" FROM "signals_signal"', False),
        ('UPDATE "django_session" SET "session_data" = %s', False),
        ('INSERT INTO "auditlog_logentry" ("action") VALUES (%s)', False),
        ('INSERT INTO "axes_accessattempt" ("username") VALUES (%s)', False),
        ('UPDATE "otp_totp_totpdevice" SET "last_t" = %s', False),
        ('UPDATE "pagecache_dataversion" SET "number" = ("number" + 1)', False),
    ],
)
def test_which_statements_change_the_pages_data(sql, watched):
    assert changes_data(sql) is watched


def test_a_committed_save_raises_the_version_once_per_transaction():
    before = data_version_get()
    with transaction.atomic():
        body = OversightBodyFactory()
        for number in range(5):
            SignalFactory(body=body, title=f"Signaal {number}")
    assert data_version_get() == before + 1


def test_a_write_outside_a_transaction_raises_it_at_once():
    body = OversightBodyFactory()
    before = data_version_get()
    body.name = "Klachtencommissaris"
    body.save()
    assert data_version_get() == before + 1


def write_and_fail(**fields):
    """A body saved in a transaction (or savepoint) that is then rolled back."""
    with transaction.atomic():
        OversightBodyFactory(**fields)
        raise RuntimeError


def test_a_rolled_back_transaction_leaves_it():
    before = data_version_get()
    with pytest.raises(RuntimeError):
        write_and_fail()
    assert data_version_get() == before


def test_writes_no_model_signal_reports_raise_it():
    """QuerySet.update, bulk_create, a many-to-many table and raw SQL: no post_save for any."""
    signal = SignalFactory()
    steps = [
        lambda: Signal.objects.filter(pk=signal.pk).update(title="Andere titel"),
        lambda: Aspect.objects.bulk_create([Aspect(name="Nieuw aspect", order=99)]),
        lambda: signal.aspects.add(Aspect.objects.first()),
        lambda: connection.cursor().execute(
            f'UPDATE "{Signal._meta.db_table}" SET "case_count" = 3'  # noqa: S608
        ),
    ]
    for step in steps:
        before = data_version_get()
        step()
        assert data_version_get() == before + 1


def test_after_a_savepoint_rolled_back_a_later_write_still_raises_it():
    before = data_version_get()
    with transaction.atomic():
        with pytest.raises(RuntimeError):
            write_and_fail(slug="weg")  # the savepoint goes, with the bump it had asked for
        OversightBodyFactory(slug="blijft")
    assert data_version_get() == before + 1


def test_sessions_do_not_raise_it():
    """Every request saves its session: that must not empty the page cache."""
    before = data_version_get()
    store = SessionStore()
    store["key"] = "value"
    store.save()
    assert data_version_get() == before


def test_a_flushed_table_gets_a_new_version_never_an_old_one():
    services.data_version_bump()
    before = data_version_get()
    DataVersion.objects.all().delete()
    assert data_version_get() is None  # nothing is cached meanwhile (see the fragments)
    services.data_version_bump()
    assert data_version_get() > before
