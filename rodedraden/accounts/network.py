"""The address a request comes from, behind a known number of reverse proxies."""

from ipaddress import ip_address

from django.conf import settings


def client_ip(request) -> str | None:
    """The client's address for the lockout (django-axes) and the audit trail.

    Without proxies (TRUSTED_PROXY_COUNT = 0) it is the peer's address. Behind N proxies,
    each of which appends the address it received the request from to X-Forwarded-For, the
    client is the N-th entry from the end: what the client wrote into the header itself comes
    before that and is never believed.
    """
    peer = request.META.get("REMOTE_ADDR")
    hops = settings.TRUSTED_PROXY_COUNT
    if not hops:
        return peer
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < hops:
        return peer
    candidate = forwarded[-hops]
    try:
        return str(ip_address(candidate))
    except ValueError:
        return peer
