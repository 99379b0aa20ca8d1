"""Issue 17, point 3: wrong second-factor codes count in the lockout like wrong passwords, per
account *and* address, and are in the audit trail; whoever holds the password cannot make the
real user's right codes be refused elsewhere (django-otp's own throttle, which doubles per
failure on the device whatever the address, is not the lockout)."""

import json

from django.forms.models import model_to_dict
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from rodedraden.audit.models import AuditEntry, AuditEvent
from tests.conftest import Client, sign_in
from tests.factories import PASSWORD

LOGIN = "/account/inloggen/"
ATTACKER = "192.0.2.66"
OWNER = "198.51.100.7"
LOCKED_HEADING = "Inloggen is tijdelijk geblokkeerd"


def add_app(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="default", confirmed=True)


def right_code(device: TOTPDevice) -> str:
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    """Six digits that no window around now takes for right."""
    near = set()
    for offset in range(-3, 4):
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time += offset * device.step
        near.add(f"{totp.token():06d}")
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in near)


def send_code(client, code: str, address: str, step: str = "token"):
    return client.post(
        LOGIN,
        {"login_view-current_step": step, f"{step}-otp_token": code},
        REMOTE_ADDR=address,
    )


def at_code_step(username: str, address: str) -> Client:
    """A browser that gave the right password from ``address`` and is asked for the code."""
    browser = Client()
    response = sign_in(browser, username, PASSWORD, REMOTE_ADDR=address)
    assert response.status_code == 200
    assert 'name="token-otp_token"' in response.content.decode()
    return browser


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def code_failures(user):
    return AuditEntry.objects.of_event(AuditEvent.LOGIN_FAILED).filter(object_pk=str(user.pk))


def test_wrong_codes_lock_that_address_out_and_the_right_code_no_longer_helps_there(
    chair, settings
):
    device = add_app(chair)
    attacker = at_code_step("voorzitter", ATTACKER)
    statuses = [
        send_code(attacker, wrong_code(device), ATTACKER).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses[:-1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert statuses[-1] == 429  # the limit-th wrong code locks at once
    response = send_code(attacker, right_code(device), ATTACKER)
    assert response.status_code == 429
    assert LOCKED_HEADING in response.content.decode()
    assert not signed_in(attacker)
    # Starting again from the password is refused at that address too.
    assert sign_in(Client(), "voorzitter", PASSWORD, REMOTE_ADDR=ATTACKER).status_code == 429


def test_the_real_user_signs_in_from_elsewhere_with_the_right_code(chair, settings):
    device = add_app(chair)
    attacker = at_code_step("voorzitter", ATTACKER)
    for _ in range(settings.AXES_FAILURE_LIMIT + 3):
        send_code(attacker, wrong_code(device), ATTACKER)
    owner = at_code_step("voorzitter", OWNER)
    response = send_code(owner, right_code(device), OWNER)
    assert response.status_code == 302
    assert signed_in(owner)


def test_a_right_code_after_a_few_wrong_ones_below_the_limit_signs_in(chair, settings):
    device = add_app(chair)
    browser = at_code_step("voorzitter", OWNER)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert send_code(browser, wrong_code(device), OWNER).status_code == 200
    response = send_code(browser, right_code(device), OWNER)
    assert response.status_code == 302
    assert signed_in(browser)


def test_a_wrong_recovery_code_counts_too(chair, settings):
    device = add_app(chair)
    recovery = StaticDevice.objects.create(user=chair, name="backup", confirmed=True)
    StaticToken.objects.create(device=recovery, token="abcd1234")
    attacker = at_code_step("voorzitter", ATTACKER)
    statuses = [
        send_code(attacker, "zzzz9999", ATTACKER, step="backup").status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses[-1] == 429
    assert send_code(attacker, right_code(device), ATTACKER).status_code == 429
    assert send_code(attacker, "abcd1234", ATTACKER, step="backup").status_code == 429
    assert not signed_in(attacker)


def test_every_wrong_code_is_in_the_audit_trail_without_the_code(chair, settings):
    device = add_app(chair)
    attacker = at_code_step("voorzitter", ATTACKER)
    typed = wrong_code(device)
    for _ in range(3):
        send_code(attacker, typed, ATTACKER)
    entries = list(code_failures(chair).order_by("pk"))
    assert [entry.additional_data["reason"] for entry in entries] == ["code"] * 3
    for entry in entries:
        assert entry.remote_addr == ATTACKER
        assert entry.additional_data["known_account"] is True
        assert typed not in json.dumps(model_to_dict(entry), default=str)


def test_a_code_refused_by_the_lockout_is_recorded_as_such(chair, settings):
    device = add_app(chair)
    attacker = at_code_step("voorzitter", ATTACKER)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        send_code(attacker, wrong_code(device), ATTACKER)
    send_code(attacker, right_code(device), ATTACKER)
    reasons = [entry.additional_data["reason"] for entry in code_failures(chair).order_by("pk")]
    assert reasons[0] == "code"
    assert reasons[-1] == "locked_out"
    assert len(reasons) == settings.AXES_FAILURE_LIMIT + 1


def test_the_device_itself_is_not_throttled(chair, settings):
    """django-otp's throttle would refuse the next code for 2^n seconds on the device, for
    everyone; it is off, the lockout counts instead."""
    device = add_app(chair)
    attacker = at_code_step("voorzitter", ATTACKER)
    for _ in range(5):
        send_code(attacker, wrong_code(device), ATTACKER)
    device.refresh_from_db()
    assert device.verify_is_allowed() == (True, None)
