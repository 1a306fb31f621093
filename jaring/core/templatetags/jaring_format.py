"""Numbers written one way on every page: Indonesian thousands dots (7.087), as the money and the quota figures
already were. Django's own localisation would group years and ids too (2.026), so counts say it explicitly:
`{% load jaring_format %}{{ count|ribuan }}`."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


def group(number: int) -> str:
    """7087 -> 7.087; -1500 -> -1.500."""
    return f"{number:,}".replace(",", ".")


@register.filter
def ribuan(value: object) -> object:
    """A whole number with Indonesian thousands dots; anything else (text, None, a fraction) unchanged."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return group(value)
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return group(int(value))
    if isinstance(value, str) and value.lstrip("-").isdigit() and value.isascii():
        return group(int(value))
    return value
