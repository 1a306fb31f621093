from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jaring.core.models import ApiScope, Funder, Holiday, Region
from jaring.core.selectors import region_by_code
from jaring.core.validation import Invalid, parse_date


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Nama pengguna"), max_length=150)
    password = forms.CharField(label=_("Kata sandi"), widget=forms.PasswordInput, max_length=128)


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("Tindakan"), required=False, max_length=80)
    actor = forms.CharField(label=_("Pelaku"), required=False, max_length=150)
    target_type = forms.CharField(label=_("Jenis objek"), required=False, max_length=80)
    target_id = forms.CharField(label=_("ID objek"), required=False, max_length=64)


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Nama mitra"), max_length=120)
    funder = forms.ModelChoiceField(label=_("Pemberi dana"), queryset=Funder.objects.none())
    scopes = forms.MultipleChoiceField(
        label=_("Cakupan"), choices=ApiScope.choices, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, funders: QuerySet[Funder], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["funder"].queryset = funders  # type: ignore[attr-defined]


def _parse_day(value: str, field: str) -> date:
    try:
        return parse_date(value, field=field)
    except Invalid as exc:
        raise forms.ValidationError(exc.error.message) from exc


class HolidayForm(forms.Form):
    """A non-working day: dates are typed DD-MM-YYYY as everywhere else in Jaring."""

    tanggal = forms.CharField(label=_("Tanggal (HH-BB-TTTT)"), max_length=10)
    nama = forms.CharField(label=_("Nama"), max_length=160)
    jenis = forms.ChoiceField(label=_("Jenis"), choices=Holiday.Kind.choices)

    def clean_tanggal(self) -> date:
        return _parse_day(self.cleaned_data["tanggal"], "tanggal")


class MinimumWageForm(forms.Form):
    wilayah = forms.CharField(label=_("Kode wilayah (provinsi atau kabupaten/kota)"), max_length=13)
    tahun = forms.IntegerField(label=_("Tahun"), min_value=2000, max_value=2100)
    jumlah = forms.CharField(label=_("Jumlah per bulan (Rp)"), max_length=30, help_text=_("contoh: 3.856.694,43"))
    dasar_hukum = forms.CharField(label=_("Dasar hukum"), max_length=200, required=False)

    def clean_wilayah(self) -> Region:
        region = region_by_code(self.cleaned_data["wilayah"])
        if region is None:
            raise forms.ValidationError(_("Kode wilayah tidak dikenal."))
        return region

    def clean_jumlah(self) -> Decimal:
        # Indonesian notation: dots group thousands, a comma marks the cents (Rp3.856.694,43).
        text = self.cleaned_data["jumlah"].strip().removeprefix("Rp").removeprefix("rp").strip()
        text = text.replace(".", "").replace(" ", "").replace(",", ".")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError(_("Tulis jumlah dalam Rupiah, misalnya 3.856.694,43.")) from None
        if not amount.is_finite() or amount <= 0 or amount >= Decimal("1e12"):
            raise forms.ValidationError(_("Tulis jumlah dalam Rupiah, misalnya 3.856.694,43."))
        return amount.quantize(Decimal("0.01"))
