from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jaring.core.models import ApiScope, Funder, Holiday, Region
from jaring.core.selectors import region_by_code

# A day typed by hand, day first as everywhere else in Jaring. A phone's number pad may have no dash, so dots,
# slashes, spaces or no separator at all (17082026) are read too; ISO dates still come from scripts and tests.
_DAY_TYPED = re.compile(
    r"(?P<day>[0-9]{1,2})(?P<sep>[-/. ])(?P<month>[0-9]{1,2})(?P=sep)(?P<year>[0-9]{4})"
    r"|(?P<day8>[0-9]{2})(?P<month8>[0-9]{2})(?P<year8>[0-9]{4})"
)
_DAY_ISO = re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})-(?P<day>[0-9]{1,2})")
DAY_PATTERN = r"[0-9]{1,2}([\-/. ])[0-9]{1,2}\1[0-9]{4}|[0-9]{8}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"


def day_from_text(text: str) -> date | None:
    """The day a person typed as DD-MM-YYYY (or DD/MM/YYYY, DD.MM.YYYY, DD MM YYYY, DDMMYYYY), or YYYY-MM-DD;
    None for anything else, or a day that does not exist."""
    cleaned = " ".join(text.split())
    found = _DAY_ISO.fullmatch(cleaned) or _DAY_TYPED.fullmatch(cleaned)
    if found is None:
        return None
    parts = found.groupdict()
    try:
        return date(
            int(parts.get("year") or parts["year8"]),
            int(parts.get("month") or parts["month8"]),
            int(parts.get("day") or parts["day8"]),
        )
    except ValueError:
        return None


class DayInput(forms.TextInput):
    """A date typed as DD-MM-YYYY in a text box: the same order as every date Jaring shows, whatever the browser's
    language (a date picker shows 12/07/2026 for 7 December in some), and readable by screen readers and phones."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        defaults = {
            "inputmode": "numeric",
            "pattern": DAY_PATTERN,
            "placeholder": "HH-BB-TTTT",
            "autocomplete": "off",
            "maxlength": "10",
            "class": "day-input",
        }
        super().__init__(attrs={**defaults, **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, date):
            return value.strftime("%d-%m-%Y")
        return super().format_value(value)


class DayField(forms.DateField):
    """A date typed day first; see `day_from_text` for what is read."""

    widget = DayInput
    default_error_messages = {"invalid": _("Tulis tanggal-bulan-tahun dengan angka, misalnya 17-08-2026.")}

    def to_python(self, value: Any) -> date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, date):
            return value
        found = day_from_text(str(value))
        if found is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return found


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


class HolidayForm(forms.Form):
    """A non-working day: dates are typed DD-MM-YYYY as everywhere else in Jaring."""

    tanggal = DayField(label=_("Tanggal (HH-BB-TTTT)"))
    nama = forms.CharField(label=_("Nama"), max_length=160)
    jenis = forms.ChoiceField(label=_("Jenis"), choices=Holiday.Kind.choices)


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
