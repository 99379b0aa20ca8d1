"""Tasks that send e-mail try again when the mail server is away for a while, never when the
failure is permanent (rodedraden.mail; issue 18, point 4: the deliberation tasks retried a
bad login)."""

from __future__ import annotations

import smtplib

import pytest

import deliberation.services
import signals.services
from deliberation.tasks import beraad_notify_readers_task, recommendation_send_reminder_task
from rodedraden.celery import app
from rodedraden.mail import MAIL_RETRY
from signals.tasks import membership_send_welcome_task

TASKS = [
    pytest.param(
        membership_send_welcome_task,
        signals.services,
        "membership_send_welcome",
        "membership_id",
        id="welcome",
    ),
    pytest.param(
        beraad_notify_readers_task,
        deliberation.services,
        "beraad_notify_readers",
        "beraad_id",
        id="notify-readers",
    ),
    pytest.param(
        recommendation_send_reminder_task,
        deliberation.services,
        "recommendation_send_reminder",
        "recommendation_id",
        id="reminder",
    ),
]
TRANSIENT = [
    smtplib.SMTPServerDisconnected("gone"),
    smtplib.SMTPConnectError(421, b"busy"),
    smtplib.SMTPDataError(451, b"try later"),
    ConnectionRefusedError(),
    TimeoutError(),
]
PERMANENT = [
    smtplib.SMTPAuthenticationError(535, b"bad login"),
    smtplib.SMTPRecipientsRefused({"lid@example.org": (550, b"unknown")}),
]


@pytest.fixture(autouse=True)
def _outcome_in_the_result():
    """Each try's error in its result rather than raised (the retries too, which apply() runs
    at once, each with the app's setting)."""
    saved = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = saved


def run_failing(monkeypatch, task, module, service, argument, error) -> tuple[int, object]:
    """Run the task (eagerly, as apply() does: each retry runs at once) while its service
    fails with ``error``; how often the service was called, and the outcome."""
    calls = []

    def failing(**kwargs):
        calls.append(kwargs)
        raise error

    monkeypatch.setattr(module, service, failing)
    result = task.apply(kwargs={argument: 1})
    return len(calls), result


@pytest.mark.parametrize(("task", "module", "service", "argument"), TASKS)
@pytest.mark.parametrize("error", TRANSIENT, ids=lambda error: type(error).__name__)
def test_a_passing_failure_is_tried_again(monkeypatch, task, module, service, argument, error):
    calls, result = run_failing(monkeypatch, task, module, service, argument, error)
    assert calls == 1 + MAIL_RETRY["max_retries"]
    assert result.failed()


@pytest.mark.parametrize(("task", "module", "service", "argument"), TASKS)
@pytest.mark.parametrize("error", PERMANENT, ids=lambda error: type(error).__name__)
def test_a_permanent_failure_is_not_tried_again(
    monkeypatch, task, module, service, argument, error
):
    calls, result = run_failing(monkeypatch, task, module, service, argument, error)
    assert calls == 1
    assert result.failed()
    assert isinstance(result.result, type(error))
