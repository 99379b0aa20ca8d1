import importlib

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import AuthenticatorApp, RecoveryCodes, User

# Access follows from the role of a user, not from Django's groups.
admin.site.unregister(Group)
# django-otp's own admins are English and offer to set secrets by hand; ours are below. Their
# modules are imported first (the admin's autodiscovery, which comes to them after this app,
# then finds them imported already), so that they are gone whatever the order of the apps.
importlib.import_module("django_otp.plugins.otp_totp.admin")
importlib.import_module("django_otp.plugins.otp_static.admin")
for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "get_full_name", "email", "role", "is_active", "last_login")
    list_filter = ("role", "is_active")
    search_fields = ("username", "first_name", "last_name", "email", "job_title")
    ordering = ("username",)
    readonly_fields = ("last_login", "date_joined", "is_staff", "is_superuser")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email", "job_title")}),
        (
            _("Role and access"),
            {
                "fields": ("role", "is_active", "is_staff", "is_superuser"),
                "description": _(
                    "The role decides what someone can do. Administrators manage everything "
                    "here; their admin access follows from the role."
                ),
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "first_name",
                    "last_name",
                    "email",
                    "role",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )

    @admin.display(description=_("name"), ordering="last_name")
    def get_full_name(self, obj):
        return obj.get_full_name()


class SecondFactorAdmin(admin.ModelAdmin):
    """A second factor of an account: seen, and removed when its phone is lost (the owner links
    a new app at the next sign-in), never added, changed or read: its secret stays hidden."""

    list_display = ("owner", "device_name", "is_confirmed", "created", "last_used")
    list_filter = ("confirmed",)
    list_select_related = ("user",)
    search_fields = ("user__username", "user__first_name", "user__last_name", "name")
    search_help_text = _("Search by login, name or the name of the app.")
    ordering = ("user__username", "pk")
    fields = ("owner", "device_name", "is_confirmed", "created", "last_used")
    readonly_fields = fields

    @admin.display(description=_("account"), ordering="user__username")
    def owner(self, device):
        return device.user

    @admin.display(description=_("name"), ordering="name")
    def device_name(self, device):
        return device.name

    @admin.display(description=_("in use"), boolean=True, ordering="confirmed")
    def is_confirmed(self, device):
        return device.confirmed

    @admin.display(description=_("linked at"), ordering="created_at")
    def created(self, device):
        return device.created_at

    @admin.display(description=_("last used at"), ordering="last_used_at")
    def last_used(self, device):
        return device.last_used_at

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AuthenticatorApp)
class AuthenticatorAppAdmin(SecondFactorAdmin):
    pass


@admin.register(RecoveryCodes)
class RecoveryCodesAdmin(SecondFactorAdmin):
    list_display = (*SecondFactorAdmin.list_display, "unused")
    fields = (*SecondFactorAdmin.fields, "unused")
    readonly_fields = fields

    def get_queryset(self, request):
        # The number of codes left, never the codes.
        return super().get_queryset(request).annotate(unused_codes=Count("token_set"))

    @admin.display(description=_("codes left"), ordering="unused_codes")
    def unused(self, device):
        return device.unused_codes
