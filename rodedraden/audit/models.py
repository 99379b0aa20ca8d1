"""The audit trail: django-auditlog's log entries, in a table of our own.

auditlog records every create, update and delete of the registered models (registry.py) with
the fields before and after; services.py adds the events that change no row: signing in and
out, a failed sign-in, an export, a download. The trail names the account that acted (a
foreign key) and the address it came from; it holds no free text: auditlog masks those fields
(registry.py), and entries about signals, analyses and recommendations carry a neutral label
instead of their title.
"""

from auditlog.models import AbstractLogEntry
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.TextChoices):
    CREATED = "aangemaakt", _("created")
    CHANGED = "gewijzigd", _("changed")
    DELETED = "verwijderd", _("deleted")
    LOGIN = "ingelogd", _("signed in")
    LOGIN_FAILED = "inloggen_mislukt", _("failed sign-in")
    LOGOUT = "uitgelogd", _("signed out")
    EXPORT = "export", _("export")
    DOWNLOAD = "download", _("download")
    RETENTION = "bewaartermijn", _("removed at end of retention")


# Models whose string form is free text typed by a user: the trail names them by kind and
# number instead.
NEUTRAL_LABEL_MODELS = frozenset(
    {
        "signals.signal",
        "deliberation.beraadsignal",
        "deliberation.analysis",
        "deliberation.recommendation",
    }
)
ACTION_EVENTS = {
    AbstractLogEntry.Action.CREATE: AuditEvent.CREATED,
    AbstractLogEntry.Action.UPDATE: AuditEvent.CHANGED,
    AbstractLogEntry.Action.DELETE: AuditEvent.DELETED,
}


class AuditEntry(AbstractLogEntry):
    event = models.CharField(
        _("event"), max_length=20, choices=AuditEvent.choices, db_index=True, blank=True
    )
    # The account is the foreign key; its e-mail address is not copied into the trail.
    actor_email = None

    class Meta(AbstractLogEntry.Meta):
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        indexes = [models.Index(fields=["content_type", "object_pk"])]

    def save(self, *args, **kwargs):
        if not self.event:
            self.event = ACTION_EVENTS.get(self.action, "")
        if (
            self.content_type_id
            and self.content_type.natural_key()
            and (".".join(self.content_type.natural_key()) in NEUTRAL_LABEL_MODELS)
        ):
            self.object_repr = f"{self.content_type.name} #{self.object_pk}"
        super().save(*args, **kwargs)
