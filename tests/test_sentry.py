"""Error reports (rodedraden/sentry.py): off without SENTRY_DSN, and never with what was typed.

The reports go to a transport that keeps them in memory; the whole envelope, as it would be
sent, is searched for a marker text that was posted in a form, put in the query string, a
header and a cookie, carried by a local variable, a database query and the error's message.
"""

import json
import logging
import os
import secrets
import string

import pytest
import sentry_sdk
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory
from django.urls import reverse
from sentry_sdk.transport import Transport

from rodedraden import sentry
from signals.models import Signal
from tests.compose import run_python

DSN = "https://public@sentry.invalid/1"


class CapturingTransport(Transport):
    """Keeps every envelope the SDK would send."""

    def __init__(self, options=None):
        super().__init__(options)
        self.envelopes = []

    def capture_envelope(self, envelope):
        self.envelopes.append(envelope)

    def serialized(self) -> str:
        return "\n".join(e.serialize().decode("utf-8", "replace") for e in self.envelopes)

    def events(self) -> list[dict]:
        return [
            item.payload.json
            for envelope in self.envelopes
            for item in envelope.items
            if item.type == "event"
        ]


@pytest.fixture
def reports():
    transport = CapturingTransport()
    sentry.init(dsn=DSN, environment="test", release="test-release", transport=transport)
    yield transport
    client = sentry_sdk.get_client()
    client.flush(timeout=5)
    client.close(timeout=5)
    sentry_sdk.get_global_scope().set_client(None)
    sentry_sdk.get_isolation_scope().clear()
    assert not sentry_sdk.get_client().is_active()


def _marker() -> str:
    """A unique text of letters only: clean for the scanner, the same in every encoding."""
    return "Merkteken" + "".join(secrets.choice(string.ascii_lowercase) for _ in range(20))


def _post_through_wsgi(path: str, data: dict, *, cookies: dict, headers: dict) -> str:
    """POST as gunicorn does: through Django's WSGIHandler, which Sentry wraps (the test
    client skips that wrapper, and with it the URL, query string, headers and cookies)."""
    environ = RequestFactory().post(path, data, **headers).environ
    environ["HTTP_COOKIE"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    statuses = []
    # As the test client does: the test's transaction stays open after the request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = WSGIHandler()(
            environ, lambda status, headers, exc_info=None: statuses.append(status)
        )
        b"".join(response)
        response.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return statuses[0]


@pytest.mark.django_db
def test_a_raised_error_is_reported_without_any_of_the_posted_text(
    client, member, body, monkeypatch, reports
):
    marker = _marker()

    # The save of the new signal fails (wherever the view and service call it from).
    def failing_save(signal, *args, **kwargs):
        typed = f"{signal.title} {signal.description}"  # a local variable with the typed text
        Signal.objects.filter(title=typed).exists()  # an SQL query with it as a parameter
        logging.getLogger("signals").warning("Opslaan mislukt", extra={"typed": typed})
        raise RuntimeError(f"could not store {typed!r}")  # an error message repeating it

    monkeypatch.setattr(Signal, "save", failing_save)
    client.force_login(member)  # the session cookie
    csrf = secrets.token_hex(16)  # a 32-character token, in the cookie and in the form
    path = reverse("signals:signal-create", args=[body.slug])
    status = _post_through_wsgi(
        f"{path}?zoek={marker}",
        {
            "csrfmiddlewaretoken": csrf,
            "title": f"Titel {marker}",
            "description": f"Omschrijving {marker} zonder persoonsgegevens.",
            "period_start": "2026-01-01",
            "period_end": "2026-06-30",
            "case_count": "7",
            "impact": "midden",
            "source_reference": marker,
            "details_indeling": ["doelmatigheid"],
        },
        cookies={
            settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value,
            settings.CSRF_COOKIE_NAME: csrf,
            "notitie": marker,
        },
        headers={"HTTP_X_NOTITIE": marker, "HTTP_REFERER": f"http://testserver/?q={marker}"},
    )
    sentry_sdk.get_client().flush(timeout=5)

    assert status.startswith("500")
    errors = [e for e in reports.events() if e.get("exception")]
    assert len(errors) == 1, reports.events()
    error = errors[0]
    # Nothing that was typed, anywhere in what would be sent…
    assert marker not in reports.serialized()
    assert marker.lower() not in json.dumps(reports.events()).lower()
    # …while what failed and where is there.
    assert error["exception"]["values"][-1]["type"] == "RuntimeError"
    frames = error["exception"]["values"][-1]["stacktrace"]["frames"]
    assert frames[-1]["function"] == "failing_save"
    assert error["request"] == {"method": "POST", "url": f"http://testserver{path}"}
    assert error["environment"] == "test"
    assert "Opslaan mislukt" in json.dumps(error["breadcrumbs"])


def test_the_scrubber_drops_extra_user_breadcrumb_and_span_data():
    marker = _marker()
    event = {
        "request": {"method": "GET", "url": f"https://x/a/?q={marker}", "data": marker},
        "exception": {"values": [{"type": "ValueError", "value": marker, "stacktrace": {
            "frames": [{"function": "f", "vars": {"text": marker}}]}}]},
        "threads": {"values": [{"stacktrace": {"frames": [{"vars": {"t": marker}}]}}]},
        "extra": {"celery-job": {"args": [marker]}, "sys.argv": [marker]},
        "user": {"id": "7", "username": marker},
        "breadcrumbs": {"values": [
            {"type": "log", "category": "signals", "message": "opgeslagen", "data": {"x": marker}},
            {"category": "query", "message": "SELECT %s", "data": {"db.params": [marker]}},
            {"type": "http", "category": "httplib", "data": {"url": marker}},
        ]},
        "spans": [{"description": "SELECT %s", "data": {"db.params": [marker]}}],
    }  # fmt: skip
    scrubbed = sentry.scrub_event(event)
    assert marker not in json.dumps(scrubbed)
    assert scrubbed["request"] == {"method": "GET", "url": "https://x/a/"}
    assert scrubbed["exception"]["values"][0]["type"] == "ValueError"
    assert [c["message"] for c in scrubbed["breadcrumbs"]["values"]] == ["opgeslagen"]


def _sentry_state(**environment) -> dict:
    """Load the settings in a fresh process with ``environment`` and say what Sentry does."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SENTRY_")}
    env.update(DJANGO_SETTINGS_MODULE="rodedraden.settings.test", **environment)
    code = (
        "import json, django, sentry_sdk; django.setup(); c = sentry_sdk.get_client(); "
        "o = c.options if c.is_active() else {}; print(json.dumps({'active': c.is_active(), "
        "**{k: o.get(k) for k in ('send_default_pii', 'max_request_body_size', "
        "'include_local_variables', 'environment', 'release', 'traces_sample_rate')}}))"
    )
    result = run_python("-c", code, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_a_dsn_nothing_is_initialised():
    assert _sentry_state() == {
        "active": False,
        "send_default_pii": None,
        "max_request_body_size": None,
        "include_local_variables": None,
        "environment": None,
        "release": None,
        "traces_sample_rate": None,
    }


def test_with_a_dsn_the_settings_start_it_scrubbed():
    state = _sentry_state(
        SENTRY_DSN=DSN,
        SENTRY_ENVIRONMENT="acceptatie",
        SENTRY_RELEASE="rodedraden@1.2.3",
        SENTRY_TRACES_SAMPLE_RATE="0.1",
    )
    assert state == {
        "active": True,
        "send_default_pii": False,
        "max_request_body_size": "never",
        "include_local_variables": False,
        "environment": "acceptatie",
        "release": "rodedraden@1.2.3",
        "traces_sample_rate": 0.1,
    }
