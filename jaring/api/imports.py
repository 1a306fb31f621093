"""Bulk import through the API (docs/import.md): a partner sends an applicant list (XLSX or CSV, the
format of spec/applicant-import.md), follows its progress and downloads the result file.

POST /api/v1/imports answers 202 at once: the list is checked as a whole (a file that cannot be imported is
a 422 and nothing is stored), then imported by the worker. A token sees only the imports it started.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.http import FileResponse, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from ninja import File, Form, Router, Schema, Status, UploadedFile
from ninja.decorators import decorate_view

from jaring.api.auth import PartnerToken, partner
from jaring.api.common import partner_saw, wita
from jaring.api.errors import invalid_body
from jaring.api.idempotency import HEADER_DOC, Answer, run_once
from jaring.api.schemas import ErrorOut
from jaring.core.actors import Actor
from jaring.core.errors import Conflict, DomainError, NotFound
from jaring.core.models import ApiScope, ApiToken
from jaring.programmes.models import Programme
from jaring.registry.imports.files import ImportFileError
from jaring.registry.imports.results import result_download_name, result_path
from jaring.registry.imports.services import import_batch_start
from jaring.registry.models import ImportBatch

router = Router(tags=["imports"])

ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class ImportOut(Schema):
    id: int
    programme: str
    file_name: str
    status: str
    rows_total: int
    rows_done: int
    created: int
    duplicate: int
    rejected: int
    unknown_columns: list[str]
    error: str
    status_url: str
    result_url: str | None
    created_at: str
    finished_at: str | None


def import_out(batch: ImportBatch) -> dict[str, Any]:
    done = batch.status == ImportBatch.Status.DONE
    return {
        "id": batch.pk,
        "programme": batch.programme.code,
        "file_name": batch.file_name,
        "status": batch.status,
        "rows_total": batch.rows_total,
        "rows_done": batch.rows_total if done else batch.rows_done,
        "created": batch.created_count,
        "duplicate": batch.duplicate_count,
        "rejected": batch.rejected_count,
        "unknown_columns": list(batch.unknown_columns),
        "error": batch.error,
        "status_url": reverse("api:import_detail", kwargs={"batch_id": batch.pk}),
        "result_url": reverse("api:import_result", kwargs={"batch_id": batch.pk})
        if done and batch.result_file
        else None,
        "created_at": wita(batch.created_at),
        "finished_at": wita(batch.finished_at),
    }


def _batch_of(token: ApiToken, batch_id: int) -> ImportBatch:
    batch = ImportBatch.objects.select_related("programme").filter(pk=batch_id, api_token=token).first()
    if batch is None:
        raise NotFound(_("Impor tidak ditemukan."))
    return batch


@router.post(
    "",
    auth=PartnerToken(ApiScope.REGISTRATION),
    response={202: ImportOut, **ERRORS, 413: ErrorOut, 422: ErrorOut},
    summary="Impor daftar pemohon / Import an applicant list",
    description=(
        "Multipart: `programme` (kode program pemberi dana token), `file` (XLSX atau CSV sesuai Template Impor "
        "Pendaftar), `documents_checked_by` (opsional: kantor yang sudah memeriksa dokumen di atas kertas). "
        "Berkas diperiksa dulu secara utuh (422 bila tidak dapat diimpor; tidak ada yang disimpan), lalu diimpor "
        "di latar belakang: jawaban 202 berisi `status_url`. Berkas yang sama ke program yang sama melanjutkan "
        "impor yang belum selesai. Cakupan: `registration`.\n\n"
        "Multipart: `programme` (a programme code of the token's funder), `file` (XLSX or CSV as the applicant "
        "import file), `documents_checked_by` (optional: the office that checked the documents on paper). The "
        "file is checked as a whole first (422 when it cannot be imported; nothing is stored), then imported in "
        "the background: the 202 answer carries `status_url`. The same file into the same programme resumes an "
        "unfinished import. Scope: `registration`."
    ),
    openapi_extra={"parameters": [HEADER_DOC]},
)
@decorate_view(never_cache)
def import_create(
    request: HttpRequest,
    programme: Form[str],
    file: File[UploadedFile],
    documents_checked_by: Form[str] = "",
) -> Any:
    token = partner(request)
    target = Programme.objects.filter(code=programme.strip()[:30], funder=token.funder).first()
    if target is None:
        raise NotFound(_("Program %(code)s tidak ditemukan.") % {"code": programme.strip()[:30]}, field="programme")
    if file.size is not None and file.size > settings.IMPORT_MAX_BYTES:
        message = _("Berkas terlalu besar; paling besar %(max)s MB.") % {"max": settings.IMPORT_MAX_BYTES // 1_048_576}
        return Status(413, {"detail": message, "errors": {"file": [message]}})
    content = file.read()
    fingerprint = "\n".join([target.code, documents_checked_by.strip(), hashlib.sha256(content).hexdigest()]).encode()

    def handle() -> Answer:
        try:
            batch, _checked = import_batch_start(
                programme=target,
                actor=Actor.partner(token),
                file_name=file.name or "impor",
                content=content,
                documents_checked_by=documents_checked_by,
            )
        except ImportFileError as exc:
            return 422, invalid_body({"file": [exc.message]})
        except DomainError as exc:
            if exc.status_code != DomainError.status_code:
                raise  # a closed programme (400) stays a 400; refusals of scope are 403
            return 422, invalid_body(exc.errors or {"file": [exc.message]})
        return 202, import_out(batch)

    return run_once(request, token=token, fingerprint=fingerprint, handle=handle)


@router.get(
    "/{batch_id}",
    auth=PartnerToken(ApiScope.REGISTRATION),
    response={200: ImportOut, **ERRORS},
    url_name="import_detail",
    summary="Status impor / Import status",
    description="Status, kemajuan dan jumlah baris per hasil. / Status, progress and row counts per outcome.",
)
@decorate_view(never_cache)
def import_detail(request: HttpRequest, batch_id: int) -> Any:
    token = partner(request)
    return import_out(_batch_of(token, batch_id))


@router.get(
    "/{batch_id}/result",
    auth=PartnerToken(ApiScope.REGISTRATION),
    response={200: None, **ERRORS},
    url_name="import_result",
    summary="Berkas hasil impor / Import result file",
    description=(
        "Lembar asli ditambah kolom `status`, `nomor_pendaftaran` dan `alasan` (XLSX). 409 bila impor belum "
        "selesai atau berkas hasilnya masih ditulis (`result_url` masih null). / The original sheet plus `status`, "
        "`nomor_pendaftaran` and `alasan` (XLSX). 409 while the import is not done or its result file is still "
        "being written (`result_url` still null)."
    ),
)
@decorate_view(never_cache)
def import_result(request: HttpRequest, batch_id: int) -> Any:
    token = partner(request)
    batch = _batch_of(token, batch_id)
    path = result_path(batch) if batch.result_file else None
    if batch.status != ImportBatch.Status.DONE or path is None or not path.is_file():
        raise Conflict(_("Impor belum selesai; berkas hasil belum tersedia."))
    # The result holds every row's personal data: who downloaded it is recorded (UU PDP).
    partner_saw(request, person_ref=f"import:{batch.pk}", person_label=batch.file_name, what="api_import_result")
    return FileResponse(path.open("rb"), as_attachment=True, filename=result_download_name(batch))
