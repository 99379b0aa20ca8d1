"""The deliberation app in the admin: for looking things up. Sessions, themes and
recommendations change through the application (its services keep the rules, the history and
the frozen content), so the admin shows them read-only."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from signals.admin import GuardedAdminMixin

from .models import Beraad, Recommendation, Theme, ThemeEvent


class ReadOnlyAdmin(GuardedAdminMixin, admin.ModelAdmin):
    """Read-only; guarded all the same (signals.admin.GuardedAdminMixin), should a change
    ever be allowed here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Beraad)
class BeraadAdmin(ReadOnlyAdmin):
    list_display = ("title", "date", "state", "period_start", "period_end", "chair")
    list_filter = ("state", "season", "year")
    search_fields = ("title", "agenda", "summary")
    date_hierarchy = "date"
    exclude = ("snapshot",)


class ThemeEventInline(admin.TabularInline):
    model = ThemeEvent
    extra = 0
    fields = ("at", "kind", "old_value", "new_value", "by")
    readonly_fields = fields
    verbose_name_plural = _("history")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Theme)
class ThemeAdmin(ReadOnlyAdmin):
    list_display = ("name", "merged_into", "updated_at")
    list_filter = (("merged_into", admin.EmptyFieldListFilter),)
    search_fields = ("name", "description")
    inlines = (ThemeEventInline,)


@admin.register(Recommendation)
class RecommendationAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "beraad", "theme", "addressee", "response", "status", "due_date")
    list_filter = ("status", "response", "addressee", "beraad")
    search_fields = ("text", "owner", "theme__name")
    list_select_related = ("beraad", "theme")
