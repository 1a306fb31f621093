"""Request guards that hold for every page and endpoint."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import gettext as _


class RefuseNulCharacters:
    """A NUL character in a URL or form field is never meant: PostgreSQL cannot store it in text, and a
    view that passed it on would fail with a 500. Answer 400 before any view runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            refused = self._has_nul(request)
        except RequestDataTooBig:
            # Reading the form is where Django notices an oversized body; answer it here, as the view would.
            message = _("Isi permintaan terlalu besar.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message, "errors": {"body": [_("Terlalu besar.")]}}, status=413)
            return render(request, "core/error.html", {"message": message}, status=413)
        except MultiPartParserError:
            # A multipart body without a boundary, or cut short: Django would answer its HTML 400 page, which
            # an API client cannot read (and the OpenAPI document promises the error shape).
            message = _("Isi permintaan multipart tidak dapat dibaca.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message, "errors": {"body": [message]}}, status=400)
            return render(request, "core/error.html", {"message": message}, status=400)
        if refused:
            message = _("Permintaan berisi karakter yang tidak diizinkan (NUL).")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message, "errors": {}}, status=400)
            return render(request, "core/error.html", {"message": message}, status=400)
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        if "\x00" in request.path:
            return True
        sources = [request.GET, request.POST] if request.method == "POST" else [request.GET]
        if request.content_type == "multipart/form-data" and not hasattr(request, "_body"):
            # Reading the multipart form above streamed the body away; an endpoint that reads JSON from the raw
            # body afterwards (a partner sending a form to a JSON endpoint) would fail with a 500. For it the
            # body is empty: not JSON, answered 422 like any other body that is not JSON.
            request._body = b""
        for values in sources:
            for key, items in values.lists():
                if "\x00" in key or any("\x00" in item for item in items):
                    return True
        return False


# Everything a page needs is served by the app itself (STACK.md: no CDN): scripts and styles from this site
# only, never inline, never eval. Pico's icons are data: SVGs in its CSS.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# Swagger UI (the API docs) and the Django admin set style attributes from their own scripts; their scripts
# still come from this site only.
RELAXED_STYLE_PREFIXES = ("/api/v1/docs", "/admin/")
RELAXED_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "interest-cohort",
    )
)


class SecurityHeaders:
    """Content-Security-Policy and Permissions-Policy on every answer (HSTS, Referrer-Policy and nosniff come
    from Django's SecurityMiddleware and the settings). A view that sets its own CSP keeps it (a stored
    document served with a sandbox)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        relaxed = request.path.startswith(RELAXED_STYLE_PREFIXES)
        response.headers.setdefault(
            "Content-Security-Policy", RELAXED_CONTENT_SECURITY_POLICY if relaxed else CONTENT_SECURITY_POLICY
        )
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
