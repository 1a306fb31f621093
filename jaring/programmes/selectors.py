"""Reads about programmes."""

from __future__ import annotations

from jaring.core.models import Agency, Sector
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
