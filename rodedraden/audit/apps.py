from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "rodedraden.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self):
        from . import receivers, registry

        registry.register_models()
        receivers.connect()
