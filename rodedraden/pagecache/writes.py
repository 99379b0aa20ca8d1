"""Every committed write to the data the pages show raises the data version.

A wrapper around each database connection's queries (``connection_created``) sees every
``INSERT``, ``UPDATE``, ``DELETE`` and ``TRUNCATE`` the application sends, through the ORM or
not: saves and deletes, but also ``QuerySet.update()``, ``bulk_create()`` and the many-to-many
tables, which no model signal reports. When the statement's table is one of the pages' data
(not sessions, the audit log, login attempts, second-factor devices, Celery's own tables or
this app's), it asks for :func:`.services.data_version_bump` after the commit, once per
transaction: nothing when the transaction is rolled back, and again when a savepoint that
had asked is rolled back and the work goes on.

During ``migrate`` nothing is watched (the version's table may not exist yet); the end of a
migration raises the version once.
"""

from __future__ import annotations

import re

from django.db import transaction
from django.db.models.signals import post_migrate, pre_migrate

from . import services

_WRITE = re.compile(
    r'\s*(?:(?:INSERT(?:\s+OR\s+\w+)?|REPLACE)\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([\w.]+)'
    r"|\s*TRUNCATE",
    re.IGNORECASE,
)
# Tables whose writes change no page this cache holds: sessions (saved at every request),
# the audit log, login attempts (django-axes), second-factor devices (django-otp), Celery's,
# the keys of sent forms (rodedraden.idempotency, claimed and let go by a refused form) and
# this app's own.
UNWATCHED = (
    "django_session",
    "django_admin_log",
    "django_migrations",
    "auditlog_",
    "axes_",
    "otp_",
    "django_celery_",
    "pagecache_",
    "idempotency_",
)

# A statement that only records that a process is still at work (a memo render's heartbeat,
# every few seconds while it runs) changes nothing a page shows.
_HEARTBEAT_ONLY = re.compile(
    r'\s*UPDATE\s+"?[\w.]+"?\s+SET\s+"?heartbeat_at"?\s*=\s*%s\s+WHERE\b', re.IGNORECASE
)

_migrating = False


def watch_connection(sender, connection, **kwargs) -> None:
    """``connection_created``: wrap the new connection's queries."""
    if _watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch)


def changes_data(sql: str) -> bool:
    """Whether a statement writes to the pages' data."""
    match = _WRITE.match(sql)
    if match is None or _HEARTBEAT_ONLY.match(sql):
        return False
    table = match.group(1)
    return table is None or not table.lower().startswith(UNWATCHED)


def _watch(execute, sql, params, many, context):
    result = execute(sql, params, many, context)  # first: in autocommit the bump runs at once
    if not _migrating and changes_data(sql):
        connection = context["connection"]
        if not connection.in_atomic_block and not connection.get_autocommit():
            services.data_version_bump()  # manual transactions: none here, but not an error
            return result
        # One bump per transaction. A hook asked for inside a savepoint that is rolled back
        # leaves run_on_commit with it, so a later write asks again.
        if not any(hook[1] is services.data_version_bump for hook in connection.run_on_commit):
            transaction.on_commit(services.data_version_bump, using=connection.alias, robust=True)
    return result


def _before_migrate(sender, **kwargs) -> None:
    global _migrating
    _migrating = True


def _after_migrate(sender, **kwargs) -> None:
    global _migrating
    if _migrating:
        _migrating = False
        services.data_version_bump()


# Sent once per app; the first pre_migrate stops the watching, the first post_migrate (all
# migrations have run by then) raises the version and starts it again.
pre_migrate.connect(_before_migrate, dispatch_uid="pagecache-before-migrate")
post_migrate.connect(_after_migrate, dispatch_uid="pagecache-after-migrate")
