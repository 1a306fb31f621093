"""Reads about programmes."""

from __future__ import annotations

from django.db.models import QuerySet

from jaring.core.models import Agency, Sector, User
from jaring.core.permissions import Capability
from jaring.core.selectors import filter_by_funder, require
from jaring.programmes.models import Programme


def programme_verifying_agency(*, programme: Programme, sector: Sector) -> Agency:
    """The agency that verifies `sector` in `programme`: the sector's default agency kind at the
    programme's funder, else the owning office (DOMAIN: ojol and "others" go to the owning office).

    Per-programme routing tables (issue 4) will be consulted here first, so every caller follows them.
    """
    if sector.default_agency_kind:
        agency = Agency.objects.filter(funder_id=programme.funder_id, kind=sector.default_agency_kind).first()
        if agency is not None:
            return agency
    return programme.owning_agency


def programmes_open_to(user: User) -> QuerySet[Programme]:
    """The open programmes this officer may register applicants into: their funder's, newest first."""
    scope = require(user, Capability.REGISTER_APPLICANTS)
    qs = Programme.objects.filter(status=Programme.Status.OPEN).select_related("funder").order_by("-year", "code")
    return filter_by_funder(qs, scope)
