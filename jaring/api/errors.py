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
from django.utils.translation import gettext_lazy
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


def invalid(errors: dict[str, list[str]]) -> Unprocessable:
    """Input refused with a message per field, raised as the schema's own refusals are answered."""
    return Unprocessable(_("Data tidak valid."), errors=errors)


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


# Every body of this API is a JSON object. One that is not (null, a list, a string) is left to the schema,
# which names the fields it lacks; the parser marks the request so that the answer names the body too.
NOT_AN_OBJECT = "jaring.body_not_an_object"


class StrictJsonParser(Parser):
    def parse_body(self, request: HttpRequest) -> Any:
        value = json_value(request.body)
        if not isinstance(value, dict):
            request.META[NOT_AN_OBJECT] = True
        return value


def field_errors(errors: list[Any]) -> dict[str, list[str]]:
    """Pydantic's errors (a schema's refusals) as the API's `errors`: a message per field, in the request's
    language. The one translation of schema errors, for ninja's and for a handler that validates itself."""
    named: dict[str, list[str]] = {}
    for error in errors:
        messages = named.setdefault(_field_name(error.get("loc", ())), [])
        message = _translate(error)
        if message not in messages:  # five hundred wrong items of one list are one problem of the list
            messages.append(message)
    return named


def _field_name(loc: list[Any] | tuple[Any, ...]) -> str:
    # pydantic locations look like ("body", "payload", "nik"), ("body", "payload", "fixes", 3) or ("body",
    # "payload", "heirs", 1, "nik"); the partner knows "nik", "fixes" (a wrong item is a problem of the list) and
    # "heirs.1.nik" (a field of the second heir).
    named = [p for p in loc if p not in LOCATION_PARTS]
    while named and isinstance(named[-1], int):
        named.pop()
    parts = [str(p) for p in named]
    if len(parts) == 2 and parts[0] == parts[1]:
        parts = parts[:1]  # a multipart file: ("file", "file")
    return ".".join(parts) or "body"


LOCATION_PARTS = frozenset({"body", "query", "path", "header", "payload", "data", "form"})
# What each kind of pydantic refusal says, in the request's language: a fixed message, or one that names the
# bound from the error's context.
FIXED_MESSAGES: dict[str, Any] = {
    "missing": gettext_lazy("Wajib diisi."),
    "string_type": gettext_lazy("Harus berupa teks."),
    "int_type": gettext_lazy("Harus berupa bilangan bulat."),
    "bool_type": gettext_lazy("Harus berupa true atau false."),
    "list_type": gettext_lazy("Harus berupa daftar."),
    "model_attributes_type": gettext_lazy("Isi permintaan harus berupa objek JSON."),
    "dict_type": gettext_lazy("Harus berupa objek JSON."),
    **dict.fromkeys(
        ("date_type", "date_from_datetime_parsing", "date_parsing", "int_parsing", "json_invalid"),
        gettext_lazy("Format tidak valid."),
    ),
}
BOUNDED_MESSAGES: dict[str, tuple[Any, str]] = {
    "string_too_short": (gettext_lazy("Paling sedikit %(n)s karakter."), "min_length"),
    "string_too_long": (gettext_lazy("Paling banyak %(n)s karakter."), "max_length"),
    "too_short": (gettext_lazy("Paling sedikit %(n)s butir."), "min_length"),
    "too_long": (gettext_lazy("Paling banyak %(n)s butir."), "max_length"),
    "greater_than_equal": (gettext_lazy("Paling kecil %(n)s."), "ge"),
    "less_than_equal": (gettext_lazy("Paling besar %(n)s."), "le"),
}


def _translate(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        kind = "missing"  # an empty text where one is required
    if kind in FIXED_MESSAGES:
        return str(FIXED_MESSAGES[kind])
    if kind in BOUNDED_MESSAGES:
        message, bound = BOUNDED_MESSAGES[kind]
        return str(message) % {"n": ctx.get(bound, "?")}
    if kind in {"enum", "literal_error"}:
        choices = str(ctx.get("expected", "")).replace("'", "").replace(" or ", ", ")
        return _("Pilihan tidak dikenal; pilih salah satu dari: %(choices)s.") % {"choices": choices}
    if kind == "value_error":
        return str(ctx.get("error", error.get("msg", "")))
    return _("Nilai tidak valid.")


def install(api: NinjaAPI) -> None:
    @api.exception_handler(ValidationError)
    def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = field_errors(list(exc.errors))
        if request.META.get(NOT_AN_OBJECT):
            errors = {"body": [_("Isi permintaan harus berupa objek JSON.")], **errors}
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
