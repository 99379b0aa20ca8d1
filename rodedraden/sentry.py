"""Error reports to Sentry: off unless ``SENTRY_DSN`` is set, and never with personal data.

The settings call :func:`init` when ``SENTRY_DSN`` is set (``SENTRY_ENVIRONMENT``,
``SENTRY_RELEASE`` and ``SENTRY_TRACES_SAMPLE_RATE`` go with it). A report says what failed and
where: the error's type, its stack (file, function, line and the source code around it), the
URL without its query string, the HTTP method, the logger's message, the release. Nothing a
person typed can be in it:

- ``send_default_pii=False``: no user, no IP address, no cookies, no headers with identity;
- ``max_request_body_size="never"``: no form field or uploaded file is ever read into it;
- ``include_local_variables=False``: no frame's variables (a scanner frame holds the text);
- :func:`scrub_event` keeps of the request only its method and URL, drops the error's message
  (a database error repeats the refused value, a ValidationError the typed text), the
  ``extra`` data (a Celery task's arguments, a log record's extras, the command line) and the
  user, and every breadcrumb's and span's data (query parameters);
- :func:`scrub_breadcrumb` keeps only the log lines of the trail (which hold no personal data,
  as every log line); SQL, HTTP and other breadcrumbs are dropped.
"""

from __future__ import annotations

from typing import Any

# What an error report keeps of the request.
REQUEST_KEYS = ("method", "url")
# What replaces an error's message.
REDACTED = "[redacted]"


def scrub_event(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """The event without anything that could hold typed text (used for errors and traces)."""
    request = event.get("request")
    if isinstance(request, dict):
        event["request"] = {
            key: request[key].split("?", 1)[0] if key == "url" else request[key]
            for key in REQUEST_KEYS
            if isinstance(request.get(key), str)
        }
    for exception in (event.get("exception") or {}).get("values") or []:
        if exception.get("value"):
            exception["value"] = REDACTED
        for frame in (exception.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    for thread in (event.get("threads") or {}).get("values") or []:
        for frame in (thread.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    for key in ("extra", "user"):
        event.pop(key, None)
    breadcrumbs = event.get("breadcrumbs")
    values = breadcrumbs.get("values") if isinstance(breadcrumbs, dict) else breadcrumbs
    if isinstance(values, list):
        kept = [crumb for crumb in values if scrub_breadcrumb(crumb) is not None]
        if isinstance(breadcrumbs, dict):
            breadcrumbs["values"] = kept
        else:
            event["breadcrumbs"] = kept
    for span in event.get("spans") or []:
        span.pop("data", None)
    return event


def scrub_breadcrumb(
    crumb: dict[str, Any], hint: dict[str, Any] | None = None
) -> dict[str, Any] | None:
    """Only log lines stay in the trail, without their data (a record's extras)."""
    if crumb.get("type") != "log":
        return None
    crumb.pop("data", None)
    return crumb


def init(
    *,
    dsn: str,
    environment: str = "",
    release: str = "",
    traces_sample_rate: float = 0.0,
    transport: Any = None,
) -> None:
    """Start reporting errors of this process (web, worker or beat) to ``dsn``."""
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        release=release or None,
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        # Only the integrations named here: no automatic Redis, boto3 or HTTP-client spans.
        auto_enabling_integrations=False,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        before_send=scrub_event,
        before_send_transaction=scrub_event,
        before_breadcrumb=scrub_breadcrumb,
        traces_sample_rate=traces_sample_rate,
        transport=transport,
    )
