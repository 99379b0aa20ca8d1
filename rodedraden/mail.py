"""When a task that sends e-mail tries again: one policy for every app."""

from __future__ import annotations

import smtplib

# Failures that may pass: the mail server or the network is away for a while.
TRANSIENT_MAIL_ERRORS = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    smtplib.SMTPResponseException,
    ConnectionError,
    TimeoutError,
)
# Failures that will not get better by trying again: a refused recipient, a bad login (an
# SMTPResponseException too, so it must be named here).
PERMANENT_MAIL_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPAuthenticationError)

# The options of a Celery task that sends mail: ``@shared_task(name=…, **MAIL_RETRY)``.
MAIL_RETRY = {
    "autoretry_for": TRANSIENT_MAIL_ERRORS,
    "dont_autoretry_for": PERMANENT_MAIL_ERRORS,
    "retry_backoff": 60,
    "max_retries": 5,
}
