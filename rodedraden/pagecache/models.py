"""The data version: one number that changes after every committed write to the data the
pages show (rodedraden.pagecache.writes), so that a cached page part made of older data is
never found again."""

from django.db import models
from django.utils.translation import gettext_lazy as _

ROW = 1  # the only row


class DataVersion(models.Model):
    # Started from the clock when the row is made (again, after a flush), so that a number
    # once used never comes back.
    number = models.BigIntegerField(_("number"))

    class Meta:
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")

    def __str__(self):
        return str(self.number)
