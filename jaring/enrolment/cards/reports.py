"""The hand-over report: per kelurahan, the programme's members and their cards printed and handed over."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from jaring.core.models import Region
from jaring.enrolment.models import Card
from jaring.enrolment.selectors import MEMBER_KELURAHAN, member_kelurahans
from jaring.programmes.models import Programme


@dataclass(frozen=True)
class HandoverRow:
    code: str
    kelurahan: str
    kecamatan: str
    members: int  # active members today
    printed: int
    handed: int

    @property
    def waiting(self) -> int:
        return self.printed - self.handed


def handover_report(programme: Programme) -> list[HandoverRow]:
    """Per kelurahan: active members, cards printed, handed over and not yet handed over."""
    card_key = f"membership__{MEMBER_KELURAHAN}_id"
    cards = {
        row[card_key]: row
        for row in Card.objects.filter(membership__programme=programme)
        .values(card_key)
        .annotate(printed=Count("id"), handed=Count("id", filter=Q(handed_on__isnull=False)))
    }
    members = {k.code: k.count for k in member_kelurahans(programme, active=True)}
    codes = set(cards) | set(members)
    regions = {r.code: r for r in Region.objects.filter(code__in=codes).select_related("parent")}
    rows = []
    for code in codes:
        region = regions.get(code)
        row = cards.get(code, {})
        rows.append(
            HandoverRow(
                code=code,
                kelurahan=region.name if region else code,
                kecamatan=region.parent.name if region and region.parent else "",
                members=members.get(code, 0),
                printed=row.get("printed", 0),
                handed=row.get("handed", 0),
            )
        )
    return sorted(rows, key=lambda r: (r.kecamatan, r.kelurahan))
