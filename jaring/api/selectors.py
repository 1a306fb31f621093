"""What a partner token may read: applications of its own funder, and the ones it created itself."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from jaring.core.errors import NotFound, PermissionDenied
from jaring.core.models import ApiToken
from jaring.programmes.models import Programme
from jaring.registry.models import Application, Channel


def _applications() -> QuerySet[Application]:
    return Application.objects.select_related("programme", "verifying_agency")


def application_of_funder(token: ApiToken, *, number: str) -> Application:
    """An application of the token's funder. Another funder's is NotFound, not 403, so numbers cannot be probed."""
    number = number.strip().upper()
    application = _applications().filter(number=number, programme__funder_id=token.funder_id).first()
    if application is None:
        raise NotFound(_("Pendaftaran %(number)s tidak ditemukan.") % {"number": number[:40]}, field="number")
    return application


def application_of_token(token: ApiToken, *, number: str) -> Application:
    """An application this token created through the API, for changes (documents, sending in again). Another
    channel's or another token's, even of the same funder, is NotFound: a partner changes only its own."""
    number = number.strip().upper()
    application = (
        _applications()
        .filter(number=number, programme__funder_id=token.funder_id, api_token=token, channel=Channel.API)
        .first()
    )
    if application is None:
        raise NotFound(_("Pendaftaran %(number)s tidak ditemukan.") % {"number": number[:40]}, field="number")
    return application


def applications_of_token(token: ApiToken, *, status: str = "") -> QuerySet[Application]:
    """The applications this token created, newest first."""
    qs = _applications().filter(api_token=token, programme__funder_id=token.funder_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def programme_for_partner(token: ApiToken, *, code: str) -> Programme:
    """The programme with this code (any case). Unknown is NotFound; another funder's is PermissionDenied,
    since programme codes are public anyway."""
    code = code.strip()
    programme = Programme.objects.select_related("funder").filter(code__iexact=code).first()
    if programme is None:
        raise NotFound(_("Program %(code)s tidak ditemukan.") % {"code": code[:40]}, field="programme")
    if programme.funder_id != token.funder_id:
        raise PermissionDenied(
            _("Program %(code)s bukan milik pemberi dana token ini.") % {"code": programme.code}, field="programme"
        )
    return programme
