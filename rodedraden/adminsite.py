"""The Django admin, behind the site's own login.

There is one way in: the admin never shows a login form of its own. Its login page sends the
visitor on to the site's login page (where, from issue 6 on, the second factor is asked too);
a signed-in user without admin rights gets a 404, as for any page they may not see, instead
of being sent back and forth between the two login pages.
"""

from functools import wraps

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache


class RodeDradenAdminSite(admin.AdminSite):
    site_header = _("Rode draden – administration")
    site_title = _("Rode draden")
    index_title = _("Functional administration")

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
