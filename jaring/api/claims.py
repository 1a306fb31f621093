"""Partner API of claims (claims-api.md, Claims): report a case for a member of the token's funder, found by KPJ,
and read a case back. A case is judged at once: coverage on the event date, the benefit reference, the
scholarship. Every answer names a person's cover and benefit, so every one is recorded in the access log."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from ninja import Field, Router, Schema
from ninja.decorators import decorate_view

from jaring.api.auth import PartnerToken, partner
from jaring.api.common import partner_saw
from jaring.api.docs import openapi
from jaring.api.errors import error_body, invalid
from jaring.api.idempotency import HEADER_DOC, Answer, run_once
from jaring.api.schemas import ErrorOut
from jaring.claims.models import Claim, ClaimKind, Relationship, SchoolLevel
from jaring.claims.selectors import claim_of_funder, documents_missing, membership_by_kpj
from jaring.claims.services import ChildIn, DuplicateClaim, HeirIn, claim_report
from jaring.claims.states import ClaimStatus
from jaring.core.actors import Actor
from jaring.core.errors import DomainError, NotFound
from jaring.core.models import ApiScope, ApiToken
from jaring.core.validation import Invalid, parse_kpj

router = Router(tags=["claims"])


class ClaimHeirIn(Schema):
    nama: str = Field(min_length=1, max_length=150, examples=["Siti Aminah"])
    nik: str = Field(
        max_length=40, description="NIK 16 angka sebagai teks / 16-digit NIK", examples=["6471054507880002"]
    )
    hubungan: Relationship = Field(
        description="istri, suami, anak, orang_tua, kakek_nenek, cucu, saudara_kandung, mertua, lainnya"
    )


class ClaimChildIn(Schema):
    nama: str = Field(min_length=1, max_length=150, examples=["Rafi"])
    tanggal_lahir: date = Field(examples=["2015-04-01"])
    jenjang: SchoolLevel = Field(description="belum_sekolah, tk, sd, smp, sma, kuliah")


class ClaimIn(Schema):
    kpj: str = Field(max_length=40, description="KPJ peserta, 11 angka / the member's KPJ", examples=["26071000004"])
    kind: ClaimKind = Field(description="jkm, jkk_death, jkk_injury, jkk_disability")
    event_date: date = Field(description="Tanggal meninggal / kecelakaan / date of death or accident")
    reported_by: str = Field(min_length=1, max_length=150, examples=["ahli waris"])
    heirs: list[ClaimHeirIn] = Field(default_factory=list, max_length=20)
    children: list[ClaimChildIn] = Field(default_factory=list, max_length=20)


class BenefitItemOut(Schema):
    item: str = Field(examples=["santunan_sekaligus"])
    amount: int | None = Field(
        description="Rupiah; null bila peraturan tidak menetapkan jumlah (perawatan tanpa batas biaya) / Rupiah; "
        "null where the regulation sets no amount (care without a cap)"
    )
    in_total: bool = Field(
        description="Termasuk dalam total (false untuk jumlah per bulan) / counted in the total (false for a "
        "per-month rate)"
    )


class BenefitOut(Schema):
    total: int = Field(examples=[42000000])
    items: list[BenefitItemOut]


class ScholarshipOut(Schema):
    eligible: bool
    reason: str
    children: int = Field(description="Anak penerima beasiswa / children receiving the scholarship")
    max_total: int = Field(examples=[174000000])


class DueOut(Schema):
    bpjs_pays_by: date | None = Field(
        description="Klaim JKM lengkap dibayar BPJS paling lambat / BPJS pays a complete JKM claim by"
    )
    jkk_claim_lapses_on: date | None = Field(description="Hak klaim JKK gugur sesudah / the JKK right lapses after")


class ClaimOut(Schema):
    number: str = Field(examples=["KLM-BPN-2026-000012"])
    programme: str = Field(examples=["BPN-2026"])
    kind: ClaimKind
    status: ClaimStatus = Field(
        description="reported, documents_incomplete, submitted_to_bpjs, paid, rejected, withdrawn"
    )
    covered: bool
    coverage_reason: str
    benefit: BenefitOut | None = Field(description="null bila tidak dalam perlindungan / null when not covered")
    scholarship: ScholarshipOut
    documents_missing: list[str] = Field(examples=[["akta_kematian", "surat_keterangan_ahli_waris"]])
    due: DueOut


class ClaimDuplicateOut(ErrorOut):
    number: str | None = Field(
        None,
        description="Nomor klaim yang sudah ada untuk jenis, peserta dan tanggal peristiwa yang sama / the existing "
        "claim's number for the same kind, member and event",
    )


CREATE = {
    201: ClaimOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ClaimDuplicateOut,
    413: ErrorOut,
    422: ErrorOut,
}
READ = {200: ClaimOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def claim_out(claim: Claim) -> dict[str, Any]:
    """A case as claims-api.md shows it. Rupiah are integers."""
    benefit = None
    items = list(claim.items.all())
    if claim.covered:
        benefit = {
            "total": sum(item.amount or 0 for item in items if item.in_total),
            "items": [{"item": i.item, "amount": i.amount, "in_total": i.in_total} for i in items],
        }
    table = claim.benefit_table
    return {
        "number": claim.number,
        "programme": claim.programme.code,
        "kind": claim.kind,
        "status": claim.status,
        "covered": claim.covered,
        "coverage_reason": claim.coverage_reason,
        "benefit": benefit,
        "scholarship": {
            "eligible": claim.scholarship_eligible,
            "reason": claim.scholarship_reason,
            "children": claim.children.filter(eligible=True).count(),
            "max_total": table.scholarship_max_total if table is not None else 0,
        },
        "documents_missing": documents_missing(claim),
        "due": {"bpjs_pays_by": claim.bpjs_pays_by, "jkk_claim_lapses_on": claim.jkk_lapses_on},
    }


def _log(request: HttpRequest, claim: Claim, what: str) -> None:
    partner_saw(request, person_ref=str(claim.person_id), person_label=claim.person.name, what=what)


def _report(request: HttpRequest, token: ApiToken, payload: ClaimIn) -> Answer:
    try:
        kpj = parse_kpj(payload.kpj)
    except Invalid as exc:
        raise invalid({"kpj": [exc.error.problem]}) from None
    if not kpj:
        raise invalid({"kpj": [_("KPJ wajib diisi: 11 angka.")]})
    membership = membership_by_kpj(funder_id=token.funder_id, kpj=kpj, on=payload.event_date)
    if membership is None:
        raise NotFound(
            _("Tidak ada peserta dengan KPJ ini di program %(funder)s.") % {"funder": token.funder.name}, field="kpj"
        )
    try:
        claim = claim_report(
            membership=membership,
            kind=payload.kind,
            event_date=payload.event_date,
            reported_by=payload.reported_by,
            heirs=[HeirIn(name=h.nama, nik=h.nik, relationship=h.hubungan) for h in payload.heirs],
            children=[ChildIn(name=c.nama, birth_date=c.tanggal_lahir, level=c.jenjang) for c in payload.children],
            actor=Actor.partner(token),
            channel="api",
        )
    except DuplicateClaim as exc:
        return 409, {"detail": exc.message, "errors": exc.errors, "number": exc.number}
    except DomainError as exc:
        if exc.status_code != DomainError.status_code:
            raise
        return 422, error_body(exc)
    _log(request, claim, "api_claim_report")
    return 201, claim_out(claim_of_funder(token.funder_id, claim.number))


@router.post(
    "",
    auth=PartnerToken(ApiScope.CLAIMS),
    response=CREATE,
    summary="Laporkan klaim / Report a claim",
    description=(
        "Membuka kasus JKM atau JKK untuk peserta pemberi dana token ini, dicari dengan KPJ, dan langsung "
        "menilainya: perlindungan pada tanggal peristiwa (kepesertaan dan iuran), manfaat menurut tabel manfaat "
        "yang berlaku (PP 82/2019), beasiswa anak, ahli waris menurut urutan hukum. Laporan kedua dengan jenis, "
        "peserta dan tanggal peristiwa yang sama: 409 dengan `number` yang ada. Klaim JKK lebih dari 5 tahun "
        "sesudah kecelakaan: 422 pada `event_date`. Cakupan: `claims`.\n\n"
        "Opens a JKM or JKK case for a member of the token's funder, found by KPJ, and judges it at once: cover on "
        "the event date (membership and contributions), the benefit by the benefit table in force (PP 82/2019), "
        "the children's scholarship, the heirs in legal order. A second report of the same kind for the same member "
        "and event: 409 with the existing `number`. A JKK claim more than 5 years after the accident: 422 on "
        "`event_date`. Scope: `claims`."
    ),
    openapi_extra=openapi(
        CREATE,
        texts={
            201: "Klaim dibuat dan dinilai. / Claim created and judged.",
            403: "Token tanpa cakupan `claims`. / Token without the `claims` scope.",
            404: "Tidak ada peserta dengan KPJ ini di pemberi dana token. / No member with this KPJ at the token's "
            "funder.",
            409: "Kasus yang sama sudah dilaporkan (lihat `number`), atau Idempotency-Key dipakai untuk isi lain. / "
            "The same case was reported already (see `number`), or the Idempotency-Key was used with another body.",
            422: "Data tidak valid: setiap masalah disebut per kolom, mis. `heirs.0.nik`. / Invalid input, per "
            "field, e.g. `heirs.0.nik`.",
        },
        parameters=[HEADER_DOC],
    ),
)
@decorate_view(never_cache)
def claim_create(request: HttpRequest, payload: ClaimIn) -> Any:
    token = partner(request)
    return run_once(request, token=token, fingerprint=request.body, handle=lambda: _report(request, token, payload))


@router.get(
    "/{number}",
    auth=PartnerToken(ApiScope.CLAIMS),
    response=READ,
    summary="Satu klaim / One claim",
    description=(
        "Klaim mana pun dari pemberi dana token ini; milik pemberi dana lain dijawab 404. Cakupan: `claims`.\n\n"
        "Any claim of the token's funder; another funder's answers 404. Scope: `claims`."
    ),
    openapi_extra=openapi(
        READ, texts={404: "Tidak ada klaim ini di pemberi dana token. / No such claim at the token's funder."}
    ),
)
@decorate_view(never_cache)
def claim_detail(request: HttpRequest, number: str) -> dict[str, Any]:
    claim = claim_of_funder(partner(request).funder_id, number)
    _log(request, claim, "api_claim_detail")
    return claim_out(claim)
