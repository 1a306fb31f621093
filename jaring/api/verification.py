"""An agency's own system works its verification queue (issue 4): list the applications waiting for the
agency, read one with its documents, and approve, return or reject it, one by one or many approvals at once.

A token acts for one agency of its funder (`ApiToken.agency`, scope "verification"). "The queue" of a token
is every application routed to its agency: the list shows the open work by default, the detail, documents and
decisions find the decided ones too, so a retry after a lost answer reads 409 rather than 404. Anything outside
the queue (another agency's, another funder's, an unknown number) is the same 404, so numbers cannot be probed.

The agency's system matches the NIK against its own records, so the queue carries it in full, and every
person shown is recorded in the access log (UU PDP). Decisions are the verification services' own: each one a
Decision row, an audit record and a message to the applicant.
"""

from __future__ import annotations

import enum
from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from ninja import Field, Path, Query, Router, Schema
from ninja.decorators import decorate_view
from pydantic import StrictInt, StrictStr

from jaring.api.applications import PAGE_SIZE_MAX
from jaring.api.auth import PartnerToken, partner
from jaring.api.common import page_of, partner_view
from jaring.api.docs import openapi
from jaring.api.errors import invalid, invalid_body
from jaring.api.idempotency import HEADER_DOC, Answer, run_once
from jaring.api.schemas import EligibilityOut, ErrorOut, Out, WitaMoment
from jaring.api.selectors import programme_for_partner
from jaring.core.actors import Actor
from jaring.core.errors import DomainError, NotFound, PermissionDenied
from jaring.core.models import ApiScope, ApiToken, Region, Sector
from jaring.core.selectors import Scope, region_by_code
from jaring.core.services import access_log_write, access_logs_write
from jaring.programmes.models import Programme, RejectionReason
from jaring.programmes.selectors import rejection_reasons_of
from jaring.registry.documents import document_response
from jaring.registry.models import Application, Document
from jaring.registry.selectors import public_reasons
from jaring.registry.states import ApplicationStatus
from jaring.verification import selectors as queues
from jaring.verification.models import Decision, Fix, Outcome
from jaring.verification.services import BULK_MAX, NOTE_MAX, DecisionInput, application_decide, applications_approve

# Every path is an agency's own system: a token with the "verification" scope, tied to its agency.
router = Router(tags=["verification"], auth=PartnerToken(ApiScope.VERIFICATION, agency=True))

# Primary keys are bigints: a larger number cannot name a row, and the database would refuse it as a parameter.
ID_MAX = 2**63 - 1
NUMBER_MAX = 40
FIXES_MAX = 50

AUTH = {401: ErrorOut, 403: ErrorOut}
FORBIDDEN_TEXT = (
    "Token tanpa cakupan `verification`, atau token verifikasi yang tidak terhubung ke instansi. / Token without "
    "the `verification` scope, or a verification token not tied to an agency."
)
NOT_IN_QUEUE_TEXT = (
    "Tidak ada di antrean instansi token ini (nomor tidak dikenal, instansi atau pemberi dana lain). / Not in "
    "this token's agency queue (unknown number, another agency or another funder)."
)


# -- schemas ----------------------------------------------------------------------------------------------


class QueueStatus(enum.StrEnum):
    # The verifiers' queue statuses (verification.selectors) the API offers.
    WAITING = queues.WAITING
    OVERDUE = queues.OVERDUE
    RETURNED = queues.RETURNED
    ALL = queues.ALL


class KelurahanOut(Out):
    code: str = Field(examples=["64.71.01.1001"])
    name: str = Field(examples=["Manggar"])


class QueueDocumentOut(Out):
    id: int
    kind: str = Field(description="ktp, kk, aplikator_letter, sector_evidence")
    content_type: str = Field(examples=["image/jpeg", "application/pdf"])
    size: int
    sha256: str
    url: str = Field(description="Unduh berkasnya (token yang sama) / download the file (same token)")

    @staticmethod
    def resolve_url(document: Document, context: dict[str, Any]) -> str:
        kwargs = {"number": document.application.number, "document_id": document.pk}
        return str(context["request"].build_absolute_uri(reverse("api:verification_document", kwargs=kwargs)))


class QueueItemOut(Out):
    """An application of `_queue`: it carries `is_overdue` and its prefetched `current_documents`."""

    number: str = Field(examples=["BPN-2026-000123"])
    programme: str = Field(examples=["BPN-2026"], validation_alias="programme.code")
    status: ApplicationStatus
    name: str = Field(validation_alias="person.name")
    nik: str = Field(
        description="NIK lengkap, untuk dicocokkan dengan data instansi / the full NIK, to match",
        validation_alias="person.nik",
    )
    sex: str = Field(description="L/P", validation_alias="person.sex")
    birth_date: date = Field(validation_alias="person.birth_date")
    kelurahan: KelurahanOut
    sector: str = Field(examples=["nelayan"], validation_alias="sector.code")
    aplikator: str = Field(validation_alias="person.aplikator")
    monthly_income: int = Field(
        description="Rupiah per bulan / Rupiah a month", validation_alias="person.monthly_income"
    )
    submitted_at: WitaMoment | None = Field(description="ISO 8601, WITA (+08:00)")
    queued_at: WitaMoment | None = Field(
        description="Masuk antrean instansi, WITA (+08:00) / entered the agency's queue"
    )
    verification_due: date | None = Field(description="Hari kerja terakhir untuk memutuskan / last working day")
    overdue: bool = Field(validation_alias="is_overdue")
    eligibility: list[EligibilityOut]
    reasons: list[str] = Field(description="Alasan status yang dibaca pemohon / reasons the applicant reads")
    documents: list[QueueDocumentOut] = Field(
        description="Dokumen yang berlaku / current documents", validation_alias="current_documents"
    )

    @staticmethod
    def resolve_reasons(application: Application) -> list[str]:
        return public_reasons(application)


class QueuePage(Out):
    count: int
    next: str | None
    results: list[QueueItemOut]


class DecisionOut(Out):
    id: int
    number: str = Field(validation_alias="application.number")
    outcome: Outcome
    reason_id: int | None
    reason: str | None = Field(description="Alasan penolakan / rejection reason")
    fixes: list[str]
    note: str
    decided_at: WitaMoment = Field(description="ISO 8601, WITA (+08:00)")
    due: date
    late: bool = Field(description="Diputuskan setelah batas waktu / decided after the deadline")
    status: ApplicationStatus = Field(
        description="Status pendaftaran sesudah keputusan / the application's status",
        validation_alias="application.status",
    )

    @staticmethod
    def resolve_reason(decision: Decision) -> str | None:
        return decision.reason.label if decision.reason is not None else None


class ApplicationDetailOut(QueueItemOut):
    decisions: list[DecisionOut] = Field(
        description="Keputusan instansi, terbaru dahulu / decisions, newest first", validation_alias="agency_decisions"
    )


class DecisionIn(Schema):
    """The body of a decision. Strict: a number sent as text, or `true` for an id, is refused, never guessed."""

    outcome: Outcome = Field(description="approve (setujui), return (kembalikan) atau reject (tolak)")
    reason_id: StrictInt | None = Field(
        None,
        ge=1,
        le=ID_MAX,
        description="Wajib untuk reject: `id` dari GET /verification/rejection-reasons / required to reject",
    )
    fixes: list[Fix] = Field(
        [],
        max_length=FIXES_MAX,
        description="Untuk return: butir yang harus diperbaiki / for return: what the applicant must fix",
    )
    note: StrictStr = Field("", max_length=NOTE_MAX, description="Catatan untuk pemohon / a note the applicant reads")


class ApproveIn(Schema):
    numbers: list[StrictStr] = Field(
        min_length=1, max_length=BULK_MAX, examples=[["BPN-2026-000123", "BPN-2026-000124"]]
    )
    note: StrictStr = Field("", max_length=NOTE_MAX, description="Catatan untuk pemohon / a note the applicants read")


class SkippedOut(Schema):
    number: str
    reason: str


class ApproveOut(Schema):
    approved: list[str] = Field(description="Disetujui dan mendapat tempat / approved, with a place")
    waitlisted: list[str] = Field(
        description=(
            "Disetujui, tetapi kuota program penuh: masuk daftar tunggu / approved, but the programme's quota is "
            "full: on the waiting list"
        )
    )
    skipped: list[SkippedOut]


class RejectionReasonOut(Schema):
    id: int
    label: str


# -- the queue --------------------------------------------------------------------------------------------


def _text(value: str, limit: int = NUMBER_MAX) -> str:
    # The middleware already refuses a NUL in a URL; PostgreSQL would refuse it as a query parameter (a 500).
    return value.replace("\x00", "").strip()[:limit]


def _queue(token: ApiToken, *, status: str = queues.ALL, **filters: str) -> QuerySet[Application]:
    """The token's agency queue, as the verifiers' pages have it (`queue_in_scope`), with each application's
    current documents. By default every status: routed to the agency, or decided by it."""
    scope = Scope(everything=False, funder_id=token.funder_id, agency_id=token.agency_id)
    current = Document.objects.filter(superseded_at__isnull=True).order_by("kind", "-uploaded_at", "-id")
    return queues.queue_in_scope(scope, status=status, **filters).prefetch_related(
        Prefetch("documents", queryset=current, to_attr="current_documents")
    )


def _in_queue(token: ApiToken, number: str) -> Application:
    number = _text(number).upper()
    application = _queue(token).filter(number=number).first() if number else None
    if application is None:
        raise NotFound(
            _("Pendaftaran %(number)s tidak ditemukan di antrean instansi ini.") % {"number": number}, field="number"
        )
    return application


def decision_out(decision: Decision) -> dict[str, Any]:
    # JSON-ready: an Idempotency-Key stores the answer as it is.
    return DecisionOut.model_validate(decision).model_dump(mode="json")


def _log_entry(request: HttpRequest, application: Application, what: str) -> dict[str, Any]:
    """The access log entry of a person shown with an application of the queue."""
    return partner_view(request, person_ref=str(application.person_id), person_label=application.person.name, what=what)


def _log(request: HttpRequest, application: Application, what: str) -> None:
    access_log_write(**_log_entry(request, application, what))


def _filters(
    token: ApiToken, *, kelurahan: str, sector: str, programme: str
) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The queue filters named in the query string as the codes `queue_in_scope` takes, or a message per filter
    that names nothing."""
    lookups: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    if kelurahan:
        region: Region | None = region_by_code(kelurahan)
        if region is None or region.level != Region.Level.VILLAGE:
            errors["kelurahan"] = [_("Kode kelurahan tidak dikenal; contoh 64.71.01.1001.")]
        else:
            lookups["kelurahan"] = region.code
    if sector:
        found = Sector.objects.filter(code=sector.lower()).first()
        if found is None:
            errors["sector"] = [_("Kode sektor tidak dikenal; lihat GET /api/v1/sectors.")]
        else:
            lookups["sector"] = found.code
    if programme:
        chosen = Programme.objects.filter(code__iexact=programme, funder_id=token.funder_id).first()
        if chosen is None:
            errors["programme"] = [
                _("Program tidak dikenal untuk pemberi dana token ini; lihat GET /api/v1/programmes.")
            ]
        else:
            lookups["programme_code"] = chosen.code
    return lookups, errors


@router.get(
    "/queue",
    response={200: QueuePage, **AUTH, 422: ErrorOut},
    url_name="verification_queue",
    summary="Antrean verifikasi instansi / The agency's verification queue",
    description=(
        "Pendaftaran di antrean instansi token ini, batas waktu terdekat dahulu, per halaman (`page`, `page_size` "
        "sampai 500). `status`: `waiting` (menunggu keputusan, bawaan), `overdue` (menunggu dan lewat batas "
        "waktu), `returned` (dikembalikan untuk perbaikan), `all` (semua yang pernah dirutekan ke instansi ini). "
        "Bisa disaring dengan `kelurahan` (kode Kemendagri), `sector` dan `programme`. Berisi NIK lengkap: setiap "
        "orang yang ditampilkan dicatat di log akses. Cakupan: `verification`, token terhubung ke instansi.\n\n"
        "The applications in the token's agency queue, oldest due first, paginated (`page`, `page_size` up to "
        "500). `status`: `waiting` (awaiting a decision, the default), `overdue` (awaiting and past the "
        "deadline), `returned` (returned for correction), `all` (everything ever routed to this agency). Filter "
        "by `kelurahan` (Kemendagri code), `sector` and `programme`. Carries the full NIK: every person shown is "
        "recorded in the access log. Scope: `verification`, with a token tied to an agency."
    ),
    openapi_extra=openapi([200, 401, 403, 422], texts={403: FORBIDDEN_TEXT}),
)
@decorate_view(never_cache)
def queue(
    request: HttpRequest,
    status: QueueStatus = QueueStatus.WAITING,
    kelurahan: str = Query("", max_length=20),
    sector: str = Query("", max_length=40),
    programme: str = Query("", max_length=40),
    page: int = Query(1, ge=1, le=1_000_000),
    page_size: int = Query(100, ge=1, le=PAGE_SIZE_MAX),
) -> Any:
    token = partner(request)
    lookups, errors = _filters(token, kelurahan=_text(kelurahan), sector=_text(sector), programme=_text(programme))
    if errors:
        raise invalid(errors)
    applications = _queue(token, status=QueueStatus(status).value, **lookups)
    count, rows, following = page_of(request, applications, page=page, page_size=page_size)
    # UU PDP: who saw whose data. One entry per person shown, so the log answers "who saw this person"; the
    # entry names the application it was shown with. One INSERT for the page.
    access_logs_write([_log_entry(request, a, f"api_verification_queue:{a.number}") for a in rows])
    return {"count": count, "next": following, "results": rows}


@router.get(
    "/applications/{number}",
    response={200: ApplicationDetailOut, **AUTH, 404: ErrorOut},
    url_name="verification_application",
    summary="Satu pendaftaran di antrean / One application of the queue",
    description=(
        "Pendaftaran seperti di antrean, ditambah keputusan instansi atasnya. Pendaftaran di luar antrean instansi "
        "ini dijawab 404 seperti nomor yang tidak ada. Dicatat di log akses. Cakupan: `verification`.\n\n"
        "The application as in the queue, plus the agency's decisions on it. An application outside this "
        "agency's queue answers 404 like an unknown number. Recorded in the access log. Scope: `verification`."
    ),
    openapi_extra=openapi([200, 401, 403, 404], texts={403: FORBIDDEN_TEXT, 404: NOT_IN_QUEUE_TEXT}),
)
@decorate_view(never_cache)
def application_detail(request: HttpRequest, number: str) -> Application:
    token = partner(request)
    application = _in_queue(token, number)
    _log(request, application, f"api_verification_detail:{application.number}")
    own = Decision.objects.filter(agency=token.agency).select_related("reason")
    prefetch_related_objects([application], Prefetch("decisions", queryset=own, to_attr="agency_decisions"))
    return application


DOCUMENT_DOC = openapi([200, 401, 403, 404, 422], texts={403: FORBIDDEN_TEXT, 404: NOT_IN_QUEUE_TEXT})
DOCUMENT_DOC["responses"][200] = {
    "description": "Isi berkas dengan Content-Type-nya. / The file, with its Content-Type.",
    "content": {
        kind: {"schema": {"type": "string", "format": "binary"}}
        for kind in ("image/jpeg", "image/png", "application/pdf")
    },
}


@router.get(
    "/applications/{number}/documents/{document_id}",
    response={**AUTH, 404: ErrorOut, 422: ErrorOut},
    url_name="verification_document",
    summary="Berkas dokumen / A document's file",
    description=(
        "Isi berkas (JPEG, PNG atau PDF) dengan Content-Type-nya. Hanya dokumen pendaftaran di antrean instansi "
        "ini. Dicatat di log akses. Cakupan: `verification`.\n\n"
        "The file's bytes (JPEG, PNG or PDF) with its Content-Type. Only documents of applications in this "
        "agency's queue. Recorded in the access log. Scope: `verification`."
    ),
    openapi_extra=DOCUMENT_DOC,
)
@decorate_view(never_cache)
def document_file(request: HttpRequest, number: str, document_id: int = Path(..., ge=1, le=ID_MAX)) -> Any:
    token = partner(request)
    application = _in_queue(token, number)
    document = application.documents.filter(pk=document_id).first()
    if document is None:
        raise NotFound(_("Dokumen tidak ditemukan pada pendaftaran ini."), field="document_id")
    response = document_response(application, document)
    _log(request, application, f"api_verification_document:{application.number}:{document.kind}")
    return response


# -- decisions --------------------------------------------------------------------------------------------


def _decision_input(application: Application, payload: DecisionIn) -> DecisionInput:
    """The decision the (valid) body asks for, with its reason looked up among the programme's. Whether the
    decision is complete and allowed is the service's to say."""
    reason: RejectionReason | None = None
    if payload.reason_id is not None:
        reason = RejectionReason.objects.filter(pk=payload.reason_id, programme_id=application.programme_id).first()
        if reason is None:
            message = _(
                "Alasan penolakan tidak dikenal untuk program ini; lihat GET .../verification/rejection-reasons."
            )
            raise DomainError(message, field="reason_id")
    return DecisionInput(outcome=payload.outcome, reason=reason, note=payload.note, fixes=tuple(payload.fixes))


# The verification services name their fields for the officers' form; the API names them as its body does.
SERVICE_FIELDS = {"reason": "reason_id", "applications": "numbers"}


def _field_errors(exc: DomainError) -> dict[str, list[str]]:
    if not exc.errors:
        return {"body": [exc.message]}
    return {SERVICE_FIELDS.get(field, field): messages for field, messages in exc.errors.items()}


DECIDE = {201: DecisionOut, **AUTH, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


@router.post(
    "/applications/{number}/decision",
    response=DECIDE,
    url_name="verification_decide",
    summary="Putuskan satu pendaftaran / Decide one application",
    description=(
        "`outcome`: `approve` (setujui), `return` (kembalikan: isi `fixes` dan/atau `note` yang dibaca pemohon) "
        "atau `reject` (tolak: `reason_id` dari daftar alasan program, ditambah `note`). Keputusan dicatat, "
        "diaudit, dan pemohon diberi tahu. Persetujuan mengambil tempat dalam kuota program; bila kuota penuh, "
        "pendaftaran masuk daftar tunggu (`status`: `waitlisted`). Pendaftaran yang sudah diputuskan, atau yang "
        "orangnya sudah punya tempat di program lain pada bulan yang sama, dijawab 409. Cakupan: "
        "`verification`.\n\n"
        "`outcome`: `approve`, `return` (with `fixes` and/or a `note` the applicant reads) or `reject` (with a "
        "`reason_id` from the programme's list, plus a `note`). The decision is recorded, audited and the "
        "applicant is told. Approval takes a place in the programme's quota; when the quota is full the "
        "application goes to the waiting list (`status`: `waitlisted`). An application already decided, or whose "
        "person already has a place in another programme for the same months, answers 409. Scope: `verification`."
    ),
    openapi_extra=openapi(
        DECIDE,
        texts={
            201: "Keputusan dicatat. / Decision recorded.",
            403: FORBIDDEN_TEXT,
            404: NOT_IN_QUEUE_TEXT,
            409: "Pendaftaran tidak lagi menunggu verifikasi, orangnya sudah punya tempat di program lain, atau "
            "Idempotency-Key dipakai untuk isi lain. / The application no longer awaits verification, its person "
            "already has a place in another programme, or the Idempotency-Key was used with another body.",
        },
        parameters=[HEADER_DOC],
    ),
)
@decorate_view(never_cache)
def decide(request: HttpRequest, number: str, payload: DecisionIn) -> Any:
    token = partner(request)
    application = _in_queue(token, number)

    def handle() -> Answer:
        try:
            row = application_decide(
                application=application, decision=_decision_input(application, payload), actor=Actor.partner(token)
            )
        except PermissionDenied:
            # Moved to another agency's queue meanwhile: for this token it is no longer there.
            raise NotFound(
                _("Pendaftaran %(number)s tidak ditemukan di antrean instansi ini.") % {"number": application.number},
                field="number",
            ) from None
        except DomainError as exc:
            if exc.status_code != DomainError.status_code:
                raise  # already decided (409) is not a problem of the request's fields
            return 422, invalid_body(_field_errors(exc))
        return 201, decision_out(row)

    return run_once(request, token=token, fingerprint=request.body, handle=handle)


APPROVE = {200: ApproveOut, **AUTH, 409: ErrorOut, 422: ErrorOut}


@router.post(
    "/approve",
    response=APPROVE,
    url_name="verification_approve",
    summary="Setujui banyak pendaftaran / Approve many applications",
    description=(
        "`numbers`: 1 sampai 1000 nomor pendaftaran di antrean instansi ini; masing-masing dicatat sebagai "
        "keputusan sendiri, diaudit, dan pemohonnya diberi tahu. Persetujuan mengambil tempat dalam kuota program: "
        "yang mendapat tempat ada di `approved`, yang disetujui ketika kuota sudah penuh masuk daftar tunggu "
        "(`waitlisted`, status `waitlisted`; pengajuan terlama lebih dahulu mendapat tempat). Nomor yang tidak ada "
        "di antrean, tidak lagi menunggu verifikasi, atau yang orangnya sudah punya tempat di program lain pada "
        "bulan yang sama dilewati (`skipped`, dengan alasannya). Cakupan: `verification`.\n\n"
        "`numbers`: 1 to 1000 application numbers of this agency's queue; each is recorded as its own decision, "
        "audited, and its applicant told. Approval takes a place in the programme's quota: those placed are in "
        "`approved`, those approved once the quota is full go to the waiting list (`waitlisted`, status "
        "`waitlisted`; the oldest submission is placed first). Numbers not in the queue, no longer awaiting "
        "verification, or whose person already has a place in another programme for the same months are skipped "
        "(`skipped`, with why). Scope: `verification`."
    ),
    openapi_extra=openapi(
        APPROVE,
        texts={
            200: "Disetujui, masuk daftar tunggu, dan dilewati. / Approved, waitlisted and skipped.",
            403: FORBIDDEN_TEXT,
            409: "Idempotency-Key dipakai untuk isi lain. / The Idempotency-Key was used with another body.",
        },
        parameters=[HEADER_DOC],
    ),
)
@decorate_view(never_cache)
def approve_many(request: HttpRequest, payload: ApproveIn) -> Any:
    token = partner(request)
    numbers = list(dict.fromkeys(_text(n).upper() for n in payload.numbers))

    def handle() -> Answer:
        found = dict(_queue(token).filter(number__in=[n for n in numbers if n]).values_list("number", "pk").order_by())
        # Whatever is not in this agency's queue gets one answer, so the list cannot be used to probe numbers.
        absent = _("tidak ada di antrean instansi ini")
        skipped = [{"number": n, "reason": absent} for n in numbers if n not in found]
        approved: list[str] = []
        waitlisted: list[str] = []
        if found:
            try:
                result = applications_approve(ids=list(found.values()), actor=Actor.partner(token), note=payload.note)
            except DomainError as exc:
                if exc.status_code != DomainError.status_code:
                    raise
                return 422, invalid_body(_field_errors(exc))
            number_of = {str(pk): n for n, pk in found.items()}
            approved, waitlisted = result.approved, result.waitlisted
            skipped += [{"number": number_of.get(n, n), "reason": why} for n, why in result.skipped]
        return 200, {"approved": approved, "waitlisted": waitlisted, "skipped": skipped}

    return run_once(request, token=token, fingerprint=request.body, handle=handle)


# -- reference --------------------------------------------------------------------------------------------


@router.get(
    "/rejection-reasons",
    response={200: list[RejectionReasonOut], **AUTH, 404: ErrorOut, 422: ErrorOut},
    url_name="verification_rejection_reasons",
    summary="Alasan penolakan program / A programme's rejection reasons",
    description=(
        "Alasan penolakan yang berlaku pada program pemberi dana token ini, untuk `reason_id`. Cakupan: "
        "`verification`.\n\n"
        "The active rejection reasons of a programme of the token's funder, for `reason_id`. Scope: "
        "`verification`."
    ),
    openapi_extra=openapi(
        [200, 401, 403, 404, 422],
        texts={
            403: "Token tanpa cakupan `verification` atau tanpa instansi, atau program milik pemberi dana lain. / "
            "Token without the `verification` scope or without an agency, or a programme of another funder.",
            404: "Program tidak ditemukan. / Unknown programme.",
        },
    ),
)
@decorate_view(never_cache)
def rejection_reasons(request: HttpRequest, programme: str = Query(..., min_length=1, max_length=40)) -> Any:
    token = partner(request)
    found = programme_for_partner(token, code=_text(programme))
    return [{"id": r.pk, "label": r.label} for r in rejection_reasons_of(found)]
