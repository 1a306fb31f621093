"""Partner API: the deliveries of an in-kind aid programme of the token's funder in one month (issue 20).

Scope "reports" reads them; NIKs are masked unless the token also holds "membership", as for decree lists.
Another funder's programme is refused (programme codes are public); every read is recorded in the access log."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from ninja import Path, Query, Router, Schema
from ninja.decorators import decorate_view

from jaring.aid.models import Delivery
from jaring.aid.selectors import deliveries_of_period, delivery_sheet, label_of_period, period_of
from jaring.api.auth import PartnerToken, partner
from jaring.api.common import partner_saw, wita
from jaring.api.docs import openapi
from jaring.api.errors import Unprocessable
from jaring.api.schemas import ErrorOut
from jaring.api.selectors import programme_for_partner
from jaring.core.errors import DomainError, NotFound
from jaring.core.models import ApiScope
from jaring.registry.models import mask_nik

router = Router(tags=["aid"])


class DeliveryOut(Schema):
    nik: str
    name: str
    kelurahan: str
    delivered_on: date
    received_by: str
    representative_name: str
    quantity: int
    signed: bool
    handed_over_by: str
    notes: str
    recorded_at: str | None
    corrected_at: str | None


class DeliveriesOut(Schema):
    programme: str
    goods: str
    unit: str
    benefit_kind: str
    month: str
    period_label: str
    recipients: int
    received: int
    missed: int
    nik_masked: bool
    deliveries: list[DeliveryOut]


RESPONSES = {200: DeliveriesOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _out(delivery: Delivery, masked: bool) -> dict[str, Any]:
    person = delivery.person
    return {
        "nik": mask_nik(person.nik) if masked else person.nik,
        "name": person.name,
        "kelurahan": person.kelurahan.name if person.kelurahan_id else "",
        "delivered_on": delivery.delivered_on,
        "received_by": delivery.received_by,
        "representative_name": delivery.representative_name,
        "quantity": delivery.quantity,
        "signed": delivery.signed,
        "handed_over_by": delivery.handed_over_by,
        "notes": delivery.notes,
        "recorded_at": wita(delivery.recorded_at),
        "corrected_at": wita(delivery.corrected_at),
    }


@router.get(
    "/{code}/deliveries",
    auth=PartnerToken(ApiScope.REPORTS),
    response=RESPONSES,
    url_name="aid_deliveries",
    summary="Penyerahan bantuan barang sebulan / A month's in-kind aid deliveries",
    description=(
        "Penyerahan barang (paket sembako, alat bantu) program bantuan barang pemberi dana token pada bulan "
        "`month` (TTTT-BB), dengan jumlah penerima, yang menerima dan yang tidak menerima bulan itu. NIK disamarkan "
        "kecuali token juga memiliki cakupan `membership`. Cakupan: `reports`.\n\n"
        "The goods deliveries of an in-kind aid programme of the token's funder in `month` (YYYY-MM), with how many "
        "recipients it had, how many received and how many missed that month. NIKs are masked unless the token "
        "also holds `membership`. Scope: `reports`."
    ),
    openapi_extra=openapi(
        RESPONSES,
        texts={
            403: "Token tanpa cakupan `reports`, atau program milik pemberi dana lain. / Token without the "
            "`reports` scope, or a programme of another funder.",
            404: "Program tidak ditemukan atau bukan bantuan barang. / Unknown programme, or not in-kind aid.",
            422: "Bulan tidak terbaca atau di luar masa program. / Unreadable month, or outside the programme.",
        },
    ),
)
@decorate_view(never_cache)
def aid_deliveries(
    request: HttpRequest,
    code: str = Path(..., max_length=40),
    month: str = Query(..., max_length=7, description="TTTT-BB / YYYY-MM", examples=["2026-03"]),
) -> dict[str, Any]:
    token = partner(request)
    programme = programme_for_partner(token, code=code)
    if not programme.gives_goods:
        raise NotFound(_("Program %(code)s bukan program bantuan barang.") % {"code": programme.code}, field="code")
    try:
        period = period_of(programme, month)
    except DomainError as exc:
        raise Unprocessable(exc.message, field="month") from None
    masked = not token.has_scope(ApiScope.MEMBERSHIP)
    sheet = delivery_sheet(programme, period)
    deliveries = list(deliveries_of_period(programme, period))
    partner_saw(
        request,
        person_ref=f"aid:{programme.code}:{period:%Y-%m}",
        person_label=f"{programme.code} {period:%Y-%m}",
        what="api_aid_deliveries",
    )
    return {
        "programme": programme.code,
        "goods": programme.goods_description,
        "unit": programme.goods_unit,
        "benefit_kind": programme.benefit_kind,
        "month": f"{period:%Y-%m}",
        "period_label": label_of_period(programme, period),
        "recipients": len(sheet),
        "received": sum(1 for row in sheet if row.delivery is not None),
        "missed": sum(1 for row in sheet if row.status == "missed"),
        "nik_masked": masked,
        "deliveries": [_out(d, masked) for d in deliveries],
    }
