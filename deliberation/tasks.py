from celery import shared_task

from rodedraden.mail import MAIL_RETRY

from . import services


@shared_task(name="deliberation.beraad_notify_readers", **MAIL_RETRY)
def beraad_notify_readers_task(*, beraad_id: int) -> bool:
    return services.beraad_notify_readers(beraad_id=beraad_id)


@shared_task(name="deliberation.recommendations_send_reminders")
def recommendations_send_reminders_task() -> int:
    """Beat: remind readers and the chair of recommendations that are nearly due. Each one is
    sent in a task of its own, so a failing mail server delays one reminder, not all."""
    return services.recommendations_due_for_reminder_queue()


@shared_task(name="deliberation.recommendation_send_reminder", **MAIL_RETRY)
def recommendation_send_reminder_task(*, recommendation_id: int) -> bool:
    return services.recommendation_send_reminder(recommendation_id=recommendation_id)
