from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    name = "rodedraden.retention"
    label = "retention"
    verbose_name = _("Retention")

    def ready(self):
        # The platform's own policies; each domain app registers its own in its ready()
        # (rodedraden/retention/registry.py).
        from .policies import register_platform_policies

        register_platform_policies()
