"""The printable membership cards: A4 sheets of eight ID-1 cards (85.6 × 54 mm, 2 columns × 4 rows) with cut
marks. Each card carries the funder, the programme, the member's name, masked NIK, KPJ, the validity date and
a QR code that opens the public check page through a signed token (never the NIK).

ReportLab's canvas draws everything as vector: text in the PDF standard fonts (nothing embedded) and each QR
as one filled path of horizontal runs on an integer grid, so 1,000 cards stay small and fast (see
bench/cards_pdf.py)."""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

import segno
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from reportlab.lib.colors import Color, HexColor, white
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from jaring.core.branding import funder_logo_bytes
from jaring.enrolment.models import Card
from jaring.enrolment.services import card_token
from jaring.registry.models import mask_nik

CARD_WIDTH = 85.6 * mm  # ISO/IEC 7810 ID-1
CARD_HEIGHT = 54 * mm
COLUMNS, ROWS = 2, 4
PER_PAGE = COLUMNS * ROWS
GUTTER = 6 * mm  # room between cards for the cut marks and a scissors' slip
CUT_MARK = 3 * mm
CUT_OFFSET = 1 * mm  # marks stop short of the card so no line shows on a neatly cut card
PADDING = 3.5 * mm
CORNER = 3.18 * mm  # ID-1 corner radius
BAND_HEIGHT = 12 * mm
QR_SIZE = 24 * mm  # the symbol without its quiet zone; at version 6 (41 modules) a module is about 0.6 mm
QR_QUIET = 3  # modules of white kept around the symbol (segno's traps: at least 2)
QR_MASK = 4
_DARK_RUN = re.compile(rb"\x01+")

INK = HexColor("#1b1b1b")
MUTED = HexColor("#555555")
BAND = HexColor("#0b5c6b")
CUT = Color(0.4, 0.4, 0.4)

BOLD, REGULAR = "Helvetica-Bold", "Helvetica"


def public_base_url() -> str:
    """Where the public check page lives, as printed in every QR (no trailing slash)."""
    return settings.PUBLIC_BASE_URL.rstrip("/")


def card_check_url(card: Card, *, base_url: str) -> str:
    return base_url.rstrip("/") + reverse("card_check:check", kwargs={"token": card_token(card)})


def pages_for(count: int) -> int:
    return max(1, -(-count // PER_PAGE))


@dataclass(frozen=True)
class CardFace:
    """What is printed on one card."""

    funder: str
    programme: str
    name: str
    nik: str  # masked
    kpj: str
    valid_until: date
    url: str
    number: int = 0  # the card's id: hand-over by card number
    logo: bytes | None = None  # the funder's logo (a PNG), drawn in the band; None: its name only


def card_face(card: Card, *, base_url: str, logo: bytes | None = None) -> CardFace:
    membership = card.membership
    programme = membership.programme
    return CardFace(
        logo=logo,
        funder=programme.funder.name,
        programme=programme.name,
        name=membership.person.name,
        nik=mask_nik(membership.person.nik),
        kpj=membership.kpj,
        valid_until=card.valid_until,
        url=card_check_url(card, base_url=base_url),
        number=card.pk,
    )


def cards_pdf(cards: Iterable[Card], *, base_url: str, on_progress: Callable[[int], None] | None = None) -> bytes:
    """The PDF of these cards in the given order, eight to an A4 page. `cards` must come with
    membership__person and membership__programme__funder selected. `on_progress(done)` is called after
    every card."""
    logos: dict[int, bytes | None] = {}  # read once per funder, not per card

    def logo_of(card: Card) -> bytes | None:
        funder = card.membership.programme.funder
        if funder.pk not in logos:
            logos[funder.pk] = funder_logo_bytes(funder)
        return logos[funder.pk]

    faces = (card_face(card, base_url=base_url, logo=logo_of(card)) for card in cards)
    return faces_pdf(faces, on_progress=on_progress)


def faces_pdf(faces: Iterable[CardFace], *, on_progress: Callable[[int], None] | None = None) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1, invariant=1)
    title = _("Kartu Peserta Jaminan Sosial Ketenagakerjaan")
    canvas.setTitle(title)
    canvas.setAuthor("Jaring")
    canvas.setCreator("Jaring")
    labels = _Labels(
        title=title,
        nik=_("NIK"),
        kpj=_("KPJ"),
        valid=_("Berlaku s.d. %(date)s"),
        scan=_("No. kartu %(number)s · pindai untuk memeriksa"),
    )
    done = 0
    for face in faces:
        slot = done % PER_PAGE
        if slot == 0:
            if done:
                canvas.showPage()
            _cut_marks(canvas)
        x, y = _slot_origin(slot)
        _draw_card(canvas, face, x, y, labels)
        done += 1
        if on_progress is not None:
            on_progress(done)
    if done == 0:
        _cut_marks(canvas)  # an empty sheet rather than a file no viewer opens
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@dataclass(frozen=True)
class _Labels:
    title: str
    nik: str
    kpj: str
    valid: str
    scan: str


def _margins() -> tuple[float, float]:
    page_width, page_height = A4
    left = (page_width - COLUMNS * CARD_WIDTH - (COLUMNS - 1) * GUTTER) / 2
    bottom = (page_height - ROWS * CARD_HEIGHT - (ROWS - 1) * GUTTER) / 2
    return left, bottom


def _slot_origin(slot: int) -> tuple[float, float]:
    """Lower-left corner of a card slot; slots fill rows from the top, left to right."""
    left, bottom = _margins()
    column, row = slot % COLUMNS, slot // COLUMNS
    x = left + column * (CARD_WIDTH + GUTTER)
    y = bottom + (ROWS - 1 - row) * (CARD_HEIGHT + GUTTER)
    return x, y


def _cut_marks(canvas: Canvas) -> None:
    """Short marks at every card corner, outside the cards, drawn once per page as one path."""
    canvas.setStrokeColor(CUT)
    canvas.setLineWidth(0.3)
    path = canvas.beginPath()
    for slot in range(PER_PAGE):
        x0, y0 = _slot_origin(slot)
        for x, dx in ((x0, -1), (x0 + CARD_WIDTH, 1)):
            for y, dy in ((y0, -1), (y0 + CARD_HEIGHT, 1)):
                path.moveTo(x + dx * CUT_OFFSET, y)
                path.lineTo(x + dx * (CUT_OFFSET + CUT_MARK), y)
                path.moveTo(x, y + dy * CUT_OFFSET)
                path.lineTo(x, y + dy * (CUT_OFFSET + CUT_MARK))
    canvas.drawPath(path, stroke=1, fill=0)


def _fit(text: str, font: str, size: float, width: float, *, smallest: float = 6) -> tuple[str, float]:
    """Shrink the type down to `smallest`, then cut the text with an ellipsis, so it stays within `width`."""
    text = " ".join(text.split())
    while size > smallest and stringWidth(text, font, size) > width:
        size -= 0.5
    if stringWidth(text, font, size) <= width:
        return text, size
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…", size


def _draw_card(canvas: Canvas, face: CardFace, x: float, y: float, labels: _Labels) -> None:
    top = y + CARD_HEIGHT
    inner = CARD_WIDTH - 2 * PADDING
    # A thin outline helps cutting by hand; the band says whose card it is at a glance.
    canvas.saveState()
    outline = canvas.beginPath()
    outline.roundRect(x, y, CARD_WIDTH, CARD_HEIGHT, CORNER)
    canvas.clipPath(outline, stroke=0, fill=0)
    canvas.setFillColor(BAND)
    canvas.rect(x, top - BAND_HEIGHT, CARD_WIDTH, BAND_HEIGHT, stroke=0, fill=1)
    canvas.restoreState()
    canvas.setStrokeColor(CUT)
    canvas.setLineWidth(0.25)
    canvas.roundRect(x, y, CARD_WIDTH, CARD_HEIGHT, CORNER, stroke=1, fill=0)

    if face.logo is not None:
        # The Pemda's logo at the band's right end, in a white tile so any logo colour reads on the band.
        tile = BAND_HEIGHT - 2.5 * mm
        tile_x, tile_y = x + CARD_WIDTH - PADDING - tile, top - BAND_HEIGHT + 1.25 * mm
        canvas.setFillColor(white)
        canvas.roundRect(tile_x, tile_y, tile, tile, 1 * mm, stroke=0, fill=1)
        canvas.drawImage(
            _image(face.logo),
            tile_x + 0.5 * mm,
            tile_y + 0.5 * mm,
            tile - mm,
            tile - mm,
            mask="auto",
            preserveAspectRatio=True,
            anchor="c",
        )
        inner -= tile + 2 * mm
    canvas.setFillColor(white)
    text, size = _fit(face.funder.upper(), BOLD, 8, inner)
    canvas.setFont(BOLD, size)
    canvas.drawString(x + PADDING, top - 4.8 * mm, text)
    text, size = _fit(face.programme, REGULAR, 7, inner)
    canvas.setFont(REGULAR, size)
    canvas.drawString(x + PADDING, top - 9 * mm, text)

    canvas.setFillColor(BAND)
    text, size = _fit(labels.title, BOLD, 6.5, inner)
    canvas.setFont(BOLD, size)
    canvas.drawString(x + PADDING, top - BAND_HEIGHT - 4 * mm, text)

    # The QR sits bottom right with its quiet zone inside the card; text keeps to its left.
    quiet = QR_QUIET * QR_SIZE / 41
    qr_x = x + CARD_WIDTH - PADDING - QR_SIZE
    qr_y = y + PADDING
    text_width = qr_x - quiet - (x + PADDING)
    canvas.setFillColor(INK)
    text, size = _fit(face.name.upper(), BOLD, 9.5, text_width, smallest=6.5)
    canvas.setFont(BOLD, size)
    line = top - BAND_HEIGHT - 10.5 * mm
    canvas.drawString(x + PADDING, line, text)
    rows = (
        (labels.nik, face.nik),
        (labels.kpj, face.kpj),
    )
    for label, value in rows:
        line -= 4.6 * mm
        canvas.setFillColor(MUTED)
        canvas.setFont(REGULAR, 6.5)
        canvas.drawString(x + PADDING, line, label)
        canvas.setFillColor(INK)
        canvas.setFont("Courier-Bold", 8.5)
        canvas.drawString(x + PADDING + 9 * mm, line, value)
    line -= 6 * mm
    canvas.setFont(BOLD, 7.5)
    valid, size = _fit(labels.valid % {"date": face.valid_until.strftime("%d-%m-%Y")}, BOLD, 7.5, text_width)
    canvas.setFont(BOLD, size)
    canvas.drawString(x + PADDING, line, valid)
    canvas.setFillColor(MUTED)
    scan, size = _fit(labels.scan % {"number": face.number}, REGULAR, 5.5, text_width)
    canvas.setFont(REGULAR, size)
    canvas.drawString(x + PADDING, y + PADDING, scan)

    canvas.setFillColor(INK)
    _draw_qr(canvas, face.url, qr_x, qr_y, QR_SIZE)


@functools.lru_cache(maxsize=8)
def _image(png: bytes) -> ImageReader:
    """One reader per logo, so a sheet of a thousand cards embeds the image once."""
    return ImageReader(io.BytesIO(png))


def _draw_qr(canvas: Canvas, data: str, x: float, y: float, size: float) -> None:
    """A QR Code (never a Micro QR, which phones cannot read) at error level M, drawn as one path of dark runs
    on a grid of one unit per module, so the PDF holds small integers.

    The mask is fixed: choosing the best of the eight by the standard's penalty score costs segno about 7 ms
    a card (7 s for a print of 1,000), and a signed token is random-looking data on which every mask scores
    alike. Any mask is a valid symbol; the tests decode the cards with a real decoder."""
    qr = segno.make_qr(data, error="m", boost_error=False, mask=QR_MASK)
    matrix = qr.matrix
    count = len(matrix)
    module = size / count
    canvas.saveState()
    # The quiet zone is white whatever lies beneath (the card is white, but be sure).
    quiet = QR_QUIET * module
    canvas.setFillColor(white)
    canvas.rect(x - quiet, y - quiet, size + 2 * quiet, size + 2 * quiet, stroke=0, fill=1)
    canvas.setFillColor(INK)
    canvas.translate(x, y)
    canvas.scale(module, module)
    ops = []
    for r, row in enumerate(matrix):
        line = count - 1 - r
        for run in _DARK_RUN.finditer(bytes(row)):
            ops.append(f"{run.start()} {line} {run.end() - run.start()} 1 re")
    ops.append("f")
    # A raw path: ReportLab's own path object formats every number through a slow pure-Python fp_str.
    canvas.addLiteral("\n".join(ops))
    canvas.restoreState()
