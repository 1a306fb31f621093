"""What an uploaded file really is, judged by its bytes, never by its name or the browser's claim. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

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
