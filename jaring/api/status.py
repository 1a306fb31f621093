"""The public status check: an applicant (or anyone helping them) asks with the number AND the NIK.

POST, so the NIK never travels in a URL; limited per client address, so it cannot be used to try NIKs
against a number (or numbers against a NIK) at speed; and it answers the same 404 whichever part was wrong.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from ninja import Router
from ninja.decorators import decorate_view

from jaring.api.docs import openapi
from jaring.api.errors import TooManyRequests
from jaring.api.schemas import ErrorOut, StatusIn, StatusOut
from jaring.core.errors import NotFound
from jaring.core.http import client_ip
from jaring.core.services import rate_limit_hit
from jaring.registry.models import Application
from jaring.registry.selectors import application_status_lookup

router = Router(tags=["status"])

WINDOW = timedelta(hours=1)
STATUS = {200: StatusOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut}


@router.post(
    "",
    auth=None,
    response=STATUS,
    summary="Cek status pendaftaran / Check an application's status",
    description=(
        "Publik, tanpa token, dibatasi per alamat. Isi `number` dan `nik`; jawabannya hanya status dan alasan "
        "yang boleh dibaca pemohon. Pasangan yang salah dijawab 404 tanpa menyebut bagian mana yang salah.\n\n"
        "Public, no token, rate-limited per address. Send `number` and `nik`; the answer is only the status and "
        "the reasons the applicant may read. A wrong pair answers 404 without saying which part was wrong."
    ),
    openapi_extra=openapi(
        STATUS,
        texts={404: "Nomor dan NIK tidak cocok. / Number and NIK do not match."},
    ),
)
@decorate_view(never_cache)
def status_check(request: HttpRequest, payload: StatusIn) -> Application:
    limit = settings.PUBLIC_STATUS_CHECKS_PER_HOUR
    if not rate_limit_hit(bucket="status-ip", key=client_ip(request) or "unknown", limit=limit, window=WINDOW):
        raise TooManyRequests(
            _("Terlalu banyak pengecekan status dari alamat ini; coba lagi dalam satu jam."),
            retry_after=int(WINDOW.total_seconds()),
        )
    application = application_status_lookup(number=payload.number, nik=payload.nik)
    if application is None:
        raise NotFound(_("Tidak ada pendaftaran dengan nomor dan NIK tersebut. Periksa kembali keduanya."))
    return application
