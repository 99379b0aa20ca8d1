from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliberationConfig(AppConfig):
    name = "deliberation"
    verbose_name = _("Deliberation")

    def ready(self):
        from signals.models import register_member_visibility

        from .retention import register_retention
        from .selectors import signals_shared_with

        # Once a beraad has started, its signals are visible to every body taking part.
        register_member_visibility(signals_shared_with)
        # What retention removes of deliberation, and the signals it holds.
        register_retention()
