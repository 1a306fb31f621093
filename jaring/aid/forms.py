"""Forms of the aid pages: recording a period's deliveries (tick recipients, a day) and correcting one."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jaring.aid.models import Receiver
from jaring.core.forms import DayField


class RecordForm(forms.Form):
    places = forms.TypedMultipleChoiceField(
        label=_("Penerima"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Centang setidaknya satu penerima."),
            "invalid_choice": _("Penerima yang dicentang tidak ada di daftar bulan ini; muat ulang halaman."),
        },
    )
    delivered_on = DayField(label=_("Tanggal diserahkan"))
    signed = forms.BooleanField(label=_("ditandatangani"), required=False)
    handed_over_by = forms.CharField(label=_("Petugas yang menyerahkan"), max_length=150, required=False)
    notes = forms.CharField(label=_("Catatan"), max_length=300, required=False)
    scan = forms.FileField(label=_("Pindaian daftar yang ditandatangani (opsional)"), required=False)

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["places"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = choices


class CorrectForm(forms.Form):
    delivered_on = DayField(label=_("Tanggal diserahkan"))
    received_by = forms.ChoiceField(label=_("Diterima oleh"), choices=Receiver.choices)
    representative_name = forms.CharField(label=_("Nama wakil"), max_length=150, required=False)
    representative_relation = forms.CharField(label=_("Hubungan dengan penerima"), max_length=60, required=False)
    quantity = forms.IntegerField(label=_("Jumlah"), min_value=1, max_value=1000)
    signed = forms.BooleanField(label=_("ditandatangani"), required=False)
    handed_over_by = forms.CharField(label=_("Petugas yang menyerahkan"), max_length=150, required=False)
    notes = forms.CharField(label=_("Catatan"), max_length=300, required=False)
    scan = forms.FileField(label=_("Pindaian daftar yang ditandatangani (opsional)"), required=False)
