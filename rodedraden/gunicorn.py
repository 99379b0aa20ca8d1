"""Gunicorn configuration, read with ``gunicorn --config python:rodedraden.gunicorn``.

Everything that differs per deployment comes from the environment, so the command itself is
the same in docker-compose.yml and in the tests that start it.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
# The path without its query string, and no referrer: a search typed into a filter (which may
# hold anything, even a name) must not end up in the access log.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# No control socket: the image's home directory is read-only and nothing uses gunicornc.
control_socket_disable = True
