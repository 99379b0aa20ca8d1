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
