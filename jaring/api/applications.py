"""Partner registration (api-core.md): create an application, read it back, list the token's own, add a
document to it and send a returned one in again. Handlers translate HTTP to registry services only."""

from __future__ import annotations

import hashlib
import math
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from ninja import File, Form, Query, Router, UploadedFile
from ninja.decorators import decorate_view

from jaring.api.auth import require_any_scope, require_scope
from jaring.api.common import page_of, wita
from jaring.api.docs import openapi
from jaring.api.errors import invalid_body, json_value
from jaring.api.idempotency import HEADER_DOC, Answer, run_once
from jaring.api.schemas import (
    ApplicationIn,
    ApplicationOut,
    ApplicationPage,
    DocumentOut,
    DuplicateOut,
    ErrorOut,
    text_limits,
)
from jaring.api.selectors import (
    application_of_funder,
    application_of_token,
    applications_of_token,
    programme_for_partner,
)
from jaring.core import clock
from jaring.core.actors import Actor
from jaring.core.errors import Conflict, DomainError
from jaring.core.http import client_ip
from jaring.core.models import ApiScope, ApiToken
from jaring.core.services import access_log_write
from jaring.eligibility.models import DocumentKind
from jaring.programmes.models import Programme
from jaring.registry.intake import COLUMNS, ReferenceIndex, parse_applicant
from jaring.registry.models import Application, Channel
from jaring.registry.selectors import public_reasons
from jaring.registry.services import (
    DuplicateApplication,
    Upload,
    applicant_register,
    application_resubmit,
    document_add,
    programme_check_open,
)
from jaring.registry.states import ApplicationStatus

router = Router(tags=["applications"])

READ_SCOPES = (ApiScope.REGISTRATION, ApiScope.REPORTS)
PAGE_SIZE_MAX = 500

# A JSON number loses digits in many partners' languages (JavaScript keeps 15-16), and an Excel-style
# serial date is not what anyone means in JSON: these columns must be strings.
IDENTITY_NUMBER_COLUMNS = frozenset({"nik", "no_kk"})
DATE_COLUMNS = frozenset({"tanggal_lahir", "domisili_sejak"})

ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
CREATE = {201: ApplicationOut, **ERRORS, 409: DuplicateOut, 413: ErrorOut}
READ = {200: ApplicationOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
LIST = {200: ApplicationPage, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut}
DOCUMENT = {201: DocumentOut, **ERRORS}
SUBMIT = {200: ApplicationOut, **ERRORS}

_BODY_SCHEMA = {
    **ApplicationIn.model_json_schema(),
    "description": (
        "Kolom pemohon dengan nama kolom Template Impor Pendaftar, ditambah `programme`. NIK dan nomor KK dikirim "
        "sebagai teks. / The applicant's fields, named as the import file's columns, plus `programme`. Send the NIK "
        "and the family-card number as strings."
    ),
}


def application_out(application: Application) -> dict[str, Any]:
    """The application as api-core.md shows it. No NIK, name or address: a partner reads only the application."""
    agency = application.verifying_agency
    return {
        "number": application.number,
        "programme": application.programme.code,
        "status": application.status,
        "eligible": application.eligible,
        "complete": application.complete,
        "eligibility": [
            {"rule": str(o.get("rule", "")), "passed": bool(o.get("passed")), "reason": str(o.get("reason", ""))}
            for o in application.eligibility
        ],
        "verifying_agency": agency.code.upper() if agency is not None else None,
        "submitted_at": wita(application.submitted_at),
        "reasons": public_reasons(application),
        "warnings": [str(w.get("message", "")) for w in application.warnings],
    }


TEXT_LIMITS = text_limits(ApplicationIn)


def _too_long(body: dict[str, Any]) -> dict[str, list[str]]:
    """A message for each text longer than the schema's `max_length` for it."""
    errors: dict[str, list[str]] = {}
    for column, limit in TEXT_LIMITS.items():
        value = body.get(column)
        if isinstance(value, str) and len(value) > limit:
            problem = _("paling banyak %(max)s karakter.") % {"max": limit}
            errors[column] = [_column_message(column, problem)]
    return errors


def _column_message(column: str, problem: str) -> str:
    return _("Kolom %(field)s: %(problem)s") % {"field": column, "problem": problem}


def _applicant_values(body: dict[str, Any]) -> tuple[dict[str, object], dict[str, list[str]]]:
    """The applicant columns of the body, and a type error for each column JSON gave the wrong kind of value.

    The cell parsers accept what a spreadsheet holds (text, numbers, nothing); anything else (true, a list,
    an object) is refused here, so the parsers never see it."""
    values: dict[str, object] = {}
    errors: dict[str, list[str]] = {}
    for column in COLUMNS:
        value = body.get(column)
        if value is None or isinstance(value, str):
            values[column] = value
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            problem = _("harus berupa teks.")
        elif column in IDENTITY_NUMBER_COLUMNS:
            problem = _("kirim sebagai teks (string) 16 angka, bukan angka JSON, supaya tidak ada digit yang hilang.")
        elif column in DATE_COLUMNS:
            problem = _("kirim tanggal sebagai teks, misalnya “1990-08-15”.")
        elif isinstance(value, float) and not math.isfinite(value):
            problem = _("angka terlalu besar.")
        else:
            values[column] = value
            continue
        errors[column] = [_column_message(column, problem)]
    return values, errors


def _programme(token: ApiToken, raw: object) -> tuple[Programme | None, str]:
    """The programme named in the body (404, 403 or 409 when it cannot take the application), or the problem
    of the field, reported by the caller together with the other fields."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, _("Wajib diisi dengan kode program, misalnya BPN-2026.")
    if not isinstance(raw, str):
        return None, _("Kode program harus berupa teks, misalnya BPN-2026.")
    programme = programme_for_partner(token, code=raw)
    try:
        programme_check_open(programme=programme)
    except DomainError as exc:
        raise Conflict(exc.message, field="programme") from None
    return programme, ""


def _create(request: HttpRequest, token: ApiToken) -> Answer:
    try:
        body = json_value(request.body)
    except ValueError:
        return 422, invalid_body({"body": [_("Isi permintaan bukan JSON yang sah.")]})
    if not isinstance(body, dict):
        return 422, invalid_body({"body": [_("Isi permintaan harus berupa objek JSON dengan kolom pemohon.")]})
    too_long = _too_long(body)
    if too_long:  # before any look-up: a 50,000-character code must never reach a query
        return 422, invalid_body(too_long)
    programme, problem = _programme(token, body.get("programme"))
    values, errors = _applicant_values(body)
    if problem:
        errors["programme"] = [problem]
    result = parse_applicant(
        values, index=ReferenceIndex.cached(), region_code=token.funder.region_id, today=clock.today()
    )
    for column, messages in result.errors_by_field().items():
        if column not in errors:  # the type error already says what is wrong with this column
            errors[column] = messages
    if errors or result.data is None or programme is None:
        return 422, invalid_body(errors)
    try:
        application = applicant_register(
            data=result.data, programme=programme, channel=Channel.API, actor=Actor.partner(token)
        )
    except DuplicateApplication as exc:
        message = exc.message  # names no person: the partner may have sent only a NIK
        return 409, {"detail": message, "errors": {"nik": [message]}, "number": exc.number}
    application = application_of_funder(token, number=application.number)
    return 201, application_out(application)


@router.post(
    "",
    response=CREATE,
    summary="Daftarkan pemohon / Register an applicant",
    description=(
        "Membuat pendaftaran pada program pemberi dana token ini dan langsung menilainya. Nama kolom sama dengan "
        "Template Impor Pendaftar. Semua masalah dijawab sekaligus (422). Orang yang sama sudah mendaftar: 409 "
        "dengan `number` pendaftaran yang ada. Cakupan: `registration`.\n\n"
        "Creates an application in a programme of the token's funder and assesses it at once. Field names are "
        "the import file's columns. Every problem is answered at once (422). The same person already applying: "
        "409 with the existing `number`. Scope: `registration`."
    ),
    openapi_extra=openapi(
        CREATE,
        texts={
            201: "Pendaftaran dibuat dan dinilai. / Application created and assessed.",
            403: "Token tanpa cakupan `registration`, atau program milik pemberi dana lain. / Token without "
            "the `registration` scope, or a programme of another funder.",
            404: "Program tidak ditemukan. / Unknown programme.",
            409: "Orang ini sudah punya pendaftaran aktif (lihat `number`), program tidak menerima pendaftaran, "
            "atau Idempotency-Key dipakai untuk isi lain. / The person already has an open application (see "
            "`number`), the programme is not accepting applications, or the Idempotency-Key was used with "
            "another body.",
        },
        parameters=[HEADER_DOC],
        request_body={"required": True, "content": {"application/json": {"schema": _BODY_SCHEMA}}},
    ),
)
@decorate_view(never_cache)
def application_create(request: HttpRequest) -> Any:
    token = require_scope(request, ApiScope.REGISTRATION)
    return run_once(request, token=token, fingerprint=request.body, handle=lambda: _create(request, token))


@router.get(
    "",
    response=LIST,
    summary="Pendaftaran yang dibuat token ini / Applications created by this token",
    description=(
        "Terbaru dahulu, per halaman (`page`, `page_size` sampai 500), bisa disaring dengan `status`. "
        "Cakupan: `registration` atau `reports`.\n\n"
        "Newest first, paginated (`page`, `page_size` up to 500), optionally filtered by `status`. "
        "Scope: `registration` or `reports`."
    ),
    openapi_extra=openapi(LIST),
)
@decorate_view(never_cache)
def application_list(
    request: HttpRequest,
    page: int = Query(1, ge=1, le=1_000_000),
    page_size: int = Query(100, ge=1, le=PAGE_SIZE_MAX),
    status: ApplicationStatus | None = None,
) -> dict[str, Any]:
    token = require_any_scope(request, *READ_SCOPES)
    applications = applications_of_token(token, status=status or "")
    count, rows, following = page_of(request, applications, page=page, page_size=page_size)
    return {"count": count, "next": following, "results": [application_out(a) for a in rows]}


@router.get(
    "/{number}",
    response=READ,
    summary="Satu pendaftaran / One application",
    description=(
        "Pendaftaran mana pun dari pemberi dana token ini; milik pemberi dana lain dijawab 404. Cakupan: "
        "`registration` atau `reports`.\n\n"
        "Any application of the token's funder; another funder's answers 404. Scope: `registration` or `reports`."
    ),
    openapi_extra=openapi(
        READ,
        texts={404: "Tidak ada pendaftaran ini di pemberi dana token. / No such application at the token's funder."},
    ),
)
@decorate_view(never_cache)
def application_detail(request: HttpRequest, number: str) -> dict[str, Any]:
    token = require_any_scope(request, *READ_SCOPES)
    application = application_of_funder(token, number=number)
    # Eligibility reasons speak of the person's age, income and cover: who read them is recorded (UU PDP).
    access_log_write(
        actor=Actor.partner(token),
        person_ref=str(application.person_id),
        what="api_application_detail",
        path=request.path,
        ip_address=client_ip(request),
        funder=token.funder,
    )
    return application_out(application)


@router.post(
    "/{number}/documents",
    response=DOCUMENT,
    summary="Tambah dokumen / Add a document",
    description=(
        "Multipart: `kind` (ktp, kk, aplikator_letter, sector_evidence) dan `file` (JPEG, PNG atau PDF, diperiksa "
        "dari isinya). Dokumen jenis yang sama sebelumnya diganti. Pendaftaran yang dikembalikan diajukan ulang "
        "dengan `POST .../submit`. Hanya pendaftaran yang dibuat token ini. Cakupan: `registration`.\n\n"
        "Multipart: `kind` and `file` (JPEG, PNG or PDF, checked by content). An earlier document of the same "
        "kind is superseded. Send a returned application in again with `POST .../submit`. Only applications this "
        "token created. Scope: `registration`."
    ),
    openapi_extra=openapi(
        DOCUMENT,
        texts={
            404: "Tidak ada pendaftaran ini yang dibuat token ini. / No such application created by this token.",
            409: "Pendaftaran sudah ditutup, atau Idempotency-Key dipakai untuk isi lain. / The application is "
            "closed, or the Idempotency-Key was used with another body.",
            422: "Jenis dokumen tidak dikenal atau berkas tidak diterima. / Unknown kind or file refused.",
        },
        parameters=[HEADER_DOC],
    ),
)
@decorate_view(never_cache)
def document_upload(request: HttpRequest, number: str, kind: Form[DocumentKind], file: File[UploadedFile]) -> Any:
    token = require_scope(request, ApiScope.REGISTRATION)
    application = application_of_token(token, number=number)
    # One byte past the limit is enough for the size check to refuse it, whatever was sent.
    content = file.read(settings.UPLOAD_MAX_BYTES + 1)
    # The multipart boundary changes on every retry, so the request is identified by what it carries.
    fingerprint = kind.value.encode() + b"\n" + hashlib.sha256(content).hexdigest().encode()

    def handle() -> Answer:
        upload = Upload(kind=kind, content=content, name=file.name or "")
        try:
            document = document_add(application=application, upload=upload, actor=Actor.partner(token))
        except DomainError as exc:
            if exc.status_code != DomainError.status_code:
                raise  # a closed application (409) is not a problem of the request's fields
            errors = {("file" if f.startswith("dokumen_") else f): m for f, m in exc.errors.items()}
            return 422, invalid_body(errors or {"file": [exc.message]})
        body = {
            "kind": document.kind,
            "sha256": document.sha256,
            "size": document.size,
            "content_type": document.content_type,
        }
        return 201, body

    return run_once(request, token=token, fingerprint=fingerprint, handle=handle)


@router.post(
    "/{number}/submit",
    response=SUBMIT,
    summary="Ajukan ulang / Send in again",
    description=(
        "Mengajukan ulang pendaftaran yang dikembalikan (setelah dokumennya dilengkapi); pendaftaran dinilai "
        "ulang dan, bila memenuhi syarat dan lengkap, masuk antrean verifikasi. Hanya pendaftaran yang dibuat "
        "token ini. Cakupan: `registration`.\n\n"
        "Sends a returned application in again (once its documents are added); it is assessed again and, when "
        "eligible and complete, goes to the verification queue. Only applications this token created. "
        "Scope: `registration`."
    ),
    openapi_extra=openapi(
        SUBMIT,
        texts={
            404: "Tidak ada pendaftaran ini yang dibuat token ini. / No such application created by this token.",
            409: "Pendaftaran tidak berstatus dikembalikan. / The application is not returned for correction.",
        },
        parameters=[HEADER_DOC],
    ),
)
@decorate_view(never_cache)
def application_send_again(request: HttpRequest, number: str) -> Any:
    token = require_scope(request, ApiScope.REGISTRATION)
    application = application_of_token(token, number=number)

    def handle() -> Answer:
        application_resubmit(application=application, actor=Actor.partner(token))
        return 200, application_out(application_of_funder(token, number=application.number))

    return run_once(request, token=token, fingerprint=request.body, handle=handle)
