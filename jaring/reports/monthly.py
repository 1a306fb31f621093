"""The monthly report of a programme as a PDF, ready for the head of the owning office to sign.

ReportLab, as the SK annex and the cards (allocation.decrees.exports, enrolment.cards): A4 portrait, the key
figures, members by sector, kecamatan, sex and age band with a bar beside each number, the months so far, each
agency's verification work, and the signature block. Written in Bahasa Indonesia whatever the reader's page
language: it is an Indonesian office's report. Counts only: no name or NIK is in it.
"""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.graphics.shapes import Drawing, Rect
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from jaring.allocation.decrees.exports import long_date, place_of
from jaring.core import clock
from jaring.core.models import User
from jaring.eligibility.rules import format_rupiah
from jaring.programmes.models import Programme
from jaring.programmes.money import thousands
from jaring.reports import figures, selectors

FONT = "Helvetica"
FONT_BOLD = "Helvetica-Bold"
MARGIN = 15 * mm
BAR_WIDTH = 60 * mm
BAR_COLOUR = colors.HexColor("#2563eb")
TRACK_COLOUR = colors.HexColor("#e5e7eb")


def report_file_name(programme: Programme, month: date) -> str:
    return f"laporan-bulanan-{programme.code}-{figures.month_key(month)}.pdf"


def _month(month: date) -> str:
    return date_format(month, "F Y")


def _styles() -> dict[str, ParagraphStyle]:
    return {
        "title": ParagraphStyle("title", fontName=FONT_BOLD, fontSize=13, leading=17, alignment=TA_CENTER),
        "subtitle": ParagraphStyle("subtitle", fontName=FONT, fontSize=10, leading=13, alignment=TA_CENTER),
        "heading": ParagraphStyle("heading", fontName=FONT_BOLD, fontSize=10.5, leading=14, spaceBefore=8),
        "body": ParagraphStyle("body", fontName=FONT, fontSize=8.5, leading=11),
        "sign": ParagraphStyle("sign", fontName=FONT, fontSize=10, leading=13),
        "sign_bold": ParagraphStyle("sign_bold", fontName=FONT_BOLD, fontSize=10, leading=13),
    }


TABLE = TableStyle(
    [
        ("FONT", (0, 0), (-1, -1), FONT, 8.5, 10.5),
        ("FONT", (0, 0), (-1, 0), FONT_BOLD, 8.5, 10.5),
        ("BACKGROUND", (0, 0), (-1, 0), TRACK_COLOUR),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#6b7280")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
)


def _bar(value: int, largest: int) -> Drawing:
    drawing = Drawing(BAR_WIDTH, 8)
    drawing.add(Rect(0, 1, BAR_WIDTH, 6, fillColor=TRACK_COLOUR, strokeColor=None))
    if value and largest:
        drawing.add(Rect(0, 1, max(BAR_WIDTH * value / largest, 1), 6, fillColor=BAR_COLOUR, strokeColor=None))
    return drawing


def _breakdown_table(breakdown: selectors.Breakdown, total: int) -> Table:
    rows = [row for row in breakdown.rows if row.value or breakdown.name in ("sex", "age_band")]
    largest = max((row.value for row in rows), default=0)
    data: list[list[Any]] = [[breakdown.title, _("Peserta"), "%", ""]]
    for row in rows:
        percent = f"{row.value * 100 / total:.1f}".replace(".", ",") if total else "-"
        data.append([row.label[:60], thousands(row.value), percent, _bar(row.value, largest)])
    data.append([_("Jumlah"), thousands(breakdown.total), "100" if total else "-", ""])
    table = Table(data, colWidths=[70 * mm, 22 * mm, 14 * mm, BAR_WIDTH + 6], repeatRows=1, hAlign="LEFT")
    table.setStyle(TABLE)
    table.setStyle(TableStyle([("FONT", (0, -1), (-1, -1), FONT_BOLD, 8.5, 10.5)]))
    return table


class _Canvas(pdf_canvas.Canvas):
    """Page numbers ("Halaman x dari y") and the time the figures were counted on every page."""

    footer_left = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            width, _height = self._pagesize
            self.setFont(FONT, 7)
            self.drawString(MARGIN, 8 * mm, self.footer_left)
            self.drawRightString(
                width - MARGIN,
                8 * mm,
                _("Halaman %(page)d dari %(total)d") % {"page": self._pageNumber, "total": total},
            )
            super().showPage()
        super().save()


def _signatory(programme: Programme) -> str:
    """KEPALA DINAS SOSIAL KOTA BALIKPAPAN: the head of the office that runs the programme."""
    name = re.sub(r"\s+", " ", programme.owning_agency.name).strip()
    return _("Kepala %(office)s") % {"office": name}


def monthly_report_pdf(programme: Programme, month: date, *, prepared_by: User) -> bytes:
    with translation.override("id"):
        return _pdf(programme, month, prepared_by)


def _pdf(programme: Programme, month: date, prepared_by: User) -> bytes:
    styles = _styles()
    numbers = selectors.Numbers(programme, month)
    coverage = numbers.coverage()
    quota = numbers.quota()
    cards = numbers.cards()
    agencies = numbers.verification()
    double = numbers.double_funding()
    budget = numbers.budget()
    claims = numbers.claims()
    snapshot = selectors.snapshot_of(programme)
    counted = snapshot.computed_at if snapshot else None
    cover_months = [m for m in figures.months_from(programme.cover_start, programme.cover_end) if m <= month]
    trend = numbers.months(cover_months)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        invariant=1,  # no creation time read from the real clock (the page says when it was made)
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=_("Laporan bulanan %(code)s %(month)s") % {"code": programme.code, "month": _month(month)},
        author=programme.owning_agency.name,
        creator="Jaring",
    )
    story: list[Any] = [
        Paragraph(escape(_("LAPORAN BULANAN PROGRAM PERLINDUNGAN PEKERJA RENTAN")), styles["title"]),
        Paragraph(escape(programme.name), styles["subtitle"]),
        Paragraph(
            escape(
                _("%(code)s · Bulan %(month)s · %(funder)s")
                % {"code": programme.code, "month": _month(month), "funder": programme.funder.name}
            ),
            styles["subtitle"],
        ),
        Spacer(1, 5 * mm),
        Paragraph(escape(_("1. Ringkasan")), styles["heading"]),
    ]
    summary = [
        [_("Uraian"), _("Jumlah")],
        [_("Peserta terlindungi pada bulan ini"), thousands(coverage.members)],
        [_("Kuota peserta"), thousands(quota.quota)],
        [_("Tempat kuota terpakai pada bulan ini"), thousands(quota.places)],
        [_("Sisa kuota"), thousands(quota.free)],
        [_("Daftar tunggu (saat dihitung)"), thousands(quota.waitlisted)],
        [
            _("Kartu dicetak bulan ini / sampai bulan ini"),
            f"{thousands(cards.printed)} / {thousands(cards.printed_to_date)}",
        ],
        [
            _("Kartu diserahkan bulan ini / sampai bulan ini"),
            f"{thousands(cards.handed)} / {thousands(cards.handed_to_date)}",
        ],
        [_("Keputusan verifikasi bulan ini"), thousands(sum(a.decided for a in agencies))],
        [_("Pekerjaan verifikasi terlambat (saat dihitung)"), thousands(sum(a.overdue for a in agencies))],
        [_("Orang yang juga dibiayai program lain pada bulan ini"), thousands(double.people)],
    ]
    if budget is not None:
        summary += [
            [_("Anggaran"), format_rupiah(budget.budget)],
            [_("Anggaran terpakai: dibayar, terutang dan terikat"), format_rupiah(budget.used)],
            [_("Sisa anggaran"), format_rupiah(budget.left)],
        ]
    summary += [
        [_("Klaim (saat dihitung)"), thousands(claims.total)],
        [
            _("Manfaat klaim dibayar bulan ini / sampai bulan ini"),
            f"{format_rupiah(claims.paid_amount)} / {format_rupiah(claims.paid_amount_to_date)}",
        ],
    ]
    table = Table(summary, colWidths=[120 * mm, 50 * mm], hAlign="LEFT")
    table.setStyle(TABLE)
    story += [table, Paragraph(escape(_("2. Peserta menurut kategori")), styles["heading"])]
    for name in ("sector", "kecamatan", "sex", "age_band"):
        story += [_breakdown_table(coverage.by(name), coverage.members), Spacer(1, 3 * mm)]
    story.append(Paragraph(escape(_("3. Perkembangan per bulan")), styles["heading"]))
    months_table = [[_("Bulan"), _("Peserta"), _("Tempat terpakai"), _("Kartu dicetak"), _("Kartu diserahkan")]]
    months_table += [
        [_month(row.month), *(thousands(v) for v in (row.members, row.places, row.cards_printed, row.cards_handed))]
        for row in trend
    ]
    table = Table(months_table, colWidths=[40 * mm, 30 * mm, 35 * mm, 32 * mm, 35 * mm], repeatRows=1, hAlign="LEFT")
    table.setStyle(TABLE)
    story += [table, Paragraph(escape(_("4. Verifikasi oleh instansi")), styles["heading"])]
    verification = [
        [
            _("Instansi"),
            _("Disetujui"),
            _("Dikembalikan"),
            _("Ditolak"),
            _("Terlambat"),
            _("Median hari"),
            _("Menunggu"),
        ]
    ]
    for row in agencies:
        median = "-" if row.median_days is None else f"{row.median_days:.1f}".replace(".", ",")
        verification.append(
            [
                Paragraph(escape(row.agency.name), styles["body"]),
                thousands(row.approved),
                thousands(row.returned),
                thousands(row.rejected),
                thousands(row.late),
                median,
                f"{thousands(row.waiting)} ({thousands(row.overdue)})",
            ]
        )
    table = Table(
        verification, colWidths=[58 * mm, 18 * mm, 22 * mm, 16 * mm, 18 * mm, 20 * mm, 22 * mm], hAlign="LEFT"
    )
    table.setStyle(TABLE)
    story += [
        table,
        Paragraph(
            escape(
                _(
                    "Menunggu: pendaftaran yang menunggu keputusan saat angka dihitung, dalam kurung yang melewati "
                    "batas waktu. Median hari: hari kerja dari masuk antrean sampai keputusan bulan ini."
                )
            ),
            styles["body"],
        ),
    ]
    today = clock.today()
    signature = Table(
        [
            [
                "",
                [
                    Paragraph(
                        escape(
                            _("%(place)s, %(date)s") % {"place": place_of(programme.funder), "date": long_date(today)}
                        ),
                        styles["sign"],
                    ),
                    Spacer(1, 2 * mm),
                    Paragraph(escape(_signatory(programme).upper() + ","), styles["sign_bold"]),
                    Spacer(1, 22 * mm),
                    Paragraph("(.......................................................)", styles["sign"]),
                    Paragraph(escape(_("NIP.")), styles["sign"]),
                ],
            ]
        ],
        colWidths=[document.width - 85 * mm, 85 * mm],
    )
    signature.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [Spacer(1, 8 * mm), KeepTogether([signature])]
    counted_text = clock.local(counted).strftime("%d-%m-%Y %H:%M") if counted else "-"
    footer = _("%(code)s · %(month)s · angka dihitung %(counted)s · disiapkan oleh %(who)s") % {
        "code": programme.code,
        "month": _month(month),
        "counted": counted_text,
        "who": prepared_by.full_name or prepared_by.username,
    }
    canvas_class = type("MonthlyCanvas", (_Canvas,), {"footer_left": footer})
    document.build(story, canvasmaker=canvas_class)
    return buffer.getvalue()
