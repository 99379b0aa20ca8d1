"""Production: every secret from the environment, secure by default.

Refuses to start without a real ``SECRET_KEY`` and passes
``python manage.py check --deploy --fail-level WARNING`` once its variables are set.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *

DEBUG = False
DEMO_DATA_ALLOWED = env.bool("DEMO_DATA_ALLOWED", default=False)
# Never the documented demo password on a production stack: it must be chosen.
DEMO_PASSWORD = env("DEMO_PASSWORD", default="")

_MIN_SECRET_KEY_LENGTH = 50
if (
    len(SECRET_KEY) < _MIN_SECRET_KEY_LENGTH
    or len(set(SECRET_KEY)) < 5
    or SECRET_KEY.startswith("django-insecure")
):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters in production, "
        "for example: python -c 'import secrets; print(secrets.token_urlsafe(64))'"
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

# Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

LOGGING["formatters"]["plain"]["format"] = (
    "%(asctime)s %(levelname)s %(process)d %(name)s %(message)s"
)
