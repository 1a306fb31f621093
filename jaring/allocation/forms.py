"""Forms of the allocation pages: ending a place, handing a person over to another funder."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from jaring.allocation.models import EndReason
from jaring.core.forms import DayField

_MONTH = re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})|(?P<month2>[0-9]{1,2})[/-](?P<year2>[0-9]{4})")


def month_value(text: str) -> date:
    """The first day of a month typed as 2026-07 (what <input type="month"> sends) or 07/2026."""
    found = _MONTH.fullmatch(text.strip())
    if found is None:
        raise forms.ValidationError(_("Pilih bulan, misalnya 2026-07."))
    year = int(found["year"] or found["year2"])
    month = int(found["month"] or found["month2"])
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise forms.ValidationError(_("Bulan tidak dikenal."))
    return date(year, month, 1)


def end_reason_choices() -> list[tuple[str, str]]:
    # Handing over has its own page: it must say to whom, and gives the person a place there in the same step.
    return [(value, str(label)) for value, label in EndReason.choices if value != EndReason.HANDED_OVER]


class PlaceEndForm(forms.Form):
    reason = forms.ChoiceField(label=_lazy("Alasan berakhir"))
    on = DayField(label=_lazy("Tanggal kejadian"))
    note = forms.CharField(
        label=_lazy("Keterangan"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("— pilih —")), *end_reason_choices()]
        self.fields["on"].help_text = _lazy(
            "Tempat berakhir pada akhir bulan tanggal ini; bulan-bulan sesudahnya tidak lagi dibiayai."
        )
        self.fields["note"].help_text = _lazy("Misalnya nomor akta kematian atau surat pengunduran diri.")

    def clean_on(self) -> date:
        on = self.cleaned_data["on"]
        if not date(2000, 1, 1) <= on <= date(2100, 12, 31):
            raise forms.ValidationError(_("Tanggal di luar jangkauan."))
        return on


class HandOverForm(forms.Form):
    """One conflict row: the place that ends, the application that gets a place, and from which month."""

    place = forms.IntegerField(min_value=1, max_value=2**62, widget=forms.HiddenInput)
    application = forms.IntegerField(min_value=1, max_value=2**62, widget=forms.HiddenInput)
    from_month = forms.CharField(label=_lazy("Mulai bulan"), max_length=10)

    def clean_from_month(self) -> date:
        return month_value(self.cleaned_data.get("from_month") or "")
