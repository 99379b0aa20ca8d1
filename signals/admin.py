from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rodedraden.accounts.admin import UserAdmin
from rodedraden.accounts.models import User

from . import services
from .guard import GuardedFormMixin, GuardedModelForm
from .models import Aspect, Membership, OrganisationUnit, OversightBody, Signal


class GuardedAdminMixin:
    """For every ModelAdmin of the project: its form guards (signals.guard.GuardedFormMixin),
    so that personal data in a guarded field shows in the findings panel of the change form
    (templates/admin/change_form.html) with the proposed redaction and a button that accepts
    it. The model fields refuse it in any case; this gives the administrator the choice."""

    form = GuardedModelForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not issubclass(self.form, GuardedFormMixin):  # an admin with a form of its own
            self.form = type(self.form.__name__, (GuardedFormMixin, self.form), {})

    def save_form(self, request, form, change):
        request.personal_data_redacted = getattr(form, "redacted", False)
        return super().save_form(request, form, change)

    def _redaction_notice(self, request):
        if getattr(request, "personal_data_redacted", False):
            self.message_user(
                request,
                gettext("Personal data was replaced by placeholders."),
                messages.INFO,
            )

    def response_add(self, request, obj, post_url_continue=None):
        self._redaction_notice(request)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        self._redaction_notice(request)
        return super().response_change(request, obj)


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
class OversightBodyAdmin(GuardedAdminMixin, MembershipSavingMixin, admin.ModelAdmin):
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
class MembershipAdmin(GuardedAdminMixin, MembershipSavingMixin, admin.ModelAdmin):
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
class AspectAdmin(GuardedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "order", "is_active")
    list_editable = ("order", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "description")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(OrganisationUnit)
class OrganisationUnitAdmin(GuardedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "parent", "is_active")
    list_filter = ("is_active", ("parent", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "parent__name")
    autocomplete_fields = ("parent",)
    list_select_related = ("parent",)


class _NotSaved(Exception):
    """The service refused the change (its reason is in the messages)."""


class SignalAdminForm(GuardedFormMixin, forms.ModelForm):
    """Corrections by the functional administrator, through the same guard and the same
    service as every other write: personal data is refused with the proposed text."""

    version = forms.IntegerField(label=_("version"), widget=forms.HiddenInput)

    class Meta:
        model = Signal
        fields = (
            "title",
            "description",
            "source_reference",
            "aspects",
            "organisation_units",
            "period_start",
            "period_end",
            "case_count",
            "impact",
            "is_positive",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def _post_clean(self):
        # The service validates and saves; the form leaves the instance alone.
        pass


@admin.register(Signal)
class SignalAdmin(GuardedAdminMixin, admin.ModelAdmin):
    form = SignalAdminForm
    list_display = (
        "title",
        "body",
        "state",
        "period_start",
        "period_end",
        "case_count",
        "updated_at",
    )
    list_filter = ("state", "body", "aspects", "is_positive", "impact")
    search_fields = ("title", "description", "source_reference")
    list_select_related = ("body",)
    date_hierarchy = "updated_at"
    readonly_fields = (
        "body",
        "state",
        "author",
        "details",
        "created_at",
        "updated_at",
        "submitted_at",
    )
    filter_horizontal = ("aspects", "organisation_units")
    fieldsets = (
        (None, {"fields": ("body", "state", "title", "description", "is_positive")}),
        (_("Classification"), {"fields": ("aspects", "organisation_units", "details")}),
        (
            _("Scope"),
            {"fields": ("period_start", "period_end", "case_count", "impact", "source_reference")},
        ),
        (
            _("History"),
            {"fields": ("author", "created_at", "updated_at", "submitted_at", "version")},
        ),
    )

    def has_add_permission(self, request):
        return False  # signals are recorded by the bodies themselves

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            services.signal_update(
                signal=obj,
                user=request.user,
                version=data["version"],
                title=data["title"],
                description=data["description"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                case_count=data["case_count"],
                impact=data["impact"],
                source_reference=data.get("source_reference", ""),
                is_positive=data.get("is_positive", False),
                aspects=data["aspects"],
                organisation_units=data["organisation_units"],
                details=obj.details,
            )
        except services.SignalConflict:
            messages.error(
                request,
                gettext("Someone else changed this signal in the meantime. Nothing was saved."),
            )
            raise _NotSaved from None
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            raise _NotSaved from None

    def save_related(self, request, form, formsets, change):
        # The service has set the aspects and units already.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except _NotSaved:
            return redirect(request.path)


# The accounts app knows nothing of bodies; here the user admin learns about memberships.
admin.site.unregister(User)


@admin.register(User)
class UserWithMembershipsAdmin(GuardedAdminMixin, MembershipSavingMixin, UserAdmin):
    list_filter = (*UserAdmin.list_filter, "memberships__body")
    inlines = (UserMembershipInline,)
