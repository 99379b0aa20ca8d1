"""Settings shared by every environment, all read from environment variables.

The defaults describe the embedded mode: a SQLite file, Celery tasks executed eagerly in-process,
files in a local media folder and e-mail written to the console. Point ``DATABASE_URL`` at
PostgreSQL and ``CELERY_BROKER_URL`` at Redis and the same code runs on real services.
"""

import importlib.util
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# A .env file in the checkout (or the file ENV_FILE names) is read when present; real
# environment variables win over it.
ENV_FILE = env.str("ENV_FILE", default=str(BASE_DIR / ".env"))
if Path(ENV_FILE).is_file():
    environ.Env.read_env(ENV_FILE, overwrite=False)

# --- Core -------------------------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The public address of the application, used in e-mails that link back to it.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
MUNICIPALITY_NAME = env("MUNICIPALITY_NAME", default="Gemeente Enschede")
# Where people report an accessibility problem (the accessibility statement, /toegankelijkheid/).
ACCESSIBILITY_CONTACT_EMAIL = env(
    "ACCESSIBILITY_CONTACT_EMAIL", default="toegankelijkheid@rodedraden.local"
)

INSTALLED_APPS = [
    # Our apps come first so that their templates and translations take precedence.
    "rodedraden.accounts",
    "signals",
    "deliberation",
    "reports",
    "rodedraden.adminsite.RodeDradenAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    # Two factors (TOTP, with recovery codes as static tokens), lockout, CSP and audit trail.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "two_factor",
    "rodedraden.thirdparty.AxesConfig",
    "csp",
    "auditlog",
    "rodedraden.audit",
    "rodedraden.retention",
    "rodedraden.backup",
    "rodedraden.pagecache",
    "rodedraden.idempotency",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # /health/ is answered here, before anything below reads the database (the session, the
    # user), also for a probe with a session cookie.
    "rodedraden.middleware.HealthCheckMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Django's, except that a session that cannot be saved after a view because the database
    # went away does not turn the view's (committed) answer into an error page.
    "rodedraden.middleware.SessionMiddleware",
    "rodedraden.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "rodedraden.accounts.middleware.SecondFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "rodedraden.audit.middleware.AuditMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "rodedraden.urls"
WSGI_APPLICATION = "rodedraden.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rodedraden.context_processors.site",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
# A kept connection is tested before each request reuses it, so a restarted database costs no
# failed request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded database lives in var/, created on first use.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # Several processes (web, an eager or real worker, tests) may share the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ------------------------------------------------------------------------------------
# In memory per process by default; CACHE_URL=redis://… shares it between processes and
# machines. Sessions live in the database and are read through the cache; when the cache is
# unreachable every call is skipped (django-redis's IGNORE_EXCEPTIONS), so pages still render,
# straight from the database. The log says so once per outage and once when it is over
# (rodedraden.cache), not with a traceback per call.
CACHE_URL = env("CACHE_URL", default="")
# Redis Sentinel (high availability): the name of the monitored master, and the sentinels'
# host:port. Then CACHE_URL names the master instead of a host (redis://mymaster/2) and
# CELERY_BROKER_URL lists the sentinels (sentinel://h1:26379;sentinel://h2:26379/0); both
# follow a failover to the new master.
REDIS_SENTINEL_MASTER = env("REDIS_SENTINEL_MASTER", default="")
REDIS_SENTINELS = [
    (host, int(port))
    for host, _, port in (item.rpartition(":") for item in env.list("REDIS_SENTINELS", default=[]))
]
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "rodedraden.cache.RedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    if REDIS_SENTINELS:
        CACHES["default"]["OPTIONS"].update(
            {"CLIENT_CLASS": "django_redis.client.SentinelClient", "SENTINELS": REDIS_SENTINELS}
        )
        DJANGO_REDIS_CONNECTION_FACTORY = "django_redis.pool.SentinelConnectionFactory"
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # A per-process cache must not hold sessions: a sign-out in one gunicorn worker would not
    # reach another's copy.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = False  # rodedraden.cache logs the outage instead
# The costly parts of the main pages (the tagging workspace, the dashboard, a body's signal
# list) are kept in the cache, under the data version they were made of (rodedraden.pagecache):
# at most this long, 0 to render them at every request.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600)
# Their own cache: in Redis beside the rest (under their own prefix), or per process at most
# PAGE_CACHE_ENTRIES pages (a workspace of 250 signals is about 0.8 MB).
CACHES["pages"] = (
    {**CACHES["default"], "KEY_PREFIX": "pages"}
    if CACHE_URL
    else {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
        "OPTIONS": {"MAX_ENTRIES": env.int("PAGE_CACHE_ENTRIES", default=100)},
    }
)

# --- Accounts ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out username and address before a password is
    # even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    # Older hashes are still accepted and upgraded to Argon2 at the next sign-in.
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# Signed out after 30 minutes without a request, and when the browser closes.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Two factors: chairs, readers and administrators must use an authenticator app (TOTP); body
# members are offered it. Recovery codes are one-time static tokens.
TWO_FACTOR_REQUIRED_ROLES = ["voorzitter", "lezer", "beheerder"]
TWO_FACTOR_LOGIN_TIMEOUT = 600  # seconds between the password and the code
# Wrong codes are counted by the lockout below, per username and address, like wrong
# passwords (rodedraden/accounts/lockout.py). django-otp's own throttle is off: it doubles a
# wait on the device after each wrong code, whatever the address, so whoever knows the password
# could make the real user's right codes be refused everywhere.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
# The admin may remove a lost device (its owner then links a new one), never read its secret.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Lockout (django-axes): 10 failed sign-ins (a wrong password or a wrong code) for one username
# from one address lock that pair for an hour; 30 for one username from all addresses together
# lock that username (rodedraden/accounts/lockout.py).
AXES_HANDLER = "rodedraden.accounts.lockout.LockoutHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_USERNAME_FAILURE_LIMIT = env.int("AXES_USERNAME_FAILURE_LIMIT", default=30)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The fields of the two-step login form (its steps prefix them); what axes keeps of a failed
# attempt never holds the password or a code.
AXES_PASSWORD_FORM_FIELD = "auth-password"  # noqa: S105 (a field name)
AXES_SENSITIVE_PARAMETERS = ["auth-password", "token-otp_token", "backup-otp_token"]
# Sign-ins are in the audit trail already; axes keeps only the failed attempts it counts, and
# the nightly retention run removes those once their cool-off has passed.
AXES_DISABLE_ACCESS_LOG = True
AXES_LOCKOUT_CALLABLE = "rodedraden.accounts.views.locked_out"
AXES_VERBOSE = False
# Behind reverse proxies (a load balancer, nginx) that each append to X-Forwarded-For: how many
# of them there are. The lockout and the audit trail take the client's address from there
# (rodedraden/accounts/network.py); 0 means clients connect directly.
TRUSTED_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "rodedraden.accounts.network.client_ip"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "rodedraden.accounts.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Demo data (python manage.py seed_demo) is for development and demonstrations only.
DEMO_DATA_ALLOWED = env.bool("DEMO_DATA_ALLOWED", default=True)
DEMO_PASSWORD = env("DEMO_PASSWORD", default="rode-draden-demo")

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "rodedraden" / "locale"]
# Dates per language (rodedraden/formats): "15 oktober 2026" and "15 October 2026".
FORMAT_MODULE_PATH = ["rodedraden.formats"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# --- Static and media files -------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Memo files in S3-compatible object storage (MinIO, Ceph, AWS S3, …) when a bucket is named:
# then every web and worker process reads and writes the same files.
S3_BUCKET = env("S3_BUCKET", default="")
if S3_BUCKET:
    # django-storages and boto3 are the optional extra "s3" (pyproject.toml), which the Docker
    # image installs: without them every memo upload would fail at its first request.
    _s3_missing = [m for m in ("storages", "boto3") if importlib.util.find_spec(m) is None]
    if _s3_missing:
        raise ImproperlyConfigured(
            f"S3_BUCKET is set, but S3 support is not installed ({', '.join(_s3_missing)} "
            "missing): install the s3 extra (uv sync --extra s3; the Docker image does by "
            "default) or unset S3_BUCKET to keep the files in MEDIA_ROOT."
        )
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            # Empty, as docker-compose.yml passes what is not set: the AWS default.
            "endpoint_url": env("S3_ENDPOINT_URL", default="") or None,
            "region_name": env("S3_REGION", default="") or None,
            "access_key": env("S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env("S3_SECRET_ACCESS_KEY", default="") or None,
            "location": env("S3_PREFIX", default="") or "rodedraden",
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

# --- Forms ------------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- E-mail -----------------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Rode draden <noreply@rodedraden.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery -----------------------------------------------------------------------------------
# Without a broker every task runs eagerly, in-process, at the moment it is queued.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# In the embedded mode a failing task is logged, not raised into the request that queued it.
CELERY_TASK_EAGER_PROPAGATES = False
if CELERY_TASK_ALWAYS_EAGER:
    CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_IGNORE_RESULT = CELERY_RESULT_BACKEND is None
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_DEFAULT_QUEUE = "default"
# PDF rendering has a queue (and in production a worker) of its own: a long memo never holds
# up e-mail and reminders, and its memory stays in one place.
CELERY_TASK_ROUTES = {"reports.memo_render": {"queue": "memos"}}
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=270)
# A task is acknowledged after it ran, and given back to the queue if its worker dies.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_SEND_TASK_EVENTS = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# With acks_late, Redis hands an unacknowledged task to another worker after this many
# seconds: it must outlast both the longest task and the longest countdown/ETA (a memo's retry
# waits 30 s at most), or tasks run twice; and no longer, so that the task of a worker that
# died comes back in minutes (tests/reports/test_memo_heartbeat.py holds it to both).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT + 60)
}
if REDIS_SENTINEL_MASTER:
    CELERY_BROKER_TRANSPORT_OPTIONS["master_name"] = REDIS_SENTINEL_MASTER
# A memo being rendered beats on its row every MEMO_HEARTBEAT_SECONDS; a rendering whose last
# beat is older than MEMO_LOST_AFTER_SECONDS lost its worker, and beat's sweep (every
# MEMO_SWEEP_SECONDS) queues it again, or marks it failed after its last attempt: a lost
# rendering is noticed within MEMO_LOST_AFTER_SECONDS + MEMO_SWEEP_SECONDS (105 s).
MEMO_HEARTBEAT_SECONDS = env.float("MEMO_HEARTBEAT_SECONDS", default=10)
MEMO_LOST_AFTER_SECONDS = env.float("MEMO_LOST_AFTER_SECONDS", default=75)
MEMO_SWEEP_SECONDS = env.float("MEMO_SWEEP_SECONDS", default=30)
CELERY_BEAT_SCHEDULE = {
    "membership-requeue-unwelcomed": {
        "task": "signals.membership_requeue_unwelcomed",
        "schedule": 15 * 60,
    },
    "memos-requeue-stale": {
        "task": "reports.memos_requeue_stale",
        "schedule": MEMO_SWEEP_SECONDS,
    },
    "recommendation-reminders": {
        "task": "deliberation.recommendations_send_reminders",
        "schedule": 60 * 60,  # hourly; each recommendation is reminded once per due date
    },
    "retention-apply": {
        "task": "rodedraden.retention_apply",
        "schedule": crontab(hour=3, minute=15),  # nightly, in TIME_ZONE
    },
}

# --- Deliberation -----------------------------------------------------------------------------
# Readers and the chair are reminded this many days before a recommendation is due.
RECOMMENDATION_REMINDER_DAYS = env.int("RECOMMENDATION_REMINDER_DAYS", default=14)

# --- Logging ----------------------------------------------------------------------------------
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    # No query string in any log line: it may hold what someone typed (a search for a name).
    "filters": {"no_query_string": {"()": "rodedraden.logfilters.NoQueryString"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["no_query_string"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        # The development server's request lines, through the same filter (Django's default
        # handler for them would print each query string).
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # Never DEBUG, whatever LOG_LEVEL says: at DEBUG these log template contexts and SQL
        # parameters, which may hold the text a user has just typed (personal data included).
        "django.template": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # WeasyPrint reports every layout step at INFO.
        "weasyprint": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# --- Audit trail ------------------------------------------------------------------------------
# django-auditlog records who changed what (rodedraden/audit.py registers the models and the
# sign-in, export and download events). Free text is recorded as changed, never as its content.
AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False
AUDITLOG_STORE_JSON_CHANGES = True

# --- Retention --------------------------------------------------------------------------------
# How long each kind of record is kept, in days (each app registers its policy with
# rodedraden/retention/registry.py; a beat task removes what is past its term every night and
# records what it removed).
RETENTION_DAYS = {
    # Adopted beraden, counted from their adoption, with everything that belongs to them: the
    # signals discussed in them, tags, analyses, recommendations and the definitive memo.
    "sessions": env.int("RETENTION_SESSIONS_DAYS", default=10 * 365),
    # Signals that never went into a beraad, counted from their last change: submitted ones,
    # and (shorter) concepts nobody submitted.
    "signals": env.int("RETENTION_SIGNALS_DAYS", default=5 * 365),
    "concept_signals": env.int("RETENTION_CONCEPT_SIGNALS_DAYS", default=365),
    # Concept memos of adopted beraden, counted from their request.
    "memos": env.int("RETENTION_CONCEPT_MEMOS_DAYS", default=90),
    # Entries of the audit trail, counted from their moment.
    "audit": env.int("RETENTION_AUDIT_DAYS", default=7 * 365),
}

# --- Security (tightened further in production.py) --------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# A strict Content-Security-Policy (django-csp): everything from our own origin, no inline
# script or style, no eval, nothing from elsewhere. Bootstrap's form controls draw their
# arrows and ticks with data: SVG images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# --- Error reports ----------------------------------------------------------------------------
# Sentry (or a Sentry-compatible service such as GlitchTip), off unless SENTRY_DSN is set; every
# report is scrubbed of what a person typed (rodedraden/sentry.py).
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    from rodedraden.sentry import init as _init_sentry

    _init_sentry(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", default=""),
        release=env("SENTRY_RELEASE", default=""),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )
