"""The SK list as files: an XLSX workbook (the list, and the comparison with last year's) and the PDF annex
that goes with the signed decree.

Both are written in Bahasa Indonesia whatever the reader's page language: they are the annex of an Indonesian
legal document, and the same decree gives the same content to everyone. NIKs are text cells, so Excel keeps
all sixteen digits. Both read the entries once, in order, and stream them: 7,100 rows take about a second.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

from django.utils import dateformat, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import (
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from jaring.allocation.models import Decree, DecreeEntry
from jaring.core import clock, xlsx
from jaring.core.branding import funder_logo_bytes
from jaring.core.models import Funder
from jaring.programmes.money import thousands
from jaring.registry.models import mask_nik

Category = DecreeEntry.Category
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_MIME = "application/pdf"


def long_date(day: date) -> str:
    """15 Desember 2026."""
    with translation.override("id"):
        return dateformat.format(day, "j F Y")


def short_date(day: date | None) -> str:
    return day.strftime("%d-%m-%Y") if day else ""


def signatory_of(funder: Funder) -> str:
    """The regional head who signs: Pemerintah Kota Balikpapan -> Wali Kota Balikpapan."""
    name = re.sub(r"^\s*pemerintah\s+", "", funder.name, flags=re.IGNORECASE).strip()
    for prefix, title in (("kota ", "Wali Kota "), ("kabupaten ", "Bupati "), ("provinsi ", "Gubernur ")):
        if name.lower().startswith(prefix):
            return title + name[len(prefix) :].strip()
    return name


def place_of(funder: Funder) -> str:
    """Where the decree is made: the city, regency or province without its kind."""
    name = re.sub(r"^\s*pemerintah\s+", "", funder.name, flags=re.IGNORECASE).strip()
    return re.sub(r"^(kota|kabupaten|provinsi)\s+", "", name, flags=re.IGNORECASE).strip() or name


def file_stem(decree: Decree) -> str:
    """A file name from the programme and number: SK-BPN-2026-100.3.3.2-123-2026."""
    number = re.sub(r"[^A-Za-z0-9.-]+", "-", decree.number).strip("-")[:60]
    return f"SK-{decree.programme.code}-{number or decree.pk}"


def _entries(decree: Decree, *categories: str) -> Iterable[DecreeEntry]:
    qs = DecreeEntry.objects.filter(decree_id=decree.pk, category__in=categories)
    if categories == (Category.DROPPED,):
        return qs.order_by("name", "nik").iterator(chunk_size=2000)
    return qs.order_by("position").iterator(chunk_size=2000)


def _number_label() -> str:
    # "No" alone is Django's own msgid for the English word (translated "Tidak"): this one is the column "No."
    return pgettext("kolom nomor urut", "No")


def _category_label(category: str) -> str:
    return str(Category(category).label)


# -- XLSX -------------------------------------------------------------------------------------------------


class _Sheet:
    """Rows of a write-only sheet with a few cell styles, created once per sheet.

    Every string goes out as a literal string cell: openpyxl would store text starting with "=" (a name, an
    address typed by an applicant) as a formula, which Excel runs when the file is opened.

    openpyxl writes the sheet's view, frozen panes included, before its first row, so the rows above the table
    are held back until `header` knows which row the table starts on."""

    def __init__(self, sheet: WriteOnlyWorksheet) -> None:
        self.sheet = sheet
        self.bold = Font(bold=True)
        self.title_font = Font(bold=True, size=13)
        self._above: list[list[Any]] | None = []

    def cell(self, value: Any, *, text: bool = False, bold: bool = False, fmt: str = "") -> WriteOnlyCell:
        return xlsx.cell(self.sheet, value, text=text, fmt=fmt, font=self.bold if bold else None)

    def append(self, values: Iterable[Any]) -> None:
        row = [self.cell(value) if isinstance(value, str) else value for value in values]
        if self._above is not None:
            self._above.append(row)
        else:
            self.sheet.append(row)

    def title(self, value: str) -> None:
        cell = self.cell(value)
        cell.font = self.title_font
        self.append([cell])

    def pair(self, label: str, value: Any) -> None:
        self.append([self.cell(label, bold=True), "", self.cell(value, text=True)])

    def header(self, labels: Iterable[str], *, freeze_column: str) -> None:
        """The table's header row, with the panes frozen below it (and left of `freeze_column`)."""
        above = self._above or []
        self.sheet.freeze_panes = f"{freeze_column}{len(above) + 2}"
        for row in above:
            self.sheet.append(row)
        self._above = None
        self.sheet.append([self.cell(label, bold=True) for label in labels])

    def blank(self) -> None:
        self.append([])


def _widths(sheet: WriteOnlyWorksheet, widths: Iterable[float]) -> None:
    from openpyxl.utils import get_column_letter

    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _heading(out: _Sheet, decree: Decree) -> None:
    """The decree's header at the top of a sheet."""
    programme = decree.programme
    out.title(_("LAMPIRAN KEPUTUSAN %(who)s") % {"who": signatory_of(programme.funder).upper()})
    out.pair(_("Nomor"), decree.number)
    out.pair(_("Tanggal"), long_date(decree.decree_date))
    out.pair(_("Tentang"), decree.title)
    out.pair(_("Program"), f"{programme.code} {programme.name}")
    out.pair(_("Pemberi dana"), programme.funder.name)
    status = _("Ditandatangani") if decree.status == Decree.Status.SIGNED else _("DRAF, belum ditandatangani")
    out.pair(_("Status"), status)
    out.pair(_("Sidik SHA-256"), decree.digest)
    out.blank()


# Column widths (characters): No, NIK, Nama, Tanggal lahir, L/P, Alamat, Kelurahan, Kecamatan, Sektor,
# Nomor pendaftaran, Keterangan.
LIST_WIDTHS = (6, 19, 28, 13, 5, 36, 20, 20, 22, 20, 12)


def _list_sheet(workbook: Workbook, decree: Decree, show_nik: Callable[[str], str]) -> None:
    sheet = workbook.create_sheet(_("Lampiran SK"))
    _widths(sheet, LIST_WIDTHS)
    out = _Sheet(sheet)
    _heading(out, decree)
    out.header(
        [
            _number_label(),
            _("NIK"),
            _("Nama"),
            _("Tanggal lahir"),
            _("L/P"),
            _("Alamat"),
            _("Kelurahan"),
            _("Kecamatan"),
            _("Sektor"),
            _("Nomor pendaftaran"),
            _("Keterangan"),
        ],
        freeze_column="C",
    )
    labels: dict[str, str] = {c: _category_label(c) for c in (Category.NEW, Category.CONTINUING)}
    cell = out.cell
    for entry in _entries(decree, Category.NEW, Category.CONTINUING):
        out.append(
            [
                entry.position,
                cell(show_nik(entry.nik), text=True),
                entry.name,
                cell(entry.birth_date, fmt="DD-MM-YYYY"),
                entry.sex,
                entry.address,
                entry.kelurahan,
                entry.kecamatan,
                entry.sector,
                cell(entry.application_number, text=True),
                labels.get(entry.category, entry.category),
            ]
        )
    totals = decree.totals or {}
    out.blank()
    out.append(
        [
            out.cell(_("Jumlah"), bold=True),
            "",
            out.cell(
                _("%(participants)s peserta (baru %(new)s, lanjutan %(continuing)s)")
                % {
                    "participants": thousands(totals.get("participants", 0)),
                    "new": thousands(totals.get("new", 0)),
                    "continuing": thousands(totals.get("continuing", 0)),
                },
                bold=True,
            ),
        ]
    )


# Kategori, No, NIK, Nama, Kelurahan, Kecamatan, Nomor pendaftaran, Alasan.
COMPARISON_WIDTHS = (18, 6, 19, 28, 20, 20, 20, 60)


def _comparison_sheet(workbook: Workbook, decree: Decree, show_nik: Callable[[str], str]) -> None:
    sheet = workbook.create_sheet(_("Perbandingan"))
    _widths(sheet, COMPARISON_WIDTHS)
    out = _Sheet(sheet)
    _heading(out, decree)
    previous = decree.previous
    if previous is not None:
        out.pair(
            _("Dibandingkan dengan"),
            _("SK %(number)s tanggal %(date)s (%(code)s)")
            % {"number": previous.number, "date": long_date(previous.decree_date), "code": previous.programme.code},
        )
    else:
        out.pair(
            _("Dibandingkan dengan"),
            _("Tidak ada SK tahun sebelumnya yang ditandatangani: semua peserta tercatat baru."),
        )
    totals = decree.totals or {}
    out.pair(_("Baru"), totals.get("new", 0))
    out.pair(_("Lanjutan"), totals.get("continuing", 0))
    out.pair(_("Tidak dilanjutkan"), totals.get("dropped", 0))
    out.pair(_("Jumlah peserta"), totals.get("participants", 0))
    out.blank()
    out.header(
        [
            _("Kategori"),
            _number_label(),
            _("NIK"),
            _("Nama"),
            _("Kelurahan"),
            _("Kecamatan"),
            _("Nomor pendaftaran"),
            _("Alasan"),
        ],
        freeze_column="A",
    )
    cell = out.cell
    for category in (Category.NEW, Category.CONTINUING, Category.DROPPED):
        label = _category_label(category)
        for entry in _entries(decree, category):
            out.append(
                [
                    label,
                    entry.position or "",
                    cell(show_nik(entry.nik), text=True),
                    entry.name,
                    entry.kelurahan,
                    entry.kecamatan,
                    cell(entry.application_number, text=True),
                    entry.reason,
                ]
            )


def decree_xlsx(decree: Decree, *, masked: bool = False) -> bytes:
    """The workbook: sheet "Lampiran SK" (the numbered list with a totals row) and "Perbandingan" (new,
    continuing, and dropped with reasons). `masked` hides the middle of each NIK, for readers who may see the
    list but not the identity numbers."""
    show_nik: Callable[[str], str] = mask_nik if masked else str
    with translation.override("id"):
        workbook = xlsx.workbook()
        _list_sheet(workbook, decree, show_nik)
        _comparison_sheet(workbook, decree, show_nik)
        buffer = io.BytesIO()
        workbook.save(buffer)
    return buffer.getvalue()


# -- PDF ----------------------------------------------------------------------------------------------------

FONT = "Helvetica"
FONT_BOLD = "Helvetica-Bold"
SIZE = 7.5
LEADING = 9
PAD_TOP = 1.5
PAD_BOTTOM = 2.0
FRAME_PADDING = 6  # SimpleDocTemplate's frame pads each side by 6 points
MARGIN = 12 * mm

# Column widths in points across the 273 mm of a landscape A4 page inside the margins: No, NIK, Nama,
# Tanggal lahir, L/P, Alamat, Kelurahan, Kecamatan, Sektor, Keterangan.
PDF_WIDTHS: tuple[float, ...] = (30, 74, 122, 50, 20, 170, 78, 78, 78, 50)


def _wrap(text: str, width: float) -> str:
    # Plain strings with line breaks: far cheaper than a Paragraph per cell on a 7,100-row list.
    lines = simpleSplit(text, FONT, SIZE, width - 6)
    return "\n".join(lines) if lines else ""


class _NumberedCanvas(pdf_canvas.Canvas):
    """Draws "Halaman x dari y" once the number of pages is known (pages are kept until the end)."""

    footer_left = ""
    draft_mark = ""

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
            self._footer(total)
            super().showPage()
        super().save()

    def _footer(self, total: int) -> None:
        width, _height = self._pagesize
        self.setFont(FONT, 7)
        self.setFillColor(colors.black)
        self.drawString(MARGIN, 7 * mm, self.footer_left)
        text = _("Halaman %(page)d dari %(total)d") % {"page": self._pageNumber, "total": total}
        self.drawRightString(width - MARGIN, 7 * mm, text)
        if self.draft_mark:
            self.setFont(FONT_BOLD, 9)
            self.setFillColor(colors.red)
            self.drawCentredString(width / 2, self._pagesize[1] - 8 * mm, self.draft_mark)


def _canvas_class(footer: str, draft: str) -> type[_NumberedCanvas]:
    return type("DecreeCanvas", (_NumberedCanvas,), {"footer_left": footer, "draft_mark": draft})


def _styles() -> dict[str, ParagraphStyle]:
    return {
        "heading": ParagraphStyle("heading", fontName=FONT_BOLD, fontSize=11, leading=14, alignment=TA_CENTER),
        "meta": ParagraphStyle("meta", fontName=FONT, fontSize=9, leading=12),
        "body": ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12),
        "sign": ParagraphStyle("sign", fontName=FONT, fontSize=10, leading=13),
        "sign_bold": ParagraphStyle("sign_bold", fontName=FONT_BOLD, fontSize=10, leading=13),
    }


TABLE_STYLE = TableStyle(
    [
        ("FONT", (0, 0), (-1, -1), FONT, SIZE, LEADING),
        ("FONT", (0, 0), (-1, 0), FONT_BOLD, SIZE, LEADING),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e5e7eb")),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#6b7280")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (0, 0), (0, -1), "RIGHT"),
        ("TOPPADDING", (0, 0), (-1, -1), PAD_TOP),
        ("BOTTOMPADDING", (0, 0), (-1, -1), PAD_BOTTOM),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
)


def _row_height(cells: list[str]) -> float:
    return max(cell.count("\n") + 1 for cell in cells) * LEADING + PAD_TOP + PAD_BOTTOM


def _list_rows(decree: Decree) -> Iterable[list[str]]:
    labels: dict[str, str] = {c: _category_label(c) for c in (Category.NEW, Category.CONTINUING)}
    w_name, w_address, w_kel, w_kec, w_sector = (PDF_WIDTHS[i] for i in (2, 5, 6, 7, 8))
    for entry in _entries(decree, Category.NEW, Category.CONTINUING):
        yield [
            str(entry.position),
            entry.nik,
            _wrap(entry.name, w_name),
            short_date(entry.birth_date),
            entry.sex,
            _wrap(entry.address, w_address),
            _wrap(entry.kelurahan, w_kel),
            _wrap(entry.kecamatan, w_kec),
            _wrap(entry.sector, w_sector),
            labels.get(entry.category, entry.category),
        ]


def _list_pages(decree: Decree, *, first_room: float, page_room: float) -> list[Any]:
    """The list as one table per page, each starting with the header row, with page breaks between.

    Why not one LongTable: splitting a 7,100-row table page after page copies the rest of it each time
    (about 9 s for 310 pages); rows packed by their known heights take a second. Should a page still overflow,
    ReportLab splits that table and repeats its header, so a misjudged height costs looks, never rows."""
    header = [
        _number_label(),
        _("NIK"),
        _("Nama"),
        _wrap(_("Tanggal lahir"), PDF_WIDTHS[3]),
        _("L/P"),
        _("Alamat"),
        _("Kelurahan"),
        _("Kecamatan"),
        _("Sektor"),
        _("Keterangan"),
    ]
    header_height = _row_height(header)
    flowables: list[Any] = []
    rows: list[list[str]] = [header]
    heights: list[float] = [header_height]
    room = first_room - header_height

    def close() -> None:
        table = Table(rows, colWidths=list(PDF_WIDTHS), rowHeights=heights, repeatRows=1, hAlign="LEFT")
        table.setStyle(TABLE_STYLE)
        flowables.append(table)

    for row in _list_rows(decree):
        height = _row_height(row)
        if height > room and len(rows) > 1:
            close()
            flowables.append(PageBreak())
            rows, heights, room = [header], [header_height], page_room - header_height
        rows.append(row)
        heights.append(height)
        room -= height
    close()
    return flowables


def decree_pdf(decree: Decree) -> bytes:
    """The annex: heading with number and date, the numbered list (header repeated on every page), totals,
    and the signature block of the regional head; "Halaman x dari y" on every page."""
    with translation.override("id"):
        return _decree_pdf(decree)


def _decree_pdf(decree: Decree) -> bytes:
    programme = decree.programme
    funder = programme.funder
    signatory = signatory_of(funder)
    styles = _styles()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        invariant=1,  # no creation time read from the real clock (the page says when it was made)
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 2 * mm,
        title=_("Lampiran SK %(number)s") % {"number": decree.number},
        author=funder.name,
        subject=decree.title,
        creator="Jaring",
    )
    meta = [
        [_("NOMOR"), ":", escape(decree.number)],
        [_("TANGGAL"), ":", escape(long_date(decree.decree_date).upper())],
        [_("TENTANG"), ":", escape(decree.title.upper())],
    ]
    meta_table = Table(
        [
            [Paragraph(a, styles["meta"]), Paragraph(b, styles["meta"]), Paragraph(c, styles["meta"])]
            for a, b, c in meta
        ],
        colWidths=[70, 10, 400],
        hAlign="LEFT",
    )
    meta_table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    logo = funder_logo_bytes(funder)
    heading: list[Any] = [
        # The Pemda's logo above the heading when it has one (a signed SK's digest covers its list, not this).
        *(
            [Image(io.BytesIO(logo), width=18 * mm, height=18 * mm, kind="proportional"), Spacer(1, 2 * mm)]
            if logo
            else []
        ),
        Paragraph(escape(_("LAMPIRAN KEPUTUSAN %(who)s") % {"who": signatory.upper()}), styles["heading"]),
        Spacer(1, 4 * mm),
        meta_table,
        Spacer(1, 3 * mm),
        Paragraph(
            escape(
                _("Daftar peserta %(programme)s (%(code)s) yang iuran BPJS Ketenagakerjaannya dibayar %(funder)s.")
                % {"programme": programme.name, "code": programme.code, "funder": funder.name}
            ),
            styles["body"],
        ),
        Spacer(1, 3 * mm),
    ]
    inner_width = document.width - 2 * FRAME_PADDING
    page_room = document.height - 2 * FRAME_PADDING - 2  # two points of slack against rounding
    first_room = page_room - sum(f.wrap(inner_width, page_room)[1] for f in heading)
    totals = decree.totals or {}
    sign_lines = [
        Paragraph(escape(_("Ditetapkan di %(place)s") % {"place": place_of(funder)}), styles["sign"]),
        Paragraph(escape(_("pada tanggal %(date)s") % {"date": long_date(decree.decree_date)}), styles["sign"]),
        Spacer(1, 3 * mm),
        Paragraph(escape(signatory.upper() + ","), styles["sign_bold"]),
        Spacer(1, 22 * mm),
        Paragraph("(.......................................................)", styles["sign"]),
    ]
    signature = Table([["", sign_lines]], colWidths=[inner_width - 90 * mm, 90 * mm])
    signature.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    closing = [
        Spacer(1, 3 * mm),
        Paragraph(
            escape(
                _("Jumlah peserta: %(participants)s orang (baru %(new)s, lanjutan %(continuing)s).")
                % {
                    "participants": thousands(totals.get("participants", 0)),
                    "new": thousands(totals.get("new", 0)),
                    "continuing": thousands(totals.get("continuing", 0)),
                }
            ),
            styles["body"],
        ),
        Spacer(1, 8 * mm),
        signature,
    ]
    story = [*heading, *_list_pages(decree, first_room=first_room, page_room=page_room), KeepTogether(closing)]
    footer = _("Lampiran SK %(number)s · %(code)s · sidik %(digest)s") % {
        "number": decree.number,
        "code": programme.code,
        "digest": decree.digest[:16],
    }
    draft = "" if decree.status == Decree.Status.SIGNED else _("DRAF, BELUM DITANDATANGANI")
    generated = clock.local(decree.generated_at).strftime("%d-%m-%Y %H:%M")
    document.build(story, canvasmaker=_canvas_class(f"{footer} · {generated}", draft))
    return buffer.getvalue()
