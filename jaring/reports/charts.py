"""Charts as SVG drawn on the server: no script, no CDN, they print on A4 as they show on a phone.

Lengths across are percentages of the chart's width and text keeps its own size, so a chart fills a 360-pixel
phone and a laptop alike without shrinking its words. Colours come from CSS classes (app.css; the
Content-Security-Policy allows no style attribute). Every chart is `role="img"` with a title, and every page
that draws one puts a table of the same numbers under it: the chart is for the glance, the table for reading.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from jaring.eligibility.rules import format_rupiah
from jaring.programmes.money import thousands

ROW = 36  # pixels per bar: a line of text, then the bar
BAR = 12
COLUMNS_HEIGHT = 150
AXIS = 34  # room under the columns for the month names


def _pct(value: float) -> str:
    return f"{value:.2f}%"


def _svg(body: str, *, height: int, title: str, chart_id: str, css: str) -> SafeString:
    title_id = f"{chart_id}-title"
    return mark_safe(  # noqa: S308 - every text inside went through escape()
        f'<svg class="chart {css}" id="{escape(chart_id)}" width="100%" height="{height}" role="img" '
        f'aria-labelledby="{escape(title_id)}" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{escape(title_id)}">{escape(title)}</title>{body}</svg>'
    )


def bars(rows: Sequence[tuple[str, int]], *, title: str, chart_id: str) -> SafeString:
    """Horizontal bars, one per row: the label and the number on a line, the bar under it, the longest bar the
    largest number."""
    largest = max((value for _label, value in rows), default=0)
    parts = []
    for index, (label, value) in enumerate(rows):
        top = index * ROW
        share = value / largest * 100 if largest else 0
        parts.append(
            f'<text class="chart-label" x="0" y="{top + 14}">{escape(label)}</text>'
            f'<text class="chart-value" x="100%" y="{top + 14}" text-anchor="end">{escape(thousands(value))}</text>'
            f'<rect class="chart-track" x="0" y="{top + 20}" width="100%" height="{BAR}" rx="2"/>'
            f'<rect class="chart-bar" x="0" y="{top + 20}" width="{_pct(max(share, 0.6) if value else 0)}" '
            f'height="{BAR}" rx="2"/>'
        )
    return _svg("".join(parts), height=max(len(rows), 1) * ROW, title=title, chart_id=chart_id, css="chart-bars")


def share(value: int, whole: int, *, title: str, chart_id: str) -> SafeString:
    """One bar of `value` against `whole` (places used against the quota). Its caption is the page's (HTML
    wraps on a phone; SVG text does not)."""
    part = min(value / whole * 100, 100) if whole else 0
    over = " chart-over" if whole and value > whole else ""
    body = (
        f'<rect class="chart-track" x="0" y="2" width="100%" height="18" rx="3"/>'
        f'<rect class="chart-bar{over}" x="0" y="2" width="{_pct(part)}" height="18" rx="3"/>'
    )
    return _svg(body, height=22, title=title, chart_id=chart_id, css="chart-share")


@dataclass(frozen=True)
class Series:
    name: str
    css: str  # the CSS class that colours it
    values: Sequence[int]


def columns(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    chart_id: str,
    current: int | None = None,
    money: bool = False,
) -> SafeString:
    """Columns month by month, the series stacked; the month `current` (an index) marked with its total (in
    Rupiah with `money`). A legend names the series when there are several."""
    count = len(labels)
    totals = [sum(s.values[i] for s in series) for i in range(count)]
    largest = max(totals, default=0)
    slot = 100 / max(count, 1)
    width = slot * 0.7
    legend = 20 if len(series) > 1 else 0
    parts = []
    if legend:
        x = 0
        for item in series:
            parts.append(
                f'<rect class="{escape(item.css)}" x="{x}" y="2" width="12" height="12"/>'
                f'<text class="chart-legend" x="{x + 16}" y="12">{escape(item.name)}</text>'
            )
            x += 16 + 8 * len(item.name) + 16
    base = legend + COLUMNS_HEIGHT
    parts.append(f'<line class="chart-axis" x1="0" y1="{base}" x2="100%" y2="{base}"/>')
    for i, label in enumerate(labels):
        left = slot * i + (slot - width) / 2
        top: float = base
        for item in series:
            value = item.values[i]
            if not value or not largest:
                continue
            height = max(value / largest * (COLUMNS_HEIGHT - 18), 1)
            top -= height
            parts.append(
                f'<rect class="{escape(item.css)}" x="{_pct(left)}" y="{top:.1f}" width="{_pct(width)}" '
                f'height="{height:.1f}"/>'
            )
        marked = i == current
        if marked:
            # Centred over its column, but kept inside the chart at either end (a Rupiah total is wide).
            at, anchor = _pct(slot * i + slot / 2), "middle"
            if count > 1 and i == count - 1:
                at, anchor = "100%", "end"
            elif count > 1 and i == 0:
                at, anchor = "0", "start"
            parts.append(
                f'<text class="chart-value" x="{at}" y="{max(top - 4, legend + 12):.1f}" '
                f'text-anchor="{anchor}">{escape(format_rupiah(totals[i]) if money else thousands(totals[i]))}</text>'
            )
        css = "chart-tick chart-tick-current" if marked else "chart-tick"
        parts.append(
            f'<text class="{css}" x="{_pct(slot * i + slot / 2)}" y="{base + 16}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    return _svg("".join(parts), height=base + AXIS - 10, title=title, chart_id=chart_id, css="chart-columns")
