"""`Idempotency-Key` on partner writes: a retry of the same request replays the first answer.

A partner whose connection dropped cannot know whether its write happened; with the same key it can send
the request again and get the first answer back instead of a second application. The request is
identified by a fingerprint of what it means (path and body), so a different body under the same key is
a 409, and so is a retry that arrives while the first request is still running.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _

from jaring.api.errors import Unprocessable
from jaring.core.errors import Conflict
from jaring.core.models import ApiToken
from jaring.core.services import idempotency_answer, idempotency_claim, idempotency_release, request_hash

HEADER = "Idempotency-Key"
KEY_MAX_LENGTH = 200  # core.IdempotencyRecord.key

Answer = tuple[int, dict[str, Any]]

HEADER_DOC = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "schema": {"type": "string", "maxLength": KEY_MAX_LENGTH},
    "description": (
        "Opsional. Kunci yang sama dengan isi yang sama mengembalikan jawaban pertama tanpa membuat data baru; "
        "kunci yang sama dengan isi berbeda menjawab 409. / Optional. The same key with the same body replays "
        "the first answer (with the header Idempotent-Replayed: true) and creates nothing; the same key with a "
        "different body answers 409."
    ),
}


def idempotency_key(request: HttpRequest) -> str | None:
    key = request.headers.get(HEADER, "").strip()
    if not key:
        return None
    if len(key) > KEY_MAX_LENGTH:
        raise Unprocessable(_("Idempotency-Key paling panjang %(n)s karakter.") % {"n": KEY_MAX_LENGTH}, field=HEADER)
    return key


def run_once(
    request: HttpRequest, *, token: ApiToken, fingerprint: bytes, handle: Callable[[], Answer]
) -> JsonResponse:
    """Run `handle` once per Idempotency-Key (or plainly when the request has none).

    What `handle` returns is an answer of the request, its body already made by the operation's schema
    (`Out.model_dump(mode="json")`), and is recorded for replay whatever its status (a created application, a
    duplicate, invalid fields: a retry must answer the same). It is sent as it is kept, so a replay is the
    first answer byte for byte. What `handle` raises (an unknown or closed programme, or a bug) is not
    recorded, so the partner may retry under the same key once the cause is fixed.
    """
    key = idempotency_key(request)
    if key is None:
        return _answer(*handle())
    digest = request_hash((request.method or "").encode() + b" " + request.path.encode() + b"\n" + fingerprint)
    record = idempotency_claim(token=token, key=key, body_hash=digest)
    if record is not None:
        if record.status_code is None:
            raise Conflict(
                _("Permintaan dengan Idempotency-Key ini masih diproses; ulangi sebentar lagi."), field=HEADER
            )
        replay = _answer(record.status_code, record.response)
        replay["Idempotent-Replayed"] = "true"
        return replay
    try:
        status, body = handle()
    except BaseException:
        idempotency_release(token=token, key=key)
        raise
    idempotency_answer(token=token, key=key, status_code=status, response=body)
    return _answer(status, body)


def _answer(status: int, body: dict[str, Any]) -> JsonResponse:
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
