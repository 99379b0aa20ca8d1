"""Memo versions and their rendering: concept versions again and again, the definitive one
exactly once and only from an adopted beraad; the row first, the task after commit; a task
delivered twice renders once; a broker that is down leaves the memo waiting (never an error
page) and the beat task queues it again; a render that keeps failing is retried, then marked
as failed with only the error type, and can be tried again; the queue and the schedule."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from celery.exceptions import Retry
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from deliberation.models import BeraadState
from reports import services, tasks
from reports.models import Memo, MemoKind, MemoState, memo_path
from rodedraden import celery_app
from rodedraden.accounts.models import Role
from tests.deliberation.helpers import advance, dutch
from tests.factories import UserFactory
from tests.reports.helpers import pdf_reader, ready_memo, started_session

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_storage")]

DELAY = "reports.tasks.memo_render_task.delay"
ALREADY = "The definitive memo has been made already; it never changes."
NOT_ADOPTED = "The definitive memo follows once the beraad is adopted."
CONCEPT_ONLY = "A concept memo can be made while the beraad is in session or in draft."


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def request_memo(beraad, user, *, definitive=False, capture):
    """Ask for a memo and run what was queued for after the commit."""
    with capture(execute=True):
        return services.memo_request(beraad=beraad, user=user, definitive=definitive)


def memo_files(beraad) -> list[str]:
    directory = f"memos/{beraad.pk}"
    if not default_storage.exists(directory):
        return []
    _dirs, files = default_storage.listdir(directory)
    return sorted(files)


# --- Versions ---------------------------------------------------------------------------------
def test_concept_versions_can_be_made_again_and_again(
    chair, body, other_body, django_capture_on_commit_callbacks
):
    beraad = started_session(chair, body, other_body)
    with mock.patch(DELAY) as delay:
        made = [
            request_memo(beraad, chair, capture=django_capture_on_commit_callbacks)
            for _ in range(3)
        ]
        beraad = advance(beraad, chair, BeraadState.CONCEPT_MEMO)
        made.append(request_memo(beraad, chair, capture=django_capture_on_commit_callbacks))
    assert [memo.version for memo in made] == [1, 2, 3, 4]
    assert list(Memo.objects.filter(beraad=beraad).values_list("version", "kind", "state")) == [
        (4, MemoKind.CONCEPT, MemoState.WACHTEND),
        (3, MemoKind.CONCEPT, MemoState.WACHTEND),
        (2, MemoKind.CONCEPT, MemoState.WACHTEND),
        (1, MemoKind.CONCEPT, MemoState.WACHTEND),
    ]
    assert [c.kwargs for c in delay.call_args_list] == [{"memo_id": memo.pk} for memo in made]
    assert all(memo.requested_by == chair for memo in made)


@pytest.mark.parametrize(
    "state",
    [BeraadState.GEPLAND, BeraadState.VOORBEREIDING, BeraadState.VASTGESTELD, BeraadState.GEDEELD],
)
def test_a_concept_is_made_only_while_in_session_or_in_draft(chair, body, other_body, state):
    beraad = started_session(chair, body, other_body, state=state)
    with mock.patch(DELAY) as delay, pytest.raises(ValidationError) as refused:
        services.memo_request(beraad=beraad, user=chair)
    assert refused.value.messages == [dutch(CONCEPT_ONLY)]
    assert not Memo.objects.exists()
    delay.assert_not_called()


@pytest.mark.parametrize(
    "state",
    [
        BeraadState.GEPLAND,
        BeraadState.VOORBEREIDING,
        BeraadState.IN_BERAAD,
        BeraadState.CONCEPT_MEMO,
    ],
)
def test_the_definitive_memo_is_made_only_from_an_adopted_beraad(chair, body, other_body, state):
    beraad = started_session(chair, body, other_body, state=state)
    with mock.patch(DELAY) as delay, pytest.raises(ValidationError) as refused:
        services.memo_request(beraad=beraad, user=chair, definitive=True)
    assert refused.value.messages == [dutch(NOT_ADOPTED)]
    assert not Memo.objects.exists()
    delay.assert_not_called()


@pytest.mark.parametrize("state", [BeraadState.VASTGESTELD, BeraadState.GEDEELD])
def test_the_definitive_memo_is_made_exactly_once(
    chair, body, other_body, state, django_capture_on_commit_callbacks
):
    beraad = started_session(chair, body, other_body, state=BeraadState.CONCEPT_MEMO)
    with mock.patch(DELAY) as delay:
        concept = request_memo(beraad, chair, capture=django_capture_on_commit_callbacks)
        beraad = advance(beraad, chair, state)
        definitive = request_memo(
            beraad, chair, definitive=True, capture=django_capture_on_commit_callbacks
        )
        with pytest.raises(ValidationError) as refused:
            request_memo(beraad, chair, definitive=True, capture=django_capture_on_commit_callbacks)
    assert refused.value.messages == [dutch(ALREADY)]
    assert (concept.version, concept.kind) == (1, MemoKind.CONCEPT)
    assert (definitive.version, definitive.kind) == (2, MemoKind.DEFINITIEF)
    assert Memo.objects.filter(beraad=beraad).count() == 2
    assert delay.call_count == 2


def test_the_database_holds_one_definitive_memo_per_beraad(chair, body, other_body):
    beraad = started_session(chair, body, other_body, state=BeraadState.VASTGESTELD)
    Memo.objects.create(beraad=beraad, version=1, kind=MemoKind.DEFINITIEF)
    with pytest.raises(IntegrityError), transaction.atomic():
        Memo.objects.create(beraad=beraad, version=2, kind=MemoKind.DEFINITIEF)
    with pytest.raises(IntegrityError), transaction.atomic():
        Memo.objects.create(beraad=beraad, version=1, kind=MemoKind.CONCEPT)


def test_a_second_definitive_request_through_the_page_is_refused_with_a_message(
    client, chair, body, other_body, django_capture_on_commit_callbacks
):
    beraad = started_session(chair, body, other_body, state=BeraadState.VASTGESTELD)
    client.force_login(chair)
    url = reverse("reports:memo-request", args=[beraad.pk])
    with mock.patch(DELAY), django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, {"kind": MemoKind.DEFINITIEF})
        second = client.post(url, {"kind": MemoKind.DEFINITIEF})
    memo_list = reverse("reports:memo-list", args=[beraad.pk])
    assert first.status_code == second.status_code == 302
    assert first.url == second.url == memo_list
    made = dutch("The memo is being made. This page shows when it is ready.")
    assert messages_of(first) == [made]
    assert messages_of(second) == [made, dutch(ALREADY)]  # the first was not shown yet
    assert list(Memo.objects.values_list("kind", "version")) == [(MemoKind.DEFINITIEF, 1)]


def test_the_definitive_memo_is_asked_first_and_asking_changes_nothing(
    client, chair, body, other_body
):
    beraad = started_session(chair, body, other_body, state=BeraadState.CONCEPT_MEMO)
    concept = ready_memo(beraad, requested_by=chair)
    beraad = advance(beraad, chair, BeraadState.VASTGESTELD)
    client.force_login(chair)
    url = reverse("reports:memo-request", args=[beraad.pk])
    memo_page = client.get(reverse("reports:memo-list", args=[beraad.pk])).content.decode()
    assert f'href="{url}?kind=definitief"' in memo_page  # a link to the question
    response = client.get(url, {"kind": MemoKind.DEFINITIEF})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Het definitieve memo maken?" in page
    assert "een tweede definitieve versie kan niet worden gemaakt" in page
    assert reverse("reports:memo-download", args=[concept.pk]) in page  # check it first
    assert '<input type="hidden" name="kind" value="definitief">' in page
    assert list(Memo.objects.values_list("kind", flat=True)) == [MemoKind.CONCEPT]
    with mock.patch(DELAY):
        client.post(url, {"kind": MemoKind.DEFINITIEF})
    assert Memo.objects.filter(kind=MemoKind.DEFINITIEF).count() == 1
    # Made: asking again goes back to the memo page, with why.
    again = client.get(url, {"kind": MemoKind.DEFINITIEF})
    assert again.status_code == 302
    assert again["Location"] == reverse("reports:memo-list", args=[beraad.pk])
    assert messages_of(again)[-1] == dutch(ALREADY)


def test_no_question_for_a_definitive_memo_before_adoption_nor_for_a_concept(
    client, chair, body, other_body
):
    beraad = started_session(chair, body, other_body, state=BeraadState.CONCEPT_MEMO)
    client.force_login(chair)
    url = reverse("reports:memo-request", args=[beraad.pk])
    memo_list = reverse("reports:memo-list", args=[beraad.pk])
    refused = client.get(url, {"kind": MemoKind.DEFINITIEF})
    assert (refused.status_code, refused["Location"]) == (302, memo_list)
    assert messages_of(refused) == [dutch(NOT_ADOPTED)]
    concept = client.get(url, {"kind": MemoKind.CONCEPT})
    assert (concept.status_code, concept["Location"]) == (302, memo_list)
    assert not Memo.objects.exists()


@pytest.mark.parametrize("role", [Role.MEMBER, Role.READER, Role.ADMIN])
def test_only_the_chair_asks_for_a_memo(client, chair, body, other_body, role):
    beraad = started_session(chair, body, other_body)
    user = UserFactory(username=f"iemand-{role}", role=role)
    with mock.patch(DELAY) as delay:
        with pytest.raises(PermissionDenied):
            services.memo_request(beraad=beraad, user=user)
        client.force_login(user)
        response = client.post(reverse("reports:memo-request", args=[beraad.pk]))
    assert response.status_code == 404
    assert not Memo.objects.exists()
    delay.assert_not_called()


def test_an_inactive_chair_cannot_ask_for_a_memo(chair, body, other_body):
    beraad = started_session(chair, body, other_body)
    chair.is_active = False
    chair.save()
    with mock.patch(DELAY), pytest.raises(PermissionDenied):
        services.memo_request(beraad=beraad, user=chair)
    assert not Memo.objects.exists()


# --- Queued after commit, rendered once ---------------------------------------------------------
def test_the_row_comes_first_and_the_task_is_queued_after_commit(
    chair, body, other_body, django_capture_on_commit_callbacks
):
    beraad = started_session(chair, body, other_body)
    with mock.patch(DELAY) as delay:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            memo = services.memo_request(beraad=beraad, user=chair)
            stored = Memo.objects.get(pk=memo.pk)
            assert (stored.state, stored.queued_at) == (MemoState.WACHTEND, None)
        delay.assert_not_called()  # not before the commit
        assert len(callbacks) == 1
        callbacks[0]()
    delay.assert_called_once_with(memo_id=memo.pk)
    memo.refresh_from_db()
    assert memo.state == MemoState.WACHTEND
    assert memo.queued_at is not None


def test_a_task_delivered_twice_renders_once_one_file_one_row(
    chair, body, other_body, django_capture_on_commit_callbacks
):
    beraad = started_session(chair, body, other_body)
    with mock.patch(DELAY):
        memo = request_memo(beraad, chair, capture=django_capture_on_commit_callbacks)
    # A worker that died after writing left its file behind.
    leftover = memo_path(memo, memo.filename)
    default_storage.save(leftover, ContentFile(b"half a pdf"))

    first = tasks.memo_render_task.apply(kwargs={"memo_id": memo.pk}).get()
    memo.refresh_from_db()
    rendered = (memo.file.name, memo.sha256, memo.finished_at, memo.page_count)
    second = tasks.memo_render_task.apply(kwargs={"memo_id": memo.pk}).get()
    third = services.memo_render(memo_id=memo.pk)

    assert (first, second, third) == (True, False, False)
    memo.refresh_from_db()
    assert (memo.file.name, memo.sha256, memo.finished_at, memo.page_count) == rendered
    assert memo.state == MemoState.KLAAR
    assert memo.attempts == 1
    assert Memo.objects.filter(beraad=beraad).count() == 1
    assert memo_files(beraad) == [memo.filename]
    assert memo.file.name == leftover
    with memo.file.open("rb") as handle:
        data = handle.read()
    assert len(pdf_reader(data).pages) == memo.page_count
    assert services.memo_render(memo_id=memo.pk + 1000) is False  # gone: nothing to do


# --- A broker that is down ----------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_the_request_still_succeeds_and_the_memo_waits(
    client, chair, body, other_body
):
    """Really committed (a transactional test): the task is queued inside the request."""
    beraad = started_session(chair, body, other_body)
    client.force_login(chair)
    down = OperationalError("[Errno 111] Connection refused")
    with mock.patch(DELAY, side_effect=down) as delay:
        response = client.post(
            reverse("reports:memo-request", args=[beraad.pk]), {"kind": MemoKind.CONCEPT}
        )
    assert delay.call_count == 1  # it was tried, inside the request
    assert response.status_code == 302
    assert response.url == reverse("reports:memo-list", args=[beraad.pk])
    assert messages_of(response) == [
        dutch("The memo is being made. This page shows when it is ready.")
    ]
    memo = Memo.objects.get(beraad=beraad)
    assert (memo.state, memo.queued_at, memo.file.name) == (MemoState.WACHTEND, None, "")
    page = client.get(response.url)
    assert page.status_code == 200
    assert f'id="memo-{memo.pk}"' in page.content.decode()

    # The broker is back: the beat task queues it again once it waited too long.
    later = timezone.now() + services.STALE_WAITING + timedelta(seconds=1)
    with mock.patch(DELAY) as delay:
        assert services.memos_requeue_stale(now=timezone.now()) == 0
        assert services.memos_requeue_stale(now=later) == 1
    delay.assert_called_once_with(memo_id=memo.pk)
    memo.refresh_from_db()
    assert memo.queued_at == later
    assert memo.state == MemoState.WACHTEND


def test_the_stale_requeue_takes_waiting_and_stuck_memos_only(chair, body, other_body):
    beraad = started_session(chair, body, other_body)
    now = timezone.now()
    long_ago = now - timedelta(hours=1)

    def memo(version, state, **fields):
        made = Memo.objects.create(beraad=beraad, version=version, kind=MemoKind.CONCEPT)
        Memo.objects.filter(pk=made.pk).update(state=state, **fields)
        return made

    waiting_long = memo(1, MemoState.WACHTEND, requested_at=long_ago)
    waiting_now = memo(2, MemoState.WACHTEND, requested_at=now - timedelta(minutes=1))
    stuck = memo(3, MemoState.BEZIG, requested_at=long_ago, started_at=long_ago)
    busy = memo(4, MemoState.BEZIG, requested_at=long_ago, started_at=now - timedelta(minutes=1))
    memo(5, MemoState.KLAAR, requested_at=long_ago, started_at=long_ago)
    memo(6, MemoState.MISLUKT, requested_at=long_ago, started_at=long_ago)

    with mock.patch(DELAY) as delay:
        assert services.memos_requeue_stale(now=now) == 2
    assert sorted(c.kwargs["memo_id"] for c in delay.call_args_list) == sorted(
        [waiting_long.pk, stuck.pk]
    )
    states = dict(Memo.objects.values_list("pk", "state"))
    assert states[stuck.pk] == MemoState.WACHTEND
    assert states[busy.pk] == MemoState.BEZIG
    assert states[waiting_now.pk] == MemoState.WACHTEND
    queued = dict(Memo.objects.values_list("pk", "queued_at"))
    assert queued[waiting_long.pk] == queued[stuck.pk] == now
    assert queued[waiting_now.pk] is None

    # Time moves on: the one that just came in is now stale too, the busy one stuck.
    with mock.patch(DELAY) as delay:
        assert services.memos_requeue_stale(now=now + timedelta(minutes=20)) == 4
    assert sorted(c.kwargs["memo_id"] for c in delay.call_args_list) == sorted(
        [waiting_long.pk, waiting_now.pk, stuck.pk, busy.pk]
    )


def test_the_beat_task_requeues_through_the_service(chair, body, other_body):
    beraad = started_session(chair, body, other_body)
    memo = Memo.objects.create(beraad=beraad, version=1, kind=MemoKind.CONCEPT)
    Memo.objects.filter(pk=memo.pk).update(requested_at=timezone.now() - timedelta(hours=1))
    with mock.patch(DELAY) as delay:
        assert tasks.memos_requeue_stale_task.apply().get() == 1
    delay.assert_called_once_with(memo_id=memo.pk)


# --- Failing renders ------------------------------------------------------------------------------
SECRET = "Mevrouw Jansen uit de Dorpsstraat"


def deliver(memo, retries):
    return tasks.memo_render_task.apply(kwargs={"memo_id": memo.pk}, retries=retries)


def test_a_failing_render_is_retried_then_marked_failed_with_the_error_type_only(
    chair, body, other_body, django_capture_on_commit_callbacks
):
    beraad = started_session(chair, body, other_body)
    with mock.patch(DELAY):
        memo = request_memo(beraad, chair, capture=django_capture_on_commit_callbacks)
    broken = mock.patch("reports.pdf.render_to_pdf", side_effect=RuntimeError(SECRET))
    with broken as render:
        for retries, countdown in ((0, 15), (1, 30)):
            with pytest.raises(Retry) as retried:
                deliver(memo, retries)
            assert retried.value.when == countdown
            memo.refresh_from_db()
            assert (memo.state, memo.error) == (MemoState.WACHTEND, "")
        assert deliver(memo, retries=2).get() is False
        assert render.call_count == 3
    memo.refresh_from_db()
    assert memo.state == MemoState.MISLUKT
    assert memo.error == "RuntimeError"
    assert SECRET not in memo.error
    assert memo.finished_at is not None
    assert not memo.file


def test_failed_attempts_are_counted(chair, body, other_body, django_capture_on_commit_callbacks):
    beraad = started_session(chair, body, other_body)
    with mock.patch(DELAY):
        memo = request_memo(beraad, chair, capture=django_capture_on_commit_callbacks)
    with mock.patch("reports.pdf.render_to_pdf", side_effect=RuntimeError(SECRET)):
        for retries in (0, 1):
            with pytest.raises(Retry):
                deliver(memo, retries)
        deliver(memo, retries=2)
    memo.refresh_from_db()
    assert memo.state == MemoState.MISLUKT
    assert memo.attempts == 3


def test_a_failed_memo_is_tried_again_by_the_chair(
    client, chair, member, body, other_body, django_capture_on_commit_callbacks
):
    beraad = started_session(chair, body, other_body)
    memo = Memo.objects.create(beraad=beraad, version=1, kind=MemoKind.CONCEPT)
    Memo.objects.filter(pk=memo.pk).update(
        state=MemoState.MISLUKT, error="RuntimeError", attempts=3, queued_at=timezone.now()
    )
    url = reverse("reports:memo-retry", args=[memo.pk])

    client.force_login(member)
    with mock.patch(DELAY) as delay:
        assert client.post(url).status_code == 404
        with pytest.raises(PermissionDenied):
            services.memo_retry(memo=memo, user=member)
    delay.assert_not_called()
    assert Memo.objects.get(pk=memo.pk).state == MemoState.MISLUKT

    client.force_login(chair)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)  # queued after commit; rendered (eagerly) right away
    assert response.status_code == 302
    assert response.url == reverse("reports:memo-list", args=[beraad.pk])
    assert messages_of(response) == [dutch("The memo is being made again.")]
    memo.refresh_from_db()
    assert memo.state == MemoState.KLAAR
    assert memo.error == ""
    assert memo.attempts == 1
    assert memo.queued_at is not None
    with memo.file.open("rb") as handle:
        assert len(pdf_reader(handle.read()).pages) == memo.page_count

    # Only a failed memo can be tried again.
    with pytest.raises(ValidationError) as refused:
        services.memo_retry(memo=memo, user=chair)
    assert refused.value.messages == [dutch("Only a memo that failed can be tried again.")]
    response = client.post(url)
    assert messages_of(response)[-1] == dutch("Only a memo that failed can be tried again.")
    assert Memo.objects.get(pk=memo.pk).state == MemoState.KLAAR


# --- The queue and the schedule -----------------------------------------------------------------
def test_the_render_task_goes_to_the_memos_queue():
    assert tasks.memo_render_task.name == "reports.memo_render"
    assert settings.CELERY_TASK_ROUTES[tasks.memo_render_task.name] == {"queue": "memos"}
    route = celery_app.amqp.router.route({}, tasks.memo_render_task.name, (), {})
    assert route["queue"].name == "memos"
    other = celery_app.amqp.router.route({}, tasks.memos_requeue_stale_task.name, (), {})
    assert other["queue"].name == settings.CELERY_TASK_DEFAULT_QUEUE != "memos"


def test_the_beat_schedule_requeues_stale_memos():
    entries = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == tasks.memos_requeue_stale_task.name
    ]
    assert len(entries) == 1
    assert entries[0]["schedule"] <= services.STALE_WAITING.total_seconds()
    assert tasks.memos_requeue_stale_task.name in celery_app.tasks
    assert celery_app.conf.beat_schedule == settings.CELERY_BEAT_SCHEDULE


def test_a_rendering_counts_as_stuck_only_after_the_tasks_time_limit():
    assert services.STALE_RENDERING.total_seconds() > settings.CELERY_TASK_TIME_LIMIT
