from celery import shared_task

from .services import retention_apply as apply_retention


@shared_task(name="rodedraden.retention_apply", ignore_result=True)
def retention_apply() -> int:
    """Nightly (beat): removes what is past its retention term. Running it twice removes
    nothing more the second time."""
    return apply_retention().total_removed
