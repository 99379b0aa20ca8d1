"""Every form that creates a record carries a random key; sent again with the same key (the
connection broke after the commit, the button was pressed twice, two requests at once), it
gets the first answer and nothing is made twice (issue 17, point 8)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from deliberation.models import Beraad, BeraadState, Recommendation, Theme
from reports.models import Memo
from rodedraden.idempotency.models import KEPT, IdempotencyKey
from rodedraden.retention.services import retention_apply
from signals.models import Signal
from tests.conftest import Client
from tests.deliberation.helpers import advance, dutch, submitted, tag
from tests.deliberation.test_concurrency import at_once
from tests.deliberation.test_follow_up import shared_session
from tests.factories import BeraadFactory, ThemeFactory
from tests.signals.test_import_export import csv_file, good_rows
from tests.signals.test_signal_views import form_data

FIELD = "idempotency_key"
REPLAYED = "This form had already been sent; it was saved once."


def key_in(html: str) -> str:
    """The key of the (first) form on a page."""
    marker = f'name="{FIELD}" value="'
    assert marker in html, "the form carries no key"
    return html.split(marker, 1)[1].split('"', 1)[0]


# --- Each form that creates a record ------------------------------------------------------------
def signal_case(request):
    body = request.getfixturevalue("body")
    url = reverse("signals:signal-create", args=[body.slug])
    return request.getfixturevalue("member"), url, url, form_data, Signal.objects.count


def import_case(request):
    body = request.getfixturevalue("body")
    rows = [{**good_rows()[0], "invalshoeken": "", "organisatieonderdelen": ""}]
    header = list(rows[0])

    def data():  # a new upload each time, as a browser sends the file again
        return {"file": SimpleUploadedFile("signalen.csv", csv_file(header, rows))}

    url = reverse("signals:signal-import", args=[body.slug])
    return request.getfixturevalue("member"), url, url, data, Signal.objects.count


def beraad_case(request):
    body, other_body = request.getfixturevalue("body"), request.getfixturevalue("other_body")
    url = reverse("deliberation:beraad-create")

    def data():
        return {
            "title": "Rode-dradenberaad voorjaar 2027",
            "season": "voorjaar",
            "year": 2027,
            "date": "2027-03-15",
            "period_start": "2026-07-01",
            "period_end": "2026-12-31",
            "submission_deadline": "2027-02-22",
            "bodies": [body.pk, other_body.pk],
            "min_bodies": 2,
            "agenda": "",
        }

    return request.getfixturevalue("chair"), url, url, data, Beraad.objects.count


def theme_case(request):
    url = reverse("deliberation:theme-list")
    return (
        request.getfixturevalue("chair"),
        url,
        url,
        lambda: {"name": "Bereikbaarheid", "description": ""},
        Theme.objects.count,
    )


def recommendation_case(request):
    chair, body, other_body = (
        request.getfixturevalue(name) for name in ("chair", "body", "other_body")
    )
    beraad = BeraadFactory(chair=chair, bodies=[body, other_body])
    signal = submitted(body, period_start=beraad.period_start, period_end=beraad.period_end)
    beraad = advance(beraad, chair, BeraadState.IN_BERAAD)
    theme = ThemeFactory(name="Tijdigheid")
    tag(beraad, signal, theme, chair)
    url = reverse("deliberation:rode-draad", args=[beraad.pk, theme.pk])
    data = {
        "add_recommendation": "1",
        "text": "Stel doorlooptijden vast.",
        "addressee": "burgemeester",
    }
    return chair, url, url, lambda: dict(data), Recommendation.objects.count


def response_case(request):
    chair, body, other_body = (
        request.getfixturevalue(name) for name in ("chair", "body", "other_body")
    )
    _beraad, (recommendation,) = shared_session(chair, body, other_body)
    url = recommendation.get_absolute_url()

    def data():
        return {
            "version": recommendation.version,  # as the form was shown, both times
            "response": "overgenomen",
            "response_reason": "",
            "owner": "Directeur Sociaal domein",
            "due_date": "2027-06-01",
            "progress": "Plan van aanpak vastgesteld.",
            "status": "in_uitvoering",
        }

    def responses():
        recommendation.refresh_from_db()
        return recommendation.version

    return request.getfixturevalue("reader"), url, url, data, responses


def memo_case(request):
    from tests.reports.helpers import started_session

    chair, body, other_body = (
        request.getfixturevalue(name) for name in ("chair", "body", "other_body")
    )
    beraad = started_session(chair, body, other_body)
    request.getfixturevalue("_no_rendering")
    return (
        chair,
        reverse("reports:memo-list", args=[beraad.pk]),
        reverse("reports:memo-request", args=[beraad.pk]),
        lambda: {"kind": "concept"},
        Memo.objects.count,
    )


CASES = {
    "signal": signal_case,
    "import": import_case,
    "beraad": beraad_case,
    "theme": theme_case,
    "recommendation": recommendation_case,
    "response": response_case,
    "memo": memo_case,
}


@pytest.fixture
def _no_rendering():
    with mock.patch("reports.tasks.memo_render_task.delay"):
        yield


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES)
def test_a_form_sent_twice_with_its_key_makes_one_record_and_gets_the_first_answer(
    request, client, case
):
    user, page, url, data, count = CASES[case](request)
    client.force_login(user)
    shown = client.get(page)
    assert shown.status_code == 200
    key = key_in(shown.content.decode())
    before = count()

    first = client.post(url, {**data(), FIELD: key})
    again = client.post(url, {**data(), FIELD: key})

    assert count() == before + 1
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"]
    assert dutch(REPLAYED) in [str(m) for m in get_messages(again.wsgi_request)]


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES)
def test_without_the_key_a_form_is_handled_as_before(request, client, case):
    user, _page, url, data, count = CASES[case](request)
    client.force_login(user)
    before = count()
    assert client.post(url, data()).status_code == 302
    assert count() == before + 1


# --- The signal form in detail -----------------------------------------------------------------
@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


def create_url(body):
    return reverse("signals:signal-create", args=[body.slug])


@pytest.mark.django_db
def test_two_keys_are_two_signals(member_client, body):
    first = member_client.post(create_url(body), {**form_data(), FIELD: str(uuid.uuid4())})
    second = member_client.post(create_url(body), {**form_data(), FIELD: str(uuid.uuid4())})
    assert Signal.objects.count() == 2
    assert first["Location"] != second["Location"]


@pytest.mark.django_db
def test_a_refused_form_keeps_its_key_and_may_be_sent_again(member_client, body):
    key = str(uuid.uuid4())
    refused = member_client.post(create_url(body), {**form_data(title=""), FIELD: key})
    assert refused.status_code == 200
    assert key_in(refused.content.decode()) == key  # shown again with the same key
    assert not IdempotencyKey.objects.exists()  # nothing made, nothing kept
    saved = member_client.post(create_url(body), {**form_data(), FIELD: key})
    assert saved.status_code == 302
    assert saved["Location"] == Signal.objects.get().get_absolute_url()


@pytest.mark.django_db
def test_the_same_key_of_another_user_is_their_own(client, body, member):
    from tests.factories import MembershipFactory

    colleague = MembershipFactory(body=body, user__username="collega").user
    key = str(uuid.uuid4())
    client.force_login(member)
    client.post(create_url(body), {**form_data(), FIELD: key})
    client.force_login(colleague)
    client.post(create_url(body), {**form_data(), FIELD: key})
    assert sorted(Signal.objects.values_list("author__username", flat=True)) == ["collega", "lid"]


@pytest.mark.django_db(transaction=True)
def test_the_same_form_sent_twice_at_once_makes_one_signal(body, member):
    """Two requests with the same key in two threads, each with its own database connection
    and transaction: the second waits for the first on the key and answers as it did."""
    key = str(uuid.uuid4())
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(member)

    def send(client):
        return lambda: client.post(create_url(body), {**form_data(), FIELD: key})

    for _round in range(3):
        results = at_once(*(send(client) for client in clients))
        assert [outcome for outcome, _ in results] == ["ok", "ok"], results
        responses = [response for _, response in results]
        assert [response.status_code for response in responses] == [302, 302]
        signal = Signal.objects.get()
        assert {response["Location"] for response in responses} == {signal.get_absolute_url()}
        Signal.objects.all().delete()
        key = str(uuid.uuid4())


@pytest.mark.django_db
def test_the_retention_run_removes_keys_older_than_a_day(member):
    now = timezone.now()
    old = IdempotencyKey.objects.create(
        user=member, key=uuid.uuid4(), created_at=now - KEPT - timedelta(minutes=1)
    )
    recent = IdempotencyKey.objects.create(
        user=member, key=uuid.uuid4(), created_at=now - KEPT + timedelta(minutes=1)
    )
    retention_apply(now=now)
    assert list(IdempotencyKey.objects.all()) == [recent]
    assert not IdempotencyKey.objects.filter(pk=old.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true"}], ids=["page", "htmx"])
def test_the_workspace_s_new_theme_field_is_idempotent_by_itself(client, request, headers):
    """The new-theme field of the tagging workspace carries no key (the workspace is a cached
    page, one key would serve every visit): sent again, it finds the theme of that name and
    the tag it made, and makes neither twice."""
    from deliberation.models import BeraadSignal, Tag

    chair, body, other_body = (
        request.getfixturevalue(name) for name in ("chair", "body", "other_body")
    )
    beraad = BeraadFactory(chair=chair, bodies=[body, other_body])
    signal = submitted(body, period_start=beraad.period_start, period_end=beraad.period_end)
    beraad = advance(beraad, chair, BeraadState.IN_BERAAD)
    inclusion = BeraadSignal.objects.get(signal=signal)
    client.force_login(chair)
    url = reverse("deliberation:tag-new-theme", args=[beraad.pk])
    data = {"inclusion": inclusion.pk, "name": "Bereikbaarheid"}
    first = client.post(url, data, headers=headers)
    again = client.post(url, data, headers=headers)
    assert first.status_code == again.status_code
    assert Theme.objects.filter(name="Bereikbaarheid").count() == 1
    assert Tag.objects.filter(inclusion=inclusion).count() == 1


def test_the_keys_change_no_cached_page():
    """A key claimed (and let go when the form is refused) changes nothing a page shows: the
    page cache does not watch its table, so the cached pages stay valid."""
    from rodedraden.pagecache.writes import changes_data

    assert IdempotencyKey._meta.db_table == "idempotency_idempotencykey"
    assert not changes_data('INSERT INTO "idempotency_idempotencykey" ("key") VALUES (%s)')
    assert not changes_data('DELETE FROM "idempotency_idempotencykey" WHERE "id" = %s')
    assert changes_data('INSERT INTO "signals_signal" ("title") VALUES (%s)')
