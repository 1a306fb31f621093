"""Forms of the eligibility pages (a programme's rules, the BPJS participant list) and the plain-language
description of a rule version that the rules page shows.

The form only turns the page's inputs into values; whether the rules make sense (minimum age above the
maximum, a fixed ceiling without an amount) is decided by ``rule_version_create``, whose errors the page
shows next to the fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jaring.core.forms import DayField
from jaring.core.models import Funder
from jaring.eligibility import rules
from jaring.eligibility.models import DocumentKind, IncomeCeiling, RuleVersion
from jaring.eligibility.services import DEFAULT_RULES, RULE_FIELDS

SECTORS_ALL = "all"
SECTORS_SELECTED = "selected"
_RUPIAH = re.compile(r"(?i:rp)?\.?([0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,([0-9]{1,2}))?")
MAX_RUPIAH = 1_000_000_000_000

_WHOLE_NUMBER = {"invalid": gettext_lazy("Tulis angka bulat, misalnya 6.")}


class RupiahField(forms.Field):
    """Whole Rupiah as officers write it: 2500000, 2.500.000, Rp2.500.000 or Rp 2.500.000,00."""

    def to_python(self, value: Any) -> int | None:
        text = "".join(str(value or "").split())
        if not text:
            return None
        match = _RUPIAH.fullmatch(text)
        if match is None or (match.group(2) and int(match.group(2)) != 0):
            raise ValidationError(
                _("Tulis jumlah Rupiah utuh dengan angka, misalnya 2.500.000."), code="invalid_rupiah"
            )
        amount = int(match.group(1).replace(".", ""))
        if amount > MAX_RUPIAH:
            raise ValidationError(_("Jumlah Rupiah terlalu besar."), code="too_large")
        return amount


def _document_field_name(key: str, kind: str) -> str:
    return f"doc__{'semua' if key == rules.ALL_SECTORS else key}__{kind}"


@dataclass(frozen=True)
class GridRow:
    key: str  # "*" or a sector code
    label: str
    cells: list[tuple[str, forms.BoundField]]  # (document kind label, checkbox)


class RuleVersionForm(forms.Form):
    # The version the officer saw; if someone saved a newer one meanwhile, the page says so instead of
    # silently overwriting their change.
    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, error_messages=_WHOLE_NUMBER)
    min_domicile_months = forms.IntegerField(
        label=gettext_lazy("Minimal lama domisili (bulan)"),
        required=False,
        error_messages=_WHOLE_NUMBER,
        help_text=gettext_lazy("Kosongkan bila lama domisili tidak diperiksa."),
    )
    income_ceiling = forms.ChoiceField(
        label=gettext_lazy("Batas penghasilan"), choices=IncomeCeiling.choices, widget=forms.RadioSelect
    )
    income_ceiling_amount = RupiahField(
        label=gettext_lazy("Batas penghasilan tetap (Rp per bulan)"),
        required=False,
        help_text=gettext_lazy("Hanya untuk pilihan jumlah tetap, misalnya 3.000.000."),
    )
    min_age = forms.IntegerField(
        label=gettext_lazy("Usia minimal (tahun)"),
        required=False,
        error_messages=_WHOLE_NUMBER,
        help_text=gettext_lazy("Kosongkan bila tidak ada batas bawah."),
    )
    max_age = forms.IntegerField(
        label=gettext_lazy("Usia maksimal (tahun)"),
        required=False,
        error_messages=_WHOLE_NUMBER,
        help_text=gettext_lazy("Kosongkan bila tidak ada batas atas."),
    )
    sectors_mode = forms.ChoiceField(
        label=gettext_lazy("Sektor yang dapat didaftarkan"),
        choices=[
            (SECTORS_ALL, gettext_lazy("Semua sektor")),
            (SECTORS_SELECTED, gettext_lazy("Hanya sektor yang dipilih")),
        ],
        widget=forms.RadioSelect,
    )
    eligible_sectors = forms.MultipleChoiceField(
        label=gettext_lazy("Sektor yang dipilih"), required=False, widget=forms.CheckboxSelectMultiple
    )
    check_not_covered = forms.BooleanField(
        label=gettext_lazy(
            "Tolak pemohon yang sudah menjadi peserta aktif BPJS Ketenagakerjaan atau dibiayai pemberi dana lain "
            "pada bulan yang sama"
        ),
        required=False,
    )
    on_target_list = forms.BooleanField(
        label=gettext_lazy(
            "Hanya untuk orang yang tercantum dalam daftar dari instansi yang mengangkat (misalnya ketua RT, "
            "petugas pemadam kebakaran, marbot)"
        ),
        required=False,
        help_text=gettext_lazy("Daftarnya diunggah di halaman daftar sasaran program."),
    )
    note = forms.CharField(
        label=gettext_lazy("Alasan perubahan"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Tulis alasan perubahan, misalnya nomor Perwali.")},
        help_text=gettext_lazy("Misalnya nomor Perwali atau keputusan rapat; disimpan bersama versi ini."),
    )

    def __init__(self, *args: Any, sectors: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sectors = sectors
        self.fields["eligible_sectors"].choices = sectors  # type: ignore[attr-defined]
        self.document_fields: dict[str, tuple[str, str]] = {}
        for key in [rules.ALL_SECTORS, *(code for code, _name in sectors)]:
            for kind in DocumentKind:
                name = _document_field_name(key, kind.value)
                self.fields[name] = forms.BooleanField(required=False, label=str(kind.label))
                self.document_fields[name] = (key, kind.value)
        # Errors the rules service reports on the document grid as a whole.
        self.document_errors: list[str] = []

    @staticmethod
    def initial_for(version: RuleVersion | None) -> dict[str, Any]:
        values = {name: getattr(version, name) for name in RULE_FIELDS} if version else dict(DEFAULT_RULES)
        initial: dict[str, Any] = {
            "base_version": version.version if version else 0,
            "min_domicile_months": values["min_domicile_months"],
            "income_ceiling": values["income_ceiling"],
            "income_ceiling_amount": _digits(values["income_ceiling_amount"])
            if values["income_ceiling_amount"]
            else "",
            "min_age": values["min_age"],
            "max_age": values["max_age"],
            "sectors_mode": SECTORS_SELECTED if values["eligible_sectors"] else SECTORS_ALL,
            "eligible_sectors": list(values["eligible_sectors"]),
            "check_not_covered": values["check_not_covered"],
            "on_target_list": values["on_target_list"],
        }
        for key, kinds in (values["required_documents"] or {}).items():
            for kind in kinds:
                initial[_document_field_name(key, str(kind))] = True
        return initial

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("sectors_mode") == SECTORS_SELECTED and not cleaned.get("eligible_sectors"):
            self.add_error("eligible_sectors", _("Pilih paling sedikit satu sektor, atau pilih “Semua sektor”."))
        return cleaned

    def rule_values(self) -> dict[str, Any]:
        """The cleaned input as `rule_version_create` fields."""
        data = self.cleaned_data
        documents: dict[str, list[str]] = {}
        for name, (key, kind) in self.document_fields.items():
            if data.get(name):
                documents.setdefault(key, []).append(kind)
        ceiling = data["income_ceiling"]
        return {
            "min_domicile_months": data["min_domicile_months"],
            "income_ceiling": ceiling,
            "income_ceiling_amount": data["income_ceiling_amount"] if ceiling == IncomeCeiling.FIXED else None,
            "min_age": data["min_age"],
            "max_age": data["max_age"],
            "eligible_sectors": sorted(data["eligible_sectors"]) if data["sectors_mode"] == SECTORS_SELECTED else [],
            "required_documents": {key: sorted(kinds) for key, kinds in documents.items()},
            "check_not_covered": bool(data["check_not_covered"]),
            "on_target_list": bool(data["on_target_list"]),
        }

    def add_domain_errors(self, errors: dict[str, list[str]], message: str) -> None:
        """Show a DomainError from the rules service next to the fields it names."""
        for field, messages in errors.items():
            for text in messages:
                if field == "required_documents":
                    self.document_errors.append(text)
                elif field in self.fields:
                    self.add_error(field, text)
                else:
                    self.add_error(None, text)
        if not errors:
            self.add_error(None, message)

    def document_grid(self) -> list[GridRow]:
        rows = [(rules.ALL_SECTORS, _("Semua sektor")), *self.sectors]
        return [
            GridRow(
                key=key,
                label=label,
                cells=[(str(kind.label), self[_document_field_name(key, kind.value)]) for kind in DocumentKind],
            )
            for key, label in rows
        ]


def rule_values_of(version: RuleVersion | None) -> dict[str, Any]:
    """A version's values normalised as `RuleVersionForm.rule_values` gives them, to tell whether a save changes
    anything."""
    values = {name: getattr(version, name) for name in RULE_FIELDS} if version else dict(DEFAULT_RULES)
    return {
        **values,
        "income_ceiling": str(values["income_ceiling"]),
        "income_ceiling_amount": (
            values["income_ceiling_amount"] if values["income_ceiling"] == IncomeCeiling.FIXED else None
        ),
        "eligible_sectors": sorted(values["eligible_sectors"] or []),
        "required_documents": {
            str(key): sorted(str(kind) for kind in kinds) for key, kinds in (values["required_documents"] or {}).items()
        },
    }


def _digits(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


# -- the rules in plain words -----------------------------------------------------------------------------


def months_text(value: int | None) -> str:
    if value is None:
        return _("tidak diperiksa")
    return _("minimal %(months)s bulan") % {"months": value}


def ceiling_text(kind: str, amount: int | None) -> str:
    if kind == IncomeCeiling.FIXED and amount is not None:
        return _("jumlah tetap %(amount)s per bulan") % {"amount": rules.format_rupiah(amount)}
    if kind == IncomeCeiling.NONE:
        return _("tanpa batas penghasilan")
    if kind == IncomeCeiling.RESIDENCE:
        return _("UMK kabupaten/kota tempat tinggal pemohon pada tahun program")
    return _("UMK wilayah pemberi dana pada tahun program")


def age_text(min_age: int | None, max_age: int | None) -> str:
    if min_age is not None and max_age is not None:
        return _("%(min)s sampai %(max)s tahun") % {"min": min_age, "max": max_age}
    if max_age is not None:
        return _("paling tua %(max)s tahun") % {"max": max_age}
    if min_age is not None:
        return _("paling muda %(min)s tahun") % {"min": min_age}
    return _("tanpa batas usia")


def bound_text(value: int | None) -> str:
    return _("%(years)s tahun") % {"years": value} if value is not None else _("tidak dibatasi")


def sectors_text(codes: list[str], sector_names: dict[str, str]) -> str:
    if not codes:
        return _("semua sektor")
    return ", ".join(sector_names.get(code, code) for code in sorted(codes, key=lambda c: sector_names.get(c, c)))


def documents_rows(documents: dict[str, list[str]], sector_names: dict[str, str]) -> list[tuple[str, str]]:
    """(for whom, which documents) rows: "semua sektor" first, then sectors by name."""
    names = {kind.value: str(kind.label) for kind in DocumentKind}

    def listed(kinds: list[str]) -> str:
        return ", ".join(names[kind] for kind in names if kind in kinds)

    rows = []
    if documents.get(rules.ALL_SECTORS):
        rows.append((_("Semua sektor"), listed(documents[rules.ALL_SECTORS])))
    others = sorted((key for key in documents if key != rules.ALL_SECTORS), key=lambda k: sector_names.get(k, k))
    rows.extend((sector_names.get(key, key), listed(documents[key])) for key in others if documents[key])
    return rows


def documents_text(documents: dict[str, list[str]], sector_names: dict[str, str]) -> str:
    rows = documents_rows(documents, sector_names)
    return "; ".join(f"{who}: {what}" for who, what in rows) if rows else _("tidak ada")


def yes_no(value: bool) -> str:
    return _("ya") if value else _("tidak")


def changes_between(before: RuleVersion | None, after: RuleVersion, sector_names: dict[str, str]) -> list[str]:
    """What `after` changed compared with `before`, one readable line per rule ("Usia maksimal: 64 tahun → 60
    tahun"). The first version lists every rule it set."""

    def texts(version: RuleVersion | None) -> dict[str, tuple[str, str]]:
        values = rule_values_of(version)
        return {
            "min_domicile_months": (_("Lama domisili"), months_text(values["min_domicile_months"])),
            "income_ceiling": (
                _("Batas penghasilan"),
                ceiling_text(values["income_ceiling"], values["income_ceiling_amount"]),
            ),
            "min_age": (_("Usia minimal"), bound_text(values["min_age"])),
            "max_age": (_("Usia maksimal"), bound_text(values["max_age"])),
            "eligible_sectors": (_("Sektor"), sectors_text(values["eligible_sectors"], sector_names)),
            "required_documents": (_("Dokumen wajib"), documents_text(values["required_documents"], sector_names)),
            "check_not_covered": (_("Periksa belum menjadi peserta"), yes_no(values["check_not_covered"])),
            "on_target_list": (
                _("Harus tercantum dalam daftar instansi yang mengangkat"),
                yes_no(values["on_target_list"]),
            ),
        }

    new = texts(after)
    if before is None:
        return [f"{label}: {text}" for label, text in new.values()]
    old = texts(before)
    return [f"{label}: {old[name][1]} → {text}" for name, (label, text) in new.items() if old[name][1] != text]


class ParticipantListForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Berkas daftar peserta (CSV atau XLSX)"),
        help_text=gettext_lazy("Kolom: NIK, KPJ, segmen, status (aktif/nonaktif). Baris pertama berisi judul kolom."),
        error_messages={
            "required": gettext_lazy("Pilih berkas daftar peserta (CSV atau XLSX)."),
            "empty": gettext_lazy("Berkas kosong (0 byte). Pilih berkas daftar peserta yang benar."),
        },
    )
    apply_sound_rows = forms.BooleanField(
        label=gettext_lazy("Terapkan baris yang benar saja"),
        required=False,
        help_text=gettext_lazy(
            "Tanpa centang ini, berkas yang memuat baris bermasalah tidak diterapkan sama sekali; "
            "Anda melihat daftar masalahnya lebih dulu."
        ),
    )
    funder = forms.ModelChoiceField(label=gettext_lazy("Pemberi dana"), queryset=Funder.objects.none())

    def __init__(self, *args: Any, funders: QuerySet[Funder] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if funders is None:
            # An officer uploads for their own funder; only the system operator chooses.
            del self.fields["funder"]
        else:
            self.fields["funder"].queryset = funders  # type: ignore[attr-defined]


class TargetListForm(forms.Form):
    source = forms.CharField(
        label=gettext_lazy("Instansi yang mengangkat dan mengirim daftar"),
        max_length=200,
        help_text=gettext_lazy("Misalnya Bagian Pemerintahan Sekretariat Daerah Kota Samarinda."),
        error_messages={"required": gettext_lazy("Tulis instansi yang mengangkat dan mengirim daftar ini.")},
    )
    list_date = DayField(
        label=gettext_lazy("Tanggal daftar"),
        help_text=gettext_lazy("Tanggal pada surat atau berkas daftar, misalnya 05-01-2026."),
        error_messages={"required": gettext_lazy("Tulis tanggal daftar, misalnya 05-01-2026.")},
    )
    file = forms.FileField(
        label=gettext_lazy("Berkas daftar (CSV atau XLSX)"),
        help_text=gettext_lazy("Kolom: NIK, nama, jabatan/keterangan. Baris pertama berisi judul kolom."),
        error_messages={
            "required": gettext_lazy("Pilih berkas daftar (CSV atau XLSX)."),
            "empty": gettext_lazy("Berkas kosong (0 byte). Pilih berkas daftar yang benar."),
        },
    )
    apply_sound_rows = forms.BooleanField(
        label=gettext_lazy("Terapkan baris yang benar saja"),
        required=False,
        help_text=gettext_lazy(
            "Tanpa centang ini, berkas yang memuat baris bermasalah tidak diterapkan sama sekali; "
            "Anda melihat daftar masalahnya lebih dulu."
        ),
    )
