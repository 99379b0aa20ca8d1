"""Site-wide views: the start page per role, the accessibility statement, the health
endpoint and the error page for an unreachable database.

This module is the one composition root of the application (with the URL tree in urls.py):
the start page shows what needs doing in every app, so it reads from all of them. No other
module of rodedraden/ imports signals, deliberation or reports — the platform learns what it
needs of them through the registries the apps fill in their AppConfig.ready() (retention,
backup) — and tests/test_architecture.py keeps it so.
"""

import datetime
import logging
import sys

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from deliberation.models import OPEN_STATUSES
from deliberation.selectors import beraad_list, current_beraden, recommendation_list
from rodedraden import outages
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
    """Liveness and readiness for load balancers and container health checks.

    Answered by rodedraden.middleware.HealthCheckMiddleware before the middleware that reads
    the database (the session, the user), so a probe with a session cookie gets this answer
    too."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        if outages.database_unavailable(error):
            outages.database.failed(error)  # once per outage, not at every probe
        else:
            logger.exception("Health check: the database answered with an error")
        response = JsonResponse({"status": "error", "database": "error"}, status=503)
        # Logged above: Django's request log would add a line for every probe.
        response._has_been_logged = True
        return response
    return JsonResponse({"status": "ok", "database": "ok"})


# Seconds a browser or client is asked to wait before trying again while the database is down.
RETRY_AFTER_SECONDS = 30


@requires_csrf_token
def server_error(request):
    """handler500: Django's error page, or, when the error is that the database cannot be
    reached, 503 "tijdelijk niet beschikbaar" with ``Retry-After``.

    Django answers every uncaught error through here, wherever it was raised: in a view, or in
    a middleware before or after it (the session, the user, the session saved after the view).
    The page is rendered without the request (no context processor, no session, no user): it
    must not touch the database. It is logged once per outage, without a traceback
    (rodedraden.outages); any other error is Django's 500 with its traceback, as before."""
    error = sys.exc_info()[1]
    if error is None or not outages.database_unavailable(error):
        return defaults.server_error(request)
    outages.database.failed(error)
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    with translation.override(language):
        html = loader.render_to_string("503.html")
    response = HttpResponse(html, status=503)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Content-Language"] = language
    add_never_cache_headers(response)
    # Logged above, once per outage: Django's request log would add a traceback per request.
    response._has_been_logged = True
    return response
