"""The versioned public REST contract, /api/v1/. Thin: it translates HTTP to selectors and services.

Paths of ../shared/spec/api-core.md are added by the issues that own them; everything is described in
/api/v1/openapi.json with the interactive docs at /api/v1/docs, served from the app (no CDN).
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.http import HttpRequest
from ninja import NinjaAPI, Query

from jaring.api import applications, errors, status
from jaring.api.auth import PartnerToken, partner
from jaring.api.docs import declare_errors
from jaring.api.schemas import ErrorOut, HealthOut, RegionOut, SectorOut, TokenOut
from jaring.core.models import Region, Sector
from jaring.core.selectors import regions_search


class JaringAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None) -> Any:
        return declare_errors(super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params))


api = JaringAPI(
    title="Jaring API",
    version="1",
    description=(
        "API mitra Jaring (jaring pengaman sosial): pendaftaran pekerja rentan, status, kuota, kepesertaan.\n\n"
        "Partner API of Jaring. Authenticate with `Authorization: Bearer <token>`; errors have the shape "
        '`{"detail": "...", "errors": {"field": ["..."]}}`, in Bahasa Indonesia or English (`Accept-Language: en`).'
    ),
    auth=PartnerToken(),
    urls_namespace="api",
    parser=errors.StrictJsonParser(),
)
errors.install(api)
api.add_router("/applications", applications.router)
api.add_router("/status", status.router)
api.add_router("/verification", "jaring.api.verification.router")  # agencies' own systems (issue 4)
api.add_router("/programmes", "jaring.api.programmes.router")  # quota and budget figures (issue 5)
api.add_router("/decrees", "jaring.api.decrees.router")  # SK lists (issue 5)
api.add_router("/members", "jaring.api.members.router")  # membership status by NIK or KPJ (issue 6)
api.add_router("/claims", "jaring.api.claims.router")  # JKK/JKM cases (issue 17)
# Invoices, a month's contributions and the member list, under /programmes/{code}/ (issue 16).
api.add_router("/programmes", "jaring.api.contributions.router")
api.add_router("/aid", "jaring.api.aid.router")  # in-kind aid deliveries per month (issue 20)

AUTH_ERRORS = {401: ErrorOut, 403: ErrorOut}


@api.get("/health", auth=None, response=HealthOut, tags=["system"])
def health(request: HttpRequest) -> dict[str, str]:
    """Whether the service and its database answer."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"status": "ok", "database": connection.vendor}


@api.get("/token", response={200: TokenOut, **AUTH_ERRORS}, tags=["system"])
def token_info(request: HttpRequest) -> dict[str, object]:
    """The calling token: its partner name, funder and scopes."""
    token = partner(request)
    return {"name": token.name, "funder": token.funder.code, "scopes": token.scopes, "created_at": token.created_at}


@api.get("/regions", response={200: list[RegionOut], **AUTH_ERRORS}, tags=["reference"])
def regions(request: HttpRequest, q: str = "", level: int | None = Query(None, ge=1, le=4)) -> list[dict[str, object]]:
    """Kemendagri regions by name or code (dotted or plain), at most 100."""
    results: list[Region] = list(regions_search(query=q[:100], level=level, limit=100))
    return [{"code": r.code, "name": r.name, "level": r.level, "parent": r.parent_id} for r in results]


@api.get("/sectors", response={200: list[SectorOut], **AUTH_ERRORS}, tags=["reference"])
def sectors(request: HttpRequest) -> list[Sector]:
    """The sector catalogue: codes a partner sends in `sektor`."""
    return list(Sector.objects.all())


# GET /programmes (the funder's programmes, with figures for the `reports` scope) is jaring.api.programmes'.


from jaring.api.imports import router as imports_router  # noqa: E402 - bulk import (issue 7)

api.add_router("/imports", imports_router)
