"""A funder's logo: checked when uploaded, kept as a small PNG under MEDIA_ROOT (content-addressed, never served
directly), and read back for its pages, cards, SK annex and reports.

An upload is judged by its bytes and opened with Pillow: only a real JPEG or PNG within JARING_LOGO_MAX_KB and
sensible dimensions is taken. It is then drawn again as a PNG of at most LOGO_SIDE pixels a side, which drops
anything else the file carried (EXIF location, comments, trailing bytes) and keeps pages and PDFs light.
"""

from __future__ import annotations

import hashlib
import io
import logging
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from jaring.core.errors import DomainError
from jaring.core.models import Funder

logger = logging.getLogger(__name__)

LOGO_SIDE = 512  # pixels of the longest side kept: sharp at 3 cm in print, light on a phone
LOGO_MIN_SIDE = 32
LOGO_MAX_PIXELS = 25_000_000  # a decompression bomb is refused before it is decoded
ACCEPTED = {"PNG": "image/png", "JPEG": "image/jpeg"}


@dataclass(frozen=True)
class Logo:
    png: bytes
    sha256: str
    width: int
    height: int


def _refuse(message: str) -> DomainError:
    return DomainError(message, field="logo")


def logo_prepare(content: bytes) -> Logo:
    """The uploaded bytes as the PNG kept, or DomainError (field `logo`) saying in Bahasa Indonesia why not."""
    limit_kb = settings.LOGO_MAX_KB
    if not content:
        raise _refuse(_("Berkas logo kosong; pilih ulang berkasnya."))
    if len(content) > limit_kb * 1024:
        raise _refuse(
            _("Logo %(size)s KB melebihi batas %(limit)s KB; perkecil gambarnya.")
            % {"size": len(content) // 1024, "limit": limit_kb}
        )
    if not (content.startswith(b"\x89PNG\r\n\x1a\n") or content.startswith(b"\xff\xd8\xff")):
        raise _refuse(_("Logo harus gambar PNG atau JPEG."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as probe:
                kind, (width, height) = probe.format, probe.size
                if kind not in ACCEPTED:
                    raise _refuse(_("Logo harus gambar PNG atau JPEG."))
                if width * height > LOGO_MAX_PIXELS:
                    raise _refuse(_("Gambar logo terlalu besar ukurannya; perkecil sampai paling besar 5000 piksel."))
                probe.verify()  # a truncated or corrupt file stops here
            with Image.open(io.BytesIO(content)) as image:
                image.load()
                kept = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombWarning) as exc:
        logger.info("logo refused: %s", exc)
        raise _refuse(_("Gambar logo rusak atau tidak utuh; simpan ulang sebagai PNG atau JPEG.")) from None
    if min(width, height) < LOGO_MIN_SIDE:
        raise _refuse(
            _("Logo terlalu kecil (%(width)s × %(height)s piksel); paling kecil %(min)s piksel setiap sisi.")
            % {"width": width, "height": height, "min": LOGO_MIN_SIDE}
        )
    kept.thumbnail((LOGO_SIDE, LOGO_SIDE))
    buffer = io.BytesIO()
    kept.save(buffer, format="PNG", optimize=True)
    png = buffer.getvalue()
    return Logo(png=png, sha256=hashlib.sha256(png).hexdigest(), width=kept.width, height=kept.height)


def funder_logo_bytes(funder: Funder | None) -> bytes | None:
    """The funder's logo as PNG bytes for a PDF (a card sheet, the SK annex), or None without one (or when its
    file is missing: the document is made without it rather than not at all)."""
    if funder is None or not funder.logo_sha256 or not funder.logo:
        return None
    try:
        with funder.logo.open("rb") as handle:
            return handle.read()
    except OSError:
        logger.warning("logo of funder %s is missing from %s", funder.code, funder.logo.name)
        return None
