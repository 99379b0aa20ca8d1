from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from .models import User

# Access follows from the role of a user, not from Django's groups.
admin.site.unregister(Group)


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
