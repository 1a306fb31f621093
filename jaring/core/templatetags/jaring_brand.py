"""`{% brand_funder as funder %}`: the funder whose page this is. A programme's page (public or officer) is its
programme's funder's, an application's its programme's; any other page of an officer their own funder's."""

from __future__ import annotations

from typing import Any

from django import template

from jaring.core.models import Funder

register = template.Library()


@register.simple_tag(takes_context=True)
def brand_funder(context: template.Context) -> Funder | None:
    for name in ("programme", "application"):
        found = context.get(name)
        funder: Any = getattr(found, "funder", None)
        if isinstance(funder, Funder):
            return funder
    request = context.get("request")
    user = getattr(request, "user", None)
    own = getattr(user, "funder", None) if getattr(user, "is_authenticated", False) else None
    return own if isinstance(own, Funder) else None
