"""Small helpers the API routers share."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from jaring.api.auth import partner
from jaring.core import clock
from jaring.core.actors import Actor
from jaring.core.http import client_ip
from jaring.core.services import access_log_write


def wita(moment: datetime | None) -> str | None:
    """ISO 8601 in the configured time zone (WITA, Asia/Makassar: +08:00), to the second."""
    if moment is None:
        return None
    return clock.local(moment).replace(microsecond=0).isoformat()


def partner_view(request: HttpRequest, *, person_ref: str, what: str, person_label: str = "") -> dict[str, Any]:
    """The access-log entry (keyword arguments of `access_log_write`) of personal data shown to the calling
    partner: who saw what, from where, for which funder (UU PDP)."""
    token = partner(request)
    return {
        "actor": Actor.partner(token),
        "person_ref": person_ref,
        "person_label": person_label,
        "what": what[:120],
        "path": request.path,
        "ip_address": client_ip(request),
        "funder": token.funder,
    }


def partner_saw(request: HttpRequest, *, person_ref: str, what: str, person_label: str = "") -> None:
    """Record that the calling partner was shown a person's data (or a list or file of them)."""
    access_log_write(**partner_view(request, person_ref=person_ref, what=what, person_label=person_label))


def page_of(
    request: HttpRequest, items: QuerySet[Any], *, page: int, page_size: int
) -> tuple[int, list[Any], str | None]:
    """One page of `items`: the total count, the page's rows, and the address of the next page (None on the
    last), keeping the request's other query parameters. A page past the end is empty, without asking the
    database for an offset it may not even accept."""
    count = items.count()
    offset = (page - 1) * page_size
    rows = list(items[offset : offset + page_size]) if offset < count else []
    following = None
    if offset + page_size < count:
        query = request.GET.copy()
        query["page"] = str(page + 1)
        query["page_size"] = str(page_size)
        following = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    return count, rows, following
