"""Small helpers for views: client address, and turning domain errors into pages."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render

from jaring.core.errors import DomainError

if TYPE_CHECKING:
    from jaring.core.models import Funder


def _address(raw: str) -> IPv4Address | IPv6Address | None:
    try:
        return ip_address(raw.strip())
    except ValueError:
        return None


def _trusted(address: IPv4Address | IPv6Address) -> bool:
    proxies: Iterable[IPv4Network | IPv6Network] = settings.TRUSTED_PROXIES
    return any(address in network for network in proxies)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, as rate limits and logs key on it.

    The direct peer, unless it is one of JARING_TRUSTED_PROXIES: then the right-most address of
    X-Forwarded-For that is not a trusted proxy. Everything left of that was written by the client and may be
    forged; a proxy appends the address it saw, so the right-most untrusted one is the last honest hop."""
    peer = request.META.get("REMOTE_ADDR") or None
    peer_address = _address(peer) if peer else None
    if peer_address is None or not _trusted(peer_address):
        return peer
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    client = peer_address
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break  # garbage where a proxy should have written an address: keep the last one we believe
        client = address
        if not _trusted(address):
            break
    return str(client)


def domain_errors_as_pages(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A DomainError raised by a service or selector becomes a readable 4xx page, never a 500."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except DomainError as exc:
            return render(request, "core/error.html", {"message": exc.message}, status=exc.status_code)

    return wrapper


def officer_saw(request: HttpRequest, *, funder: Funder | None, ref: str, label: str, what: str) -> None:
    """Log that the signed-in officer was shown personal data on this page (the personal-data access log)."""
    from jaring.core.actors import officer_of
    from jaring.core.services import access_log_write

    access_log_write(
        actor=officer_of(request),
        person_ref=ref,
        person_label=label,
        what=what,
        path=request.path,
        ip_address=client_ip(request),
        funder=funder,
    )
