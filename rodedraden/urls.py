from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language
from two_factor import views as two_factor_views

from . import views
from .accounts import views as account_views

# django-two-factor-auth's views, under Dutch addresses, in its own namespace (its views
# reverse "two_factor:…").
two_factor_patterns = [
    path("", two_factor_views.ProfileView.as_view(), name="profile"),
    path("instellen/", account_views.SetupView.as_view(), name="setup"),
    path("instellen/qr-code/", two_factor_views.QRGeneratorView.as_view(), name="qr"),
    path("instellen/gereed/", two_factor_views.SetupCompleteView.as_view(), name="setup_complete"),
    path("herstelcodes/", account_views.BackupTokensView.as_view(), name="backup_tokens"),
    path("uitschakelen/", account_views.DisableView.as_view(), name="disable"),
]

account_patterns = [
    path("inloggen/", account_views.LoginView.as_view(), name="login"),
    path("tweestapsverificatie/", include((two_factor_patterns, "two_factor"))),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "wachtwoord-wijzigen/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "wachtwoord-gewijzigd/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "wachtwoord-vergeten/",
        auth_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "wachtwoord-vergeten/verzonden/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "wachtwoord-herstellen/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "wachtwoord-hersteld/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

# Django's error page, or 503 "tijdelijk niet beschikbaar" while the database is unreachable.
handler500 = "rodedraden.views.server_error"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("health/", views.health, name="health"),
    path(
        "toegankelijkheid/",
        views.AccessibilityStatementView.as_view(),
        name="accessibility",
    ),
    path("account/", include(account_patterns)),
    # Switching language works before signing in too (the login page has the switcher).
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    # The domain apps' URLs: with the start page (views.py), the composition root, the only
    # place of rodedraden/ that names them (tests/test_architecture.py).
    path("", include("signals.urls")),
    path("", include("deliberation.urls")),
    path("", include("reports.urls")),
]
