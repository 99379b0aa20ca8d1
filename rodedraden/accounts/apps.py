from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "rodedraden.accounts"
    label = "accounts"
    verbose_name = _("Users and sign-in")

    def ready(self):
        from rodedraden.formmessages import no_values_in_messages

        from . import devices, methods

        methods.register()
        devices.name_devices_by_kind()
        # The first app: before the forms of the other apps are made.
        no_values_in_messages()
