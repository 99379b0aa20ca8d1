"""The audit trail in the admin: read-only, filterable by event, kind of record, account and
date."""

from auditlog.models import LogEntry
from auditlog.render import render_logentry_changes_html
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from rodedraden.accounts.models import AuthenticatorApp, RecoveryCodes

from .models import AuditEntry, AuditEvent

# django-otp names its devices in English only; the admin shows them as these proxies.
SHOWN_AS = {model._meta.concrete_model: model for model in (AuthenticatorApp, RecoveryCodes)}


def kind_name(content_type: ContentType) -> str:
    """The name of a kind of record, as the admin calls it."""
    model = content_type.model_class()
    if model in SHOWN_AS:
        return str(SHOWN_AS[model]._meta.verbose_name)
    return content_type.name


class RecordKindFilter(admin.SimpleListFilter):
    title = _("kind of record")
    parameter_name = "soort"

    def lookups(self, request, model_admin):
        kinds = (
            AuditEntry.objects.values("content_type")
            .annotate(entries=Count("id"))
            .order_by("content_type")
        )
        return [
            (
                str(row["content_type"]),
                kind_name(ContentType.objects.get_for_id(row["content_type"])),
            )
            for row in kinds
        ]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(content_type_id=self.value())
        return queryset


# django-auditlog registers its own (English) admin for its entries; the trail is shown here.
if admin.site.is_registered(LogEntry):
    admin.site.unregister(LogEntry)


class EventFilter(admin.SimpleListFilter):
    title = _("event")
    parameter_name = "event"

    def lookups(self, request, model_admin):
        return AuditEvent.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.of_event(self.value())
        return queryset


# django-auditlog's fields have no Dutch names: the columns, fields and filters get ours.
class ActorFilter(admin.RelatedFieldListFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = _("account")


class MomentFilter(admin.DateFieldListFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = _("moment")


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    date_hierarchy = "timestamp"
    list_display = ("moment", "event_name", "record", "account", "address")
    list_filter = (
        EventFilter,
        RecordKindFilter,
        ("actor", ActorFilter),
        ("timestamp", MomentFilter),
    )
    list_select_related = ("content_type", "actor")
    search_fields = ("object_pk", "actor__username", "remote_addr")
    fields = (
        "moment",
        "event_name",
        "record",
        "record_id",
        "account",
        "address",
        "changes_table",
        "details",
        "correlation_id",
    )
    readonly_fields = fields
    list_per_page = 50

    @admin.display(description=_("moment"), ordering="timestamp")
    def moment(self, entry):
        return entry.timestamp

    @admin.display(description=_("account"), ordering="actor")
    def account(self, entry):
        return entry.actor

    @admin.display(description=_("address"), ordering="remote_addr")
    def address(self, entry):
        return entry.remote_addr

    @admin.display(description=_("number of the record"))
    def record_id(self, entry):
        return entry.object_pk

    @admin.display(description=_("details"))
    def details(self, entry):
        return entry.additional_data

    @admin.display(description=_("correlation id"))
    def correlation_id(self, entry):
        return entry.cid

    @admin.display(description=_("event"))
    def event_name(self, entry):
        return entry.get_event_display()

    @admin.display(description=_("record"), ordering="content_type")
    def record(self, entry):
        return f"{kind_name(entry.content_type)}: {entry.object_repr}"

    @admin.display(description=_("before and after"))
    def changes_table(self, entry):
        return render_logentry_changes_html(entry) or "—"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # The trail is emptied by its retention term only (rodedraden/retention).
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser
