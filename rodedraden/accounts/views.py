"""Signing in with two factors (django-two-factor-auth), in the site's own pages."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from two_factor import views as two_factor_views

from .forms import CodeForm, DisableForm, RecoveryCodeForm
from .lockout import code_allowed, code_failed
from .methods import linked_app


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a locked username and address: a page that says for how long."""
    hours = settings.AXES_COOLOFF_TIME
    return render(
        request,
        "registration/locked_out.html",
        {"cooloff_hours": int(hours) if float(hours).is_integer() else hours},
        status=429,
    )


class LocalRedirectMixin:
    """django-two-factor-auth redirects with ``redirect(next)``, which takes a bare word for a
    URL name (and fails); only a path on this site is followed."""

    def get_redirect_url(self):
        url = super().get_redirect_url()
        return url if url.startswith("/") and not url.startswith("//") else ""


class LoginView(LocalRedirectMixin, two_factor_views.LoginView):
    """Username and password, then the code from the authenticator app (or a recovery code)
    for users who have set one up. Failed attempts count towards the lockout (django-axes):
    wrong passwords through the authentication backend, wrong codes here
    (rodedraden.accounts.lockout), per username and address."""

    redirect_authenticated_user = True
    # The token step's form follows the device: CodeForm (rodedraden.accounts.methods).
    form_list = (
        ("auth", AuthenticationForm),
        ("token", CodeForm),
        ("backup", RecoveryCodeForm),
    )

    def has_token_step(self):
        # Every linked app asks for its code, not only one named "default".
        return bool(linked_app(self.get_user()) and not self.remember_agent)

    condition_dict = {
        **two_factor_views.LoginView.condition_dict,
        two_factor_views.LoginView.TOKEN_STEP: has_token_step,
    }

    def get_device(self, step=None):
        device = super().get_device(step)
        if device is None and step != self.BACKUP_STEP:
            device = self.device_cache = linked_app(self.get_user())
        return device

    CODE_STEPS = (two_factor_views.LoginView.TOKEN_STEP, two_factor_views.LoginView.BACKUP_STEP)

    def post(self, *args, **kwargs):
        # A code typed at a username and address that are locked out is not even checked: the
        # attempt is counted (it extends the lock, as for a password) and answered with the
        # lockout page.
        user = self.get_user()
        posted_step = self.request.POST.get(f"{self.get_prefix(self.request)}-current_step")
        if user and posted_step in self.CODE_STEPS and not code_allowed(self.request, user):
            self.request.axes_locked_out = True
            code_failed(self.request, user, sender=type(self))
            return locked_out(self.request)
        return super().post(*args, **kwargs)

    def render(self, form=None, **kwargs):
        # A form of a code step comes back bound only when it was refused; a code that was
        # checked and wrong counts as a failed sign-in.
        if (
            form is not None
            and form.is_bound
            and self.steps.current in self.CODE_STEPS
            and form.has_error(NON_FIELD_ERRORS, "invalid_token")
        ):
            code_failed(self.request, self.get_user(), sender=type(self))
            if getattr(self.request, "axes_locked_out", False):
                return locked_out(self.request)
        return super().render(form, **kwargs)


class SetupView(LocalRedirectMixin, two_factor_views.SetupView):
    """Links an authenticator app: scan the QR code, type the code it shows.

    Only for an account without one: an app is never replaced here (a lost phone is removed
    by the administrator, or switched off by a member with a verified session), so a stolen
    password cannot link the thief's app.
    """

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and linked_app(request.user):
            return redirect("two_factor:profile")
        return super().dispatch(request, *args, **kwargs)


class BackupTokensView(two_factor_views.BackupTokensView):
    """Ten one-time recovery codes; making new ones voids the old."""

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request,
            _("New recovery codes were made. The old ones no longer work."),
        )
        return response


class DisableView(two_factor_views.DisableView):
    """Members may switch two factors off again; roles that require them may not."""

    form_class = DisableForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.needs_second_factor:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Two-step verification is switched off."))
        return response
