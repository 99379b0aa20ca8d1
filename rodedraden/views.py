"""Site-wide views: the start page per role, the accessibility statement and the health
endpoint.

This module composes the apps (it is the top of the URL tree), so it may read from any of them.
"""

import datetime
import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from deliberation.models import OPEN_STATUSES
from deliberation.selectors import beraad_list, current_beraden, recommendation_list
from rodedraden.accounts.models import Role
from signals.selectors import body_list, draft_counts

logger = logging.getLogger(__name__)


class HomeView(TemplateView):
    """The start page: what the signed-in user can do, by role."""

    template_names_by_role = {
        Role.MEMBER: "home/member.html",
        Role.CHAIR: "home/chair.html",
        Role.READER: "home/reader.html",
        Role.ADMIN: "home/admin.html",
    }

    def get_template_names(self):
        return [self.template_names_by_role[Role(self.request.user.role)]]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["bodies"] = body_list(fetched_by=user)
        context["beraden"] = beraad_list(fetched_by=user)[:4]
        # What asks for the user's attention now: the beraden going on, and a member's drafts.
        context["current"] = current_beraden(fetched_by=user)
        if user.role == Role.MEMBER:
            drafts = draft_counts(fetched_by=user)
            context["drafts"] = [
                (body, drafts[body.pk]) for body in context["bodies"] if drafts.get(body.pk)
            ]
        if user.role in (Role.CHAIR, Role.READER):
            context["open_recommendations"] = (
                recommendation_list(fetched_by=user).filter(status__in=OPEN_STATUSES).count()
            )
        return context


@method_decorator(login_not_required, name="dispatch")
class AccessibilityStatementView(TemplateView):
    """The toegankelijkheidsverklaring, after the model statement of digitoegankelijk.nl
    (Besluit digitale toegankelijkheid overheid). Public: it must be readable by someone who
    cannot sign in."""

    template_name = "accessibility_statement.html"
    http_method_names = ["get", "head", "options"]
    # The day the statement was drawn up (and the checks it describes were run); a new
    # evaluation gives a new date.
    statement_date = datetime.date(2026, 12, 1)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            statement_date=self.statement_date,
            contact_email=settings.ACCESSIBILITY_CONTACT_EMAIL,
            site_url=settings.SITE_URL,
        )
        return context


@login_not_required
@require_safe
@never_cache
def health(request):
    """Liveness and readiness for load balancers and container health checks."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: database unreachable")
        return JsonResponse({"status": "error", "database": "error"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
