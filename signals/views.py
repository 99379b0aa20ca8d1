from django.views.generic import DetailView, ListView

from rodedraden.accounts.access import RoleRequiredMixin
from rodedraden.accounts.models import Role

from . import selectors

# Readers see the shared conclusions of the bodies, not the bodies' own pages.
BODY_ROLES = (Role.MEMBER, Role.CHAIR, Role.ADMIN)


class BodyListView(RoleRequiredMixin, ListView):
    allowed_roles = BODY_ROLES
    template_name = "signals/body_list.html"
    context_object_name = "bodies"

    def get_queryset(self):
        return selectors.body_list(fetched_by=self.request.user)


class BodyDetailView(RoleRequiredMixin, DetailView):
    allowed_roles = BODY_ROLES
    template_name = "signals/body_detail.html"
    context_object_name = "body"

    def get_queryset(self):
        return selectors.body_list(fetched_by=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["kind"] = self.object.kind_spec
        context["members"] = selectors.body_members(body=self.object, fetched_by=self.request.user)
        return context
