"""Reads about programmes."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from jaring.core.errors import DomainError, NotFound
from jaring.core.models import Agency, Sector, User
from jaring.core.permissions import Capability
from jaring.core.selectors import Scope, filter_by_funder, holidays_between, require
from jaring.core.workdays import add_working_days
from jaring.programmes.models import BenefitKind, ContributionRate, Programme, RejectionReason, SectorRoute
from jaring.programmes.money import Bracket, brackets_in_force


class NotForBpjs(DomainError):
    """An in-kind aid programme asked to do BPJS work: batches, answers, cards, contributions, claims."""


def bpjs_only(programmes: QuerySet[Programme]) -> QuerySet[Programme]:
    """The programmes whose people are sent to BPJS Ketenagakerjaan: what every BPJS page and job lists."""
    return programmes.filter(benefit_kind=BenefitKind.BPJS)


def refuse_unless_bpjs(programme: Programme) -> None:
    """NotForBpjs when `programme` gives goods instead of BPJS cover: its recipients are never registered with
    BPJS, carded, billed or claimed for. Every entry point of BPJS work calls this."""
    if not programme.sends_to_bpjs:
        raise NotForBpjs(
            _(
                "Program %(code)s adalah bantuan barang (%(goods)s), bukan perlindungan BPJS Ketenagakerjaan: "
                "penerimanya tidak didaftarkan ke BPJS, tidak diberi kartu, tidak ditagih iuran dan tidak "
                "dapat mengajukan klaim. Catat penyerahan barangnya di halaman Bantuan barang."
            )
            % {"code": programme.code, "goods": programme.goods_description or programme.get_benefit_kind_display()},
            field="programme",
        )


def default_verifying_agency(*, programme: Programme, sector: Sector) -> Agency | None:
    """The sector catalogue's default: its agency kind at the programme's funder, or None for the owning
    office (DOMAIN: ojol and "others" go to the owning office; so does a kind the funder has no office of)."""
    if sector.default_agency_kind:
        return Agency.objects.filter(funder_id=programme.funder_id, kind=sector.default_agency_kind).first()
    return None


def programme_verifying_agency(*, programme: Programme, sector: Sector) -> Agency:
    """The agency that verifies `sector` in `programme`: the programme's own route when it has one (an empty
    route means the owning office), else the catalogue's default."""
    route = SectorRoute.objects.filter(programme=programme, sector=sector).select_related("agency").first()
    if route is not None:
        return route.agency or programme.owning_agency
    return default_verifying_agency(programme=programme, sector=sector) or programme.owning_agency


def programme_routes(programme: Programme) -> dict[int, Agency]:
    """Sector id -> verifying agency for every sector, in three queries (bulk paths call this once)."""
    owning = programme.owning_agency
    agencies: dict[str, Agency] = {}
    for agency in Agency.objects.filter(funder_id=programme.funder_id):
        agencies.setdefault(agency.kind, agency)  # the one .first() would pick
    explicit = {r.sector_id: r.agency for r in SectorRoute.objects.filter(programme=programme).select_related("agency")}
    routes: dict[int, Agency] = {}
    for sector in Sector.objects.all():
        if sector.pk in explicit:
            routes[sector.pk] = explicit[sector.pk] or owning
        else:
            routes[sector.pk] = (
                agencies.get(sector.default_agency_kind, owning) if sector.default_agency_kind else owning
            )
    return routes


def verification_due(*, programme: Programme, start: date) -> date:
    """The last day an agency has to decide on an application that reached its queue on `start`."""
    days = programme.verification_days
    # Generous window: even a month of holidays cannot push the due date past it.
    holidays = holidays_between(start, start + timedelta(days=days * 2 + 60))
    return add_working_days(start, days, holidays)


def rejection_reasons_of(programme: Programme) -> QuerySet[RejectionReason]:
    return RejectionReason.objects.filter(programme=programme, active=True).order_by("position", "id")


def programme_in_scope(scope: Scope, code: str, *, related: tuple[str, ...] = ("funder",)) -> Programme:
    """One programme by code among those `scope` reaches (its funder's; every funder's for the system operator).
    NotFound otherwise, never 403: another funder's code reads as unknown, so codes cannot be probed."""
    programmes = filter_by_funder(Programme.objects.select_related(*related), scope)
    programme = programmes.filter(code=code[:30]).first()
    if programme is None:
        raise NotFound(_("Program %(code)s tidak ditemukan atau di luar wewenang Anda.") % {"code": code[:30]})
    return programme


def programme_managed_by(user: User, code: str) -> Programme:
    """A programme the officer manages: of their own funder (every funder's for the system operator). NotFound
    otherwise, so codes of other funders cannot be probed."""
    scope = require(user, Capability.MANAGE_PROGRAMMES)
    return programme_in_scope(scope, code, related=("funder", "funder__region", "owning_agency"))


def programmes_open_to(user: User) -> QuerySet[Programme]:
    """The open programmes this officer may register applicants into: their funder's, newest first."""
    scope = require(user, Capability.REGISTER_APPLICANTS)
    qs = Programme.objects.filter(status=Programme.Status.OPEN).select_related("funder").order_by("-year", "code")
    return filter_by_funder(qs, scope)


def cover_from(programme: Programme, on: date) -> tuple[date, date]:
    """The cover a person gets who takes a place in `programme` on `on`: from the first of that month (or the
    cover start, when registering before it) to the cover end. What a place holds (allocation.place_span) and
    what the registration pages promise, so the two cannot disagree."""
    return max(programme.cover_start, on.replace(day=1)), programme.cover_end


def programmes_taking_registrations(*, on: date) -> list[Programme]:
    """What the public registration pages offer on `on`: open programmes whose cover has not ended, and of a
    funder's scheme with two (from October next year's is open while this year's still runs) only the later one,
    so someone registering in December registers for next year's cover, not for this year's last weeks. A
    funder's other schemes of the same year (Samarinda's RT heads beside its workers) are offered beside it.
    Officers may still register into either year (programmes_open_to)."""
    found = (
        bpjs_only(Programme.objects.filter(status=Programme.Status.OPEN, cover_end__gte=on))
        .select_related("funder", "funder__region", "owning_agency")
        .order_by("funder__name", "scheme", "-year", "code")
    )
    latest: dict[tuple[int, str], Programme] = {}
    for programme in found:
        latest.setdefault((programme.funder_id, programme.scheme), programme)
    return list(latest.values())


def programme_taking_registrations(*, code: object, on: date) -> Programme | None:
    """The programme of this code if the public pages take registrations for it on `on`, else None."""
    if not isinstance(code, str) or not code:
        return None
    return next((p for p in programmes_taking_registrations(on=on) if p.code == code), None)


def contribution_brackets() -> list[Bracket]:
    return [
        Bracket(r.effective_from, r.lower_bound, r.income_basis, r.jkk_rate, r.jkm_amount)
        for r in ContributionRate.objects.all()
    ]


def lowest_income_basis(on: date) -> Decimal:
    """The income basis of the lowest bracket of the contribution table in force on `on`: the smallest basis
    BPJS accepts, and what the planner and the API assume when no income is given. Raises money.NoRates."""
    return brackets_in_force(contribution_brackets(), on)[0].income_basis
