"""Whether the member was covered on the day of the event, and why not when not.

Two facts decide it: the membership (active on that day, within its cover: `rules.membership_cover_on`) and
the contributions for that month (BPJS refuses a claim when the arrears have made the membership non-active).
"""

from __future__ import annotations

from datetime import date

from jaring.claims import rules
from jaring.claims.selectors import cover_changes
from jaring.enrolment.models import Membership


def coverage_on(membership: Membership, day: date) -> rules.CoverFact:
    return rules.membership_cover_on(
        day=day,
        starts=membership.starts,
        ends=membership.ends,
        changes=cover_changes(membership),
        kpj=membership.kpj,
        programme=membership.programme.code,
    )
