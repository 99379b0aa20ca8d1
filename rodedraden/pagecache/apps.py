from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PageCacheConfig(AppConfig):
    name = "rodedraden.pagecache"
    label = "pagecache"
    verbose_name = _("Page cache")

    def ready(self):
        from django.db.backends.signals import connection_created

        from .writes import watch_connection

        connection_created.connect(watch_connection, dispatch_uid="pagecache-watch-writes")
