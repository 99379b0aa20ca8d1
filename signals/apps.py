from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignalsConfig(AppConfig):
    name = "signals"
    verbose_name = _("Oversight bodies and signals")

    def ready(self):
        from .retention import register_retention

        # What retention removes of the signals (rodedraden/retention/registry.py).
        register_retention()
