from celery import shared_task

from . import services


@shared_task(
    name="signals.membership_send_welcome",
    # smtplib's errors and connection failures are all OSErrors: try again later, a few times.
    autoretry_for=(OSError,),
    retry_backoff=60,
    max_retries=5,
)
def membership_send_welcome_task(*, membership_id: int) -> bool:
    return services.membership_send_welcome(membership_id=membership_id)
