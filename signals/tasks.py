import smtplib

from celery import shared_task

from . import services

# Failures that may pass: the mail server or the network is away for a while. A refused
# recipient or a bad login will not get better by trying again.
TRANSIENT_MAIL_ERRORS = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    smtplib.SMTPResponseException,
    ConnectionError,
    TimeoutError,
)


@shared_task(
    name="signals.membership_send_welcome",
    autoretry_for=TRANSIENT_MAIL_ERRORS,
    dont_autoretry_for=(smtplib.SMTPRecipientsRefused, smtplib.SMTPAuthenticationError),
    retry_backoff=60,
    max_retries=5,
)
def membership_send_welcome_task(*, membership_id: int) -> bool:
    return services.membership_send_welcome(membership_id=membership_id)


@shared_task(name="signals.membership_requeue_unwelcomed")
def membership_requeue_unwelcomed_task() -> int:
    return services.membership_requeue_unwelcomed()
