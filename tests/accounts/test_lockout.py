"""Brute force: django-axes locks a username at an address after 10 failed sign-ins, for an hour;
every sign-in and failed sign-in goes into the audit trail, without what was typed."""

import datetime
import html
import json
import re
from unittest import mock

from axes.models import AccessAttempt
from django.forms.models import model_to_dict
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from rodedraden.audit.models import AuditEntry, AuditEvent
from tests.conftest import Client, sign_in
from tests.factories import PASSWORD

LOGIN = "/account/inloggen/"
ADDRESS = "192.0.2.10"
OTHER_ADDRESS = "192.0.2.20"
WRONG_PASSWORD = "Niet-mijn-wachtwoord-42"
LOCKED_HEADING = "Inloggen is tijdelijk geblokkeerd"
WRONG_CREDENTIALS = "Voer een juiste gebruikersnaam en wachtwoord in."


def page_text(response) -> str:
    content = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(html.unescape(content).split())


def attempt(client, username: str, password: str, address: str = ADDRESS):
    return sign_in(client, username, password, REMOTE_ADDR=address)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail(client, username: str, times: int, address: str = ADDRESS) -> list[int]:
    return [attempt(client, username, WRONG_PASSWORD, address).status_code for _ in range(times)]


def assert_locked(response):
    assert response.status_code == 429
    text = page_text(response)
    assert LOCKED_HEADING in text
    assert "1 uur" in text


def later(minutes: int):
    """Axes reads the moment of an attempt from ``axes.handlers.proxy.now``."""
    moment = timezone.now() + datetime.timedelta(minutes=minutes)
    return mock.patch("axes.handlers.proxy.now", return_value=moment)


# --- Lockout ------------------------------------------------------------------------------------
def test_the_tenth_failure_locks_and_the_right_password_no_longer_helps(client, member):
    statuses = fail(client, "lid", 9)
    assert statuses == [200] * 9
    response = attempt(client, "lid", WRONG_PASSWORD)
    assert_locked(response)  # the tenth failure locks at once
    response = attempt(client, "lid", PASSWORD)
    assert_locked(response)  # the eleventh, with the right password
    assert not signed_in(client)
    assert client.get("/").status_code == 302


def test_a_failure_below_the_limit_shows_the_dutch_form_error(client, member):
    response = attempt(client, "lid", WRONG_PASSWORD)
    assert response.status_code == 200
    assert WRONG_CREDENTIALS in page_text(response)
    assert not signed_in(client)


def test_the_lockout_page_is_in_dutch(client, member):
    fail(client, "lid", 10)
    response = attempt(client, "lid", PASSWORD)
    assert f'<h1 class="h2 mb-3">{LOCKED_HEADING}</h1>' in response.content.decode()
    assert f"<title>{LOCKED_HEADING}" in response.content.decode()


def test_the_same_user_from_another_address_is_not_locked(client, member):
    fail(client, "lid", 10)
    other = Client()
    response = attempt(other, "lid", PASSWORD, OTHER_ADDRESS)
    assert response.status_code == 302
    assert signed_in(other)


def test_another_user_from_the_same_address_is_not_locked(client, member, body):
    from tests.factories import MembershipFactory

    MembershipFactory(body=body, user__username="collega")
    fail(client, "lid", 10)
    other = Client()
    response = attempt(other, "collega", PASSWORD)
    assert response.status_code == 302
    assert signed_in(other)


def test_a_success_before_the_limit_starts_the_count_again(client, member):
    fail(client, "lid", 9)
    assert attempt(client, "lid", PASSWORD).status_code == 302
    client.post("/account/uitloggen/")
    assert fail(client, "lid", 9) == [200] * 9
    assert attempt(client, "lid", PASSWORD).status_code == 302


def test_the_lock_holds_for_an_hour(client, member):
    fail(client, "lid", 10)
    with later(minutes=59):
        assert_locked(attempt(client, "lid", PASSWORD))
    assert not signed_in(client)


def test_an_attempt_during_the_lock_starts_the_hour_again(client, member):
    fail(client, "lid", 10)
    with later(minutes=30):
        assert_locked(attempt(client, "lid", PASSWORD))
    with later(minutes=61):
        assert_locked(attempt(client, "lid", PASSWORD))
    with later(minutes=61 + 61):
        response = attempt(client, "lid", PASSWORD)
    assert response.status_code == 302
    assert signed_in(client)


def test_after_the_cool_off_the_right_password_signs_in(client, member):
    fail(client, "lid", 10)
    with later(minutes=61):
        response = attempt(client, "lid", PASSWORD)
    assert response.status_code == 302
    assert signed_in(client)
    assert client.get("/").status_code == 200


def test_a_locked_chair_does_not_reach_the_code_step(client, chair):
    device = TOTPDevice.objects.create(user=chair, name="default", confirmed=True)
    fail(client, "voorzitter", 10)
    response = attempt(client, "voorzitter", PASSWORD)
    assert_locked(response)
    assert 'name="token-otp_token"' not in response.content.decode()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    response = client.post(
        LOGIN,
        {"login_view-current_step": "token", "token-otp_token": f"{totp.token():06d}"},
        REMOTE_ADDR=ADDRESS,
    )
    assert not signed_in(client)


def test_the_typed_password_is_not_stored_by_the_lockout(client, member):
    attempt(client, "lid", WRONG_PASSWORD)
    stored = json.dumps([model_to_dict(row) for row in AccessAttempt.objects.all()], default=str)
    assert AccessAttempt.objects.exists()
    assert WRONG_PASSWORD not in stored


# --- Audit trail --------------------------------------------------------------------------------
def entries(event: AuditEvent):
    return AuditEntry.objects.of_event(event).order_by("pk")


def entry_as_text(entry: AuditEntry) -> str:
    return json.dumps(model_to_dict(entry), default=str)


def test_a_failed_sign_in_for_an_unknown_name_keeps_nothing_that_was_typed(client, db):
    typed = "Pietje.Puk-Geheim-8"
    attempt(client, typed, WRONG_PASSWORD)
    entry = entries(AuditEvent.LOGIN_FAILED).get()
    text = entry_as_text(entry)
    assert typed not in text
    assert typed.lower() not in text.lower()
    assert WRONG_PASSWORD not in text
    assert entry.object_pk == ""
    assert entry.actor is None
    assert entry.event == AuditEvent.LOGIN_FAILED
    assert entry.additional_data["reason"] == "credentials"
    assert entry.additional_data["known_account"] is False
    assert entry.remote_addr == ADDRESS


def test_a_failed_sign_in_for_an_account_names_the_account(client, member):
    attempt(client, "lid", WRONG_PASSWORD)
    entry = entries(AuditEvent.LOGIN_FAILED).get()
    assert entry.object_pk == str(member.pk)
    assert entry.additional_data["reason"] == "credentials"
    assert entry.additional_data["known_account"] is True
    assert WRONG_PASSWORD not in entry_as_text(entry)


def test_every_failure_and_the_locked_attempt_are_in_the_trail(client, member):
    fail(client, "lid", 10)
    attempt(client, "lid", PASSWORD)
    reasons = [entry.additional_data["reason"] for entry in entries(AuditEvent.LOGIN_FAILED)]
    assert reasons[:9] == ["credentials"] * 9
    assert reasons[-1] == "locked_out"
    assert len(reasons) == 11
    assert not entries(AuditEvent.LOGIN).exists()


def test_a_sign_in_is_recorded(client, member):
    attempt(client, "lid", PASSWORD)
    entry = entries(AuditEvent.LOGIN).get()
    assert entry.actor == member
    assert entry.object_pk == str(member.pk)
    assert entry.remote_addr == ADDRESS
    assert not entries(AuditEvent.LOGIN_FAILED).exists()


def test_a_two_step_sign_in_is_recorded_once_after_the_code(client, chair):
    device = TOTPDevice.objects.create(user=chair, name="default", confirmed=True)
    attempt(client, "voorzitter", PASSWORD)
    assert not entries(AuditEvent.LOGIN).exists()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    client.post(
        LOGIN,
        {"login_view-current_step": "token", "token-otp_token": f"{totp.token():06d}"},
        REMOTE_ADDR=ADDRESS,
    )
    assert signed_in(client)
    assert entries(AuditEvent.LOGIN).filter(actor=chair).count() == 1


def test_signing_out_is_recorded(client, member):
    attempt(client, "lid", PASSWORD)
    client.post("/account/uitloggen/", REMOTE_ADDR=ADDRESS)
    entry = entries(AuditEvent.LOGOUT).get()
    assert entry.actor == member


def test_the_trail_records_the_real_address_not_one_the_client_sends(client, member):
    sign_in(
        client, "lid", WRONG_PASSWORD, REMOTE_ADDR=ADDRESS, HTTP_X_FORWARDED_FOR="198.51.100.99"
    )
    assert AccessAttempt.objects.get().ip_address == ADDRESS
    assert entries(AuditEvent.LOGIN_FAILED).get().remote_addr == ADDRESS
