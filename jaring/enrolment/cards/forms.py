"""Forms of the card pages: what to print, and a hand-over ceremony."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jaring.core import clock
from jaring.core.forms import DayField
from jaring.enrolment.cards.selectors import (
    MAX_SELECTED,
    active_member_kelurahans,
    card_kelurahans,
    member_batches,
    memberships_by_kpj,
)
from jaring.enrolment.selectors import KelurahanChoice
from jaring.programmes.models import Programme

_SEPARATORS = re.compile(r"[\s,;]+")


def _kelurahan_label(choice: KelurahanChoice) -> str:
    return _("%(name)s, Kec. %(kecamatan)s (%(count)s)") % {
        "name": choice.name,
        "kecamatan": choice.kecamatan,
        "count": choice.count,
    }


def _tokens(text: str) -> list[str]:
    return [t for t in _SEPARATORS.split(text.strip()) if t]


class CardPrintForm(forms.Form):
    BY = (
        ("kelurahan", gettext_lazy("Satu kelurahan")),
        ("batch", gettext_lazy("Satu batch BPJS")),
        ("members", gettext_lazy("Peserta tertentu (nomor KPJ)")),
    )
    by = forms.ChoiceField(label=gettext_lazy("Cetak kartu untuk"), choices=BY, widget=forms.RadioSelect)
    kelurahan = forms.ChoiceField(label=gettext_lazy("Kelurahan"), required=False)
    batch = forms.ChoiceField(label=gettext_lazy("Batch"), required=False)
    kpj = forms.CharField(
        label=gettext_lazy("Nomor KPJ peserta"),
        help_text=gettext_lazy("Satu nomor per baris, atau dipisah koma."),
        required=False,
        max_length=MAX_SELECTED * 13,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"by": "kelurahan"})
        super().__init__(*args, **kwargs)
        self.programme = programme
        kelurahan = self.fields["kelurahan"]
        assert isinstance(kelurahan, forms.ChoiceField)
        kelurahan.choices = [("", "—")] + [(k.code, _kelurahan_label(k)) for k in active_member_kelurahans(programme)]
        batch = self.fields["batch"]
        assert isinstance(batch, forms.ChoiceField)
        batch.choices = [("", "—")] + [
            (number, _("%(number)s (%(count)s peserta aktif)") % {"number": number, "count": count})
            for number, count in member_batches(programme)
        ]
        self.selection: dict[str, Any] = {}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        by = data.get("by")
        if by == "kelurahan":
            if not data.get("kelurahan"):
                self.add_error("kelurahan", _("Pilih kelurahan."))
            else:
                self.selection = {"kelurahan": data["kelurahan"]}
        elif by == "batch":
            if not data.get("batch"):
                self.add_error("batch", _("Pilih batch."))
            else:
                self.selection = {"batch": data["batch"]}
        elif by == "members":
            numbers = _tokens(data.get("kpj") or "")
            if not numbers:
                self.add_error("kpj", _("Tulis nomor KPJ peserta."))
            elif len(numbers) > MAX_SELECTED:
                self.add_error("kpj", _("Paling banyak %(max)s nomor sekali cetak.") % {"max": MAX_SELECTED})
            else:
                ids, unknown = memberships_by_kpj(self.programme, numbers)
                if unknown:
                    shown = ", ".join(unknown[:10]) + (" …" if len(unknown) > 10 else "")
                    self.add_error("kpj", _("Nomor KPJ bukan peserta program ini: %(numbers)s.") % {"numbers": shown})
                else:
                    self.selection = {"ids": ids}
        return data


class HandoverForm(forms.Form):
    BY = (
        ("kelurahan", gettext_lazy("Semua kartu satu kelurahan")),
        ("cards", gettext_lazy("Kartu tertentu (nomor kartu)")),
    )
    by = forms.ChoiceField(label=gettext_lazy("Kartu yang diserahkan"), choices=BY, widget=forms.RadioSelect)
    kelurahan = forms.ChoiceField(label=gettext_lazy("Kelurahan"), required=False)
    cards = forms.CharField(
        label=gettext_lazy("Nomor kartu"),
        help_text=gettext_lazy("Tertera di kartu (“No. kartu”). Satu nomor per baris, atau dipisah koma."),
        required=False,
        max_length=MAX_SELECTED * 8,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    handed_on = DayField(label=gettext_lazy("Tanggal penyerahan"))
    place = forms.CharField(label=gettext_lazy("Tempat penyerahan"), max_length=200)
    handed_by = forms.CharField(label=gettext_lazy("Diserahkan oleh"), max_length=150)
    received_by = forms.CharField(
        label=gettext_lazy("Diterima oleh"),
        help_text=gettext_lazy("Kosongkan bila setiap kartu diterima pesertanya sendiri."),
        max_length=150,
        required=False,
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"handed_on": clock.today(), "by": "kelurahan"})
        super().__init__(*args, **kwargs)
        kelurahan = self.fields["kelurahan"]
        assert isinstance(kelurahan, forms.ChoiceField)
        kelurahan.choices = [("", "—")] + [(k.code, _kelurahan_label(k)) for k in card_kelurahans(programme)]
        self.card_ids: list[int] = []

    def clean_handed_on(self) -> Any:
        value = self.cleaned_data["handed_on"]
        if value > clock.today():
            raise forms.ValidationError(_("Tanggal penyerahan tidak boleh di masa depan."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        by = data.get("by")
        if by == "kelurahan" and not data.get("kelurahan"):
            self.add_error("kelurahan", _("Pilih kelurahan."))
        elif by == "cards":
            numbers = _tokens(data.get("cards") or "")
            if not numbers:
                self.add_error("cards", _("Tulis nomor kartu."))
            elif not all(n.isdigit() and len(n) <= 12 for n in numbers):
                self.add_error("cards", _("Nomor kartu hanya berisi angka."))
            elif len(numbers) > MAX_SELECTED:
                self.add_error("cards", _("Paling banyak %(max)s nomor sekali catat.") % {"max": MAX_SELECTED})
            else:
                self.card_ids = [int(n) for n in numbers]
        return data
