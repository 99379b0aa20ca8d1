"""Two factors for the roles that must have them."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .methods import linked_app

# The pages a signed-in user who still lacks a verified second factor may reach: setting one
# up (with its QR code), signing out, switching the language, and the accessibility statement
# (whoever cannot get through the setup finds there where to report it).
OPEN_WITHOUT_SECOND_FACTOR = frozenset(
    {
        "two_factor:setup",
        "two_factor:qr",
        "two_factor:setup_complete",
        "logout",
        "set_language",
        "health",
        "accessibility",
    }
)


class SecondFactorRequiredMiddleware:
    """Chairs, readers and administrators see nothing until their second factor is verified.

    With an app linked, their session did not give its code, so they are signed out and
    asked to sign in again; without one, they are sent to link one (which verifies the
    session when it succeeds). Runs after django-otp's OTPMiddleware and the
    LoginRequiredMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or not user.needs_second_factor or user.is_verified():
            return None
        if linked_app(user):
            # An app is linked but this session never gave its code: sign in again, with it.
            logout(request)
            return redirect_to_login(request.get_full_path())
        if request.resolver_match and request.resolver_match.view_name in (
            OPEN_WITHOUT_SECOND_FACTOR
        ):
            return None
        messages.info(
            request,
            _(
                "Your role requires two-step verification. Set it up with an authenticator "
                "app on your phone to continue."
            ),
        )
        return redirect("two_factor:setup")
