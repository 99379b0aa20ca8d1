"""The settings bench.pages serves with: those of bench.load (``rodedraden.settings.local``,
DEBUG off from the environment) with :mod:`bench.urls`, which adds the trivial view that the
pages' throughput is compared with."""

from rodedraden.settings.local import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
