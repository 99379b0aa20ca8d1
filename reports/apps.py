from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from rodedraden.backup.registry import register_files

        from .models import Memo
        from .retention import register_retention

        # What retention removes of the memos, and the memo PDFs every backup carries.
        register_retention()
        register_files(Memo, "file")
