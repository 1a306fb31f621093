"""What reconciliation decides for each invoice row (../shared/spec/bpjs-invoice.md, "What reconciliation
decides"), as plain Python over the programme's members loaded once: no query per row.

`Reconciler.judge(row)` gives a row its status, difference and reason; `Reconciler.not_billed(month)` lists the
members covered in the invoice's month who were on no row. Members are `Member` tuples; amounts come from
`rates` (month -> Contribution, the table in force), paid months from `paid` (month -> membership id -> text
naming the payment). The service streams the lines it returns into the database.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from django.utils.translation import gettext as _

from jaring.allocation.models import EndReason
from jaring.contributions import billing
from jaring.contributions.invoice_read import NAME_MAX, InvoiceRow, RowReader, parse_period
from jaring.contributions.models import LineStatus
from jaring.core.sheets import MAX_CELL_CHARS
from jaring.core.validation import Invalid, parse_rupiah
from jaring.programmes.money import Contribution, thousands

S = LineStatus


class Member(NamedTuple):
    id: int
    kpj: str
    nik: str
    starts: date
    ends: date  # the earlier of the membership's and its place's end
    end_reason: str  # EndReason value or ""
    end_note: str


class Line(NamedTuple):
    """One reconciled line, in the column order of InvoiceLine (without invoice and position)."""

    row_number: int
    status: str
    membership_id: int | None
    month: date | None
    kpj: str
    nik: str
    name: str
    invoiced: int
    expected: int
    difference: int
    reason: str


LINE_FIELDS = (
    "row_number",
    "status",
    "membership_id",
    "month",
    "kpj",
    "nik",
    "name",
    "invoiced",
    "expected",
    "difference",
    "reason",
)


def rupiah_text(amount: int) -> str:
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{thousands(abs(amount))}"


def _day(day: date) -> str:
    return day.strftime("%d-%m-%Y")


@dataclass
class Summary:
    months: Counter[date] = field(default_factory=Counter)  # rows per month billed


class Reconciler:
    def __init__(
        self,
        *,
        programme_code: str,
        members: Iterable[Member],
        rates: Callable[[date], Contribution],
        whole_month: bool,
        paid: Callable[[date], Mapping[int, str]] | None = None,
    ) -> None:
        self.programme_code = programme_code
        self.by_kpj: dict[str, Member] = {}
        self.doubled: dict[str, list[Member]] = {}  # a KPJ with two memberships in the programme (a data slip)
        for member in members:
            if member.kpj in self.by_kpj:
                self.doubled.setdefault(member.kpj, [self.by_kpj[member.kpj]]).append(member)
            else:
                self.by_kpj[member.kpj] = member
        self._rates = rates
        self._rate_cache: dict[date, Contribution] = {}
        self.whole_month = whole_month
        self.paid: Callable[[date], Mapping[int, str]] = paid or (lambda month: {})
        # month -> membership id -> the row number that billed it first
        self.billed: dict[date, dict[int, int]] = defaultdict(dict)
        self._strangers: dict[tuple[str, date], int] = {}
        self.summary = Summary()

    def rate(self, month: date) -> Contribution:
        found = self._rate_cache.get(month)
        if found is None:
            found = self._rate_cache[month] = self._rates(month)
        return found

    def _member(self, kpj: str, month: date) -> Member | None:
        doubled = self.doubled.get(kpj)
        if doubled:
            covering = [
                m for m in doubled if billing.is_billable(m.starts, m.ends, month, whole_month=self.whole_month)
            ]
            return (covering or doubled)[-1]
        return self.by_kpj.get(kpj)

    # -- one row -----------------------------------------------------------------------------------------------

    def judge(self, row: InvoiceRow) -> Line:
        if row.month is not None:
            self.summary.months[row.month] += 1
        return self._judge(row)

    def _line(self, row: InvoiceRow, status: str, *, member: Member | None, expected: int, reason: str) -> Line:
        return Line(
            row.number,
            status,
            member.id if member else None,
            row.month,
            row.kpj,
            row.nik,
            row.name,
            row.total,
            expected,
            row.total - expected,
            reason[:300],
        )

    def _judge(self, row: InvoiceRow) -> Line:
        if row.problems:
            return self._unreadable(row)
        month = row.month
        assert month is not None
        member = self._member(row.kpj, month)
        if member is None:
            return self._stranger(row, month)
        if row.nik and row.nik != member.nik:
            reason = _("NIK %(nik)s bukan milik peserta KPJ %(kpj)s di program %(code)s.") % {
                "nik": row.nik,
                "kpj": row.kpj,
                "code": self.programme_code,
            }
            return self._line(row, S.BUKAN_PESERTA, member=None, expected=0, reason=reason)
        again = self._billed_before(row, member, month)
        if again is not None:
            return again
        if not billing.is_billable(member.starts, member.ends, month, whole_month=self.whole_month):
            return self._line(row, S.TIDAK_AKTIF, member=member, expected=0, reason=self._not_covered(member, month))
        return self._against_the_table(row, member, month)

    def _unreadable(self, row: InvoiceRow) -> Line:
        reason = "; ".join(m for _c, m in row.problems)
        line = self._line(row, S.BARIS_SALAH, member=None, expected=0, reason=reason)
        if any(column in ("iuran_jkk", "iuran_jkm") for column, _m in row.problems):
            # Amounts that cannot be read count nothing towards the invoice's total.
            line = line._replace(invoiced=0, difference=0)
        return line

    def _stranger(self, row: InvoiceRow, month: date) -> Line:
        """A KPJ that is no member of the programme (a second row of it is a duplicate)."""
        first = self._strangers.setdefault((row.kpj, month), row.number)
        if first != row.number:
            return self._line(row, S.GANDA, member=None, expected=0, reason=self._twice(month, first))
        reason = _("KPJ %(kpj)s bukan peserta program %(code)s.") % {"kpj": row.kpj, "code": self.programme_code}
        return self._line(row, S.BUKAN_PESERTA, member=None, expected=0, reason=reason)

    def _billed_before(self, row: InvoiceRow, member: Member, month: date) -> Line | None:
        """A duplicate: the member's month on an earlier row of this invoice, or paid already."""
        first = self.billed[month].setdefault(member.id, row.number)
        if first != row.number:
            return self._line(row, S.GANDA, member=member, expected=0, reason=self._twice(month, first))
        paid = self.paid(month).get(member.id)
        if paid is not None:
            reason = _("Iuran %(month)s peserta ini sudah dibayar (%(payment)s).") % {
                "month": billing.month_text(month),
                "payment": paid,
            }
            return self._line(row, S.GANDA, member=member, expected=0, reason=reason)
        return None

    def _against_the_table(self, row: InvoiceRow, member: Member, month: date) -> Line:
        """What was billed against the contribution table in force for the month."""
        rate = self.rate(month)
        jkk, jkm = int(rate.jkk), int(rate.jkm)
        expected = jkk + jkm
        if row.jkk == jkk and row.jkm == jkm:
            return self._line(row, S.COCOK, member=member, expected=expected, reason="")
        reason = _(
            "Ditagih %(billed)s (JKK %(bjkk)s + JKM %(bjkm)s), seharusnya %(expected)s (JKK %(jkk)s + JKM %(jkm)s) "
            "menurut tabel iuran yang berlaku untuk %(month)s."
        ) % {
            "billed": rupiah_text(row.total),
            "bjkk": rupiah_text(row.jkk),
            "bjkm": rupiah_text(row.jkm),
            "expected": rupiah_text(expected),
            "jkk": rupiah_text(jkk),
            "jkm": rupiah_text(jkm),
            "month": billing.month_text(month),
        }
        if row.total * 2 == expected:
            reason += " " + _(
                "Tampaknya potongan 50% PP 50/2025 diterapkan, padahal peserta yang iurannya dibayar APBD tidak "
                "mendapat potongan itu."
            )
        return self._line(row, S.SELISIH_JUMLAH, member=member, expected=expected, reason=reason)

    @staticmethod
    def _twice(month: date, first: int) -> str:
        return _("KPJ ini sudah ditagih untuk %(month)s pada baris %(row)s.") % {
            "month": billing.month_text(month),
            "row": first,
        }

    def _not_covered(self, member: Member, month: date) -> str:
        first, last = month, billing.month_last_day(month)
        text = billing.month_text(month)
        if member.starts > (first if self.whole_month else last):
            return _("Tidak tertanggung pada %(month)s: perlindungan baru mulai %(start)s.") % {
                "month": text,
                "start": _day(member.starts),
            }
        since = member.ends + timedelta(days=1)
        why = str(EndReason(member.end_reason).label) if member.end_reason in EndReason.values else ""
        if member.end_note:
            why = f"{why}: {member.end_note}" if why else member.end_note
        if not why:
            why = _("masa perlindungan program selesai")
        return _("Tidak tertanggung pada %(month)s: perlindungan berakhir sejak %(since)s (%(why)s).") % {
            "month": text,
            "since": _day(since),
            "why": why,
        }

    # -- members not billed ------------------------------------------------------------------------------------

    def covered_in(self, month: date) -> Iterator[Member]:
        members: Iterable[Member] = self.by_kpj.values()
        if self.doubled:
            members = [*self.by_kpj.values(), *(m for ms in self.doubled.values() for m in ms[1:])]
        whole = self.whole_month
        first, last = month, billing.month_last_day(month)
        for member in members:
            if (
                (member.starts <= first and member.ends >= last)
                if whole
                else (member.starts <= last and member.ends >= first)
            ):
                yield member

    def not_billed(self, month: date) -> tuple[list[Line], int]:
        """The members covered in `month` who were on no row of this invoice for it (`tidak_ditagih`), and
        how many members were covered that month."""
        billed = self.billed.get(month, {})
        rate = self.rate(month)
        expected = int(rate.total)
        covered = 0
        lines = []
        reason = _("Tertanggung pada %(month)s tetapi tidak ada di tagihan.") % {"month": billing.month_text(month)}
        paid = self.paid(month)
        for member in self.covered_in(month):
            covered += 1
            if member.id in billed or member.id in paid:
                continue
            lines.append(
                Line(0, S.TIDAK_DITAGIH, member.id, month, member.kpj, member.nik, "", 0, expected, -expected, reason)
            )
        lines.sort(key=lambda line: (line.kpj, line.membership_id or 0))
        return lines, covered


# A month as the fast path reads it once: the month, its first and last day, the JKK and JKM rates, the members
# billed for it so far in this invoice, the members whose month is paid.
MonthFacts = tuple[date, date, date, int, int, dict[int, int], Mapping[int, str]]


class FastPath:
    """The common row judged straight from its cells, without an InvoiceRow: a KPJ of 11 digits, an empty or
    16-digit NIK, a period and amounts already read once (invoices repeat them), a member covered that month,
    billed once, unpaid. Anything else returns None and goes the full way (RowReader.row, Reconciler.judge),
    which gives the same outcome for these rows: tests hold both ways to the same statuses."""

    def __init__(self, reconciler: Reconciler, reader: RowReader) -> None:
        self.reconciler = reconciler
        self.reader = reader
        positions = reader.positions
        self.kpj = positions["kpj"]
        self.nik = positions.get("nik")
        self.name = positions.get("nama")
        self.period = positions["periode"]
        self.jkk = positions["iuran_jkk"]
        self.jkm = positions["iuran_jkm"]
        self.total = positions.get("jumlah")
        self.width = max(positions.values()) + 1
        self.months: dict[object, MonthFacts | None] = {}
        self.amounts: dict[object, int | None] = {}

    def _month(self, raw: object) -> MonthFacts | None:
        found = self.months.get(raw, False)
        if found is not False:
            return found  # type: ignore[return-value]
        try:
            month = parse_period(raw)
        except Invalid:
            self.months[raw] = None
            return None
        reconciler = self.reconciler
        rate = reconciler.rate(month)
        info = (
            month,
            month,
            billing.month_last_day(month),
            int(rate.jkk),
            int(rate.jkm),
            reconciler.billed[month],
            reconciler.paid(month),
        )
        self.months[raw] = info
        return info

    def _identity(self, cells: list[object]) -> tuple[str, str, str] | None:
        """KPJ, NIK and name, when each is plainly written (text of the right digits, a name of a sane length)."""
        if len(cells) < self.width:
            return None
        kpj = cells[self.kpj]
        if type(kpj) is not str or len(kpj) != 11 or not kpj.isdigit() or not kpj.isascii():
            return None
        nik = cells[self.nik] if self.nik is not None else ""
        if nik and (type(nik) is not str or len(nik) != 16 or not nik.isdigit()):
            return None
        name = cells[self.name] if self.name is not None else ""
        if type(name) is not str or len(name) > MAX_CELL_CHARS:
            return None
        return kpj, str(nik), name

    def _amounts(self, cells: list[object]) -> tuple[MonthFacts, int, int] | None:
        """The month's facts, JKK and JKM, when the amounts read and the stated total (if any) is their sum."""
        try:
            info = self._month(cells[self.period])
            jkk = self._amount(cells[self.jkk])
            jkm = self._amount(cells[self.jkm])
            stated = cells[self.total] if self.total is not None else ""
            total = self._amount(stated) if stated != "" and stated is not None else None
        except TypeError:  # an unhashable cell: the full way says what it is
            return None
        if info is None or jkk is None or jkm is None:
            return None
        if stated not in ("", None) and (total is None or total != jkk + jkm):
            return None
        return info, jkk, jkm

    def _plain_member(self, kpj: str, nik: str) -> Member | None:
        """The member of the KPJ, when there is exactly one and the NIK (if written) is theirs."""
        reconciler = self.reconciler
        if kpj in reconciler.doubled:
            return None
        member = reconciler.by_kpj.get(kpj)
        if member is None or (nik and nik != member.nik):
            return None
        return member

    def _covered(self, member: Member, first: date, last: date) -> bool:
        if self.reconciler.whole_month:
            return member.starts <= first and member.ends >= last
        return member.starts <= last and member.ends >= first

    def _amount(self, raw: object) -> int | None:
        found = self.amounts.get(raw, False)
        if found is not False:
            return found
        try:
            amount: int | None = parse_rupiah(raw, field="iuran_jkk")
        except Invalid:
            amount = None
        self.amounts[raw] = amount
        return amount

    def __call__(self, number: int, cells: list[object]) -> Line | None:
        identity = self._identity(cells)
        if identity is None:
            return None
        kpj, nik, name = identity
        billed_amounts = self._amounts(cells)
        if billed_amounts is None:
            return None
        info, jkk, jkm = billed_amounts
        member = self._plain_member(kpj, nik)
        if member is None:
            return None
        month, first, last, rate_jkk, rate_jkm, billed, paid = info
        member_id = member.id
        if member_id in billed or member_id in paid or not self._covered(member, first, last):
            return None
        if jkk != rate_jkk or jkm != rate_jkm:
            return None
        billed[member_id] = number
        if "  " in name or name[:1] == " " or name[-1:] == " ":
            name = " ".join(name.split())
        expected = rate_jkk + rate_jkm
        self.reconciler.summary.months[month] += 1
        return Line(number, S.COCOK, member_id, month, kpj, str(nik), name[:NAME_MAX], expected, expected, 0, "")
