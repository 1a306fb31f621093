"""Forms of the BPJS batch pages: making a batch, the column template, and the branch's answer file."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jaring.enrolment.columns import COLUMNS

ORDER_MAX = 99


class BatchCreateForm(forms.Form):
    # How many batches the officer saw: a second click (or a second tab) after a batch was made is told so
    # instead of making another batch of whoever became ready meanwhile.
    seen = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


@dataclass(frozen=True)
class ColumnRow:
    key: str
    label: str
    header: str
    use: forms.BoundField
    order: forms.BoundField


class ColumnTemplateForm(forms.Form):
    """A checkbox and an order number for each column the file may have."""

    def __init__(self, *args: Any, current: list[str] | None = None, **kwargs: Any) -> None:
        if current is not None and "initial" not in kwargs:
            initial: dict[str, Any] = {}
            for position, key in enumerate(current, start=1):
                initial[f"use_{key}"] = True
                initial[f"order_{key}"] = position
            for position, key in enumerate((k for k in COLUMNS if k not in current), start=len(current) + 1):
                initial[f"order_{key}"] = position
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        for key, column in COLUMNS.items():
            self.fields[f"use_{key}"] = forms.BooleanField(required=False, label=column.label)
            self.fields[f"order_{key}"] = forms.IntegerField(
                required=False,
                min_value=1,
                max_value=ORDER_MAX,
                label=gettext_lazy("Urutan"),
                error_messages={
                    "invalid": gettext_lazy("Tulis urutan dengan angka bulat, misalnya 3."),
                    "min_value": gettext_lazy("Urutan paling kecil 1."),
                    "max_value": gettext_lazy("Urutan paling besar 99."),
                },
            )

    def rows(self) -> list[ColumnRow]:
        """One row per column, in the order the officer gave (or the template has), then the rest."""
        keys = list(COLUMNS)

        def position(key: str) -> tuple[int, int]:
            value = self[f"order_{key}"].value()
            try:
                return int(str(value)), keys.index(key)
            except ValueError:
                return ORDER_MAX + 1, keys.index(key)

        return [
            ColumnRow(
                key=key,
                label=str(COLUMNS[key].label),
                header=COLUMNS[key].header,
                use=self[f"use_{key}"],
                order=self[f"order_{key}"],
            )
            for key in sorted(keys, key=position)
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not any(cleaned.get(f"use_{key}") for key in COLUMNS):
            raise forms.ValidationError(_("Pilih paling sedikit satu kolom, termasuk NIK."))
        return cleaned

    def columns(self) -> list[str]:
        """The chosen keys by their order number; ties and blanks keep the list's order."""
        keys = list(COLUMNS)
        chosen = [key for key in keys if self.cleaned_data.get(f"use_{key}")]
        return sorted(
            chosen,
            key=lambda key: (self.cleaned_data.get(f"order_{key}") or ORDER_MAX + 1, keys.index(key)),
        )


class AnswerUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Berkas jawaban BPJS (CSV atau XLSX)"),
        help_text=gettext_lazy(
            "Kolom: NIK, KPJ, STATUS (diterima/ditolak), ALASAN, TANGGAL MULAI. Baris pertama berisi judul kolom."
        ),
        error_messages={
            "required": gettext_lazy("Pilih berkas jawaban BPJS (CSV atau XLSX)."),
            "empty": gettext_lazy("Berkas kosong (0 byte). Pilih berkas jawaban BPJS yang benar."),
            "invalid": gettext_lazy("Tidak ada berkas yang terkirim. Pilih berkasnya lagi."),
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
