"""Production: every secret from the environment, secure by default.

Refuses to start without a real ``SECRET_KEY`` or without a mail server that delivers (a
password-reset link must never end up in the log), and passes
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

# E-mail must reach people: a password-reset link that a console or file backend writes into
# the log is a key to the account for whoever reads the log. Either EMAIL_URL
# (smtp+tls://user:password@smtp.gemeente.nl:587) or EMAIL_HOST (with EMAIL_PORT,
# EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS) names the mail server; another
# delivering backend (EMAIL_BACKEND) brings its own settings.
NON_DELIVERING_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}
SMTP_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_URL = env("EMAIL_URL", default="")
if EMAIL_URL:
    globals().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = env("EMAIL_BACKEND", default=SMTP_EMAIL_BACKEND)
if EMAIL_BACKEND in NON_DELIVERING_EMAIL_BACKENDS:
    _mail_problem = f"EMAIL_BACKEND={EMAIL_BACKEND} would write password-reset links into the log"
elif EMAIL_BACKEND == SMTP_EMAIL_BACKEND and not (EMAIL_URL or env("EMAIL_HOST", default="")):
    _mail_problem = "no mail server is set, so password-reset links cannot be sent"
else:
    _mail_problem = ""
if _mail_problem:
    raise ImproperlyConfigured(
        f"Production needs a mail server that delivers ({_mail_problem}): set EMAIL_URL, for "
        "example smtp+tls://user:password@smtp.example.org:587, or EMAIL_HOST with EMAIL_PORT, "
        "EMAIL_HOST_USER, EMAIL_HOST_PASSWORD and EMAIL_USE_TLS."
    )

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
