"""Embedded developer mode: ``make run``. Debug on, a fixed development key."""

import warnings

from .base import *

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = SECRET_KEY or "django-insecure-local-development-key-never-use-in-production"

# Static files are served from the app directories by WhiteNoise, without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
warnings.filterwarnings("ignore", message="No directory at", module="whitenoise.base")
