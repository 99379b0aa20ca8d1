"""Settings for the test suite (pytest).

The database and the broker still come from the environment, so CI runs the same suite once
against PostgreSQL and Redis and once in the embedded mode.
"""

import warnings

from .base import *

DEBUG = False
SECRET_KEY = "django-insecure-test-key-only-for-the-test-suite"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_EAGER_PROPAGATES = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so that a worker process started by a test sees the same data.
    # TEST_SQLITE_FILE lets two suites run side by side in one checkout.
    DATABASES["default"]["TEST"] = {
        "NAME": env.str("TEST_SQLITE_FILE", default=str(VAR_DIR / "test-db.sqlite3"))
    }
# Most tests write and read in one transaction that is never committed, so the data version
# (raised after a commit) would not move: the page cache is off, and on in its own tests and
# in the browser tests (tests/pagecache, tests/browser), which commit.
PAGE_CACHE_SECONDS = 0
LOGGING["root"]["level"] = "WARNING"
LOGGING["loggers"]["django"]["level"] = "WARNING"

# Static files are served from the app directories by WhiteNoise, without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
warnings.filterwarnings("ignore", message="No directory at", module="whitenoise.base")
