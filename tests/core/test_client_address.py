"""The client's address behind the town hall's reverse proxy: X-Forwarded-For is believed only from a trusted
proxy, and then only its right-most untrusted hop (everything left of it is the client's to forge)."""

from __future__ import annotations

from ipaddress import ip_network
from typing import Any

import pytest
from django.test import RequestFactory

from jaring.core.http import client_ip

PROXY = "10.0.0.5"


def address(settings: Any, *, peer: str, forwarded: str | None = None, trusted: str = "") -> str | None:
    settings.TRUSTED_PROXIES = [ip_network(n.strip()) for n in trusted.split(",") if n.strip()]
    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **extra))


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "client"),
    [
        # No proxy trusted (the default): the peer, whatever the header says.
        ("203.0.113.9", "198.51.100.1", "", "203.0.113.9"),
        (PROXY, "198.51.100.1", "", PROXY),
        # The town hall's proxy: the client it saw.
        (PROXY, "198.51.100.1", PROXY, "198.51.100.1"),
        # A client forging the header: the proxy appended the real one on the right.
        (PROXY, "1.2.3.4, 198.51.100.1", PROXY, "198.51.100.1"),
        # Two proxies in a row, both trusted (a network and an address).
        (PROXY, "198.51.100.1, 10.0.1.7", "10.0.1.0/24,10.0.0.5", "198.51.100.1"),
        # A peer that is not a trusted proxy cannot speak for anyone.
        ("203.0.113.9", "198.51.100.1", PROXY, "203.0.113.9"),
        # Garbage where the proxy's hop should be: the proxy itself, never a forged address.
        (PROXY, "198.51.100.1, not-an-address", PROXY, PROXY),
        (PROXY, None, PROXY, PROXY),
        (PROXY, "2001:db8::7", PROXY, "2001:db8::7"),
    ],
)
def test_the_client_address(settings: Any, peer: str, forwarded: str | None, trusted: str, client: str) -> None:
    assert address(settings, peer=peer, forwarded=forwarded, trusted=trusted) == client
