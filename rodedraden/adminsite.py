"""The Django admin, behind the site's own login.

There is one way in: the admin never shows a login form of its own. Its login page sends the
visitor on to the site's login page (where, from issue 6 on, the second factor is asked too);
a signed-in user without admin rights gets a 404, as for any page they may not see, instead
of being sent back and forth between the two login pages.

The admin keeps no change log of its own. Django's (``django_admin_log``) would keep the title
or name of every record changed or deleted here, unmasked and outside every retention term;
the audit trail (rodedraden.audit) records the same changes, masked. So every ModelAdmin
registered here, ours and those of the packages alike, writes no admin log entry; an object's
"History" shows its entries in the audit trail, and the index's "Recent actions" are the
account's own entries there: records by kind and number, never their text.
"""

import types
from functools import wraps

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.utils import unquote
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.text import capfirst
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

RECENT_ENTRIES = 10
HISTORY_PAGE = 100


def audit_entries_about(model, pk):
    """The audit trail's entries about record ``pk`` of ``model``, oldest first (under the
    concrete model, as auditlog writes them, and under a proxy, as an event may be)."""
    # Imported here: this module is loaded with the app registry, before the models.
    from django.contrib.contenttypes.models import ContentType

    from rodedraden.audit.models import AuditEntry

    kinds = {
        ContentType.objects.get_for_model(model).pk,
        ContentType.objects.get_for_model(model, for_concrete_model=False).pk,
    }
    return (
        AuditEntry.objects.filter(content_type__in=kinds, object_pk=str(pk))
        .select_related("actor", "content_type")
        .order_by("timestamp", "pk")
    )


class AuditTrailHistory:
    """What every ModelAdmin of the site is made with (RodeDradenAdminSite.register): it writes
    nothing to Django's admin log, and its "History" is the record's audit trail."""

    def log_addition(self, request, obj, message):
        return None

    def log_change(self, request, obj, message):
        return None

    def log_deletion(self, request, obj, object_repr):
        return None

    def log_deletions(self, request, queryset):
        return None

    def history_view(self, request, object_id, extra_context=None):
        from auditlog.render import render_logentry_changes_html
        from django.contrib.admin.views.main import PAGE_VAR

        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        paginator = self.get_paginator(
            request, audit_entries_about(self.model, obj.pk), HISTORY_PAGE
        )
        page = paginator.get_page(request.GET.get(PAGE_VAR, 1))
        for entry in page.object_list:
            entry.changes_html = render_logentry_changes_html(entry)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext_now("Change history: %s") % obj,
            "subtitle": None,
            "action_list": page,
            "page_range": paginator.get_elided_page_range(page.number),
            "page_var": PAGE_VAR,
            "pagination_required": paginator.count > HISTORY_PAGE,
            "module_name": str(capfirst(self.opts.verbose_name_plural)),
            "object": obj,
            "opts": self.opts,
            "preserved_filters": self.get_preserved_filters(request),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/audit_object_history.html", context)


class RodeDradenAdminSite(admin.AdminSite):
    site_header = _("Rode draden – administration")
    site_title = _("Rode draden")
    index_title = _("Functional administration")

    def register(self, model_or_iterable, admin_class=None, **options):
        """Registers ``admin_class`` made with AuditTrailHistory: no admin log, whoever
        registers (our apps, django-axes, django-auditlog, …)."""
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, AuditTrailHistory):
            base = admin_class
            admin_class = types.new_class(base.__name__, (AuditTrailHistory, base))
            admin_class.__module__ = base.__module__
            admin_class.__qualname__ = base.__qualname__
            admin_class.__doc__ = base.__doc__
        super().register(model_or_iterable, admin_class, **options)

    def index(self, request, extra_context=None):
        return super().index(
            request, {"recent_entries": self.recent_entries(request), **(extra_context or {})}
        )

    def recent_entries(self, request):
        """The account's own latest changes in the audit trail (records by kind and number),
        for those who may read the trail."""
        from rodedraden.audit.models import ACTION_EVENTS, AuditEntry

        if not self.is_registered(AuditEntry):
            return []
        if not self._registry[AuditEntry].has_view_permission(request):
            return []
        return list(
            AuditEntry.objects.filter(actor=request.user, action__in=list(ACTION_EVENTS))
            .select_related("content_type")
            .order_by("-timestamp", "-pk")[:RECENT_ENTRIES]
        )

    def has_permission(self, request):
        # The same two factors as the rest of the site: an unverified session is no way in.
        return super().has_permission(request) and request.user.is_verified()

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def guarded(request, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                raise Http404
            return inner(request, *args, **kwargs)

        return guarded

    @method_decorator(never_cache)
    @method_decorator(login_not_required)
    def login(self, request, extra_context=None):
        # Imported here: this module is loaded with the app registry, before the auth models.
        from django.contrib.auth.views import redirect_to_login

        target = request.GET.get("next") or ""
        if not target.startswith(reverse("admin:index")) or target.startswith(request.path):
            target = reverse("admin:index")
        return redirect_to_login(target)


class RodeDradenAdminConfig(AdminConfig):
    default_site = "rodedraden.adminsite.RodeDradenAdminSite"
