"""Reads of claims, scoped to the officer asking: a funder's officers see its cases, a kelurahan operator those of
members registered in their own kelurahan; plus what a case page and the API show (the benefit table in force,
the member's BPJS history, what is missing, the dates that matter and what is overdue, the children whose yearly
scholarship claim is due)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from jaring.claims import rules
from jaring.claims.models import (
    BenefitTable,
    Claim,
    ClaimDocument,
    ClaimDocumentKind,
    ScholarshipChild,
)
from jaring.claims.states import PREPARING, ClaimStatus
from jaring.core import clock
from jaring.core.errors import DomainError, NotFound
from jaring.core.models import AuditRecord, User
from jaring.core.permissions import Capability, user_can
from jaring.core.selectors import Scope, require
from jaring.eligibility.models import ExistingParticipant
from jaring.enrolment.models import Membership
from jaring.registry.models import Person

QUERY_MAX = 100
# A JKK case still being prepared this close to the day its right lapses is flagged.
LAPSE_WARNING_DAYS = 90
# Children whose yearly scholarship claim falls due within this many days are on the reminder list.
SCHOLARSHIP_NOTICE_DAYS = 30


# -- scope ----------------------------------------------------------------------------------------------------


def claims_scope(user: User | object, capability: str = Capability.VIEW_CLAIMS) -> Scope:
    """The scope of an officer who holds `capability` (reading claims by default); PermissionDenied otherwise."""
    return require(user, capability)


def may_report(user: User | object) -> bool:
    return user_can(user, Capability.REPORT_CLAIMS)


def may_handle(user: User | object) -> bool:
    return user_can(user, Capability.HANDLE_CLAIMS)


def _scoped_claims(qs: QuerySet[Claim], scope: Scope) -> QuerySet[Claim]:
    if scope.everything:
        return qs
    qs = qs.filter(programme__funder_id=scope.funder)
    if scope.kelurahan_code is not None:
        qs = qs.filter(membership__application__kelurahan_id=scope.kelurahan_code)
    return qs


def _scoped_memberships(qs: QuerySet[Membership], scope: Scope) -> QuerySet[Membership]:
    if scope.everything:
        return qs
    qs = qs.filter(programme__funder_id=scope.funder)
    if scope.kelurahan_code is not None:
        qs = qs.filter(application__kelurahan_id=scope.kelurahan_code)
    return qs


def membership_in_scope(scope: Scope, membership: Membership) -> bool:
    return _scoped_memberships(Membership.objects.filter(pk=membership.pk), scope).exists()


def claim_in_scope(scope: Scope, claim: Claim) -> bool:
    return _scoped_claims(Claim.objects.filter(pk=claim.pk), scope).exists()


# -- lists and one case ---------------------------------------------------------------------------------------


def _claims() -> QuerySet[Claim]:
    return Claim.objects.select_related("person", "programme", "programme__funder", "membership")


def overdue_q(today: date) -> Q:
    """Cases whose date has passed: BPJS late paying a complete JKM claim, or a JKK case still being prepared
    near (or past) the day its right lapses."""
    return Q(status=ClaimStatus.SUBMITTED_TO_BPJS, bpjs_pays_by__lt=today) | Q(
        status__in=sorted(PREPARING), jkk_lapses_on__lte=today + timedelta(days=LAPSE_WARNING_DAYS)
    )


def claims_visible_to(
    user: User,
    *,
    status: str = "",
    kind: str = "",
    programme_code: str = "",
    overdue: bool = False,
    query: str = "",
) -> QuerySet[Claim]:
    """Cases the officer may read, newest first. `query` is a claim number, a name (any part), or digits: the
    start of a KPJ or a NIK."""
    qs = _scoped_claims(_claims(), claims_scope(user))
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if programme_code:
        qs = qs.filter(programme__code=programme_code)
    if overdue:
        qs = qs.filter(overdue_q(clock.today()))
    query = query.strip()[:QUERY_MAX]
    if query:
        digits = "".join(query.split())
        if query.upper().startswith("KLM-"):
            qs = qs.filter(number__iexact=query)
        elif digits.isdigit():
            qs = qs.filter(Q(membership__kpj__startswith=digits) | Q(person__nik__startswith=digits))
        else:
            qs = qs.filter(person__name__icontains=query)
    return qs.order_by("-created_at", "-pk")


def claim_for(user: User, number: str) -> Claim:
    """One case the officer may read; NotFound (never 403) outside their scope, so numbers cannot be probed."""
    number = number.replace("\x00", "")[:40].strip().upper()
    claim = (
        _scoped_claims(_claims(), claims_scope(user))
        .select_related("membership__application__kelurahan", "person__kelurahan", "benefit_table", "created_by")
        .filter(number=number)
        .first()
    )
    if claim is None:
        raise NotFound(_("Klaim %(number)s tidak ditemukan atau di luar wewenang Anda.") % {"number": number})
    return claim


def claim_of_funder(funder_id: int, number: str) -> Claim:
    """A case of a partner token's funder; another funder's is NotFound, like an unknown number."""
    number = number[:40].strip().upper()
    claim = _claims().filter(number=number, programme__funder_id=funder_id).first()
    if claim is None:
        raise NotFound(_("Klaim %(number)s tidak ditemukan.") % {"number": number}, field="number")
    return claim


def members_for_report(user: User, *, query: str, limit: int = 20) -> list[Membership]:
    """Memberships a reporting officer may open a case for, found by KPJ, NIK (whole or the start) or name."""
    scope = claims_scope(user, Capability.REPORT_CLAIMS)
    query = query.replace("\x00", "").strip()[:QUERY_MAX]
    if not query:
        return []
    qs = _scoped_memberships(
        Membership.objects.select_related("person", "programme", "programme__funder", "application__kelurahan"),
        scope,
    )
    digits = "".join(query.split()).replace(".", "").replace("-", "")
    if digits.isdigit():
        qs = qs.filter(Q(kpj__startswith=digits) | Q(person__nik__startswith=digits))
    else:
        qs = qs.filter(person__name__icontains=query)
    return list(qs.order_by("person__name", "-starts")[:limit])


def membership_for_report(user: User, pk: int) -> Membership:
    scope = claims_scope(user, Capability.REPORT_CLAIMS)
    membership = (
        _scoped_memberships(Membership.objects.select_related("person", "programme", "programme__funder"), scope)
        .filter(pk=pk)
        .first()
    )
    if membership is None:
        raise NotFound(_("Peserta tidak ditemukan atau di luar wewenang Anda."))
    return membership


def membership_by_kpj(*, funder_id: int, kpj: str, on: date) -> Membership | None:
    """The membership with this KPJ at this funder that the day falls in; else the latest that began before
    it; else the earliest (a KPJ is the person's for life, so one person may have a membership per year)."""
    memberships = list(
        Membership.objects.select_related("person", "programme", "programme__funder")
        .filter(kpj=kpj, programme__funder_id=funder_id)
        .order_by("starts", "pk")
    )
    return membership_on(memberships, on)


def membership_by_kpj_and_nik(*, kpj: str, nik: str, on: date) -> Membership | None:
    """For a family's public report: both numbers must belong to one member (any funder)."""
    memberships = list(
        Membership.objects.select_related("person", "programme", "programme__funder")
        .filter(kpj=kpj, person__nik=nik)
        .order_by("starts", "pk")
    )
    return membership_on(memberships, on)


def membership_on(memberships: list[Membership], day: date) -> Membership | None:
    if not memberships:
        return None
    covering = [m for m in memberships if m.starts <= day <= m.ends]
    if covering:
        return covering[-1]
    before = [m for m in memberships if m.starts <= day]
    return before[-1] if before else memberships[0]


# -- the benefit table and the member's history ----------------------------------------------------------------


def benefit_table_on(day: date) -> BenefitTable:
    """The row of the benefit table in force on `day`: the latest whose effective date is on or before it."""
    table = BenefitTable.objects.filter(effective_from__lte=day).order_by("-effective_from").first()
    if table is None:
        raise DomainError(
            _("Tabel manfaat untuk tanggal %(day)s belum ada. Administrator sistem mengisinya (PP 82/2019).")
            % {"day": day.strftime("%d-%m-%Y")},
            field="event_date",
        )
    return table


def rates_of(table: BenefitTable) -> rules.Rates:
    return rules.Rates(**{name: getattr(table, name) for name in rules.Rates.__dataclass_fields__})


def member_since_of(person: Person) -> date | None:
    """When the person became a BPJS Ketenagakerjaan participant: the earliest of what the branch said (in its
    answer, `Membership.bpjs_since`, or its list of participants, `ExistingParticipant.member_since`) and of the
    starts of the memberships the funders paid."""
    days = [
        day
        for pair in Membership.objects.filter(person=person).values_list("bpjs_since", "starts")
        for day in pair
        if day is not None
    ]
    listed = ExistingParticipant.objects.filter(nik=person.nik).values_list("member_since", flat=True).first()
    if listed is not None:
        days.append(listed)
    return min(days) if days else None


# -- what a case needs, and when --------------------------------------------------------------------------------


def current_documents(claim: Claim) -> QuerySet[ClaimDocument]:
    return claim.documents.filter(superseded_at=None).select_related("child").order_by("kind", "-uploaded_at")


def documents_required_for(claim: Claim) -> list[str]:
    table = claim.benefit_table or benefit_table_on(claim.event_date)
    relationships = list(claim.heirs.values_list("relationship", flat=True))
    total = benefit_total(claim)
    return rules.documents_required(claim.kind, heir_relationships=relationships, total=total, rates=rates_of(table))


def documents_missing(claim: Claim) -> list[str]:
    """Required kinds of the case that have no current document (ClaimDocumentKind values, in gathering order)."""
    present = set(current_documents(claim).filter(child=None).values_list("kind", flat=True))
    return [kind for kind in documents_required_for(claim) if kind not in present]


def missing_labels(kinds: list[str]) -> list[str]:
    return [str(ClaimDocumentKind(kind).label) for kind in kinds]


def benefit_total(claim: Claim) -> int | None:
    if not claim.covered:
        return None
    return sum(item.amount or 0 for item in claim.items.all() if item.in_total)


@dataclass(frozen=True)
class Flags:
    bpjs_late: bool  # a complete JKM claim not paid by the day BPJS must pay
    jkk_lapsing: bool  # a JKK case still being prepared within LAPSE_WARNING_DAYS of its lapse
    jkk_lapsed: bool  # ... or past it

    @property
    def overdue(self) -> bool:
        return self.bpjs_late or self.jkk_lapsing or self.jkk_lapsed


def flags_of(claim: Claim, *, today: date | None = None) -> Flags:
    today = today or clock.today()
    late = (
        claim.status == ClaimStatus.SUBMITTED_TO_BPJS and claim.bpjs_pays_by is not None and claim.bpjs_pays_by < today
    )
    preparing = claim.status in PREPARING and claim.jkk_lapses_on is not None
    lapsed = preparing and claim.jkk_lapses_on is not None and today > claim.jkk_lapses_on
    lapsing = (
        preparing
        and not lapsed
        and claim.jkk_lapses_on is not None
        and claim.jkk_lapses_on <= today + timedelta(days=LAPSE_WARNING_DAYS)
    )
    return Flags(bpjs_late=late, jkk_lapsing=lapsing, jkk_lapsed=lapsed)


def claim_history(claim: Claim) -> QuerySet[AuditRecord]:
    return AuditRecord.objects.filter(target_type=claim._meta.label_lower, target_id=str(claim.pk)).order_by("at", "pk")


# -- the scholarship --------------------------------------------------------------------------------------------


def scholarship_paid_total(claim: Claim) -> int:
    from django.db.models import Sum

    from jaring.claims.models import ScholarshipClaim

    total = ScholarshipClaim.objects.filter(child__claim=claim).aggregate(total=Sum("amount"))["total"]
    return int(total or 0)


def scholarship_due(user: User, *, within_days: int = SCHOLARSHIP_NOTICE_DAYS) -> QuerySet[ScholarshipChild]:
    """Children of the officer's cases whose yearly scholarship claim (with proof of schooling) is due within
    `within_days` or overdue: receiving the scholarship, not ended, the case with BPJS or paid."""
    scope = claims_scope(user)
    cases = _scoped_claims(Claim.objects.all(), scope).filter(
        status__in=(ClaimStatus.SUBMITTED_TO_BPJS, ClaimStatus.PAID), scholarship_eligible=True
    )
    return (
        ScholarshipChild.objects.filter(
            claim__in=cases,
            eligible=True,
            ended_on=None,
            next_claim_due__isnull=False,
            next_claim_due__lte=clock.today() + timedelta(days=within_days),
        )
        .select_related("claim", "claim__person", "claim__programme")
        .order_by("next_claim_due", "claim__number", "position")
    )
