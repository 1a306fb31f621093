"""Every API error has one shape: {"detail": "...", "errors": {"field": ["message", ...]}}.

Messages follow the request's language (Bahasa Indonesia by default, English with Accept-Language: en).
Bad input is always a 4xx; a 500 here means a bug.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from jaring.core.errors import DomainError


class Unprocessable(DomainError):
    """Input that is well-formed but cannot be used (a document that is not what it claims to be)."""

    status_code = 422


class TooManyRequests(DomainError):
    status_code = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def error_body(exc: DomainError) -> dict[str, Any]:
    return {"detail": exc.message, "errors": exc.errors}


def invalid_body(errors: dict[str, list[str]]) -> dict[str, Any]:
    return {"detail": _("Data tidak valid."), "errors": errors}


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def json_value(raw: bytes) -> Any:
    """The JSON in a request body, strictly: NaN and Infinity (which Python accepts) and nesting deep enough
    to exhaust the stack are refused as ValueError like any other malformed body."""
    try:
        value = json.loads(raw, parse_constant=_refuse_constant)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
    if _has_nul(value):
        # Valid JSON, but PostgreSQL cannot store a NUL in text: refuse it here as bad input, never a 500.
        raise ValueError("a string contains NUL")
    return value


def _has_nul(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


class StrictJsonParser(Parser):
    def parse_body(self, request: HttpRequest) -> Any:
        return json_value(request.body)


def _field_name(loc: list[Any] | tuple[Any, ...]) -> str:
    # pydantic locations look like ("body", "payload", "nik"); the partner knows only "nik".
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "payload", "data", "form")]
    if len(parts) == 2 and parts[0] == parts[1]:
        parts = parts[:1]  # a multipart file: ("file", "file")
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
    if kind in {"greater_than_equal", "less_than_equal"}:
        bound = ctx.get("ge", ctx.get("le", "?"))
        if kind == "greater_than_equal":
            return _("Paling kecil %(n)s.") % {"n": bound}
        return _("Paling besar %(n)s.") % {"n": bound}
    if kind == "enum":
        return _("Pilihan tidak dikenal; pilih salah satu dari: %(choices)s.") % {"choices": ctx.get("expected", "")}
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
        return api.create_response(request, invalid_body(errors), status=422)

    @api.exception_handler(DomainError)
    def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        response = api.create_response(request, error_body(exc), status=exc.status_code)
        if isinstance(exc, TooManyRequests):
            response["Retry-After"] = str(exc.retry_after)
        return response

    @api.exception_handler(AuthenticationError)
    def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(
            request, {"detail": _("Token tidak sah, dicabut, atau tidak dikirim."), "errors": {}}, status=401
        )

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400 and isinstance(exc.__cause__, ValueError):
            # django-ninja answers a body it cannot parse with a bare 400; the contract says 422, naming the body.
            body = invalid_body({"body": [_("Isi permintaan bukan JSON yang sah.")]})
            return api.create_response(request, body, status=422)
        return api.create_response(request, {"detail": str(exc), "errors": {}}, status=exc.status_code)

    @api.exception_handler(RequestDataTooBig)
    def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return api.create_response(
            request,
            {"detail": _("Isi permintaan terlalu besar."), "errors": {"body": [_("Terlalu besar.")]}},
            status=413,
        )
