"""Two-step sign-in (django-two-factor-auth), through the real forms: setting up the
authenticator app, the code at sign-in, recovery codes, the roles that must and the members who
may, the admin behind the same second factor; and the passwords underneath (Argon2, Django's
validators)."""

import html
import re
import time
from base64 import b32decode
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.hashers import make_password
from django.test import override_settings
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from rodedraden.accounts.models import User
from rodedraden.settings import base as base_settings
from tests.conftest import Client, sign_in
from tests.factories import PASSWORD, UserFactory
from tests.test_urls import all_urls

LOGIN = "/account/inloggen/"
PROFILE = "/account/tweestapsverificatie/"
SETUP = "/account/tweestapsverificatie/instellen/"
QR = "/account/tweestapsverificatie/instellen/qr-code/"
SETUP_COMPLETE = "/account/tweestapsverificatie/instellen/gereed/"
RECOVERY = "/account/tweestapsverificatie/herstelcodes/"
DISABLE = "/account/tweestapsverificatie/uitschakelen/"
PASSWORD_CHANGE = "/account/wachtwoord-wijzigen/"
SECRET_SESSION_KEY = "django_two_factor-qr_secret_key"

# What a signed-in user without a verified second factor may still reach.
OPEN_WITHOUT_SECOND_FACTOR = {
    "two_factor:setup",
    "two_factor:qr",
    "two_factor:setup_complete",
    "logout",
    "set_language",
    "health",
    "accessibility",
}


# --- Helpers ------------------------------------------------------------------------------------
def dutch(message: str) -> str:
    """``message`` as a Dutch user must see it; fails while the catalogue lacks it."""
    with translation.override("nl"):
        text = gettext(message)
    assert text != message, f"no Dutch translation for {message!r}"
    return text


def page_text(response) -> str:
    """The visible text of a page, tags removed and white space squashed."""
    content = response.content.decode()
    content = re.sub(r"<(script|style)\b.*?</\1>", " ", content, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", content)).split())


def code_at(key: bytes, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app holding ``key`` shows now (or ``steps_ahead`` later)."""
    totp = TOTP(key, 30, 0, 6, 0)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def device_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def wrong_code(key: bytes) -> str:
    """Six digits that no window the server accepts around now would take for right."""
    near = {code_at(key, steps_ahead=offset) for offset in range(-3, 4)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in near)


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def is_verified(client) -> bool:
    return DEVICE_ID_SESSION_KEY in client.session


def redirect_path(response) -> str:
    assert response.status_code == 302, response.status_code
    return urlsplit(response.headers["Location"]).path


def setup_show_app_step(client):
    """The setup wizard's first page, 'Start', to the page with the QR code; returns that page
    and the secret the app would read from the QR code."""
    assert client.get(SETUP).status_code == 200
    response = client.post(SETUP, {"setup_view-current_step": "welcome"})
    assert response.status_code == 200
    assert 'name="generator-token"' in response.content.decode()
    secret = client.session[SECRET_SESSION_KEY]
    return response, b32decode(secret)


def setup_link_app(client, code: str):
    return client.post(SETUP, {"setup_view-current_step": "generator", "generator-token": code})


def add_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="default", confirmed=True)


def django_client() -> Client:
    """Another browser: a client with cookies of its own."""
    return Client()


def start_login(client, username: str):
    """The password step of the login; returns its response."""
    return sign_in(client, username, PASSWORD)


# --- Chairs, readers, admins without a device ---------------------------------------------------
@pytest.fixture
def chair_signed_in_with_password(client, chair):
    response = start_login(client, "voorzitter")
    # No device yet: the password alone signs in, but the session is not verified.
    assert redirect_path(response) == "/"
    assert signed_in_user_id(client) == str(chair.pk)
    assert not is_verified(client)
    return client


URL_CASES = [(url, label) for url, label in all_urls() if label != "admin:login"]


@pytest.mark.parametrize(("url", "label"), URL_CASES, ids=[label for _, label in URL_CASES])
def test_a_chair_without_a_device_is_sent_to_setup_from_every_page(
    chair_signed_in_with_password, url, label
):
    client = chair_signed_in_with_password
    response = client.get(url)
    to_setup = response.status_code == 302 and urlsplit(response.headers["Location"]).path == SETUP
    if label in OPEN_WITHOUT_SECOND_FACTOR:
        assert not to_setup, f"{label} must stay reachable without a second factor"
        assert response.status_code < 500
    else:
        assert to_setup, f"{label} ({url}) answered {response.status_code}"


def test_the_setup_redirect_says_why_in_dutch(chair_signed_in_with_password):
    client = chair_signed_in_with_password
    response = client.get("/organen/", follow=True)
    assert response.redirect_chain[-1][0] == SETUP
    text = page_text(response)
    assert (
        dutch(
            "Your role requires two-step verification. Set it up with an authenticator "
            "app on your phone to continue."
        )
        in text
    )
    assert dutch("Set up two-step verification") in text


def test_signing_out_and_switching_language_work_before_setup(chair_signed_in_with_password):
    client = chair_signed_in_with_password
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert redirect_path(response) == "/"
    assert client.cookies["django_language"].value == "en"
    response = client.post("/account/uitloggen/")
    assert redirect_path(response) == LOGIN
    assert signed_in_user_id(client) is None


def test_a_chair_sets_up_the_app_with_the_qr_code_and_is_then_verified(
    chair_signed_in_with_password, chair
):
    client = chair_signed_in_with_password
    assert client.get(QR).status_code == 404  # no secret before the app step
    page, key = setup_show_app_step(client)
    assert QR in page.content.decode()
    # The secret is shown for typing, too (base32, as authenticator apps expect it).
    assert client.session[SECRET_SESSION_KEY] in page.content.decode()

    qr = client.get(QR)
    assert qr.status_code == 200
    assert qr.headers["Content-Type"].startswith("image/svg+xml")
    assert b"<svg" in qr.content

    # A wrong code: a Dutch error, no device, still not verified.
    response = setup_link_app(client, wrong_code(key))
    assert response.status_code == 200
    assert dutch("That code is not right. Type the code the app shows now.") in page_text(response)
    assert not TOTPDevice.objects.filter(user=chair).exists()
    assert not is_verified(client)
    assert redirect_path(client.get("/")) == SETUP

    # The code the app shows: linked, verified, the pages open.
    response = setup_link_app(client, code_at(key))
    assert redirect_path(response) == SETUP_COMPLETE
    device = TOTPDevice.objects.get(user=chair)
    assert device.confirmed
    assert device.bin_key == key
    assert is_verified(client)
    assert SECRET_SESSION_KEY not in client.session  # the secret leaves the session
    assert client.get(SETUP_COMPLETE).status_code == 200
    assert client.get("/").status_code == 200
    assert client.get("/beraden/").status_code == 200
    # Setting up again is not offered: the profile instead.
    assert redirect_path(client.get(SETUP)) == PROFILE


def test_the_next_sign_in_asks_for_the_code_of_the_linked_app(chair_signed_in_with_password):
    client = chair_signed_in_with_password
    _, key = setup_show_app_step(client)
    setup_link_app(client, code_at(key))
    client.post("/account/uitloggen/")

    response = start_login(client, "voorzitter")
    assert response.status_code == 200
    assert signed_in_user_id(client) is None
    response = client.post(
        LOGIN,
        {"login_view-current_step": "token", "token-otp_token": code_at(key, steps_ahead=1)},
    )
    assert redirect_path(response) == "/"
    assert is_verified(client)


# --- Chairs with a device -----------------------------------------------------------------------
def test_a_chair_with_a_device_is_not_signed_in_by_the_password_alone(client, chair):
    add_device(chair)
    response = start_login(client, "voorzitter")
    assert response.status_code == 200
    assert 'name="token-otp_token"' in response.content.decode()
    assert signed_in_user_id(client) is None
    assert redirect_path(client.get("/")) == LOGIN


def test_a_wrong_code_signs_nobody_in(client, chair):
    device = add_device(chair)
    start_login(client, "voorzitter")
    response = client.post(
        LOGIN, {"login_view-current_step": "token", "token-otp_token": wrong_code(device.bin_key)}
    )
    assert response.status_code == 200
    assert 'class="alert alert-danger"' in response.content.decode()
    assert signed_in_user_id(client) is None
    assert not is_verified(client)
    assert redirect_path(client.get("/")) == LOGIN


def test_the_code_step_asks_and_answers_in_dutch(client, chair):
    device = add_device(chair)
    response = start_login(client, "voorzitter")
    assert "Code uit uw authenticator-app" in page_text(response)
    response = client.post(
        LOGIN, {"login_view-current_step": "token", "token-otp_token": wrong_code(device.bin_key)}
    )
    text = page_text(response)
    assert "Code uit uw authenticator-app" in text
    assert dutch("That code is not right. Check it and try again.") in text


def test_a_chair_whose_app_has_another_name_is_asked_its_code(client, chair):
    device = TOTPDevice.objects.create(user=chair, name="Telefoon", confirmed=True)
    response = start_login(client, "voorzitter")
    # The password alone does not sign in: the code of that app is asked …
    assert response.status_code == 200
    assert "Code uit uw authenticator-app" in page_text(response)
    assert signed_in_user_id(client) is None
    client.post(LOGIN, {"login_view-current_step": "token", "token-otp_token": device_code(device)})
    # … and with it the chair is in, verified.
    assert client.get("/").status_code == 200
    assert signed_in_user_id(client) == str(chair.pk)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id


def test_a_linked_app_is_never_replaced_through_setup(client, chair):
    """A stolen password must not let the thief link their own app: with an app linked, an
    unverified session is signed out, and a verified one is sent to the profile."""
    TOTPDevice.objects.create(user=chair, name="Telefoon", confirmed=True)
    requests = (
        lambda: client.get(SETUP),
        lambda: client.post(SETUP, {"setup_view-current_step": "welcome"}),
    )
    for request in requests:
        client.force_login(chair, verified=False)
        response = request()
        assert response.status_code == 302
        assert "/account/inloggen/" in response.headers["Location"]
        assert signed_in_user_id(client) is None
    client.force_login(chair)  # verified
    before = TOTPDevice.objects.filter(user=chair).count()
    for request in requests:
        assert redirect_path(request()) == "/account/tweestapsverificatie/"
    assert TOTPDevice.objects.filter(user=chair).count() == before


def test_the_right_code_signs_a_chair_in_verified(client, chair):
    device = add_device(chair)
    response = sign_in(client, "voorzitter", PASSWORD, code=device_code(device))
    assert redirect_path(response) == "/"
    assert signed_in_user_id(client) == str(chair.pk)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get("/").status_code == 200


def test_a_code_is_good_for_one_sign_in_only(client, chair):
    device = add_device(chair)
    code = device_code(device)
    sign_in(client, "voorzitter", PASSWORD, code=code)
    client.post("/account/uitloggen/")
    response = sign_in(client, "voorzitter", PASSWORD, code=code)
    assert response.status_code == 200
    assert signed_in_user_id(client) is None


# --- Recovery codes -----------------------------------------------------------------------------
def recovery_codes(client) -> list[str]:
    response = client.get(RECOVERY)
    assert response.status_code == 200
    return re.findall(r"<li>([a-z0-9]+)</li>", response.content.decode())


def sign_in_with_recovery_code(client, username: str, code: str):
    start_login(client, username)
    response = client.post(
        LOGIN, {"login_view-current_step": "token", "wizard_goto_step": "backup"}
    )
    assert response.status_code == 200
    assert 'name="backup-otp_token"' in response.content.decode()
    return client.post(LOGIN, {"login_view-current_step": "backup", "backup-otp_token": code})


def test_a_chair_makes_ten_recovery_codes_and_each_signs_in_once(client, chair):
    client.force_login(chair)
    assert recovery_codes(client) == []
    response = client.post(RECOVERY, follow=True)
    assert response.redirect_chain[-1][0] == RECOVERY
    assert dutch("New recovery codes were made. The old ones no longer work.") in page_text(
        response
    )
    codes = recovery_codes(client)
    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert sorted(codes) == sorted(
        StaticToken.objects.filter(device__user=chair).values_list("token", flat=True)
    )

    other = django_client()
    response = sign_in_with_recovery_code(other, "voorzitter", codes[0])
    assert redirect_path(response) == "/"
    assert is_verified(other)
    assert other.get("/").status_code == 200
    assert StaticToken.objects.filter(device__user=chair).count() == 9

    # The same code a second time: refused, no session.
    third = django_client()
    response = sign_in_with_recovery_code(third, "voorzitter", codes[0])
    assert response.status_code == 200
    assert dutch("That code is not right. Check it and try again.") in page_text(response)
    assert signed_in_user_id(third) is None


def test_new_recovery_codes_void_the_old_ones(client, chair):
    client.force_login(chair)
    client.post(RECOVERY)
    old = recovery_codes(client)
    client.post(RECOVERY)
    new = recovery_codes(client)
    assert not set(old) & set(new)
    response = sign_in_with_recovery_code(django_client(), "voorzitter", old[1])
    assert response.status_code == 200


# --- Members: optional --------------------------------------------------------------------------
def test_a_member_signs_in_with_the_password_only_and_is_offered_setup(client, member):
    response = start_login(client, "lid")
    assert redirect_path(response) == "/"
    assert not is_verified(client)
    assert client.get("/").status_code == 200
    assert client.get("/organen/rekenkamer/").status_code == 200
    profile = client.get(PROFILE)
    assert profile.status_code == 200
    text = page_text(profile)
    assert (
        dutch(
            "Two-step verification is off for your account. Switch it on to protect your account "
            "with a code from an authenticator app on your phone."
        )
        in text
    )
    assert f'href="{SETUP}"' in profile.content.decode()
    assert dutch("Set up two-step verification") in text


def test_a_member_switches_two_factors_on_and_off_again(client, member):
    start_login(client, "lid")
    _, key = setup_show_app_step(client)
    assert redirect_path(setup_link_app(client, code_at(key))) == SETUP_COMPLETE
    assert TOTPDevice.objects.filter(user=member).exists()
    profile = client.get(PROFILE)
    assert f'href="{DISABLE}"' in profile.content.decode()
    assert dutch("Switch two-step verification off") in page_text(profile)

    # With a device, the member's next sign-in asks for the code too.
    client.post("/account/uitloggen/")
    assert start_login(client, "lid").status_code == 200
    assert signed_in_user_id(client) is None
    client.post(
        LOGIN,
        {"login_view-current_step": "token", "token-otp_token": code_at(key, steps_ahead=1)},
    )
    assert is_verified(client)

    # Switching off needs the box ticked.
    assert client.get(DISABLE).status_code == 200
    assert client.post(DISABLE, {}).status_code == 200
    assert TOTPDevice.objects.filter(user=member).exists()
    response = client.post(DISABLE, {"understand": "on"}, follow=True)
    assert response.status_code == 200
    assert dutch("Two-step verification is switched off.") in page_text(response)
    assert not TOTPDevice.objects.filter(user=member).exists()

    client.post("/account/uitloggen/")
    assert redirect_path(start_login(client, "lid")) == "/"


@pytest.mark.parametrize("role_fixture", ["chair", "reader", "admin_user"])
def test_roles_that_need_two_factors_cannot_switch_them_off(client, request, role_fixture):
    user = request.getfixturevalue(role_fixture)
    client.force_login(user)
    assert client.get(DISABLE).status_code == 404
    assert client.post(DISABLE, {"understand": "on"}).status_code == 404
    assert TOTPDevice.objects.filter(user=user).exists()
    assert f'href="{DISABLE}"' not in client.get(PROFILE).content.decode()


# --- The admin and readers ----------------------------------------------------------------------
def test_the_admin_needs_a_verified_session(client, admin_user):
    client.force_login(admin_user, verified=False)
    assert redirect_path(client.get("/admin/")) == SETUP
    assert redirect_path(client.get("/admin/accounts/user/")) == SETUP

    client.force_login(admin_user)  # now verified
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200


def test_an_unverified_session_of_an_admin_with_a_device_is_signed_out(client, admin_user):
    add_device(admin_user)
    client.force_login(admin_user, verified=False)
    response = client.get("/admin/")
    assert redirect_path(response) == LOGIN
    assert signed_in_user_id(client) is None


@pytest.mark.parametrize("url", ["/", "/dashboard/", "/beraden/", "/themas/", "/aanbevelingen/"])
def test_an_unverified_reader_sees_nothing(client, reader, url):
    client.force_login(reader, verified=False)
    response = client.get(url)
    assert redirect_path(response) == SETUP


# --- Passwords ----------------------------------------------------------------------------------
ARGON2 = "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_passwords_are_hashed_with_argon2():
    assert base_settings.PASSWORD_HASHERS[0] == ARGON2
    with override_settings(PASSWORD_HASHERS=base_settings.PASSWORD_HASHERS):
        hashed = make_password("een-lang-wachtwoord")
    assert hashed.startswith("argon2$argon2id$")


@pytest.mark.django_db
def test_a_user_gets_an_argon2_hash_and_an_old_hash_is_upgraded_at_sign_in(client):
    with override_settings(PASSWORD_HASHERS=base_settings.PASSWORD_HASHERS):
        user = User.objects.create_user("nieuw", password=PASSWORD)
        assert user.password.startswith("argon2$")

        old = UserFactory(username="oud")
        User.objects.filter(pk=old.pk).update(
            password=make_password(PASSWORD, hasher="pbkdf2_sha256")
        )
        assert redirect_path(start_login(client, "oud")) == "/"
        old.refresh_from_db()
        assert old.password.startswith("argon2$")


@pytest.mark.parametrize(
    ("new_password", "message"),
    [
        ("kort-1", "Dit wachtwoord is te kort. Het moet minstens 12 tekens bevatten."),
        ("password1234", "Dit wachtwoord is te algemeen."),
        ("938274619283", "Dit wachtwoord bevat alleen cijfers."),
    ],
    ids=["too-short", "common", "numeric"],
)
def test_weak_passwords_are_refused_in_dutch(client, member, new_password, message):
    client.force_login(member)
    response = client.post(
        PASSWORD_CHANGE,
        {
            "old_password": PASSWORD,
            "new_password1": new_password,
            "new_password2": new_password,
        },
    )
    assert response.status_code == 200
    assert message in page_text(response)
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


def test_a_strong_password_is_accepted(client, member):
    client.force_login(member)
    new = "Zeven-grijze-reigers-vliegen"
    response = client.post(
        PASSWORD_CHANGE, {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert redirect_path(response) == "/account/wachtwoord-gewijzigd/"
    member.refresh_from_db()
    assert member.check_password(new)


def test_administrators_cannot_read_another_users_second_factor(client, admin_user, chair):
    device = add_device(chair)
    backup = StaticDevice.objects.create(user=chair, name="backup")
    backup.token_set.create(token="geheim12")
    client.force_login(admin_user)
    apps = client.get("/admin/accounts/authenticatorapp/")
    assert apps.status_code == 200
    assert escape(str(chair)) in apps.content.decode()
    change = client.get(f"/admin/accounts/authenticatorapp/{device.pk}/change/")
    assert change.status_code == 200
    assert device.key not in change.content.decode()
    # Seen, removed, never set by hand: django-otp's own admin (with its key field and its
    # QR code) is not there.
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert client.get("/admin/accounts/authenticatorapp/add/").status_code == 403
    assert f"/admin/accounts/authenticatorapp/{device.pk}/delete/" in change.content.decode()
    static = client.get(f"/admin/accounts/recoverycodes/{backup.pk}/change/")
    assert static.status_code == 200
    assert "geheim12" not in static.content.decode()
    assert client.get("/admin/otp_static/staticdevice/").status_code == 404


def test_administrators_remove_a_lost_authenticator_app(client, admin_user, chair):
    device = add_device(chair)
    client.force_login(admin_user)
    response = client.post(f"/admin/accounts/authenticatorapp/{device.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
