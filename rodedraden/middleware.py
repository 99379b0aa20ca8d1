import logging

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from . import outages

logger = logging.getLogger(__name__)


class LanguageMiddleware:
    """The interface is Dutch unless the user chose another language with the switcher.

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: staff of a
    Dutch municipality get the Dutch application, whatever language their browser is set to.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        # For this request only: afterwards the thread is back in the language it had, so
        # that nothing run after it (another request's code, a test) inherits this choice.
        with translation.override(language, deactivate=False):
            request.LANGUAGE_CODE = translation.get_language()
            response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class HealthCheckMiddleware:
    """Answers ``/health/`` before any middleware that reads the database (the session, the
    user for the audit trail, the second factor): a load balancer's probe that carries a
    session cookie gets the health check's own 503 JSON while the database is down, and a probe
    never renews a session. Placed right after SecurityMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.path = None

    def __call__(self, request):
        from . import views  # the site's views compose every app; not at import time

        if self.path is None:
            self.path = reverse("health")
        if request.path_info == self.path:
            return views.health(request)
        return self.get_response(request)


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's SessionMiddleware, for which an unreachable database when the session is saved
    after the view is no error: the view's response stands.

    Every request saves the session (``SESSION_SAVE_EVERY_REQUEST``: that is what makes the
    30 minutes idle timeout slide), after the view. When the database went away in between,
    Django turns the failed save into a 400 ("Verzoek niet begrepen") or a 500, although the
    view's write was committed: the user would repeat it. Here the response goes out as the
    view made it (its redirect, its message); the session keeps its earlier expiry and the
    browser its cookie. A session deleted while the request ran (signed out in another tab)
    is still refused, as Django does.
    """

    def process_response(self, request, response):
        try:
            return super().process_response(request, response)
        except Exception as error:
            if not outages.database_unavailable(error):
                raise
            if response.status_code < 500:
                # Only the class: nothing of the session or the request is logged.
                logger.warning(
                    "The session could not be saved after %s %s answered %s (%s); the "
                    "response is sent as it is.",
                    request.method,
                    request.path,
                    response.status_code,
                    type(error).__name__,
                )
            patch_vary_headers(response, ("Cookie",))
            return response
