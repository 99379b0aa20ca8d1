"""Embedded developer mode: ``make run``. Debug on, a fixed development key."""

from .base import *  # noqa: F403

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = SECRET_KEY or "django-insecure-local-development-key-never-use-in-production"
