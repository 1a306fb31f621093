"""Writes about contributions: a programme's billing terms, payments of reconciled invoices (SP2D), and the
membership consequences of arrears (non-active at three months in a row unpaid, active again once paid).
Every change is audited; invoices are imported in `invoices.py`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from jaring.contributions import billing
from jaring.contributions.models import PAYABLE, BillingTerms, CoverRule, Invoice, InvoiceLine, PaidMonth, Payment
from jaring.contributions.selectors import ARREARS_REASON, arrears_candidates, arrears_run_of, terms_of
from jaring.core import clock
from jaring.core.actors import Actor
from jaring.core.bulk import rows_insert
from jaring.core.errors import Conflict, DomainError
from jaring.core.models import User
from jaring.core.permissions import Capability
from jaring.core.services import audit_record
from jaring.enrolment.models import Membership
from jaring.enrolment.services import membership_deactivate, membership_reactivate
from jaring.programmes.models import Programme
from jaring.programmes.selectors import refuse_unless_bpjs

# The actor of lifecycle changes that follow from payments, not from a person: the system, by the arrears rule.
SYSTEM = Actor.system("sistem: tunggakan iuran")


def check_may(actor: Actor | User, programme: Programme, capability: str) -> None:
    """PermissionDenied unless `actor` holds `capability` for this programme's funder (the system always may).
    NotForBpjs for a goods programme, whoever asks: nothing of it is billed by BPJS."""
    refuse_unless_bpjs(programme)
    Actor.of(actor).require(capability, programme=programme)


# -- billing terms ---------------------------------------------------------------------------------------------

TERMS_FIELDS = ("cover_rule", "due_day", "cover_in_arrears", "tracked_from", "payment_code", "invoice_headers")


def _cover_rule(value: Any) -> Any:
    if value not in CoverRule.values:
        raise ValueError(_("Pilih aturan tertanggung dari daftar."))
    return value


def _due_day(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 28:
        raise ValueError(_("Batas bayar harus tanggal 1 sampai 28."))
    return value


def _tracked_from(value: Any) -> Any:
    return billing.month_of(value) if value is not None else None


def _payment_code(value: Any) -> str:
    code = " ".join(str(value or "").split())
    if len(code) > 40:
        raise ValueError(_("Kode iuran paling banyak 40 karakter."))
    return code


def _invoice_headers(value: Any) -> dict[str, list[str]]:
    """Spec column -> the extra header names, each cleaned, at most ten; an unknown spec column is refused."""
    from jaring.contributions.invoice_read import COLUMNS

    headers: dict[str, list[str]] = {}
    for column, names in (value or {}).items():
        if column not in COLUMNS:
            raise ValueError(_("Kolom tagihan tidak dikenal: %(column)s.") % {"column": column})
        cleaned = [" ".join(str(name).split())[:60] for name in names if str(name).strip()]
        if cleaned:
            headers[column] = list(dict.fromkeys(cleaned))[:10]
    return headers


# How each term given is checked and cleaned (ValueError: the message for its field); the rest are taken as given.
TERMS_CLEANERS: dict[str, Callable[[Any], Any]] = {
    "cover_rule": _cover_rule,
    "due_day": _due_day,
    "tracked_from": _tracked_from,
    "payment_code": _payment_code,
    "invoice_headers": _invoice_headers,
}


def billing_terms_set(*, programme: Programme, actor: Actor | User, **fields: Any) -> BillingTerms:
    """Change a programme's billing terms; only the fields given change, each audited with before and after.
    `invoice_headers`: spec column -> extra header names the branch writes (the invoice's column template)."""
    check_may(actor, programme, Capability.MANAGE_PROGRAMMES)
    unknown = set(fields) - set(TERMS_FIELDS)
    if unknown:
        raise TypeError(f"unknown billing terms: {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    for name, value in list(fields.items()):
        clean = TERMS_CLEANERS.get(name)
        if clean is None:
            continue
        try:
            fields[name] = clean(value)
        except ValueError as exc:
            errors[name] = [str(exc)]
    if errors:
        first = next(iter(errors.values()))[0]
        raise DomainError(first, field=next(iter(errors)), errors=errors)
    with transaction.atomic():
        terms, _created = BillingTerms.objects.select_for_update().get_or_create(programme=programme)
        changes = {
            name: {"from": getattr(terms, name), "to": value}
            for name, value in fields.items()
            if getattr(terms, name) != value
        }
        if changes:
            for name, value in fields.items():
                setattr(terms, name, value)
            terms.save()
            audit_record(actor=actor, action="programme.billing_terms_set", target=programme, data=changes)
    return terms


# -- payments --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Paid:
    payment: Payment
    months: int  # member-months this payment completed
    reactivated: int


def payment_record(
    *,
    invoice: Invoice,
    sp2d_number: str,
    sp2d_date: date,
    amount: int,
    actor: Actor | User,
    note: str = "",
) -> Paid:
    """Record a payment (SP2D number, date and amount; a part of what is proposed may be paid) against a
    reconciled invoice. The invoice's payable rows are paid in their order as far as the money paid into it
    goes: a row is paid once the whole of its expected amount is covered, and a remainder waits for the next
    payment. Members whose arrears this clears are made active again."""
    programme = Programme.objects.select_related("funder").get(pk=invoice.programme_id)
    check_may(actor, programme, Capability.RECORD_PAYMENTS)
    number = " ".join(sp2d_number.split())
    errors: dict[str, list[str]] = {}
    if not number:
        errors["sp2d_number"] = [_("Nomor SP2D wajib diisi.")]
    elif len(number) > 60:
        errors["sp2d_number"] = [_("Nomor SP2D paling banyak 60 karakter.")]
    if sp2d_date > clock.today():
        errors["sp2d_date"] = [_("Tanggal SP2D tidak boleh di masa depan.")]
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        errors["amount"] = [_("Jumlah harus rupiah bulat lebih dari 0.")]
    if errors:
        first = next(iter(errors.values()))[0]
        raise DomainError(first, field=next(iter(errors)), errors=errors)
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if locked.status != Invoice.Status.CURRENT:
            raise Conflict(_("Hanya tagihan yang berlaku (sudah dicocokkan, tidak diganti) yang dapat dibayar."))
        left = locked.proposed - locked.paid
        if amount > left:
            raise DomainError(
                _("Jumlah melebihi sisa yang diusulkan untuk dibayar (Rp%(left)s).")
                % {"left": f"{max(left, 0):,}".replace(",", ".")},
                field="amount",
            )
        try:
            with transaction.atomic():
                payment = Payment.objects.create(
                    invoice=locked,
                    sp2d_number=number,
                    sp2d_date=sp2d_date,
                    amount=amount,
                    note=" ".join(note.split())[:300],
                    created_by=Actor.of(actor).user,
                    created_by_label=Actor.of(actor).name,
                )
        except IntegrityError:
            raise Conflict(
                _("SP2D %(number)s sudah dicatat untuk tagihan ini.") % {"number": number}, field="sp2d_number"
            ) from None
        locked.paid += amount
        locked.save(update_fields=["paid"])
        months = _allocate(locked, payment)
        audit_record(
            actor=actor,
            action="payment.record",
            target=payment,
            data={
                "invoice": locked.pk,
                "month": locked.month.isoformat(),
                "sp2d_number": number,
                "sp2d_date": sp2d_date.isoformat(),
                "amount": amount,
                "months_paid": months,
            },
            funder=programme.funder,
        )
    invoice.refresh_from_db()
    outcome = arrears_apply(programme=programme, actor=SYSTEM)
    return Paid(payment=payment, months=months, reactivated=outcome.reactivated)


def _allocate(invoice: Invoice, payment: Payment) -> int:
    """Pay the invoice's payable rows in order with the money paid into it and not yet used."""
    used = PaidMonth.objects.filter(line__invoice=invoice).aggregate(total=Sum("amount"))["total"] or 0
    credit = invoice.paid - used
    taken: set[tuple[int | None, date | None]] = set(
        PaidMonth.objects.filter(membership__programme_id=invoice.programme_id, month__in=_months(invoice)).values_list(
            "membership_id", "month"
        )
    )
    rows = []
    lines = (
        InvoiceLine.objects.filter(invoice=invoice, status__in=PAYABLE)
        .order_by("position")
        .values_list("pk", "membership_id", "month", "expected")
        .iterator(chunk_size=20_000)
    )
    for pk, membership_id, month, expected in lines:
        if (membership_id, month) in taken:
            continue
        if expected > credit:
            break
        credit -= expected
        taken.add((membership_id, month))
        rows.append((membership_id, month, expected, payment.sp2d_date, payment.pk, pk))
    rows_insert(PaidMonth, ("membership_id", "month", "amount", "paid_on", "payment_id", "line_id"), rows, ids=False)
    return len(rows)


def _months(invoice: Invoice) -> list[date]:
    months = InvoiceLine.objects.filter(invoice=invoice, status__in=PAYABLE).values_list("month", flat=True)
    return [month for month in months.distinct() if month is not None]


# -- arrears ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArrearsApplied:
    deactivated: int
    reactivated: int


def arrears_apply(*, programme: Programme, actor: Actor | User = SYSTEM, on: date | None = None) -> ArrearsApplied:
    """Bring memberships in line with their arrears on `on` (default today): an active member with three months
    in a row unpaid becomes non-active from the day after the third month's due date (BPJS's rule), and a member
    made non-active for arrears becomes active again once fewer than three are owed. Safe to run any number of
    times (`jaring contributions-arrears` runs it daily). Each membership change is the system's (SYSTEM),
    following the rule; who ran it is recorded on the programme."""
    check_may(actor, programme, Capability.RECONCILE_INVOICES)
    on = on or clock.today()
    terms = terms_of(programme)
    deactivated = reactivated = 0
    if terms.tracked_from is None:
        return ArrearsApplied(0, 0)
    for membership in arrears_candidates(programme, on=on, terms=terms):
        run = arrears_run_of(membership, on=on, terms=terms)
        lapse = billing.lapse_day(run, terms.due_day)
        if lapse is None:
            continue
        months = ", ".join(billing.month_text(m) for m in run)
        membership_deactivate(
            membership=membership,
            effective=lapse,
            note=_("Iuran %(count)s bulan berturut-turut belum dibayar: %(months)s.")
            % {"count": len(run), "months": months},
            actor=SYSTEM,
            reason=ARREARS_REASON,
        )
        deactivated += 1
    lapsed = Membership.objects.filter(
        programme=programme, status=Membership.Status.NON_ACTIVE, events__reason=ARREARS_REASON
    ).distinct()
    for membership in lapsed.select_related("place", "programme__funder"):
        last = membership.events.order_by("-effective", "-at", "-id").first()
        if last is None or last.reason != ARREARS_REASON:
            continue  # made non-active by the manager since: theirs to undo
        run = arrears_run_of(membership, on=on, terms=terms)
        if billing.lapse_day(run, terms.due_day) is not None:
            continue
        paid = PaidMonth.objects.filter(membership=membership, paid_on__lte=on).order_by("-paid_on").first()
        effective = max(paid.paid_on if paid else on, membership.status_since)
        membership_reactivate(
            membership=membership,
            effective=effective,
            note=_("Tunggakan iuran dibayar (%(payment)s).")
            % {"payment": _("SP2D %(number)s") % {"number": paid.payment.sp2d_number} if paid else "-"},
            actor=SYSTEM,
            reason="arrears_paid",
        )
        reactivated += 1
    if deactivated or reactivated:
        audit_record(
            actor=actor,
            action="programme.arrears_apply",
            target=programme,
            data={"on": on.isoformat(), "deactivated": deactivated, "reactivated": reactivated},
        )
    return ArrearsApplied(deactivated, reactivated)
