"""Forms of the membership pages: the lifecycle changes on a member's page and the start of a re-verification."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jaring.allocation.models import EndReason
from jaring.core.forms import DayField
from jaring.programmes.models import Programme

NOTE_MAX = 300
NOTE_NEEDED = _("Tuliskan alasannya, misalnya “3 bulan iuran belum dibayar”.")


def _clean_text(value: str) -> str:
    # Whitespace runs collapse to one space (a NUL never arrives: RefuseNulCharacters answers 400 first).
    return " ".join(value.split())


class LifecycleForm(forms.Form):
    """A change of a membership's status: the date it takes effect and a note. The service decides whether the
    change is allowed; the form checks only that the date falls within the membership's cover."""

    action = ""
    note_required = False

    effective = DayField(
        label=_("Berlaku mulai"),
        error_messages={
            "required": _("Isi tanggal berlakunya."),
            "invalid": _("Tulis tanggal-bulan-tahun dengan angka, misalnya 01-12-2026."),
        },
    )
    note = forms.CharField(label=_("Keterangan"), max_length=NOTE_MAX, required=False)

    def __init__(self, *args: Any, starts: date, ends: date, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", self.action)
        super().__init__(*args, **kwargs)
        self.starts, self.ends = starts, ends
        if self.note_required:
            note = self.fields["note"]
            note.required = True
            note.error_messages["required"] = NOTE_NEEDED

    def clean_effective(self) -> date:
        day: date = self.cleaned_data["effective"]
        if not (self.starts <= day <= self.ends):
            raise forms.ValidationError(
                _("Tanggal harus dalam masa perlindungan, %(start)s s.d. %(end)s."),
                params={"start": self.starts.strftime("%d-%m-%Y"), "end": self.ends.strftime("%d-%m-%Y")},
            )
        return day

    def clean_note(self) -> str:
        note = _clean_text(self.cleaned_data.get("note", ""))
        if self.note_required and not note:
            raise forms.ValidationError(NOTE_NEEDED)
        return note

    def add_domain_error(self, field: str, message: str) -> None:
        self.add_error(field if field in self.fields else None, message)


class DeactivateForm(LifecycleForm):
    action = "nonaktif"
    note_required = True


class ReactivateForm(LifecycleForm):
    action = "aktif"


class EndForm(LifecycleForm):
    action = "akhiri"

    reason = forms.ChoiceField(
        label=_("Alasan berakhir"),
        choices=[("", "—"), *EndReason.choices],
        error_messages={
            "required": _("Pilih alasan berakhir."),
            "invalid_choice": _("Pilihan tidak dikenal; pilih alasan berakhir dari daftar."),
        },
    )

    field_order = ["reason", "effective", "note"]


class ProgrammeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Programme) -> str:
        return f"{obj.code} — {obj.name} ({obj.year})"


class ReverificationForm(forms.Form):
    target = ProgrammeChoiceField(
        label=_("Program tahun berikutnya"),
        queryset=Programme.objects.none(),
        empty_label=_("Pilih program"),
        to_field_name="code",
        error_messages={"invalid_choice": _("Pilih program pemberi dana yang sama untuk tahun berikutnya.")},
    )

    def __init__(self, *args: Any, targets: QuerySet[Programme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["target"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = targets
