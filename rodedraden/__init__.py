"""Rode draden: the Django project package (settings, accounts, Celery, URL composition)."""

from .celery import app as celery_app

__all__ = ("celery_app",)
