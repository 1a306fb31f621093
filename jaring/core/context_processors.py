from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from jaring.core import clock
from jaring.core.navigation import menu_for, menu_items_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return {
        "menu": menu_for(user) if signed_in else [],
        "menu_items": menu_items_for(user) if signed_in else [],
        "time_zone_name": clock.zone_name(),
    }
