"""The client's address behind reverse proxies: what the lockout and the audit trail use."""

import pytest
from django.test import RequestFactory

from rodedraden.accounts.network import client_ip
from tests.conftest import sign_in
from tests.factories import PASSWORD

PEER = "10.0.0.1"


def request(forwarded: str = ""):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return RequestFactory().get("/", REMOTE_ADDR=PEER, **extra)


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.5", PEER),  # no proxy: the header is the client's own, never believed
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "198.51.100.7, 203.0.113.5", "203.0.113.5"),  # the first entry was sent by the client
        (2, "198.51.100.7, 203.0.113.5, 192.0.2.10", "203.0.113.5"),
        (2, "203.0.113.5", PEER),  # fewer entries than proxies: not through them
        (1, "not-an-address", PEER),
        (1, "", PEER),
    ],
)
def test_the_client_is_the_entry_the_trusted_proxies_added(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_ip(request(forwarded)) == expected


@pytest.mark.django_db
def test_behind_a_proxy_one_client_locking_itself_out_does_not_lock_out_another(
    settings, client, member
):
    """With the proxy's own address every client would share one lock; the lockout is per
    client address."""
    settings.TRUSTED_PROXY_COUNT = 1
    attacker = {"REMOTE_ADDR": PEER, "HTTP_X_FORWARDED_FOR": "203.0.113.5"}
    colleague = {"REMOTE_ADDR": PEER, "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, member.username, "wrong password", **attacker)
    assert sign_in(client, member.username, PASSWORD, **attacker).status_code == 429
    assert sign_in(client, member.username, PASSWORD, **colleague).status_code == 302


def addresses(count: int) -> list[str]:
    return [f"203.0.113.{number}" for number in range(1, count + 1)]


@pytest.mark.django_db
def test_failures_across_many_addresses_lock_that_username_only(settings, member, body):
    """Issue 17, point 4: below the per-address limit at every address, the failures for one
    username add up across addresses to a limit of their own; that username is locked
    everywhere, another is not."""
    from tests.conftest import Client
    from tests.factories import MembershipFactory

    MembershipFactory(body=body, user__username="collega")
    settings.TRUSTED_PROXY_COUNT = 1
    per_address = settings.AXES_FAILURE_LIMIT - 1
    spread = addresses(settings.AXES_USERNAME_FAILURE_LIMIT // per_address + 1)
    failures = 0
    for address in spread:
        for _ in range(per_address):
            if failures == settings.AXES_USERNAME_FAILURE_LIMIT - 1:
                break
            response = sign_in(
                Client(),
                member.username,
                "wrong password",
                REMOTE_ADDR=PEER,
                HTTP_X_FORWARDED_FOR=address,
            )
            assert response.status_code == 200
            failures += 1
    # One more, from an address that never failed before, reaches the limit.
    fresh = {"REMOTE_ADDR": PEER, "HTTP_X_FORWARDED_FOR": "198.51.100.200"}
    assert sign_in(Client(), member.username, "wrong password", **fresh).status_code == 429
    # The username is locked everywhere now, with the right password too.
    elsewhere = {"REMOTE_ADDR": PEER, "HTTP_X_FORWARDED_FOR": "198.51.100.201"}
    assert sign_in(Client(), member.username, PASSWORD, **elsewhere).status_code == 429
    # Another username from those very addresses is not.
    for address in (spread[0], "198.51.100.200"):
        other = {"REMOTE_ADDR": PEER, "HTTP_X_FORWARDED_FOR": address}
        assert sign_in(Client(), "collega", PASSWORD, **other).status_code == 302


@pytest.mark.django_db
def test_below_the_per_username_limit_a_right_password_signs_in_from_a_new_address(
    settings, member
):
    from tests.conftest import Client

    settings.TRUSTED_PROXY_COUNT = 1
    for address in addresses(3):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            sign_in(
                Client(),
                member.username,
                "wrong password",
                REMOTE_ADDR=PEER,
                HTTP_X_FORWARDED_FOR=address,
            )
    fresh = {"REMOTE_ADDR": PEER, "HTTP_X_FORWARDED_FOR": "198.51.100.200"}
    assert sign_in(Client(), member.username, PASSWORD, **fresh).status_code == 302
