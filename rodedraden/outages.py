"""Outages of the services the application depends on: told once, and once when they are over.

While PostgreSQL or Redis cannot be reached every request meets the same error, hundreds of times
a minute. Each process says so once per outage (a WARNING without a traceback: the cause is not
in our code) and once when the service answers again, instead of a traceback per request or per
cache call. The state is held per process; a multi-process server says it once per process.

``database_unavailable`` tells an unreachable database (a refused or broken connection, a
server shutting down or starting up, no connection slot free) from an error of a query (a lock
or statement timeout, a deadlock, a missing table): only the first is answered with 503 and
"try again later"; the second is a bug or a contention to look at, and stays a 500 with its
traceback.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from urllib.parse import urlsplit

import psycopg
from django.db.backends.signals import connection_created

logger = logging.getLogger(__name__)

# SQLSTATEs of PostgreSQL that say the server cannot serve connections now: class 08
# (connection exception), admin_shutdown, crash_shutdown, cannot_connect_now (starting up,
# shutting down, in recovery) and too_many_connections. psycopg gives no SQLSTATE at all when
# the connection itself failed or broke (refused, reset, closed unexpectedly).
UNAVAILABLE_SQLSTATES = frozenset({"57P01", "57P02", "57P03", "53300"})
UNAVAILABLE_SQLSTATE_CLASSES = ("08",)
# SQLite (the embedded mode): the database file cannot be opened.
UNAVAILABLE_SQLITE_CODES = frozenset({sqlite3.SQLITE_CANTOPEN})


def _chain(error: BaseException):
    """``error`` and the errors it was raised from or while handling, innermost last."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield error
        error = error.__cause__ or error.__context__


def database_unavailable(error: BaseException) -> bool:
    """Whether ``error`` (or an error it wraps, as Django wraps the driver's) says that the
    database cannot be reached, rather than that a query went wrong."""
    for link in _chain(error):
        if isinstance(link, psycopg.InterfaceError | sqlite3.InterfaceError):
            return True  # the connection is closed
        if isinstance(link, psycopg.OperationalError):
            sqlstate = link.sqlstate
            return (
                sqlstate is None
                or sqlstate in UNAVAILABLE_SQLSTATES
                or sqlstate.startswith(UNAVAILABLE_SQLSTATE_CLASSES)
            )
        if isinstance(link, sqlite3.OperationalError):
            return getattr(link, "sqlite_errorcode", None) in UNAVAILABLE_SQLITE_CODES
        if isinstance(link, psycopg.Error | sqlite3.Error):
            return False  # another error of the driver: of a query, not of the connection
    return False


class Outage:
    """Whether a service is known to be down in this process, with the log lines that say when
    that changes: ``failed`` logs once until ``recovered``, which logs once."""

    def __init__(self, service: str, *, consequence: str):
        self.service = service
        self.consequence = consequence
        self.down = False
        self._lock = threading.Lock()

    def failed(self, error: BaseException) -> None:
        with self._lock:
            if self.down:
                return
            self.down = True
        # The class of the error only: a message may quote what a query carried.
        logger.warning(
            "%s is unreachable (%s); %s Said once until it is back.",
            self.service,
            type(error).__name__,
            self.consequence,
        )

    def recovered(self) -> None:
        if not self.down:  # the usual case, without taking the lock
            return
        with self._lock:
            if not self.down:
                return
            self.down = False
        logger.warning("%s is reachable again.", self.service)


database = Outage(
    "The database", consequence="pages answer 503 (temporarily unavailable) until it is back."
)
_caches: dict[str, Outage] = {}
_caches_lock = threading.Lock()


def cache_location(location: str | list[str]) -> str:
    """A Redis address as it can be logged: host, port and database, never a password."""
    first = location[0] if isinstance(location, list | tuple) else location.split(",")[0]
    parts = urlsplit(first)
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.hostname or parts.path}{port}{parts.path if parts.hostname else ''}"


def cache(location: str | list[str]) -> Outage:
    """The outage state of the cache at ``location``, shared by every thread and every cache
    alias of the process that use it."""
    name = cache_location(location)
    with _caches_lock:
        if name not in _caches:
            _caches[name] = Outage(
                f"The cache (Redis at {name})",
                consequence="pages are made without it, sessions read from the database.",
            )
        return _caches[name]


def reset() -> None:
    """Forget every known outage (for tests)."""
    database.down = False
    with _caches_lock:
        _caches.clear()


def _database_connected(sender, connection, **kwargs) -> None:
    """A new connection to the database: if it was down, it is back."""
    database.recovered()


connection_created.connect(_database_connected, dispatch_uid="rodedraden.outages.database")
