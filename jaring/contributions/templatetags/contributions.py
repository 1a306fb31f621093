"""Money and months as Indonesian officers write them: Rp16.800, 03/2026."""

from __future__ import annotations

from datetime import date

from django import template

from jaring.contributions import billing
from jaring.contributions.reconcile import rupiah_text

register = template.Library()


@register.filter
def rupiah(amount: int | None) -> str:
    return "" if amount is None else rupiah_text(int(amount))


@register.filter
def month(value: date | None) -> str:
    return billing.month_text(value) if value else ""
