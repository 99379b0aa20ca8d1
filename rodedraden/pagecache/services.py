import logging
import time

from django.db import DatabaseError
from django.db.models import F

from .models import ROW, DataVersion

logger = logging.getLogger(__name__)


def data_version_bump() -> None:
    """A new data version: run once a write to the pages' data has been committed (never
    inside the write's transaction: a reader would take the new number with the old data).

    It is one statement in autocommit; a row lock held for a moment, not for the length of
    anyone's transaction."""
    try:
        if not DataVersion.objects.filter(pk=ROW).update(number=F("number") + 1):
            # The row was emptied with its table (a flush): a new one from the clock.
            DataVersion.objects.get_or_create(pk=ROW, defaults={"number": time.time_ns()})
    except DatabaseError:
        # The write itself is committed; the page cache keeps older parts until they expire
        # (PAGE_CACHE_SECONDS). Said loudly: it should not happen.
        logger.exception("The data version could not be raised; cached pages may be stale.")
