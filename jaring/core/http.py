"""Small helpers for views: client address, and turning domain errors into pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render

from jaring.core.errors import DomainError


def client_ip(request: HttpRequest) -> str | None:
    # Behind the town hall's reverse proxy the first X-Forwarded-For hop is the client; only trust it there.
    return request.META.get("REMOTE_ADDR") or None


def domain_errors_as_pages(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A DomainError raised by a service or selector becomes a readable 4xx page, never a 500."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except DomainError as exc:
            return render(request, "core/error.html", {"message": exc.message}, status=exc.status_code)

    return wrapper
