"""Small helpers the API routers share."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from jaring.core import clock
from jaring.core.models import ApiToken


def wita(moment: datetime | None) -> str | None:
    """ISO 8601 in the configured time zone (WITA, Asia/Makassar: +08:00), to the second."""
    if moment is None:
        return None
    return clock.local(moment).replace(microsecond=0).isoformat()


def token_actor(token: ApiToken) -> str:
    """How a partner token appears as the actor of audit records and personal-data access logs."""
    return f"api:{token.name}"


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
