from django.http import Http404

from .models import Role


class RoleRequiredMixin:
    """Views for some roles only. Everyone else gets a 404: the page does not exist for them."""

    allowed_roles: tuple[Role, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        if request.user.role not in self.allowed_roles:
            raise Http404
        return super().dispatch(request, *args, **kwargs)
