"""Every API error has one shape: {"detail": "...", "errors": {"field": ["message", ...]}}.

Messages follow the request's language (Bahasa Indonesia by default, English with Accept-Language: en).
Bad input is always a 4xx; a 500 here means a bug.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from jaring.core.errors import DomainError


def _field_name(loc: list[Any] | tuple[Any, ...]) -> str:
    # pydantic locations look like ("body", "payload", "nik"); the partner knows only "nik".
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "payload", "data")]
    return ".".join(parts) or "body"


def _translate(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("Wajib diisi.")
    if kind in {"string_type", "int_type", "int_parsing", "date_type", "date_from_datetime_parsing", "date_parsing"}:
        return _("Format tidak valid.")
    if kind == "string_too_long":
        return _("Terlalu panjang (maksimal %(n)s karakter).") % {"n": ctx.get("max_length", "?")}
    if kind == "value_error":
        return str(ctx.get("error", error.get("msg", "")))
    if kind == "json_invalid":
        return _("Isi permintaan bukan JSON yang sah.")
    return _("Nilai tidak valid.")


def install(api: NinjaAPI) -> None:
    @api.exception_handler(ValidationError)
    def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors: dict[str, list[str]] = {}
        for error in exc.errors:
            errors.setdefault(_field_name(error.get("loc", ())), []).append(_translate(error))
        return api.create_response(request, {"detail": _("Data tidak valid."), "errors": errors}, status=422)

    @api.exception_handler(DomainError)
    def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return api.create_response(request, {"detail": exc.message, "errors": exc.errors}, status=exc.status_code)

    @api.exception_handler(AuthenticationError)
    def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(
            request, {"detail": _("Token tidak sah, dicabut, atau tidak dikirim."), "errors": {}}, status=401
        )

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return api.create_response(request, {"detail": str(exc), "errors": {}}, status=exc.status_code)
