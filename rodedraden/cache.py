"""The shared cache in Redis: django-redis's backend, which says once when Redis becomes
unreachable and once when it answers again.

With ``IGNORE_EXCEPTIONS`` django-redis skips a cache call that Redis does not answer, so pages
are made without the cache. Its own logging of that (``DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS``)
writes a full traceback per call: about 1,850 a minute under load. This backend logs the change
instead (rodedraden.outages: one WARNING per outage and one when it is over, per process).
"""

from __future__ import annotations

import functools

from django_redis.cache import RedisCache as DjangoRedisCache
from django_redis.exceptions import ConnectionInterrupted

from rodedraden import outages

# The client's calls that go to Redis: those django-redis guards with IGNORE_EXCEPTIONS
# (``_get`` calls the client's ``get``), less those that only prepare one (a lock, an iterator)
# or let go of the connections: their success says nothing about Redis.
NOT_A_ROUND_TRIP = frozenset({"close", "lock", "iter_keys", "sscan_iter"})
ROUND_TRIPS = (
    frozenset(
        name.lstrip("_")
        for name, member in vars(DjangoRedisCache).items()
        if hasattr(member, "__wrapped__")
    )
    - NOT_A_ROUND_TRIP
)


class _WatchedClient:
    """The django-redis client, whose calls to Redis report their failure or success."""

    def __init__(self, client, outage: outages.Outage):
        self._client = client
        self._outage = outage

    def __getattr__(self, name):
        attribute = getattr(self._client, name)
        if name not in ROUND_TRIPS:
            return attribute

        @functools.wraps(attribute)
        def call(*args, **kwargs):
            try:
                result = attribute(*args, **kwargs)
            except ConnectionInterrupted as error:
                self._outage.failed(error.__cause__ or error)
                raise  # django-redis skips it (IGNORE_EXCEPTIONS), silently
            self._outage.recovered()
            return result

        return call


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._outage = outages.cache(server)
        self._watched = None

    @property
    def client(self):
        client = super().client
        if self._watched is None or self._watched._client is not client:
            self._watched = _WatchedClient(client, self._outage)
        return self._watched
