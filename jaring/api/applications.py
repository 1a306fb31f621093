"""Partner registration (api-core.md): create an application, read it back, list the token's own, add a
document to it and send a returned one in again. Handlers translate HTTP to registry services only."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from ninja import File, Form, Query, Router, UploadedFile
from ninja.decorators import decorate_view
from pydantic import ValidationError

from jaring.api.auth import PartnerToken, partner
from jaring.api.common import page_of, partner_saw
from jaring.api.docs import openapi
from jaring.api.errors import field_errors, invalid_body, json_value
from jaring.api.idempotency import HEADER_DOC, Answer, run_once
from jaring.api.schemas import (
    ApplicationIn,
    ApplicationOut,
    ApplicationPage,
    DocumentOut,
    DuplicateOut,
    ErrorOut,
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
from jaring.core.models import ApiScope, ApiToken
from jaring.eligibility.models import DocumentKind
from jaring.programmes.models import Programme
from jaring.registry.intake import COLUMNS, ReferenceIndex, column_message, parse_applicant
from jaring.registry.models import Application, Channel
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

ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
CREATE = {201: ApplicationOut, **ERRORS, 409: DuplicateOut, 413: ErrorOut}
READ = {200: ApplicationOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
LIST = {200: ApplicationPage, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut}
DOCUMENT = {201: DocumentOut, **ERRORS}
SUBMIT = {200: ApplicationOut, **ERRORS}

_BODY_SCHEMA = {
    **ApplicationIn.model_json_schema(mode="validation"),
    "description": (
        "Kolom pemohon dengan nama kolom Template Impor Pendaftar, ditambah `programme`. NIK dan nomor KK dikirim "
        "sebagai teks. / The applicant's fields, named as the import file's columns, plus `programme`. Send the NIK "
        "and the family-card number as strings."
    ),
}


def application_out(application: Application) -> dict[str, Any]:
    """The answer as the schema makes it, JSON-ready: an Idempotency-Key keeps it as it is."""
    return ApplicationOut.model_validate(application).model_dump(mode="json")


def _column_errors(body: dict[str, Any]) -> dict[str, list[str]]:
    """What the schema refuses in the body (a value no spreadsheet cell holds, a text too long, a required
    column missing), each named as the import file names its column: "Kolom nik: ..."."""
    try:
        ApplicationIn.model_validate(body)
    except ValidationError as exc:
        refused = field_errors(exc.errors())
        return {column: [column_message(column, _sentence_part(m)) for m in refused[column]] for column in refused}
    return {}


def _sentence_part(message: str) -> str:
    return message[:1].lower() + message[1:]


def _open_programme(token: ApiToken, code: str) -> Programme:
    """The programme named in the body, if it can take the application: 404, 403 or 409 otherwise."""
    programme = programme_for_partner(token, code=code)
    try:
        programme_check_open(programme=programme)
    except DomainError as exc:
        raise Conflict(exc.message, field="programme") from None
    return programme


def _create(request: HttpRequest, token: ApiToken) -> Answer:
    # The body is validated here, not by ninja: the endpoint answers every problem at once, those of the
    # schema and those only the registry can judge (with the token's region), and keeps the answer for a retry.
    try:
        body = json_value(request.body)
    except ValueError:
        return 422, invalid_body({"body": [_("Isi permintaan bukan JSON yang sah.")]})
    if not isinstance(body, dict):
        return 422, invalid_body({"body": [_("Isi permintaan harus berupa objek JSON dengan kolom pemohon.")]})
    errors = _column_errors(body)
    # A text over its length never reaches a query: a refused programme code is not looked up.
    programme = None if "programme" in errors else _open_programme(token, body["programme"].strip())
    cells = {column: body.get(column) for column in COLUMNS if column not in errors}
    result = parse_applicant(
        cells, index=ReferenceIndex.cached(), region_code=token.funder.region_id, today=clock.today()
    )
    for column, messages in result.errors_by_field().items():
        errors.setdefault(column, messages)
    if errors or result.data is None or programme is None:
        return 422, invalid_body(errors)
    try:
        application = applicant_register(
            data=result.data, programme=programme, channel=Channel.API, actor=Actor.partner(token)
        )
    except DuplicateApplication as exc:
        message = exc.message  # names no person: the partner may have sent only a NIK
        return 409, {"detail": message, "errors": {"nik": [message]}, "number": exc.number}
    return 201, application_out(application)  # as saved: the service read it once, locked, and built it


@router.post(
    "",
    auth=PartnerToken(ApiScope.REGISTRATION),
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
    token = partner(request)
    return run_once(request, token=token, fingerprint=request.body, handle=lambda: _create(request, token))


@router.get(
    "",
    auth=PartnerToken(*READ_SCOPES),
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
    token = partner(request)
    applications = applications_of_token(token, status=status or "")
    count, rows, following = page_of(request, applications, page=page, page_size=page_size)
    return {"count": count, "next": following, "results": rows}


@router.get(
    "/{number}",
    auth=PartnerToken(*READ_SCOPES),
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
def application_detail(request: HttpRequest, number: str) -> Application:
    token = partner(request)
    application = application_of_funder(token, number=number)
    # Eligibility reasons speak of the person's age, income and cover: who read them is recorded (UU PDP).
    partner_saw(request, person_ref=str(application.person_id), what="api_application_detail")
    return application


@router.post(
    "/{number}/documents",
    auth=PartnerToken(ApiScope.REGISTRATION),
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
    token = partner(request)
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
        return 201, DocumentOut.model_validate(document).model_dump(mode="json")

    return run_once(request, token=token, fingerprint=fingerprint, handle=handle)


@router.post(
    "/{number}/submit",
    auth=PartnerToken(ApiScope.REGISTRATION),
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
    token = partner(request)
    application = application_of_token(token, number=number)

    def handle() -> Answer:
        application_resubmit(application=application, actor=Actor.partner(token))
        return 200, application_out(application_of_funder(token, number=application.number))

    return run_once(request, token=token, fingerprint=request.body, handle=handle)
