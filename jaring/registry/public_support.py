"""What the applicant pages need besides the views: the registration draft kept in the session with its
uploads waiting in a private folder, the programme's rules put in words, the regencies and kelurahan a
person picks from, and uploads checked on arrival."""

from __future__ import annotations

import os
import re
import secrets
import shutil
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jaring.core import clock
from jaring.core.errors import DomainError
from jaring.core.models import Region, Sector
from jaring.eligibility import rules
from jaring.eligibility.models import DocumentKind, RuleVersion
from jaring.eligibility.selectors import income_ceiling_of, rule_version_current
from jaring.eligibility.services import DEFAULT_RULES
from jaring.programmes.models import Programme
from jaring.registry.documents import sniff
from jaring.registry.forms import OJOL, ApplicantForm, DocumentsForm
from jaring.registry.intake import ApplicantData
from jaring.registry.models import Sex
from jaring.registry.services import Upload

DRAFT = "public_registration"  # session key of the steps saved so far
_PENDING_ID = re.compile(r"[0-9a-f]{32}")


# -- the draft in the session, and its uploads on disk -----------------------------------------------


def draft_load(request: HttpRequest) -> dict[str, Any]:
    """{"programme", "reached" (the furthest step that may be opened), "values" (by spec column),
    "wilayah" (regency of the KTP address), "pending" (upload folder id), "documents" (kind -> name, size)}."""
    draft = request.session.get(DRAFT)
    if not isinstance(draft, dict):
        return {"reached": 0, "values": {}, "documents": {}}
    return draft


def draft_save(request: HttpRequest, draft: dict[str, Any]) -> None:
    request.session[DRAFT] = draft
    folder = pending_dir(draft)
    if folder is not None and folder.is_dir():
        _worked_on(folder)  # stale folders are swept by age; a draft still being worked on keeps its folder young


def draft_discard(request: HttpRequest) -> None:
    draft = request.session.pop(DRAFT, None)
    if isinstance(draft, dict):
        folder = pending_dir(draft)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


def _pending_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "pending"


def pending_dir(draft: dict[str, Any], *, create: bool = False) -> Path | None:
    """The private folder of this draft's uploads (MEDIA_ROOT is never served), made on first use.
    Uploads wait on disk because a session is no place for megabytes."""
    pending = draft.get("pending")
    if not (isinstance(pending, str) and _PENDING_ID.fullmatch(pending)):
        if not create:
            return None
        _pending_sweep()
        pending = draft["pending"] = secrets.token_hex(16)
    folder = _pending_root() / pending
    if create and not folder.is_dir():
        folder.mkdir(parents=True)
        _worked_on(folder)
    return folder


def _worked_on(folder: Path) -> None:
    """Stamp the folder with the moment by Jaring's clock (its modification time, which the sweep reads), not the
    file system's: a folder's age and the sweep's cutoff are then read from the same clock."""
    moment = clock.now().timestamp()
    os.utime(folder, times=(moment, moment))


def _pending_sweep() -> None:
    """Drop folders of drafts abandoned for longer than a session lives (by the moment `_worked_on` stamped): no
    cron job needed."""
    root = _pending_root()
    if not root.is_dir():
        return
    cutoff = clock.now().timestamp() - settings.SESSION_COOKIE_AGE
    for folder in root.iterdir():
        try:
            if folder.is_dir() and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


def pending_documents(draft: dict[str, Any]) -> dict[str, Any]:
    """The draft's uploads that are really on disk (a swept one is asked for again, not failed on at the end)."""
    stored: dict[str, Any] = draft.setdefault("documents", {})
    folder = pending_dir(draft)
    for kind in list(stored):
        if kind not in DocumentKind.values or folder is None or not (folder / kind).is_file():
            del stored[kind]
    return stored


def pending_store(draft: dict[str, Any], *, kind: str, content: bytes, name: str, content_type: str | None) -> None:
    folder = pending_dir(draft, create=True)
    assert folder is not None
    (folder / kind).write_bytes(content)
    draft.setdefault("documents", {})[kind] = {"name": name[-100:], "size": len(content), "type": content_type}


def pending_remove(draft: dict[str, Any], *, kind: str) -> None:
    folder = pending_dir(draft)
    if folder is not None and kind in DocumentKind.values:
        (folder / kind).unlink(missing_ok=True)
    draft.setdefault("documents", {}).pop(kind, None)


def pending_uploads(draft: dict[str, Any]) -> list[Upload]:
    """The waiting files as uploads for the registration service (which checks each one again)."""
    folder = pending_dir(draft)
    uploads = []
    for kind, meta in pending_documents(draft).items():
        path = folder / kind if folder is not None else None
        try:
            content = path.read_bytes() if path is not None else None
        except OSError:
            content = None  # a double submission already took and removed it
        if content is not None:
            uploads.append(Upload(kind=kind, content=content, name=str(meta.get("name", ""))))
    return uploads


# -- the programme's rules, for the applicant to read ------------------------------------------------


def _rules_of(programme: Programme) -> RuleVersion:
    """The current rules, or (before the first registration writes version 1) the defaults, unsaved."""
    return rule_version_current(programme=programme) or RuleVersion(programme=programme, version=0, **DEFAULT_RULES)


def required_kinds(programme: Programme, sector_code: str, *, version: RuleVersion | None = None) -> list[str]:
    documents = (version or _rules_of(programme)).required_documents or {}
    wanted = {*documents.get(rules.ALL_SECTORS, []), *documents.get(sector_code, [])}
    return [kind for kind in DocumentKind.values if kind in wanted]


def kinds_for_sector(programme: Programme, sector_code: str, *, version: RuleVersion | None = None) -> list[str]:
    """The document kinds a person of this sector is offered: those the rules ask of everyone or of this sector,
    and those no sector is asked for. A fisher is not offered the aplikator's letter, an ojol driver not the
    fishers' and farmers' evidence."""
    documents = (version or _rules_of(programme)).required_documents or {}
    asked_of_some = {kind for key, kinds in documents.items() if key != rules.ALL_SECTORS for kind in kinds}
    wanted = set(required_kinds(programme, sector_code, version=version))
    return [kind for kind in DocumentKind.values if kind in wanted or kind not in asked_of_some]


def rules_summary(programme: Programme) -> dict[str, Any]:
    """The main conditions and the documents to prepare, from the programme's rules."""
    version = _rules_of(programme)
    try:
        ceiling, label = income_ceiling_of(version=version)
    except DomainError:
        ceiling, label = None, ""  # the UMK is not entered yet: say nothing rather than something wrong
    ceiling_text = ""
    if ceiling is not None:
        ceiling_text = f"{rules.format_rupiah(ceiling)} ({label})" if label else rules.format_rupiah(ceiling)
    documents = version.required_documents or {}
    names = dict(Sector.objects.values_list("code", "name"))
    grouped: dict[str, list[str]] = {}
    for sector_code, kinds in sorted(documents.items(), key=lambda item: names.get(item[0], item[0])):
        if sector_code != rules.ALL_SECTORS:
            wanted = ", ".join(str(DocumentKind(k).label) for k in DocumentKind.values if k in kinds)
            grouped.setdefault(wanted, []).append(names.get(sector_code, sector_code))
    return {
        "region": programme.funder.region.name,
        "domicile_months": version.min_domicile_months,
        "min_age": version.min_age,
        "max_age": version.max_age,
        "ceiling": ceiling_text,
        "everyone": [DocumentKind(k).label for k in documents.get(rules.ALL_SECTORS, [])],
        "by_sector": [(", ".join(sectors), wanted) for wanted, sectors in grouped.items()],
    }


# -- where the applicant lives: the regency first, then its kelurahan --------------------------------


def regencies(programme: Programme) -> list[Region]:
    """Kabupaten/kota of the funder's province, the funder's own first. Someone whose KTP address is
    elsewhere in the province can say so and is told the region rule, instead of meeting a dead end."""
    region = programme.funder.region
    province = region.code.split(".")[0]
    found = Region.objects.filter(level=Region.Level.REGENCY, code__startswith=province + ".").order_by("name")
    return sorted(found, key=lambda r: (r.code != region.code, r.name))


def regency_default(programme: Programme) -> str:
    region = programme.funder.region
    return region.code if region.level == Region.Level.REGENCY else ""


def regency_choice(programme: Programme, value: object) -> str | None:
    return value if isinstance(value, str) and value in {r.code for r in regencies(programme)} else None


def outside_region(programme: Programme, regency: str) -> bool:
    region = programme.funder.region.code
    return bool(regency) and not (regency == region or regency.startswith(region + "."))


# -- uploads -----------------------------------------------------------------------------------------


def size_limit_mb() -> str:
    return f"{settings.UPLOAD_MAX_BYTES / 1_048_576:.1f}".rstrip("0").rstrip(".").replace(".", ",")


def read_upload(upload: UploadedFile) -> tuple[bytes, str, str | None]:
    """The file's bytes, the reason it is refused ("" if accepted), and its real type judged by content."""
    max_bytes = settings.UPLOAD_MAX_BYTES
    size = upload.size or 0
    if size > max_bytes:
        # Not read into memory at all: its size alone refuses it (the same words as documents.sniff).
        problem = _(
            "Berkas %(size)s MB melebihi batas %(limit)s MB; perkecil foto atau pindai ulang "
            "dengan resolusi lebih rendah."
        ) % {"size": f"{size / 1_048_576:.1f}".replace(".", ","), "limit": max_bytes // 1_048_576}
        return b"", problem, None
    content = upload.read()
    sniffed = sniff(content, max_bytes=max_bytes)
    return content, sniffed.problem, sniffed.content_type


def document_rows(
    *,
    required: list[str],
    errors: dict[str, str],
    stored: dict[str, Any] | None = None,
    offered: list[str] | None = None,
    requested: list[str] | None = None,
) -> list[dict[str, Any]]:
    """One row per document kind offered (all by default; a kind already stored or refused is always shown):
    DocumentsForm's input (with the accept attribute) and what to say next to it."""
    form = DocumentsForm()
    rows = []
    for kind in DocumentKind.values:
        if offered is not None and kind not in offered and kind not in (stored or {}) and kind not in errors:
            continue
        name = f"dokumen_{kind}"
        if kind in errors:
            form.fields[name].widget.attrs.update({"aria-invalid": "true", "aria-describedby": f"id_{name}_error"})
        rows.append(
            {
                "kind": kind,
                "name": name,
                "field": form[name],
                "required": kind in required,
                "requested": kind in (requested or []),
                "error": errors.get(kind, ""),
                "stored": (stored or {}).get(kind),
            }
        )
    return rows


# -- forms and summaries -----------------------------------------------------------------------------


class StatusForm(forms.Form):
    nomor = forms.CharField(
        label=gettext_lazy("Nomor pendaftaran"),
        max_length=40,
        help_text=gettext_lazy("Contoh: BPN-2026-000123"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
    nik = forms.CharField(
        label=gettext_lazy("NIK"),
        max_length=40,
        help_text=gettext_lazy("16 angka sesuai KTP."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


def applicant_summary(data: ApplicantData) -> list[tuple[str, list[tuple[str, str]]]]:
    """The parsed answers as the applicant reads them back, by wizard step: (step, [(label, value)])."""
    label = {name: str(field.label) for name, field in ApplicantForm.base_fields.items()}
    kelurahan = Region.objects.select_related("parent").filter(code=data.kelurahan_code).first()
    sector = Sector.objects.filter(code=data.sector_code).first()
    place = f"{kelurahan.name}, {kelurahan.parent.name}" if kelurahan and kelurahan.parent else data.kelurahan_code
    sections: list[tuple[str, list[tuple[str, str]]]] = [
        (
            "identitas",
            [
                (label["nik"], data.nik),
                (label["no_kk"], data.kk_number),
                (label["nama"], data.name),
                (label["tempat_lahir"], data.birth_place),
                (label["tanggal_lahir"], rules.format_date(data.birth_date)),
                (label["jenis_kelamin"], str(Sex(data.sex).label)),
                (label["nama_ibu_kandung"], data.mother_name),
            ],
        ),
        (
            "alamat",
            [
                (label["alamat"], data.address),
                (_("RT / RW"), f"{data.rt or '—'} / {data.rw or '—'}"),
                (label["kode_kelurahan"], place),
                (label["domisili_sejak"], rules.format_date(data.domicile_since)),
                (label["no_hp"], data.phone),
            ],
        ),
        (
            "pekerjaan",
            [
                (label["sektor"], sector.name if sector else data.sector_code),
                (label["penghasilan_bulanan"], rules.format_rupiah(data.monthly_income)),
                # Asked of ojol drivers only: a fisher is not shown an empty line about it.
                *([(label["aplikator"], data.aplikator)] if data.aplikator or data.sector_code == OJOL else []),
                (label["keterangan"], data.note),
            ],
        ),
    ]
    return [(step, [(name, value or "—") for name, value in rows]) for step, rows in sections]
