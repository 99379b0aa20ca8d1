"""After a restore, nothing kept from before it is served (issue 17, point 12): not the pages
of the page cache (made of data the restore undid), not a session.

The application's process serves the restored database here as it would after ``manage.py
restore``: this test's connection is pointed at it, while the page cache and the default cache
(where ``cached_db`` keeps sessions) go on holding what they held, as Redis or a running
process does."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.urls import reverse

from deliberation.models import Beraad, BeraadState
from rodedraden.backup import services
from rodedraden.pagecache.selectors import data_version_get
from rodedraden.pagecache.services import data_version_bump
from signals.models import Signal
from tests.backup.test_backup_restore import empty_database  # noqa: F401 (a fixture)
from tests.conftest import Client
from tests.deliberation.helpers import advance, submitted
from tests.factories import BeraadFactory

pytestmark = pytest.mark.django_db(transaction=True)

KEPT = {"signal": "Wmo-aanvragen blijven lang liggen", "beraad": "Beraad zoals het bewaard is"}
CHANGED = {"signal": "Wachttijden na de back-up", "beraad": "Beraad na de back-up"}


@pytest.fixture
def page_cache_on(settings):
    """The page cache on (the suite has it off), and sessions read through the cache, as
    with CACHE_URL."""
    settings.PAGE_CACHE_SECONDS = 600
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    for alias in ("pages", "default"):
        caches[alias].clear()
    data_version_bump()  # the row may have gone with the last transactional test's flush
    yield
    for alias in ("pages", "default"):
        caches[alias].clear()


@contextmanager
def serving(database: dict):
    """This process on ``database`` (the restored one), then back on the test database."""
    saved = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = database["NAME"]
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = saved


def signed_in(chair) -> Client:
    client = Client()
    client.force_login(chair)
    return client


def pages_show(client, urls, texts) -> dict[str, list[str]]:
    """Per page, which of ``texts`` it shows."""
    shown = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        html = response.content.decode()
        shown[name] = sorted(key for key, text in texts.items() if text in html)
    return shown


def test_after_a_restore_the_pages_show_the_restored_data_and_sessions_end(
    page_cache_on,
    chair,
    body,
    other_body,
    empty_database,  # noqa: F811
    tmp_path,
):
    beraad = BeraadFactory(chair=chair, bodies=[body, other_body], title=KEPT["beraad"])
    period = {"period_start": beraad.period_start, "period_end": beraad.period_end}
    signal = submitted(body, title=KEPT["signal"], **period)
    submitted(other_body, **period)
    beraad = advance(beraad, chair, BeraadState.IN_BERAAD)
    urls = {
        "workspace": reverse("deliberation:workspace", args=[beraad.pk]),
        "dashboard": reverse("reports:dashboard"),
        "signal list": reverse("signals:body-detail", args=[body.slug]),
    }
    expected = {
        "workspace": ["beraad", "signal"],
        "dashboard": ["beraad"],
        "signal list": ["signal"],
    }
    before = signed_in(chair)
    assert pages_show(before, urls, KEPT) == expected
    versions = [data_version_get()]

    archive = tmp_path / "backup.tar.gz"
    services.backup_create(target=archive)

    with transaction.atomic():  # one change after the backup (one new data version)
        Signal.objects.filter(pk=signal.pk).update(title=CHANGED["signal"])
        Beraad.objects.filter(pk=beraad.pk).update(title=CHANGED["beraad"])
    versions.append(data_version_get())
    assert pages_show(before, urls, CHANGED) == expected  # now in the page cache
    after = signed_in(chair)  # a session the backup does not hold (kept in the cache too)
    versions.append(data_version_get())
    assert pages_show(after, urls, CHANGED) == expected

    result = services.backup_restore(source=archive, database=empty_database)
    assert result.sessions_ended >= 1

    with serving(empty_database):
        # A version no page was kept under, also by a process whose cache the restore cannot
        # reach (a per-process page cache of a running server).
        assert data_version_get() > max(versions)
        # Every session from before ended: the restored one and the one only the cache had.
        for client in (before, after):
            response = client.get(urls["workspace"])
            assert response.status_code == 302
            assert response.url.startswith(reverse("login"))
        # Signing in again is a write (the last login), as every first write after a restore.
        again = signed_in(chair)
        assert pages_show(again, urls, CHANGED) == {name: [] for name in urls}
        assert pages_show(again, urls, KEPT) == expected


@pytest.mark.services
def test_the_restore_empties_a_shared_redis_cache_but_never_the_broker(settings, private_redis, db):
    """In Redis only this application's cache keys go (its prefix and version): a broker on
    the same server keeps its queues."""
    location = f"redis://127.0.0.1:{private_redis.port}/0"
    settings.CACHES = {
        alias: {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": location,
            "OPTIONS": {"IGNORE_EXCEPTIONS": True},  # as with CACHE_URL
            **prefix,
        }
        for alias, prefix in (("default", {}), ("pages", {"KEY_PREFIX": "pages"}))
    }
    with private_redis.client() as redis:
        redis.lpush("memos", b"a queued task")
        caches["default"].set("django.contrib.sessions.cached_dbabc", {"_auth_user_id": "1"})
        caches["pages"].set("pagecache:x", "<main>old</main>")
        assert redis.dbsize() == 3

        assert services._cache_emptied("default")
        assert services._cache_emptied("pages")

        assert redis.keys("*") == [b"memos"]
        assert redis.lrange("memos", 0, -1) == [b"a queued task"]
    # An unreachable Redis is said, not skipped over in silence.
    private_redis.stop()
    assert not services._cache_emptied("default")
