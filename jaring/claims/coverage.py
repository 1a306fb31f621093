"""Whether the member was covered on the day of the event, and why not when not.

The contributions app decides it (`contributions.selectors.cover_on`): the membership's cover period, its
lifecycle (made non-active) and the arrears that make BPJS refuse, as they stood on that day. This module only
words the answer for a case, saying also when cover held with months still unpaid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from jaring.claims.rules import day_text
from jaring.contributions.selectors import cover_on
from jaring.enrolment.models import Membership


@dataclass(frozen=True)
class Coverage:
    covered: bool
    reason: str
    unpaid_months: int


def coverage_on(membership: Membership, day: date) -> Coverage:
    found = cover_on(membership, day)
    facts = {"day": day_text(day), "kpj": membership.kpj, "code": membership.programme.code}
    if not found.covered:
        return Coverage(
            False,
            _("KPJ %(kpj)s (%(code)s) tidak dalam perlindungan pada %(day)s: %(why)s") % {**facts, "why": found.reason},
            found.unpaid_months,
        )
    reason = _("KPJ %(kpj)s (%(code)s) dalam perlindungan pada %(day)s: kepesertaan aktif.") % facts
    if found.unpaid_months:
        reason += " " + _(
            "Iuran %(months)s bulan terakhir belum dibayar, belum sampai membuat kepesertaan nonaktif."
        ) % {"months": found.unpaid_months}
    else:
        reason += " " + _("Tidak ada tunggakan iuran pada hari itu.")
    return Coverage(True, reason, found.unpaid_months)
