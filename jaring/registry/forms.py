"""The applicant form every page shares. Its field names are the import file's columns, and its
validation is ``intake.parse_applicant``: a person sees the same message on the phone, at the counter and
in an import result. Django's form only renders the inputs and carries the errors back to them."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jaring.core.forms import DayInput, day_from_text
from jaring.core.models import Region, Sector
from jaring.core.validation import (
    FieldError,
    FieldWarning,
    Invalid,
    nik_cross_check,
    nik_region_warnings,
    parse_date,
    parse_nik,
    parse_sex,
)
from jaring.eligibility.models import DocumentKind
from jaring.programmes.forms import ProgrammeChoiceField
from jaring.programmes.models import Programme
from jaring.registry.intake import ApplicantData, ReferenceIndex, parse_applicant

IDENTITY_FIELDS = ("nik", "no_kk", "nama", "tempat_lahir", "tanggal_lahir", "jenis_kelamin", "nama_ibu_kandung")
ADDRESS_FIELDS = ("alamat", "rt", "rw", "kode_kelurahan", "domisili_sejak", "no_hp")
WORK_FIELDS = ("sektor", "penghasilan_bulanan", "aplikator", "keterangan")
ALL_FIELDS = IDENTITY_FIELDS + ADDRESS_FIELDS + WORK_FIELDS

DATE_HINT = _("Contoh: 17-08-1985")
# Columns the parser may name that a form shows as another field: the kelurahan is picked from a list.
FORM_FIELD = {"kelurahan": "kode_kelurahan", "kecamatan": "kode_kelurahan"}
# Fields and documents that only some sectors need (DOMAIN: ojol drivers need their aplikator's letter). With
# JavaScript a form shows them once such a sector is chosen (app.js, `data-sectors`); without it they stay visible
# with their label saying whom they are for, and the server ignores what does not apply.
OJOL = "ojol"
SECTOR_ONLY_FIELDS: dict[str, str] = {"aplikator": OJOL, f"dokumen_{DocumentKind.APLIKATOR_LETTER}": OJOL}
SECTOR_EXCEPT_FIELDS: dict[str, str] = {f"dokumen_{DocumentKind.SECTOR_EVIDENCE}": OJOL}


def mark_sector_fields(form: forms.Form) -> None:
    """Tag the inputs that only some sectors need, for app.js to show and hide with the chosen sector."""
    for name, sectors in SECTOR_ONLY_FIELDS.items():
        if name in form.fields:
            form.fields[name].widget.attrs["data-sectors"] = sectors
    for name, sectors in SECTOR_EXCEPT_FIELDS.items():
        if name in form.fields:
            form.fields[name].widget.attrs["data-not-sectors"] = sectors


class ApplicantForm(forms.Form):
    nik = forms.CharField(
        label=_("NIK"),
        max_length=40,
        help_text=_("16 angka sesuai KTP."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    no_kk = forms.CharField(
        label=_("Nomor KK"),
        max_length=40,
        required=False,
        help_text=_("16 angka sesuai Kartu Keluarga."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    nama = forms.CharField(label=_("Nama lengkap"), max_length=200, help_text=_("Sesuai KTP."))
    tempat_lahir = forms.CharField(label=_("Tempat lahir"), max_length=200, required=False)
    tanggal_lahir = forms.CharField(label=_("Tanggal lahir"), max_length=20, help_text=DATE_HINT, widget=DayInput)
    jenis_kelamin = forms.ChoiceField(
        label=_("Jenis kelamin"), choices=[("", "—"), ("L", _("Laki-laki")), ("P", _("Perempuan"))]
    )
    nama_ibu_kandung = forms.CharField(
        label=_("Nama ibu kandung"), max_length=200, required=False, help_text=_("Diminta oleh BPJS Ketenagakerjaan.")
    )
    alamat = forms.CharField(label=_("Alamat sesuai KTP"), max_length=300, help_text=_("Jalan, nomor rumah, gang."))
    rt = forms.CharField(
        label=_("RT"), max_length=5, required=False, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    rw = forms.CharField(
        label=_("RW"), max_length=5, required=False, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    kode_kelurahan = forms.ChoiceField(label=_("Kelurahan"), choices=())
    domisili_sejak = forms.CharField(
        label=_("Tinggal di alamat ini sejak"), max_length=20, help_text=DATE_HINT, widget=DayInput
    )
    no_hp = forms.CharField(
        label=_("Nomor HP / WhatsApp"),
        max_length=30,
        required=False,
        help_text=_("Untuk pemberitahuan hasil pendaftaran."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    sektor = forms.ChoiceField(label=_("Pekerjaan"), choices=())
    penghasilan_bulanan = forms.CharField(
        label=_("Penghasilan rata-rata per bulan (Rp)"),
        max_length=30,
        help_text=_("Contoh: 2.500.000"),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    aplikator = forms.CharField(
        label=_("Aplikator (khusus ojol)"), max_length=200, required=False, help_text=_("Misalnya Gojek, Grab, Maxim.")
    )
    keterangan = forms.CharField(
        label=_("Keterangan"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self,
        *args: Any,
        region_code: str,
        today: date,
        kelurahan_code: str | None = None,
        fields: tuple[str, ...] = ALL_FIELDS,
        **kwargs: Any,
    ) -> None:
        """`region_code`: the programme's funder region, whose kelurahan are offered; `kelurahan_code`: a
        kelurahan operator's own, the only one offered; `fields`: the subset a wizard step shows."""
        super().__init__(*args, **kwargs)
        self.region_code = region_code
        self.today = today
        self.data_parsed: ApplicantData | None = None
        villages = Region.objects.filter(level=Region.Level.VILLAGE, code__startswith=region_code + ".")
        if kelurahan_code is not None:
            villages = villages.filter(code=kelurahan_code)
        villages = villages.select_related("parent").order_by("parent__name", "name")
        choices: list[tuple[str, str]] = [] if kelurahan_code else [("", "—")]
        choices += [(v.code, f"{v.name} ({v.parent.name if v.parent else ''})") for v in villages]
        self.fields["kode_kelurahan"].choices = choices  # type: ignore[attr-defined]
        sectors = [("", "—")] + [(s.code, s.name) for s in Sector.objects.order_by("name")]
        self.fields["sektor"].choices = sectors  # type: ignore[attr-defined]
        for name in list(self.fields):
            if name not in fields:
                del self.fields[name]
        mark_sector_fields(self)

    def _typed_day(self, name: str) -> str:
        """A date as typed on a phone (17.08.1985, 17 08 1985, 17081985) in the form the parser reads; anything
        else as it was, for the parser to refuse with its message."""
        text = self.cleaned_data.get(name, "")
        day = day_from_text(text) if isinstance(text, str) else None
        return day.strftime("%d-%m-%Y") if day is not None else text

    def clean_tanggal_lahir(self) -> str:
        return self._typed_day("tanggal_lahir")

    def clean_domisili_sejak(self) -> str:
        return self._typed_day("domisili_sejak")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        if set(self.fields) != set(ALL_FIELDS):
            return cleaned  # a wizard step: the whole applicant is parsed when the steps are put together
        result = parse_applicant(cleaned, index=ReferenceIndex.load(), region_code=self.region_code, today=self.today)
        for error in result.errors:
            name = form_field_of(error)
            if name in self.fields:
                self.add_error(name, beside_field(error))
            else:
                self.add_error(None, labelled(error))
        self.data_parsed = result.data
        return cleaned


CONFIRM_FIELD = "cocok_ktp"  # the box ticked to say the NIK was checked against the KTP after a warning


def identity_warnings(values: Any) -> list[FieldWarning]:
    """The doubts about a NIK that do not refuse it (DOMAIN, Identifiers): its birth date or sex disagrees with the
    stated ones, or its region code is no longer in the Kemendagri data. Empty until the three fields parse."""
    try:
        nik = parse_nik(values.get("nik"))
        born = parse_date(values.get("tanggal_lahir"), field="tanggal_lahir")
        sex = parse_sex(values.get("jenis_kelamin"))
    except Invalid:
        return []
    return [*nik_region_warnings(nik), *nik_cross_check(nik, birth_date=born, sex=sex)]


def identity_fingerprint(values: Any) -> str:
    """What a confirmation was given for: typing another NIK, birth date or sex asks again."""
    return "|".join(str(values.get(name, "")).strip() for name in ("nik", "tanggal_lahir", "jenis_kelamin"))


def form_field_of(error: FieldError) -> str:
    """The form field that shows a parser's error (its column, or the field a column is picked with)."""
    return FORM_FIELD.get(error.field, error.field)


def beside_field(error: FieldError) -> str:
    """A parser's error as read right under its field, whose label names it already: "Wajib diisi; ...", never
    the file's "Kolom domisili_sejak: ..." or a spreadsheet's advice."""
    return str(capfirst(error.problem or error.message))


def labelled(error: FieldError) -> str:
    """A parser's error away from its field (a message at the top of a page), named by the field's label."""
    field = ApplicantForm.base_fields.get(form_field_of(error))
    label = str(field.label) if field is not None and field.label else error.field
    return gettext("%(label)s: %(problem)s") % {"label": label, "problem": error.problem or error.message}


class DocumentsForm(forms.Form):
    """One optional file input per document kind; content is checked by registry.documents.sniff."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in DocumentKind:
            self.fields[f"dokumen_{kind.value}"] = forms.FileField(
                label=kind.label,
                required=False,
                widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
            )
        mark_sector_fields(self)


class ApplicantListForm(forms.Form):
    """A list of applicants for one of `programmes`, in the import template's form: the import page and the check
    for duplicates before an import both start from it."""

    programme = ProgrammeChoiceField(label=_("Program"), queryset=Programme.objects.none(), empty_label="—")
    file = forms.FileField(
        label=_("Berkas daftar pemohon"),
        help_text=_("XLSX atau CSV sesuai templat impor."),
        allow_empty_file=True,  # a 0-byte file gets the reader's own message
    )

    def __init__(self, *args: Any, programmes: QuerySet[Programme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["programme"]
        assert isinstance(field, ProgrammeChoiceField)
        field.queryset = programmes
