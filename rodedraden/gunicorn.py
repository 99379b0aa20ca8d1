"""Gunicorn configuration, read with ``gunicorn --config python:rodedraden.gunicorn``.

Everything that differs per deployment comes from the environment, so the command itself is
the same in docker-compose.yml, the Dockerfile, the load test (bench/load.py) and the tests
that start it: none of them passes a flag of its own.

The web process is sized from the machine it runs on (``size``): ``2 * CPUs + 1`` worker
processes (gunicorn's advice, at most ``MAX_WORKERS``) of ``THREADS`` threads each, so that a
request waiting for PostgreSQL does not hold up the others: 5 x 4 on two cores, 9 x 4 on four.
``WEB_CONCURRENCY`` and ``GUNICORN_THREADS`` override either number.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from gunicorn import glogging

THREADS = 4
# Each worker holds its own database connection per thread and its own memory (about 150 MB
# with the application loaded): beyond this, add machines rather than workers.
MAX_WORKERS = 12


def available_cpus() -> int:
    """The CPUs this process may run on (a container's cpuset included)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def size(cpus: int, env: Mapping[str, str] | None = None) -> tuple[int, int]:
    """(workers, threads) for a machine of ``cpus`` CPUs, unless the environment says."""
    env = os.environ if env is None else env
    workers = int(env.get("WEB_CONCURRENCY") or min(2 * cpus + 1, MAX_WORKERS))
    threads = int(env.get("GUNICORN_THREADS") or THREADS)
    return workers, threads


class AccessLogger(glogging.Logger):
    """Gunicorn's logger, whose access log masks what a path may hold in secret: the token of
    a password-reset link (rodedraden.logfilters), whatever the format names."""

    def atoms(self, resp, req, environ, request_time):
        from rodedraden.logfilters import scrubbed

        atoms = super().atoms(resp, req, environ, request_time)
        return {
            key: scrubbed(value) if isinstance(value, str) else value
            for key, value in atoms.items()
        }


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers, threads = size(available_cpus())
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
logger_class = AccessLogger
# The path without its query string, and no referrer: a search typed into a filter (which may
# hold anything, even a name) must not end up in the access log.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# No control socket: the image's home directory is read-only and nothing uses gunicornc.
control_socket_disable = True
