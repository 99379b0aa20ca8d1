from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def _refusals(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [
            f"{field}: {message}"
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    return list(error.messages)


class Command(BaseCommand):
    help = gettext_lazy(
        "Create the demo data: the oversight bodies, one user per role and one member per body. "
        "Idempotent: running it again changes nothing."
    )

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError(
                _("Demo data is not allowed here (DEMO_DATA_ALLOWED is off): it has known logins.")
            )
        password = settings.DEMO_PASSWORD
        if not password:
            raise CommandError(_("Set DEMO_PASSWORD to the password the demo logins should get."))
        logins = []
        try:
            with transaction.atomic():
                for app_config in apps.get_app_configs():
                    if not str(app_config.path).startswith(str(settings.BASE_DIR)):
                        continue  # only our own apps, never a third-party "demo" module
                    module_name = f"{app_config.name}.demo"
                    if find_spec(module_name) is None:
                        continue
                    logins.extend(import_module(module_name).seed(password=password))
        except ValidationError as error:
            # A refusal (personal data in a demo text, say): what and where, never the text.
            raise CommandError(
                _("The demo data was not saved: %(reasons)s")
                % {"reasons": "; ".join(_refusals(error))}
            ) from None
        self.stdout.write(self.style.SUCCESS(_("Demo data is ready. Demo logins:")))
        width = max(len(login.username) for login in logins)
        for login in logins:
            self.stdout.write(f"  {login.username.ljust(width)}  {login.description}")
        self.stdout.write(_("Password for every demo login: %(password)s") % {"password": password})
        self.stdout.write(
            _(
                "Chairs, readers and the administrator link an authenticator app (TOTP) at "
                "their first sign-in: two-step verification is required for them."
            )
        )
