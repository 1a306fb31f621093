"""Small helpers every API router shares."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from jaring.core.models import ApiToken


def wita(moment: datetime | None) -> str | None:
    """ISO 8601 in the configured time zone (WITA, Asia/Makassar: +08:00), to the second, whatever time zone
    the request happens to have activated."""
    if moment is None:
        return None
    return timezone.localtime(moment, timezone.get_default_timezone()).replace(microsecond=0).isoformat()


def token_actor(token: ApiToken) -> str:
    """How a partner token appears as the actor of audit records and personal-data access logs."""
    return f"api:{token.name}"
