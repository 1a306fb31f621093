"""The children's scholarship after the case: one claim a school year per child, with proof of schooling, until
the child turns 23, leaves school, or the case's total reaches the table's maximum (Rp174 jt for two children)."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from jaring.claims import rules
from jaring.claims.models import ClaimDocumentKind, ScholarshipChild, ScholarshipClaim, SchoolLevel
from jaring.claims.selectors import benefit_table_on, rates_of, scholarship_paid_total
from jaring.claims.services import check_claim, clean_text
from jaring.claims.states import ClaimStatus
from jaring.core import clock
from jaring.core.actors import Actor
from jaring.core.errors import Conflict, DomainError
from jaring.core.models import User
from jaring.core.permissions import Capability
from jaring.core.services import audit_record


def _rates(child: ScholarshipChild) -> rules.Rates:
    claim = child.claim
    return rates_of(claim.benefit_table or benefit_table_on(claim.event_date))


def _years_at(level: str, rates: rules.Rates) -> int:
    if level in (SchoolLevel.TK, SchoolLevel.SD):
        return rates.scholarship_tk_sd_years
    return {
        SchoolLevel.SMP: rates.scholarship_smp_years,
        SchoolLevel.SMA: rates.scholarship_sma_years,
        SchoolLevel.KULIAH: rates.scholarship_university_years,
    }[SchoolLevel(level)]


def scholarship_year_claim(
    *, child: ScholarshipChild, school_year: int, level: str, actor: Actor | User, claimed_on: date | None = None
) -> ScholarshipClaim:
    """Claim one school year's scholarship of one child, with the proof of schooling uploaded since the last
    claim. The amount is the table's for the level, never beyond the case's remaining maximum; the next claim
    falls due a year later, unless the child will be 23 by then or the maximum is reached."""
    claim = child.claim
    check_claim(actor, claim, Capability.HANDLE_CLAIMS)
    claimed_on = claimed_on or clock.today()
    _check_request(claimed_on=claimed_on, level=level, school_year=school_year)
    rates = _rates(child)
    with transaction.atomic():
        locked = ScholarshipChild.objects.select_for_update().select_related("claim").get(pk=child.pk)
        case = locked.claim
        _check_child_may_claim(locked, claimed_on=claimed_on, rates=rates)
        _check_proof_and_years(locked, level=level, rates=rates)
        remaining = rates.scholarship_max_total - scholarship_paid_total(case)
        if remaining <= 0:
            raise Conflict(
                _("Beasiswa klaim ini sudah mencapai batas Rp%(max)s.")
                % {"max": rules.rupiah(rates.scholarship_max_total)}
            )
        amount = min(rules.yearly_amount(level, rates), remaining)
        try:
            with transaction.atomic():
                year_claim = ScholarshipClaim.objects.create(
                    child=locked,
                    school_year=school_year,
                    level=level,
                    amount=amount,
                    claimed_on=claimed_on,
                    created_by=Actor.of(actor).user,
                )
        except IntegrityError:
            raise Conflict(
                _("Beasiswa tahun ajaran %(year)s/%(next)s anak ini sudah diajukan.")
                % {"year": school_year, "next": school_year + 1}
            ) from None
        locked.level = level
        _schedule_next(locked, claimed_on=claimed_on, last=amount >= remaining, rates=rates)
        locked.save(update_fields=["level", "next_claim_due", "ended_on", "ended_reason"])
        audit_record(
            actor=actor,
            action="claim.scholarship_claim",
            target=case,
            data={"child": locked.position, "school_year": school_year, "level": level, "amount": amount},
        )
    return year_claim


def _check_request(*, claimed_on: date, level: str, school_year: int) -> None:
    if claimed_on > clock.today():
        raise DomainError(_("Tanggal pengajuan tidak boleh di masa depan."), field="claimed_on")
    if level not in SchoolLevel.values or level == SchoolLevel.BELUM_SEKOLAH:
        raise DomainError(_("Pilih jenjang sekolah anak tahun ajaran ini (TK sampai perguruan tinggi)."), field="level")
    if not (claimed_on.year - 1 <= school_year <= claimed_on.year):
        raise DomainError(
            _("Tahun ajaran %(year)s/%(next)s bukan tahun ajaran berjalan.")
            % {"year": school_year, "next": school_year + 1},
            field="school_year",
        )


def _check_child_may_claim(locked: ScholarshipChild, *, claimed_on: date, rates: rules.Rates) -> None:
    """The case was submitted and earns the scholarship, and this child is one of its children still within age."""
    case = locked.claim
    if case.status not in (ClaimStatus.SUBMITTED_TO_BPJS, ClaimStatus.PAID) or not case.scholarship_eligible:
        raise Conflict(_("Beasiswa diajukan sesudah klaim induknya diajukan ke BPJS dan berhak beasiswa."))
    if not locked.eligible:
        raise Conflict(_("Anak ini tidak termasuk penerima beasiswa: %(reason)s") % {"reason": locked.reason})
    if locked.ended_on is not None:
        raise Conflict(_("Beasiswa anak ini sudah berakhir: %(reason)s") % {"reason": locked.ended_reason})
    age = rules.age_on(locked.birth_date, claimed_on)
    if age >= rates.scholarship_max_age:
        raise DomainError(
            _("Anak ini sudah berusia %(age)s tahun; beasiswa hanya sampai usia %(max)s tahun.")
            % {"age": age, "max": rates.scholarship_max_age},
            field="child",
        )


def _check_proof_and_years(locked: ScholarshipChild, *, level: str, rates: rules.Rates) -> None:
    """A proof of schooling uploaded since the last claim, and a year left at the level."""
    previous = locked.claims.order_by("-claimed_on").first()
    proofs = locked.documents.filter(kind=ClaimDocumentKind.BUKTI_SEKOLAH, superseded_at=None)
    if previous is not None:
        proofs = proofs.filter(uploaded_at__date__gte=previous.claimed_on)
    if not proofs.exists():
        raise DomainError(
            _("Unggah bukti masih sekolah/kuliah anak ini untuk tahun ajaran ini lebih dahulu."), field="document"
        )
    used = locked.claims.filter(level__in=_same_level(level)).count()
    if used >= _years_at(level, rates):
        raise DomainError(
            _("Beasiswa jenjang %(level)s paling lama %(years)s tahun dan sudah dibayar %(used)s tahun.")
            % {"level": SchoolLevel(level).label, "years": _years_at(level, rates), "used": used},
            field="level",
        )


def _schedule_next(locked: ScholarshipChild, *, claimed_on: date, last: bool, rates: rules.Rates) -> None:
    """The next claim falls due a year later, unless the child will be too old by then or the maximum is reached
    (`last`)."""
    due = rules.add_years(claimed_on, 1)
    if rules.age_on(locked.birth_date, due) >= rates.scholarship_max_age:
        locked.next_claim_due = None
        locked.ended_on = rules.add_years(locked.birth_date, rates.scholarship_max_age)
        locked.ended_reason = _("Mencapai usia %(max)s tahun") % {"max": rates.scholarship_max_age}
    elif last:
        locked.next_claim_due = None
        locked.ended_on = claimed_on
        locked.ended_reason = _("Batas beasiswa klaim ini tercapai")
    else:
        locked.next_claim_due = due


def _same_level(level: str) -> tuple[str, ...]:
    # TK and SD share one amount and one count of years.
    return (SchoolLevel.TK, SchoolLevel.SD) if level in (SchoolLevel.TK, SchoolLevel.SD) else (level,)


def scholarship_year_paid(*, year_claim: ScholarshipClaim, paid_on: date, actor: Actor | User) -> ScholarshipClaim:
    check_claim(actor, year_claim.child.claim, Capability.HANDLE_CLAIMS)
    if paid_on > clock.today():
        raise DomainError(_("Tanggal dibayar tidak boleh di masa depan."), field="paid_on")
    if paid_on < year_claim.claimed_on:
        raise DomainError(_("Tanggal dibayar tidak boleh sebelum beasiswa diajukan."), field="paid_on")
    with transaction.atomic():
        updated = ScholarshipClaim.objects.filter(pk=year_claim.pk, status=ScholarshipClaim.Status.CLAIMED).update(
            status=ScholarshipClaim.Status.PAID, paid_on=paid_on
        )
        if not updated:
            raise Conflict(_("Pembayaran beasiswa ini sudah dicatat."))
        audit_record(
            actor=actor,
            action="claim.scholarship_paid",
            target=year_claim.child.claim,
            data={"child": year_claim.child.position, "school_year": year_claim.school_year, "paid_on": paid_on},
        )
    year_claim.refresh_from_db()
    return year_claim


def scholarship_child_end(*, child: ScholarshipChild, reason: str, actor: Actor | User) -> ScholarshipChild:
    """The child finished school (graduated) or left it: no more yearly claims."""
    check_claim(actor, child.claim, Capability.HANDLE_CLAIMS)
    text = clean_text(reason, 200)
    if not text:
        raise DomainError(_("Tuliskan alasannya, misalnya “lulus kuliah”."), field="reason")
    with transaction.atomic():
        updated = ScholarshipChild.objects.filter(pk=child.pk, ended_on=None).update(
            ended_on=clock.today(), ended_reason=text, next_claim_due=None
        )
        if not updated:
            raise Conflict(_("Beasiswa anak ini sudah berakhir."))
        audit_record(
            actor=actor,
            action="claim.scholarship_end",
            target=child.claim,
            data={"child": child.position, "reason": text},
        )
    child.refresh_from_db()
    return child
