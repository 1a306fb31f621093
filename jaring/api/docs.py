"""Texts of the OpenAPI document, in both languages at once: partners read it before they send a request."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

RESPONSES: dict[int, str] = {
    200: "Berhasil. / OK.",
    201: "Dibuat. / Created.",
    400: "Permintaan tidak dapat dibaca (mis. karakter NUL). / Malformed request (e.g. a NUL character).",
    401: "Token tidak sah, dicabut, atau tidak dikirim. / Missing, invalid or revoked bearer token.",
    403: "Token tidak memiliki cakupan yang diperlukan. / The token lacks the required scope.",
    404: "Tidak ditemukan. / Not found.",
    409: "Bertentangan dengan keadaan data saat ini. / Conflicts with the current state.",
    413: "Isi permintaan terlalu besar. / Request body too large.",
    422: (
        'Data tidak valid; setiap masalah disebut per kolom di "errors". / '
        'Invalid input; every problem is listed per field in "errors".'
    ),
    429: "Terlalu banyak permintaan; lihat header Retry-After. / Too many requests; see the Retry-After header.",
}


def openapi(
    codes: Iterable[int],
    *,
    texts: dict[int, str] | None = None,
    parameters: list[dict[str, Any]] | None = None,
    request_body: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """`openapi_extra` of an operation: a bilingual description for each of its answers (`codes`), and
    parameters or a request body the handler reads itself."""
    wording = {**RESPONSES, **(texts or {})}
    extra: dict[str, Any] = {"responses": {code: {"description": wording[code]} for code in codes}}
    if parameters:
        extra["parameters"] = parameters
    if request_body:
        extra["requestBody"] = request_body
    return extra


ERROR_SCHEMA = {"$ref": "#/components/schemas/ErrorOut"}


def declare_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Every operation declares the 4xx answers any request to it may get, each with the error shape: 400 (a
    NUL character, refused before any view), 422 (input the schema refuses), 401 and 403 when it needs a token,
    404 when its path names something, 413 for a body too large. An operation's own wording is kept."""
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            codes = [400, 422]
            if operation.get("security"):
                codes += [401, 403]
            if "{" in path:
                codes.append(404)
            if method.lower() in ("post", "put", "patch"):
                codes.append(413)
            for code in codes:
                if code not in responses and str(code) not in responses:
                    responses[code] = {
                        "description": RESPONSES[code],
                        "content": {"application/json": {"schema": ERROR_SCHEMA}},
                    }
    return schema
