"""A scenario built once for a whole test module (the access matrix, the cross-session reads):
in a transaction that is rolled back at the module's end, with tasks run in-process and the
memo files in a storage of their own; each test runs in a savepoint inside it (pytest-django's
``db``), so what one test changes is gone before the next."""

import contextlib

from django.conf import settings
from django.db import transaction
from django.test import override_settings

from rodedraden import celery_app


@contextlib.contextmanager
def module_scenario(django_db_blocker):
    """Use in a module-scoped fixture: ``with module_scenario(django_db_blocker): yield
    build()``."""
    storage = {"BACKEND": "django.core.files.storage.InMemoryStorage"}
    saved_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        with (
            django_db_blocker.unblock(),
            override_settings(STORAGES={**settings.STORAGES, "default": storage}),
            transaction.atomic(),
        ):
            yield
            transaction.set_rollback(True)
    finally:
        celery_app.conf.task_always_eager = saved_eager
