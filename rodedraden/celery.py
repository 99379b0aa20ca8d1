"""The Celery application.

Configuration lives in Django settings under the ``CELERY_`` namespace (see
``rodedraden/settings/base.py``): JSON only, late acknowledgement, tasks given back when a
worker dies, one task prefetched at a time, hard and soft time limits. Without a broker the
tasks run eagerly in-process (the embedded mode).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rodedraden.settings.local")

app = Celery("rodedraden")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
