from django.db import models
from django.utils.translation import gettext_lazy as _


class RetentionRun(models.Model):
    """One pass of the retention task: the cut-off per kind of record and what it removed."""

    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # kind → the moment before which that kind of record is past its term
    cutoffs = models.JSONField(_("cut-off moments"), default=dict)
    # kind → number of records removed
    removed = models.JSONField(_("removed"), default=dict)
    # kind → the primary keys removed (the audit trail keeps them as well)
    removed_ids = models.JSONField(_("removed records"), default=dict)

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ("-started_at",)

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M}"

    @property
    def total_removed(self) -> int:
        return sum(self.removed.values())
