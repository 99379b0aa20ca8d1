import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


def retry_countdown(retries: int) -> int:
    """Seconds before the next try of a failed render (15, then 30): the visibility timeout
    of the broker outlasts the longest of them with the task's time limit."""
    return 15 * (retries + 1)


@shared_task(bind=True, name="reports.memo_render", max_retries=2)
def memo_render_task(self, *, memo_id: int) -> bool:
    """Render one memo version (routed to the "memos" queue). Idempotent; retried twice, then
    the memo is marked as failed and the chair can try again."""
    try:
        return services.memo_render(memo_id=memo_id)
    except Exception as error:
        if self.request.retries >= self.max_retries:
            logger.error("Memo %s failed: %s", memo_id, type(error).__name__)
            services.memo_mark_failed(memo_id=memo_id, reason=services.memo_failure_reason(error))
            return False
        services.memo_mark_waiting(memo_id=memo_id)
        raise self.retry(exc=error, countdown=retry_countdown(self.request.retries)) from None


@shared_task(name="reports.memos_requeue_stale")
def memos_requeue_stale_task() -> int:
    return services.memos_requeue_stale()
