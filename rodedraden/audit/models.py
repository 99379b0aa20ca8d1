"""The audit trail: django-auditlog's log entries.

auditlog records every create, update and delete of the registered models (registry.py) with
the fields before and after; services.py adds the events that change no row: signing in and
out, a failed sign-in, an export, a download. The trail names the account that acted (a
foreign key, never its e-mail address: rodedraden.audit.middleware) and the address it came
from; it holds no free text: the free-text fields and every guarded field are masked
(registry.py), and every entry names its record by kind and number, never by its title or
name (receivers.neutral_label). It is the admin's history too: the admin writes no log of its
own (rodedraden.adminsite).
"""

from auditlog.models import LogEntry
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.TextChoices):
    CREATED = "aangemaakt", _("created")
    CHANGED = "gewijzigd", _("changed")
    DELETED = "verwijderd", _("deleted")
    LOGIN = "ingelogd", _("signed in")
    LOGIN_FAILED = "inloggen_mislukt", _("failed sign-in")
    LOGOUT = "uitgelogd", _("signed out")
    EXPORT = "export", _("exported")
    DOWNLOAD = "download", _("downloaded")
    RETENTION = "bewaartermijn", _("removed at end of retention")


ACTION_EVENTS = {
    LogEntry.Action.CREATE: AuditEvent.CREATED,
    LogEntry.Action.UPDATE: AuditEvent.CHANGED,
    LogEntry.Action.DELETE: AuditEvent.DELETED,
}


class AuditEntryQuerySet(models.QuerySet):
    def of_event(self, event: str):
        """Entries of one event: a create, change or delete by its action, the others by the
        event name they carry."""
        for action, action_event in ACTION_EVENTS.items():
            if event == action_event:
                return self.filter(action=action)
        return self.filter(action=LogEntry.Action.ACCESS, additional_data__event=event)


class AuditEntry(LogEntry):
    """django-auditlog's log entry as the audit trail shows it.

    Events that change no row (signing in, an export, a download) are entries with the action
    "access" and the event's name in ``additional_data["event"]``.
    """

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ("-timestamp",)

    @property
    def event(self) -> str:
        if self.action in ACTION_EVENTS:
            return ACTION_EVENTS[self.action]
        return (self.additional_data or {}).get("event", "")

    def get_event_display(self) -> str:
        try:
            return AuditEvent(self.event).label
        except ValueError:
            return self.event
