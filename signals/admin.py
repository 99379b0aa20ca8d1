from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from rodedraden.accounts.admin import UserAdmin
from rodedraden.accounts.models import User

from . import services
from .models import Aspect, Membership, OrganisationUnit, OversightBody


class MembershipSavingMixin:
    """New memberships made in the admin go through the service, so members get welcomed."""

    def _save_membership(self, membership: Membership) -> None:
        if membership.pk is None:
            saved = services.membership_create(user=membership.user, body=membership.body)
            membership.pk = saved.pk
            membership.created_at = saved.created_at
        else:
            membership.save()

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        memberships = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        for membership in memberships:
            self._save_membership(membership)
        formset.save_m2m()
        return None


class MembershipInline(admin.TabularInline):
    """Memberships are added or removed, never moved to another user or body (the welcome
    belongs to the person who joined)."""

    model = Membership
    extra = 0
    autocomplete_fields = ("user",)
    readonly_fields = ("created_at", "welcomed_at")
    fields = ("user", "created_at", "welcomed_at")

    def has_change_permission(self, request, obj=None):
        # Existing rows are shown read-only; new rows can be added and old ones deleted.
        return False


class UserMembershipInline(MembershipInline):
    autocomplete_fields = ("body",)
    fields = ("body", "created_at", "welcomed_at")
    verbose_name_plural = _("member of")


@admin.register(OversightBody)
class OversightBodyAdmin(MembershipSavingMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "member_count", "is_active", "updated_at")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("created_at", "updated_at")
    fields = ("name", "slug", "kind", "description", "is_active", "created_at", "updated_at")
    inlines = (MembershipInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("memberships"))

    @admin.display(description=_("members"), ordering="member_count")
    def member_count(self, obj):
        return obj.member_count


@admin.register(Membership)
class MembershipAdmin(MembershipSavingMixin, admin.ModelAdmin):
    list_display = ("user", "body", "body_kind", "created_at", "welcomed_at")
    list_filter = ("body__kind", "body", "user__role")
    search_fields = ("user__username", "user__first_name", "user__last_name", "body__name")
    autocomplete_fields = ("user", "body")
    readonly_fields = ("created_at", "welcomed_at")
    list_select_related = ("user", "body")
    date_hierarchy = "created_at"

    @admin.display(description=_("kind"), ordering="body__kind")
    def body_kind(self, obj):
        return obj.body.kind_spec.label

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:  # an existing membership is not moved to another user or body
            return (*self.readonly_fields, "user", "body")
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        self._save_membership(obj)


@admin.register(Aspect)
class AspectAdmin(admin.ModelAdmin):
    list_display = ("name", "order", "is_active")
    list_editable = ("order", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "description")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(OrganisationUnit)
class OrganisationUnitAdmin(admin.ModelAdmin):
    list_display = ("name", "parent", "is_active")
    list_filter = ("is_active", ("parent", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "parent__name")
    autocomplete_fields = ("parent",)
    list_select_related = ("parent",)


# The accounts app knows nothing of bodies; here the user admin learns about memberships.
admin.site.unregister(User)


@admin.register(User)
class UserWithMembershipsAdmin(MembershipSavingMixin, UserAdmin):
    list_filter = (*UserAdmin.list_filter, "memberships__body")
    inlines = (UserMembershipInline,)
