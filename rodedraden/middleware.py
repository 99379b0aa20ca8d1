from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


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
