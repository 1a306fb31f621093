"""Writes of claims: reporting a case (coverage, benefit reference, heirs and children judged at once), judging
it again, adding heirs and children; and what the other claim services share (who may act on a case, the row
lock, input cleaning). Documents are `document_services`, the way to BPJS and back `bpjs_services`, the yearly
scholarship `scholarship`. Every change is audited with its actor.

The actor (core.actors) is an officer (held to their capability, funder and kelurahan), a partner token (its
scope and funder), or the family on the public form (`PUBLIC_ACTOR`, whose page has checked both member
numbers).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from jaring.claims import rules
from jaring.claims.coverage import coverage_on
from jaring.claims.models import (
    JKK_KINDS,
    BenefitTable,
    Claim,
    ClaimBenefitItem,
    ClaimHeir,
    ClaimKind,
    ClaimSequence,
    Relationship,
    ScholarshipChild,
    SchoolLevel,
)
from jaring.claims.reference import PP_82_2019
from jaring.claims.selectors import (
    benefit_table_on,
    claim_in_scope,
    member_since_of,
    membership_in_scope,
    rates_of,
)
from jaring.claims.states import PREPARING, ClaimStatus, ClaimTransition
from jaring.core import clock
from jaring.core.actors import Actor
from jaring.core.errors import Conflict, DomainError, PermissionDenied
from jaring.core.models import User
from jaring.core.permissions import Capability
from jaring.core.services import audit_record
from jaring.core.validation import Invalid, parse_nik
from jaring.enrolment.models import Membership
from jaring.programmes.models import Programme
from jaring.programmes.selectors import refuse_unless_bpjs
from jaring.registry.models import Person

S = ClaimStatus
T = ClaimTransition

PUBLIC_ACTOR = Actor.applicant("publik")
NAME_MAX = 150
REASON_MAX = 300


class DuplicateClaim(Conflict):
    """The same kind of case for the same member and event was reported already: the existing number."""

    def __init__(self, claim: Claim) -> None:
        super().__init__(
            _("Kasus ini sudah dilaporkan dengan nomor %(number)s (jenis, peserta dan tanggal peristiwa sama).")
            % {"number": claim.number},
            field="event_date",
        )
        self.number = claim.number
        self.claim = claim


@dataclass(frozen=True)
class HeirIn:
    name: str
    nik: str
    relationship: str


ChildIn = rules.ChildIn


def _check_membership(actor: Actor | User, capability: str, membership: Membership) -> None:
    """The actor holds `capability` for the member's funder, and a kelurahan operator only for their kelurahan.
    NotForBpjs for a goods programme: it has no BPJS cover to claim on."""
    refuse_unless_bpjs(membership.programme)
    scope = Actor.of(actor).require(capability, funder_id=membership.programme.funder_id)
    if scope.kelurahan_code is not None and not membership_in_scope(scope, membership):
        raise PermissionDenied(_("Peserta ini di luar wilayah kerja Anda."))


def check_claim(actor: Actor | User, claim: Claim, *capabilities: str) -> None:
    """The actor holds one of `capabilities` and the case is in their scope. PermissionDenied otherwise."""
    scope = Actor.of(actor).require(*capabilities, programme=claim.programme)
    if scope.kelurahan_code is not None and not claim_in_scope(scope, claim):
        raise PermissionDenied(_("Klaim ini di luar wilayah kerja Anda."))


# -- checking what was reported --------------------------------------------------------------------------------


def clean_text(text: str, limit: int) -> str:
    return " ".join(str(text).replace("\x00", "").split())[:limit]


def _heir_errors(heirs: Sequence[HeirIn], *, member_nik: str) -> tuple[list[HeirIn], dict[str, list[str]]]:
    """The heirs with their NIK normalised, and every problem named by its field (`heirs.0.nik`)."""
    errors: dict[str, list[str]] = {}
    cleaned: list[HeirIn] = []
    seen: dict[str, int] = {}
    for i, heir in enumerate(heirs):
        name = clean_text(heir.name, NAME_MAX)
        if not name:
            errors[f"heirs.{i}.nama"] = [_("Nama ahli waris wajib diisi.")]
        if heir.relationship not in Relationship.values:
            errors[f"heirs.{i}.hubungan"] = [
                _("Hubungan tidak dikenal; pilih salah satu dari: %(choices)s.")
                % {"choices": ", ".join(Relationship.values)}
            ]
        nik = ""
        try:
            nik = parse_nik(heir.nik, field=f"heirs.{i}.nik")
        except Invalid as exc:
            errors[f"heirs.{i}.nik"] = [exc.error.message]
        if nik and nik == member_nik:
            errors[f"heirs.{i}.nik"] = [_("NIK ahli waris sama dengan NIK peserta yang meninggal.")]
        elif nik and nik in seen:
            errors[f"heirs.{i}.nik"] = [_("NIK ini sudah tertulis untuk ahli waris ke-%(n)s.") % {"n": seen[nik] + 1}]
        elif nik:
            seen[nik] = i
        cleaned.append(HeirIn(name=name, nik=nik, relationship=heir.relationship))
    return cleaned, errors


def _child_errors(children: Sequence[ChildIn], *, today: date) -> tuple[list[ChildIn], dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    cleaned: list[ChildIn] = []
    for i, child in enumerate(children):
        name = clean_text(child.name, NAME_MAX)
        if not name:
            errors[f"children.{i}.nama"] = [_("Nama anak wajib diisi.")]
        if child.birth_date > today:
            errors[f"children.{i}.tanggal_lahir"] = [_("Tanggal lahir tidak boleh di masa depan.")]
        if child.level not in SchoolLevel.values:
            errors[f"children.{i}.jenjang"] = [
                _("Jenjang tidak dikenal; pilih salah satu dari: %(choices)s.")
                % {"choices": ", ".join(SchoolLevel.values)}
            ]
        cleaned.append(ChildIn(name=name, birth_date=child.birth_date, level=child.level))
    return cleaned, errors


def refuse(errors: dict[str, list[str]]) -> DomainError:
    first = next(iter(errors.values()))[0]
    return DomainError(first if len(errors) == 1 else _("Data laporan klaim tidak valid."), errors=errors)


# -- what a case is worth --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Judgement:
    """Coverage, benefit reference and scholarship of a case, as computed from the facts of the day."""

    covered: bool
    coverage_reason: str
    table_id: int
    rates: rules.Rates
    benefit: rules.Benefit | None
    member_since: date | None
    scholarship: rules.Scholarship
    jkk_lapses_on: date | None


def _judge(*, membership: Membership, kind: str, event_date: date, children: Sequence[ChildIn]) -> Judgement:
    table = benefit_table_on(event_date)
    rates = rates_of(table)
    fact = coverage_on(membership, event_date)
    basis = int(membership.programme.income_basis)
    since = member_since_of(membership.person)
    benefit = rules.benefit_for(kind, basis=basis, rates=rates) if fact.covered else None
    scholarship = rules.scholarship_for(
        kind, covered=fact.covered, member_since=since, event_date=event_date, children=children, rates=rates
    )
    lapses = rules.jkk_lapses_on(event_date, rates) if kind in JKK_KINDS else None
    return Judgement(fact.covered, fact.reason, table.pk, rates, benefit, since, scholarship, lapses)


def _first_claim_due(child: ChildIn, *, today: date) -> date:
    """A child at school claims the first year with the case; one not yet at school when they reach school age
    (the school year starting 1 July of the year they turn 6)."""
    if child.level == SchoolLevel.BELUM_SEKOLAH:
        return max(today, date(child.birth_date.year + 6, 7, 1))
    return today


def _write_items(claim: Claim, benefit: rules.Benefit | None) -> None:
    claim.items.all().delete()
    if benefit is None:
        return
    ClaimBenefitItem.objects.bulk_create(
        ClaimBenefitItem(claim=claim, position=i, item=item.item, amount=item.amount, in_total=item.in_total)
        for i, item in enumerate(benefit.items)
    )


def _write_children(claim: Claim, scholarship: rules.Scholarship, *, today: date) -> None:
    """Store every child's decision; rows already there (by position) are updated, so their documents stay."""
    existing = {child.position: child for child in claim.children.all()}
    for position, decision in enumerate(scholarship.children):
        child = existing.get(position) or ScholarshipChild(claim=claim, position=position)
        child.name = decision.child.name
        child.birth_date = decision.child.birth_date
        child.level = decision.child.level
        child.eligible = decision.eligible
        child.reason = decision.reason[:REASON_MAX]
        if decision.eligible and child.ended_on is None:
            child.next_claim_due = child.next_claim_due or _first_claim_due(decision.child, today=today)
        elif not decision.eligible:
            child.next_claim_due = None
        child.save()


# -- the benefit table ----------------------------------------------------------------------------------------


def benefit_table_seed(*, actor: Actor) -> BenefitTable:
    """PP 82/2019's row of the benefit table, when it is missing (the migration seeds it; a restored or flushed
    database, the demo and the tests call this). Idempotent; an existing row is never changed."""
    table, created = BenefitTable.objects.get_or_create(
        effective_from=PP_82_2019["effective_from"],
        defaults={key: value for key, value in PP_82_2019.items() if key != "effective_from"},
    )
    if created:
        audit_record(actor=actor, action="benefit_table.seed", target=table, data={"legal_basis": table.legal_basis})
    return table


# -- reporting a case ------------------------------------------------------------------------------------------


def _next_number(programme: Programme) -> str:
    ClaimSequence.objects.get_or_create(programme=programme)
    # The UPDATE holds the row until commit: two reports at once are numbered one after the other.
    ClaimSequence.objects.filter(pk=programme.pk).update(last=F("last") + 1)
    last = ClaimSequence.objects.values_list("last", flat=True).get(pk=programme.pk)
    return f"KLM-{programme.code}-{last:06d}"


def claim_existing(*, person_id: int, kind: str, event_date: date) -> Claim | None:
    return (
        Claim.objects.filter(person_id=person_id, kind=kind, event_date=event_date)
        .exclude(status=S.WITHDRAWN)
        .order_by("pk")
        .first()
    )


def _membership_locked(membership: Membership) -> Membership:
    """The membership as it is now, with its person's row locked until the claim is in.

    A merge of duplicate records locks both persons the same way (duplicates.services._lock) and moves memberships
    and claims to the record that stays. So a merge either finished first, and the claim goes to the person the
    membership moved to (and the check for a second claim of the same event sees that person's claims), or it waits
    until this claim is in and moves it with the rest; a claim never lands on the record merged away."""
    for _attempt in range(2):
        person_id = Membership.objects.values_list("person_id", flat=True).get(pk=membership.pk)
        list(Person.objects.select_for_update().filter(pk=person_id).values_list("pk"))
        current = Membership.objects.select_related("person", "programme").get(pk=membership.pk)
        if current.person_id == person_id:  # with its person locked, the membership cannot move any more
            return current
    raise Conflict(_("Data peserta sedang digabung dengan catatan lain; laporkan klaim sekali lagi."))


def claim_report(
    *,
    membership: Membership,
    kind: str,
    event_date: date,
    reported_by: str,
    actor: Actor | User,
    channel: str,
    heirs: Sequence[HeirIn] = (),
    children: Sequence[ChildIn] = (),
    reporter_phone: str = "",
) -> Claim:
    """Open a case for a member and judge it at once: was the member covered on the event date (membership and
    contributions), what the benefit is (the benefit table in force that day and the income basis), whether the
    children get the scholarship, the heirs in their legal order. A family's report from the public form waits
    as `reported` for an officer; an officer's or a partner's starts gathering documents. The same kind, member
    and event reported before is DuplicateClaim with the existing number; a JKK case after its right lapsed is
    refused, naming `event_date`."""
    actor = Actor.of(actor)
    _check_membership(actor, Capability.REPORT_CLAIMS, membership)
    today = clock.today()
    errors: dict[str, list[str]] = {}
    if kind not in ClaimKind.values:
        errors["kind"] = [
            _("Jenis klaim tidak dikenal; pilih salah satu dari: %(choices)s.")
            % {"choices": ", ".join(ClaimKind.values)}
        ]
    if event_date > today:
        errors["event_date"] = [_("Tanggal peristiwa tidak boleh di masa depan.")]
    who = clean_text(reported_by, NAME_MAX)
    if not who:
        errors["reported_by"] = [_("Tulis siapa yang melaporkan, misalnya “ahli waris” atau nama pelapor.")]
    clean_heirs, heir_errors = _heir_errors(heirs, member_nik=membership.person.nik)
    clean_children, child_errors = _child_errors(children, today=today)
    errors.update(heir_errors)
    errors.update(child_errors)
    if errors:
        raise refuse(errors)
    judgement = _judge(membership=membership, kind=kind, event_date=event_date, children=clean_children)
    if judgement.jkk_lapses_on is not None and today > judgement.jkk_lapses_on:
        raise DomainError(
            _(
                "Hak klaim JKK gugur %(years)s tahun sesudah kecelakaan: kecelakaan %(day)s, hak klaim berakhir "
                "%(lapsed)s."
            )
            % {
                "years": judgement.rates.jkk_claim_years,
                "day": rules.day_text(event_date),
                "lapsed": rules.day_text(judgement.jkk_lapses_on),
            },
            field="event_date",
        )
    now = clock.now()
    with transaction.atomic():
        membership = _membership_locked(membership)
        existing = claim_existing(person_id=membership.person_id, kind=kind, event_date=event_date)
        if existing is not None:
            raise DuplicateClaim(existing)
        number = _next_number(membership.programme)
        try:
            with transaction.atomic():
                claim = Claim.objects.create(
                    number=number,
                    programme=membership.programme,
                    membership=membership,
                    person=membership.person,
                    kind=kind,
                    event_date=event_date,
                    status=S.REPORTED if channel == "public" else S.DOCUMENTS_INCOMPLETE,
                    status_changed_at=now,
                    reported_by=who,
                    reporter_phone=reporter_phone[:16],
                    channel=channel,
                    created_by=actor.user,
                    api_token=actor.token,
                    covered=judgement.covered,
                    coverage_reason=judgement.coverage_reason,
                    coverage_checked_at=now,
                    benefit_table_id=judgement.table_id,
                    income_basis=int(membership.programme.income_basis),
                    member_since=judgement.member_since,
                    scholarship_eligible=judgement.scholarship.eligible,
                    scholarship_reason=judgement.scholarship.reason,
                    jkk_lapses_on=judgement.jkk_lapses_on,
                )
        except IntegrityError:
            # Reported at the same moment by someone else (a double click, the family and the office).
            existing = claim_existing(person_id=membership.person_id, kind=kind, event_date=event_date)
            if existing is None:
                raise
            raise DuplicateClaim(existing) from None
        _write_items(claim, judgement.benefit)
        ClaimHeir.objects.bulk_create(
            ClaimHeir(
                claim=claim,
                name=heir.name,
                nik=heir.nik,
                relationship=heir.relationship,
                rank=rules.heir_rank(heir.relationship),
                position=i,
            )
            for i, heir in enumerate(clean_heirs)
        )
        _write_children(claim, judgement.scholarship, today=today)
        audit_record(
            actor=actor,
            action="claim.report",
            target=claim,
            data={
                "kind": kind,
                "event_date": event_date,
                "kpj": membership.kpj,
                "channel": channel,
                "status": claim.status,
                "covered": judgement.covered,
                "total": judgement.benefit.total if judgement.benefit else None,
                "scholarship": judgement.scholarship.eligible,
                "heirs": len(clean_heirs),
                "children": len(clean_children),
            },
        )
    return claim


def claim_coverage_check(*, claim: Claim, actor: Actor | User) -> Claim:
    """Judge a case again (contributions reconciled since, a correction of the membership): coverage, benefit
    and scholarship, while the office still prepares it."""
    check_claim(actor, claim, Capability.HANDLE_CLAIMS, Capability.REPORT_CLAIMS)
    with transaction.atomic():
        locked = lock_claim(claim)
        if locked.status not in PREPARING:
            raise Conflict(_("Klaim yang sudah diajukan ke BPJS atau selesai tidak dinilai ulang."))
        children = [ChildIn(c.name, c.birth_date, c.level) for c in locked.children.order_by("position")]
        judgement = _judge(
            membership=locked.membership, kind=locked.kind, event_date=locked.event_date, children=children
        )
        before = {
            "covered": locked.covered,
            "reason": locked.coverage_reason,
            "scholarship": locked.scholarship_eligible,
        }
        locked.covered = judgement.covered
        locked.coverage_reason = judgement.coverage_reason
        locked.coverage_checked_at = clock.now()
        locked.benefit_table_id = judgement.table_id
        locked.member_since = judgement.member_since
        locked.scholarship_eligible = judgement.scholarship.eligible
        locked.scholarship_reason = judgement.scholarship.reason
        locked.save(
            update_fields=[
                "covered",
                "coverage_reason",
                "coverage_checked_at",
                "benefit_table",
                "member_since",
                "scholarship_eligible",
                "scholarship_reason",
            ]
        )
        _write_items(locked, judgement.benefit)
        _write_children(locked, judgement.scholarship, today=clock.today())
        audit_record(
            actor=actor,
            action="claim.check_coverage",
            target=locked,
            data={"before": before, "covered": judgement.covered, "reason": judgement.coverage_reason},
        )
    claim.refresh_from_db()
    return claim


def claim_heir_add(*, claim: Claim, heir: HeirIn, actor: Actor | User) -> ClaimHeir:
    check_claim(actor, claim, Capability.HANDLE_CLAIMS, Capability.REPORT_CLAIMS)
    with transaction.atomic():
        locked = lock_claim(claim)
        if locked.status not in PREPARING:
            raise Conflict(_("Ahli waris hanya dapat ditambah selama klaim disiapkan."))
        cleaned, errors = _heir_errors([heir], member_nik=locked.person.nik)
        errors = {key.replace("heirs.0.", ""): messages for key, messages in errors.items()}
        if not errors and locked.heirs.filter(nik=cleaned[0].nik).exists():
            errors["nik"] = [_("NIK ini sudah tercatat sebagai ahli waris klaim ini.")]
        if errors:
            raise refuse(errors)
        position = locked.heirs.count()
        added = ClaimHeir.objects.create(
            claim=locked,
            name=cleaned[0].name,
            nik=cleaned[0].nik,
            relationship=cleaned[0].relationship,
            rank=rules.heir_rank(cleaned[0].relationship),
            position=position,
        )
        audit_record(
            actor=actor,
            action="claim.heir_add",
            target=locked,
            data={"relationship": added.relationship, "nik_tail": added.nik[-4:]},
        )
    return added


def claim_child_add(*, claim: Claim, child: ChildIn, actor: Actor | User) -> ScholarshipChild:
    """Name one more child; the scholarship decisions of all the case's children are taken again in order."""
    check_claim(actor, claim, Capability.HANDLE_CLAIMS, Capability.REPORT_CLAIMS)
    today = clock.today()
    with transaction.atomic():
        locked = lock_claim(claim)
        if locked.status not in PREPARING:
            raise Conflict(_("Anak hanya dapat ditambah selama klaim disiapkan."))
        cleaned, errors = _child_errors([child], today=today)
        if errors:
            raise refuse({key.replace("children.0.", ""): messages for key, messages in errors.items()})
        children = [ChildIn(c.name, c.birth_date, c.level) for c in locked.children.order_by("position")]
        children.append(cleaned[0])
        judgement = _judge(
            membership=locked.membership, kind=locked.kind, event_date=locked.event_date, children=children
        )
        _write_children(locked, judgement.scholarship, today=today)
        locked.scholarship_eligible = judgement.scholarship.eligible
        locked.scholarship_reason = judgement.scholarship.reason
        locked.save(update_fields=["scholarship_eligible", "scholarship_reason"])
        added = locked.children.get(position=len(children) - 1)
        audit_record(
            actor=actor,
            action="claim.child_add",
            target=locked,
            data={"level": added.level, "eligible": added.eligible, "reason": added.reason},
        )
    return added


def lock_claim(claim: Claim) -> Claim:
    return (
        Claim.objects.select_for_update(of=("self",))
        .select_related("programme__funder", "membership__programme", "person")
        .get(pk=claim.pk)
    )
