"""Pure rules of in-kind aid: which periods a programme hands goods out in, and what a recipient's period shows
(received, missed, still due, not yet, outside their time as a recipient). Values in, values out; no database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _


class MonthStatus(models.TextChoices):
    RECEIVED = "received", _("diterima")
    MISSED = "missed", _("tidak diterima")
    DUE = "due", _("belum diterima")
    NOT_YET = "not_yet", _("belum waktunya")
    OUTSIDE = "outside", _("bukan masa penerima")


@dataclass(frozen=True)
class Span:
    """The months a recipient holds their place: from `starts` to `ends` (days inside the first and last month)."""

    starts: date
    ends: date


def first_of(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def periods(cover_start: date, cover_end: date, *, once: bool) -> list[date]:
    """The periods goods are handed out for: every month of the cover, or for aid given once a single period,
    the first month of the cover."""
    first = first_of(cover_start)
    if once:
        return [first]
    found = []
    month = first
    while month <= cover_end:
        found.append(month)
        month = add_months(month, 1)
    return found


def month_status(*, period: date, today: date, span: Span, received: bool, once: bool) -> MonthStatus:
    """What a recipient's period shows. A month with no delivery is missed once it is over; aid given once is
    missed when the recipient's time is over without it. Months before or after their time are outside it."""
    if received:
        return MonthStatus.RECEIVED
    if once:
        return MonthStatus.MISSED if today > span.ends else MonthStatus.DUE
    if period < first_of(span.starts) or period > first_of(span.ends):
        return MonthStatus.OUTSIDE
    current = first_of(today)
    if period < current:
        return MonthStatus.MISSED
    if period == current:
        return MonthStatus.DUE
    return MonthStatus.NOT_YET


def parse_period(text: str) -> date | None:
    """`YYYY-MM` as the first day of that month, or None."""
    text = (text or "").strip()
    if len(text) != 7 or text[4] != "-" or not (text[:4].isdigit() and text[5:].isdigit()):
        return None
    year, month = int(text[:4]), int(text[5:])
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        return None
    return date(year, month, 1)


MONTHS_ID = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


def period_text(period: date, *, once: bool = False) -> str:
    """ "Maret 2026" (month names stay Indonesian: they head a printed list signed in Indonesian)."""
    if once:
        return str(_("sekali (%(year)s)") % {"year": period.year})
    return f"{MONTHS_ID[period.month - 1]} {period.year}"
