"""What an uploaded file really is, judged by its bytes, never by its name or the browser's claim (`sniff`,
pure); and a stored document handed out to whoever may see it (`document_response`, for the pages and the API)."""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.http import FileResponse
from django.utils.translation import gettext as _

from jaring.core.errors import NotFound

if TYPE_CHECKING:
    from django.db.models.fields.files import FieldFile

    from jaring.registry.models import Application, Document

JPEG, PNG, PDF = "image/jpeg", "image/png", "application/pdf"


@dataclass(frozen=True)
class Sniffed:
    content_type: str | None
    problem: str = ""


# Names in a PDF that make it act when opened. A scanned KTP or a letter needs none of them.
_ACTIVE_NAMES = (b"/javascript", b"/js", b"/openaction", b"/launch", b"/aa", b"/richmedia", b"/embeddedfile")
_NAME_ESCAPE = re.compile(rb"#([0-9a-fA-F]{2})")
_NAME = re.compile(rb"/[^\s/<>\[\]()%{}]+")
_STREAM = re.compile(rb"stream\r?\n")
# What is inflated of compressed streams (object streams may hide the catalogue's /OpenAction), at most.
_INFLATE_LIMIT = 16 * 1_048_576


def _has_active_name(data: bytes) -> bool:
    for match in _NAME.finditer(data):
        name = match.group(0)
        if b"#" in name:  # /J#61vaScript is /JavaScript
            name = _NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), name)
        if name.lower() in _ACTIVE_NAMES:
            return True
    return False


def pdf_is_active(content: bytes) -> bool:
    """Whether the PDF names JavaScript, an open action, a launch or an embedded file, in its plain objects or in
    its Flate-compressed streams (where object streams keep objects). A byte scan, not a parser: it may refuse
    an odd harmless PDF, never pass one that names these plainly."""
    if _has_active_name(content):
        return True
    budget = _INFLATE_LIMIT
    for match in _STREAM.finditer(content):
        end = content.find(b"endstream", match.end())
        if end == -1:
            break
        inflater = zlib.decompressobj()
        try:
            inflated = inflater.decompress(content[match.end() : end], budget)
        except zlib.error:
            continue  # not Flate (an image), or broken: nothing readable hides there
        budget -= len(inflated)
        if _has_active_name(inflated):
            return True
        if budget <= 0:
            return True  # a PDF inflating this far is not a scan someone made; refuse rather than guess
    return False


def sniff(content: bytes, *, max_bytes: int) -> Sniffed:
    """JPEG, PNG or PDF within the size limit, or the reason the file is refused (in Bahasa Indonesia)."""
    if not content:
        return Sniffed(None, _("Berkas kosong (0 bita); pilih ulang berkasnya."))
    if len(content) > max_bytes:
        return Sniffed(
            None,
            _(
                "Berkas %(size)s MB melebihi batas %(limit)s MB; perkecil foto atau pindai ulang "
                "dengan resolusi lebih rendah."
            )
            % {"size": f"{len(content) / 1_048_576:.1f}".replace(".", ","), "limit": max_bytes // 1_048_576},
        )
    if content.startswith(b"\xff\xd8\xff") and len(content) > 4:
        # A JPEG ends with the EOI marker; phones append nothing, but a truncated upload lacks it.
        if b"\xff\xd9" not in content[-1024:]:
            return Sniffed(None, _("Foto JPEG terpotong (tidak utuh); unggah ulang."))
        return Sniffed(JPEG)
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        if b"IEND" not in content[-64:]:
            return Sniffed(None, _("Gambar PNG terpotong (tidak utuh); unggah ulang."))
        return Sniffed(PNG)
    if content.startswith(b"%PDF-"):
        return _sniff_pdf(content)
    return Sniffed(None, _("Jenis berkas tidak diterima; unggah foto JPEG atau PNG, atau berkas PDF."))


def _sniff_pdf(content: bytes) -> Sniffed:
    if b"%%EOF" not in content[-2048:]:
        return Sniffed(None, _("Berkas PDF terpotong (tidak utuh); unggah ulang."))
    if b"/Encrypt" in content:
        return Sniffed(None, _("PDF dilindungi kata sandi; unggah PDF tanpa kata sandi atau fotonya."))
    if pdf_is_active(content):
        return Sniffed(
            None,
            _(
                "PDF berisi skrip atau tindakan otomatis (JavaScript, OpenAction, Launch) yang tidak diterima; "
                "cetak ulang ke PDF biasa atau unggah fotonya."
            ),
        )
    return Sniffed(PDF)


def document_response(application: Application, document: Document) -> FileResponse:
    """The document's bytes with the type decided at upload and a sandbox policy, a PDF as a download, so a
    document never runs as a page of this site. NotFound when its file is gone from storage. The caller has checked who
    may see it and records the view."""
    return stored_file_response(
        document.file,
        content_type=document.content_type,
        filename=f"{application.number}-{document.kind}{document.extension}",
    )


def stored_file_response(file: FieldFile, *, content_type: str, filename: str) -> FileResponse:
    """A stored document (of an application, of a claim) as `document_response` hands it out: the type decided
    by its bytes at upload, a sandbox policy, a PDF as a download. NotFound when the file is gone."""
    try:
        handle = file.storage.open(file.name or "", "rb")
    except OSError:
        raise NotFound(_("Berkas dokumen tidak ditemukan di penyimpanan. Hubungi administrator.")) from None
    response = FileResponse(
        handle,
        content_type=content_type,
        # A photo opens in the browser; a PDF is downloaded (Chrome's viewer will not run under a sandbox).
        as_attachment=content_type == PDF,
        filename=filename,
    )
    # The type was decided by the bytes at upload; a browser must not second-guess it into HTML.
    response["X-Content-Type-Options"] = "nosniff"
    # Should a browser open it anyway: no scripts, no forms, no same-origin access to the officer's session.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    return response
