"""What an uploaded file really is, judged by its bytes, never by its name or the browser's claim (`sniff`,
pure); and a stored document handed out to whoever may see it (`document_response`, for the pages and the API)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.http import FileResponse
from django.utils.translation import gettext as _

from jaring.core.errors import NotFound

if TYPE_CHECKING:
    from jaring.registry.models import Application, Document

JPEG, PNG, PDF = "image/jpeg", "image/png", "application/pdf"


@dataclass(frozen=True)
class Sniffed:
    content_type: str | None
    problem: str = ""


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
        if b"%%EOF" not in content[-2048:]:
            return Sniffed(None, _("Berkas PDF terpotong (tidak utuh); unggah ulang."))
        if b"/Encrypt" in content:
            return Sniffed(None, _("PDF dilindungi kata sandi; unggah PDF tanpa kata sandi atau fotonya."))
        return Sniffed(PDF)
    return Sniffed(None, _("Jenis berkas tidak diterima; unggah foto JPEG atau PNG, atau berkas PDF."))


def document_response(application: Application, document: Document) -> FileResponse:
    """The document's bytes, shown inline with the type decided at upload. NotFound when its file is gone from
    storage. The caller has checked who may see it and records the view."""
    try:
        handle = document.file.storage.open(document.file.name, "rb")
    except OSError:
        raise NotFound(_("Berkas dokumen tidak ditemukan di penyimpanan. Hubungi administrator.")) from None
    response = FileResponse(
        handle,
        content_type=document.content_type,
        as_attachment=False,
        filename=f"{application.number}-{document.kind}{document.extension}",
    )
    # The type was decided by the bytes at upload; a browser must not second-guess it into HTML.
    response["X-Content-Type-Options"] = "nosniff"
    return response
