"""Forms of the claim pages. They check shapes (a date is a date, a choice is on the list); the services judge the
rules and their messages are put next to the field they name."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jaring.claims.models import ClaimDocumentKind, ClaimKind, Relationship, SchoolLevel
from jaring.claims.services import ChildIn, HeirIn

DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"]
DATE_ERRORS = {"required": _("Isi tanggalnya."), "invalid": _("Tulis tanggal seperti 2026-10-02 atau 02-10-2026.")}
HEIR_ROWS = 5
CHILD_ROWS = 4


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def date_field(label: Any, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label, input_formats=DATE_FORMATS, widget=DateInput(), required=required, error_messages=DATE_ERRORS
    )


def choice_field(label: Any, choices: Any, *, required: bool = True, empty: Any = "—") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=[("", empty), *choices],
        required=required,
        error_messages={"required": _("Pilih salah satu."), "invalid_choice": _("Pilihan tidak dikenal.")},
    )


class DomainErrorsMixin:
    """Puts a service's errors (keyed by the API's field names, `heirs.0.nik`) next to this form's fields."""

    field_map: dict[str, str] = {}

    def add_domain_errors(self, errors: dict[str, list[str]], message: str) -> None:
        form: Any = self
        placed = False
        for key, messages in errors.items():
            name = self.field_map.get(key, key.replace(".", "_"))
            if name in form.fields:
                for text in messages:
                    form.add_error(name, text)
                placed = True
        if not placed:
            form.add_error(None, message)


class ReportForm(DomainErrorsMixin, forms.Form):
    """An officer's report of a case: the event, who reported it, the heirs and the children (empty rows are
    left out)."""

    field_map = {"kind": "kind", "event_date": "event_date", "reported_by": "reported_by"}

    kind = choice_field(_("Jenis klaim"), ClaimKind.choices)
    event_date = date_field(_("Tanggal meninggal / kecelakaan"))
    reported_by = forms.CharField(
        label=_("Dilaporkan oleh"),
        max_length=150,
        help_text=_("Misalnya “Siti Aminah (istri)” atau “Operator Kelurahan Manggar”."),
        error_messages={"required": _("Tulis siapa yang melaporkan.")},
    )
    reporter_phone = forms.CharField(label=_("Nomor HP pelapor"), max_length=16, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(HEIR_ROWS):
            self.fields[f"heirs_{i}_nama"] = forms.CharField(label=_("Nama ahli waris"), max_length=150, required=False)
            self.fields[f"heirs_{i}_nik"] = forms.CharField(label=_("NIK"), max_length=20, required=False)
            self.fields[f"heirs_{i}_hubungan"] = choice_field(_("Hubungan"), Relationship.choices, required=False)
        for i in range(CHILD_ROWS):
            self.fields[f"children_{i}_nama"] = forms.CharField(label=_("Nama anak"), max_length=150, required=False)
            self.fields[f"children_{i}_tanggal_lahir"] = date_field(_("Tanggal lahir"), required=False)
            self.fields[f"children_{i}_jenjang"] = choice_field(_("Jenjang"), SchoolLevel.choices, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for i in range(HEIR_ROWS):
            values = [data.get(f"heirs_{i}_{name}") for name in ("nama", "nik", "hubungan")]
            if any(values) and not all(values):
                self.add_error(
                    f"heirs_{i}_nama", _("Isi nama, NIK dan hubungan ahli waris ini, atau kosongkan semuanya.")
                )
        for i in range(CHILD_ROWS):
            values = [data.get(f"children_{i}_{name}") for name in ("nama", "tanggal_lahir", "jenjang")]
            if any(values) and not all(values):
                self.add_error(
                    f"children_{i}_nama", _("Isi nama, tanggal lahir dan jenjang anak ini, atau kosongkan semuanya.")
                )
        return data

    def rows(self, prefix: str, count: int) -> list[list[forms.BoundField]]:
        names = ("nama", "nik", "hubungan") if prefix == "heirs" else ("nama", "tanggal_lahir", "jenjang")
        return [[self[f"{prefix}_{i}_{name}"] for name in names] for i in range(count)]

    @property
    def heir_rows(self) -> list[list[forms.BoundField]]:
        return self.rows("heirs", HEIR_ROWS)

    @property
    def child_rows(self) -> list[list[forms.BoundField]]:
        return self.rows("children", CHILD_ROWS)

    def heirs(self) -> list[HeirIn]:
        data = self.cleaned_data
        return [
            HeirIn(name=data[f"heirs_{i}_nama"], nik=data[f"heirs_{i}_nik"], relationship=data[f"heirs_{i}_hubungan"])
            for i in range(HEIR_ROWS)
            if data.get(f"heirs_{i}_nama")
        ]

    def children(self) -> list[ChildIn]:
        data = self.cleaned_data
        return [
            ChildIn(
                name=data[f"children_{i}_nama"],
                birth_date=data[f"children_{i}_tanggal_lahir"],
                level=data[f"children_{i}_jenjang"],
            )
            for i in range(CHILD_ROWS)
            if data.get(f"children_{i}_nama")
        ]

    def add_domain_errors(self, errors: dict[str, list[str]], message: str) -> None:
        # The service numbers only the rows it was given (filled ones), in order: map them back to the form's rows.
        filled = {
            "heirs": [i for i in range(HEIR_ROWS) if self.cleaned_data.get(f"heirs_{i}_nama")],
            "children": [i for i in range(CHILD_ROWS) if self.cleaned_data.get(f"children_{i}_nama")],
        }
        mapped: dict[str, list[str]] = {}
        for key, messages in errors.items():
            parts = key.split(".")
            if len(parts) == 3 and parts[0] in filled and parts[1].isdigit() and int(parts[1]) < len(filled[parts[0]]):
                key = f"{parts[0]}_{filled[parts[0]][int(parts[1])]}_{parts[2]}"
            mapped[key] = messages
        super().add_domain_errors(mapped, message)


class PublicReportForm(forms.Form):
    """A family's report, without log-in: both member numbers must belong to one member, so a stranger cannot
    report a death for a KPJ alone."""

    kpj = forms.CharField(
        label=_("Nomor KPJ peserta"),
        max_length=20,
        help_text=_("11 angka pada kartu peserta BPJS Ketenagakerjaan."),
        error_messages={"required": _("Isi nomor KPJ dari kartu peserta.")},
    )
    nik = forms.CharField(
        label=_("NIK peserta"),
        max_length=20,
        help_text=_("16 angka pada KTP peserta."),
        error_messages={"required": _("Isi NIK peserta (16 angka pada KTP).")},
    )
    kind = choice_field(_("Yang terjadi"), ClaimKind.choices, empty=_("Pilih"))
    event_date = date_field(_("Tanggal meninggal / kecelakaan"))
    reporter_name = forms.CharField(
        label=_("Nama pelapor"), max_length=120, error_messages={"required": _("Tulis nama Anda.")}
    )
    relationship = choice_field(_("Hubungan dengan peserta"), Relationship.choices, empty=_("Pilih"))
    reporter_phone = forms.CharField(
        label=_("Nomor HP pelapor"),
        max_length=16,
        help_text=_("Petugas menghubungi Anda lewat nomor ini."),
        error_messages={"required": _("Isi nomor HP supaya petugas dapat menghubungi Anda.")},
    )


class DocumentForm(forms.Form):
    kind = choice_field(_("Jenis dokumen"), ClaimDocumentKind.choices)
    file = forms.FileField(label=_("Berkas (JPEG, PNG atau PDF)"), error_messages={"required": _("Pilih berkasnya.")})
    child = forms.TypedChoiceField(label=_("Anak (untuk bukti sekolah)"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, children: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["child"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "—"), *children]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Alasan"), max_length=300, error_messages={"required": _("Tuliskan alasannya.")})


class PaymentForm(forms.Form):
    amount = forms.IntegerField(
        label=_("Jumlah dibayar BPJS (Rp)"),
        min_value=1,
        error_messages={"required": _("Isi jumlahnya."), "invalid": _("Tulis angka saja, tanpa titik.")},
    )
    paid_on = date_field(_("Tanggal dibayar"))
    reference = forms.CharField(label=_("Nomor referensi BPJS"), max_length=60, required=False)


class HandoverForm(forms.Form):
    handed_on = date_field(_("Tanggal penyerahan"))
    place = forms.CharField(label=_("Tempat"), max_length=200, initial=_("Balai Kota"))
    handed_by = forms.CharField(label=_("Diserahkan oleh"), max_length=150)
    received_by = forms.CharField(label=_("Diterima oleh"), max_length=150)
    note = forms.CharField(label=_("Keterangan"), max_length=300, required=False)


class HeirForm(forms.Form):
    name = forms.CharField(label=_("Nama ahli waris"), max_length=150)
    nik = forms.CharField(label=_("NIK"), max_length=20)
    relationship = choice_field(_("Hubungan"), Relationship.choices)


class ChildForm(forms.Form):
    name = forms.CharField(label=_("Nama anak"), max_length=150)
    birth_date = date_field(_("Tanggal lahir"))
    level = choice_field(_("Jenjang"), SchoolLevel.choices)


class ScholarshipClaimForm(forms.Form):
    child = forms.TypedChoiceField(label=_("Anak"), coerce=int)
    school_year = forms.IntegerField(label=_("Tahun ajaran mulai"), min_value=2000, max_value=2200)
    level = choice_field(
        _("Jenjang tahun ajaran ini"), [c for c in SchoolLevel.choices if c[0] != SchoolLevel.BELUM_SEKOLAH]
    )

    def __init__(self, *args: Any, children: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["child"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = children
