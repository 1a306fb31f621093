from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from jaring.core import clock
from jaring.core.navigation import menu_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "menu": menu_for(user) if user is not None and user.is_authenticated else [],
        "time_zone_name": clock.zone_name(),
    }
