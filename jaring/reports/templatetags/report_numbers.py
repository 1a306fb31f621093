"""Counts and Rupiah on report pages written the Indonesian way, as the charts write them: 7.100, not 7100."""

from __future__ import annotations

from django import template

from jaring.eligibility.rules import format_rupiah
from jaring.programmes.money import thousands

register = template.Library()


@register.filter
def count(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int):
        return "" if value is None else str(value)
    return thousands(value)


@register.filter
def rupiah(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int):
        return "-" if value is None else str(value)
    return format_rupiah(value)
