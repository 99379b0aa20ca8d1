"""A memo render's heartbeat (issue 17, point 10) is a write that changes no page: it does not
raise the data version, every few seconds while a memo is rendered; its other writes do."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reports.models import Memo, MemoKind, MemoState
from rodedraden.pagecache.selectors import data_version_get
from rodedraden.pagecache.services import data_version_bump
from rodedraden.pagecache.writes import changes_data
from tests.factories import BeraadFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_heartbeat_leaves_the_data_version_alone_and_a_state_change_does_not(chair):
    data_version_bump()  # the row may have gone with the last transactional test's flush
    memo = Memo.objects.create(beraad=BeraadFactory(chair=chair), version=1, kind=MemoKind.CONCEPT)
    version = data_version_get()
    beating = Memo.objects.filter(pk=memo.pk, attempts=0, render_owner="")
    with CaptureQueriesContext(connection) as queries:
        assert beating.update(heartbeat_at=timezone.now()) == 1
    [statement] = [query["sql"] for query in queries.captured_queries]
    assert statement.upper().startswith("UPDATE")
    assert data_version_get() == version

    Memo.objects.filter(pk=memo.pk).update(state=MemoState.BEZIG, heartbeat_at=timezone.now())
    assert data_version_get() > version


@pytest.mark.parametrize(
    ("sql", "watched"),
    [
        ('UPDATE "reports_memo" SET "heartbeat_at" = %s WHERE "reports_memo"."id" = %s', False),
        ('UPDATE "reports_memo" SET "heartbeat_at" = %s, "state" = %s WHERE "id" = %s', True),
        ('UPDATE "reports_memo" SET "state" = %s, "heartbeat_at" = %s WHERE "id" = %s', True),
    ],
)
def test_only_a_statement_that_sets_the_heartbeat_alone_is_unwatched(sql, watched):
    assert changes_data(sql) is watched
