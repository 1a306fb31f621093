"""Partner API: a person's membership status in the token's funder's programmes, asked by NIK or by KPJ.

A NIK never travels in a URL (api-core.md), so the look-up is a POST with the NIK or the KPJ in the body. Only
the token's own funder's memberships are looked at: a person known only to another funder is the same 404 as a
person unknown everywhere. Every answer that names a person is recorded in the access log (UU PDP).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from ninja import Field, Router, Schema
from ninja.decorators import decorate_view
from pydantic import ConfigDict

from jaring.allocation.models import EndReason
from jaring.api.auth import PartnerToken, partner
from jaring.api.common import partner_saw
from jaring.api.docs import openapi
from jaring.api.errors import TooManyRequests, invalid
from jaring.api.schemas import ErrorOut, Out
from jaring.core.errors import NotFound
from jaring.core.models import ApiScope
from jaring.core.services import rate_limit_hit
from jaring.core.validation import Invalid, parse_kpj, parse_nik
from jaring.enrolment.models import Membership
from jaring.enrolment.selectors import memberships_of_person_at_funder
from jaring.registry.models import mask_nik

router = Router(tags=["members"])


class LookupIn(Schema):
    """Exactly one of `nik` and `kpj`: the schema says so (oneOf), and the handler holds to it (a key sent,
    even as null, counts as sent)."""

    model_config = ConfigDict(json_schema_extra={"oneOf": [{"required": ["nik"]}, {"required": ["kpj"]}]})

    nik: str | None = Field(
        None,
        min_length=1,
        max_length=40,
        description="NIK 16 angka sebagai teks / 16-digit NIK",
        examples=["6471011508900001"],
    )
    kpj: str | None = Field(
        None,
        min_length=1,
        max_length=40,
        description="Nomor KPJ 11 angka / 11-digit BPJS membership number",
        examples=["12345678901"],
    )


class MembershipOut(Out):
    programme: str = Field(examples=["BPN-2026"], validation_alias="programme.code")
    funder: str = Field(examples=["balikpapan"], validation_alias="programme.funder.code")
    kpj: str = Field(examples=["12345678901"])
    status: Membership.Status = Field(description="active, non_active, ended")
    status_since: date
    cover_start: date = Field(description="Awal perlindungan / cover starts", validation_alias="starts")
    cover_end: date = Field(description="Akhir perlindungan / cover ends", validation_alias="ends")
    end_reason: EndReason | None = Field(
        description="Alasan berakhir (kode stabil) / why it ended: died, moved_out, wage_earner, age_limit, "
        "failed_reverification, withdrew, handed_over, other"
    )
    end_reason_text: str | None = Field(description="Alasan berakhir untuk dibaca / the reason in words")

    @staticmethod
    def resolve_end_reason(membership: Membership) -> str | None:
        return membership.end_reason or None

    @staticmethod
    def resolve_end_reason_text(membership: Membership) -> str | None:
        reason = membership.end_reason
        return str(EndReason(reason).label) if reason in EndReason.values else None


class MemberOut(MembershipOut):
    """The current membership (active first, then non-active, then the latest ended) at the top level, as
    api-core.md lists it, and every membership of the person in the token's funder's programmes."""

    nik_masked: str = Field(examples=["647101********01"])
    memberships: list[MembershipOut]

    @staticmethod
    def resolve_nik_masked(membership: Membership) -> str:
        return mask_nik(membership.person.nik)


LOOKUP = {200: MemberOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut}
LOOKUP_WINDOW = timedelta(hours=1)


def _criteria(payload: LookupIn) -> tuple[str, str]:
    """The NIK or the KPJ asked for, exactly one of them, checked; 422 naming the field otherwise."""
    nik = (payload.nik or "").strip()
    kpj = (payload.kpj or "").strip()
    if {"nik", "kpj"} <= payload.model_fields_set:
        message = _("Kirim salah satu saja: nik atau kpj.")
        raise invalid({"nik": [message], "kpj": [message]})
    if not nik and not kpj:
        message = _("Isi nik (16 angka) atau kpj (11 angka).")
        raise invalid({"nik": [message], "kpj": [message]})
    if nik:
        try:
            return parse_nik(nik), ""
        except Invalid as exc:
            raise invalid({"nik": [exc.error.problem]}) from None
    try:
        return "", parse_kpj(kpj)
    except Invalid as exc:
        raise invalid({"kpj": [exc.error.problem]}) from None


@router.post(
    "/lookup",
    auth=PartnerToken(ApiScope.MEMBERSHIP),
    response=LOOKUP,
    summary="Status kepesertaan / Membership status",
    description=(
        "Kirim `nik` atau `kpj` (salah satu) di isi permintaan, bukan di alamat. Jawabannya kepesertaan orang itu "
        "pada program pemberi dana token ini saja: yang berlaku di tingkat atas (aktif dahulu), semuanya di "
        "`memberships`. Tidak ada kepesertaan di pemberi dana ini: 404, juga bila orangnya dikenal pemberi dana "
        "lain. Setiap jawaban dicatat di log akses data pribadi. Cakupan: `membership`.\n\n"
        "Send `nik` or `kpj` (exactly one) in the body, never in the URL. The answer covers the person's "
        "memberships in the token's funder's programmes only: the current one at the top level (active first), "
        "all of them in `memberships`. No membership at this funder: 404, also when another funder knows the "
        "person. Every answer is recorded in the personal-data access log. Scope: `membership`."
    ),
    openapi_extra=openapi(
        LOOKUP,
        texts={
            403: "Token tanpa cakupan `membership`. / Token without the `membership` scope.",
            404: "Tidak ada kepesertaan dengan NIK atau KPJ ini di pemberi dana token. / No membership with this "
            "NIK or KPJ at the token's funder.",
            422: "NIK atau KPJ tidak valid, keduanya dikirim, atau tidak satu pun. / Invalid NIK or KPJ, both sent, "
            "or neither.",
            429: "Terlalu banyak pencarian dengan token ini dalam satu jam (JARING_MEMBER_LOOKUPS_PER_HOUR). / Too "
            "many look-ups with this token in an hour.",
        },
    ),
)
@decorate_view(never_cache)
def member_lookup(request: HttpRequest, payload: LookupIn) -> Membership:
    token = partner(request)
    # Every look-up counts, found or not: KPJs are sequential, and a token must not walk through them.
    limit = settings.MEMBER_LOOKUPS_PER_HOUR
    if not rate_limit_hit(bucket="member-lookup-token", key=str(token.pk), limit=limit, window=LOOKUP_WINDOW):
        raise TooManyRequests(
            _("Terlalu banyak pencarian peserta dengan token ini (paling banyak %(limit)s per jam); coba lagi nanti.")
            % {"limit": limit},
            retry_after=int(LOOKUP_WINDOW.total_seconds()),
        )
    nik, kpj = _criteria(payload)
    memberships = memberships_of_person_at_funder(funder_id=token.funder_id, nik=nik, kpj=kpj)
    if not memberships:
        raise NotFound(
            _("Tidak ada kepesertaan dengan %(what)s ini di program %(funder)s.")
            % {"what": "NIK" if nik else "KPJ", "funder": token.funder.name},
            field="nik" if nik else "kpj",
        )
    current = memberships[0]
    person = current.person
    partner_saw(request, person_ref=str(person.pk), person_label=person.name, what="api_member_lookup")
    # The answer is the current membership, with every membership of the person at this funder beside it.
    current.memberships = memberships  # type: ignore[attr-defined]
    return current
