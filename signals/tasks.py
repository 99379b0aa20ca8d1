from celery import shared_task

from rodedraden.mail import MAIL_RETRY

from . import services


@shared_task(name="signals.membership_send_welcome", **MAIL_RETRY)
def membership_send_welcome_task(*, membership_id: int) -> bool:
    return services.membership_send_welcome(membership_id=membership_id)


@shared_task(name="signals.membership_requeue_unwelcomed")
def membership_requeue_unwelcomed_task() -> int:
    return services.membership_requeue_unwelcomed()
