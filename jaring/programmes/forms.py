"""Forms of the programme managers' money pages: quota, money settings, the contribution table, the planner.

Amounts are typed the way people write Rupiah (Rp1.008.000.000, 2,5 jt, 1,008 miliar); they are parsed by the
same rules as the import file's income column, so "1.000.000" means one million everywhere.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from jaring.core.forms import DayField
from jaring.core.validation import Invalid, parse_rupiah
from jaring.programmes.models import BudgetSource, Programme, WaitlistKey
from jaring.programmes.money import thousands

PEOPLE_MAX = 10_000_000
WAITLIST_SLOTS = len(WaitlistKey.values)

# "1,008 miliar", "Rp 1,5 M": budgets are spoken of in billions, which the income parser does not know.
_BILLIONS = re.compile(
    r"(?:rp\.?)?\s*(?P<number>[0-9]+(?:,[0-9]+|\.[0-9]{1,3})?)\s*(?P<unit>miliar|milyar|m)\.?", re.ASCII
)


def rupiah_value(value: object, *, field: str) -> int:
    """Whole Rupiah from what a person typed, or forms.ValidationError saying what is accepted."""
    text = value.strip() if isinstance(value, str) else value
    if isinstance(text, str) and (billions := _BILLIONS.fullmatch(text.lower())):
        amount = Decimal(billions["number"].replace(",", ".")) * 1_000_000_000
        if amount != amount.to_integral_value():
            raise forms.ValidationError(_("Tulis dalam rupiah bulat, tanpa sen."))
        text = str(int(amount))
    try:
        return parse_rupiah(text, field=field)
    except Invalid as exc:
        raise forms.ValidationError(exc.error.problem or exc.error.message) from None


def whole_number(value: object, *, maximum: int = PEOPLE_MAX) -> int:
    """A count typed with or without thousand dots ("7.150", "7150", "7 150")."""
    text = str(value or "").strip().replace(".", "").replace(" ", "").replace("\u00a0", "")
    if not text.isascii() or not text.isdigit():
        raise forms.ValidationError(_("Tulis bilangan bulat, misalnya 5000 atau 5.000."))
    number = int(text)
    if number > maximum:
        raise forms.ValidationError(
            _("Paling besar %(max)s.") % {"max": thousands(maximum)},
        )
    return number


class RupiahField(forms.CharField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def clean(self, value: Any) -> int | None:
        text = super().clean(value)
        if not text:
            return None
        return rupiah_value(text, field="rupiah")


class CountField(forms.CharField):
    def __init__(self, *args: Any, maximum: int = PEOPLE_MAX, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)
        self.maximum = maximum
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def clean(self, value: Any) -> int | None:
        text = super().clean(value)
        if not text:
            return None
        return whole_number(text, maximum=self.maximum)


class QuotaForm(forms.Form):
    quota = CountField(label=_lazy("Kuota baru (orang)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["quota"].help_text = _lazy(
            "Menaikkan kuota langsung menerima pemohon dari daftar tunggu sesuai urutan prioritas. Kuota tidak "
            "dapat diturunkan di bawah jumlah tempat yang sudah terisi."
        )


def _waitlist_choices() -> list[tuple[str, str]]:
    return [("", _("— tidak dipakai —")), *((value, str(label)) for value, label in WaitlistKey.choices)]


class ProgrammeSettingsForm(forms.Form):
    """The money settings and the waitlist order: first key, then the next, ... (blank slots are skipped)."""

    jht = forms.BooleanField(label=_lazy("Termasuk JHT (Jaminan Hari Tua)"), required=False)
    income_basis = RupiahField(label=_lazy("Dasar penghasilan iuran"))
    budget = RupiahField(label=_lazy("Anggaran setahun"), required=False)
    budget_source = forms.ChoiceField(label=_lazy("Sumber anggaran"), choices=BudgetSource.choices)
    budget_line = forms.CharField(label=_lazy("Kode rekening / mata anggaran"), max_length=120, required=False)
    waitlist_1 = forms.ChoiceField(label=_lazy("Urutan daftar tunggu: pertama"), required=False)
    waitlist_2 = forms.ChoiceField(label=_lazy("lalu"), required=False)
    waitlist_3 = forms.ChoiceField(label=_lazy("lalu"), required=False)
    waitlist_4 = forms.ChoiceField(label=_lazy("lalu"), required=False)

    WAITLIST_FIELDS = tuple(f"waitlist_{i}" for i in range(1, WAITLIST_SLOTS + 1))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.WAITLIST_FIELDS:
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = _waitlist_choices()
        self.fields["income_basis"].help_text = _lazy(
            "Dasar penghasilan untuk menghitung iuran BPU; iurannya menurut golongan tabel iuran yang berlaku."
        )
        self.fields["budget"].help_text = _lazy("Boleh ditulis 1.008.000.000, Rp1.008.000.000 atau 1,008 miliar.")
        self.fields["jht"].help_text = _lazy(
            "JKK dan JKM selalu dibayar. Iuran JHT belum ikut dihitung dalam angka anggaran di halaman ini."
        )

    @classmethod
    def initial_for(cls, programme: Programme) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "jht": programme.jht,
            "income_basis": thousands(programme.income_basis),
            "budget": thousands(programme.budget) if programme.budget else "",
            "budget_source": programme.budget_source,
            "budget_line": programme.budget_line,
        }
        for name, key in zip(cls.WAITLIST_FIELDS, programme.waitlist_order or [], strict=False):
            initial[name] = key
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        seen: set[str] = set()
        for name in self.WAITLIST_FIELDS:
            key = data.get(name) or ""
            if key and key in seen:
                self.add_error(name, _("Kunci ini sudah dipilih di urutan sebelumnya."))
            seen.add(key)
        return data

    def settings_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "jht": bool(data["jht"]),
            "income_basis": Decimal(data["income_basis"]),
            "budget": data["budget"] or 0,
            "budget_source": data["budget_source"],
            "budget_line": data["budget_line"],
            "waitlist_order": [data[name] for name in self.WAITLIST_FIELDS if data.get(name)],
        }

    def add_domain_errors(self, errors: dict[str, list[str]], message: str) -> None:
        for field, messages in errors.items():
            target = "waitlist_1" if field == "waitlist_order" else field
            for text in messages:
                self.add_error(target if target in self.fields else None, text)
        if not errors:
            self.add_error(None, message)


def percent_value(value: str) -> Decimal:
    """A rate typed as a percentage ("1", "1%", "0,54") as a fraction (0.01)."""
    text = value.strip().rstrip("%").strip().replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise forms.ValidationError(_("Tulis persen dengan angka, misalnya 1 atau 0,54.")) from None
    if not number.is_finite() or not Decimal("0") < number < Decimal("100"):
        raise forms.ValidationError(_("Persen harus lebih dari 0 dan kurang dari 100."))
    if number != number.quantize(Decimal("0.01")):
        raise forms.ValidationError(_("Paling banyak dua angka di belakang koma."))
    return number / 100


class ContributionRateForm(forms.Form):
    effective_from = DayField(label=_lazy("Berlaku sejak"))
    lower_bound = RupiahField(label=_lazy("Penghasilan mulai"))
    income_basis = RupiahField(label=_lazy("Dasar penghasilan"))
    jkk_rate = forms.CharField(label=_lazy("Tarif JKK (%)"), max_length=10)
    jkm_amount = RupiahField(label=_lazy("Iuran JKM sebulan"))
    legal_basis = forms.CharField(label=_lazy("Dasar hukum"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jkk_rate"].widget.attrs.update({"inputmode": "decimal"})
        self.fields["lower_bound"].help_text = _lazy(
            "Penghasilan terendah golongan ini; penghasilan di bawah golongan terendah memakai golongan terendah."
        )
        self.fields["legal_basis"].help_text = _lazy("Misalnya PP 44/2015 Lampiran II jo. PP 49/2023.")

    def clean_jkk_rate(self) -> Decimal:
        return percent_value(self.cleaned_data.get("jkk_rate") or "")

    def rate_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "effective_from": data["effective_from"],
            "lower_bound": Decimal(data["lower_bound"]),
            "income_basis": Decimal(data["income_basis"]),
            "jkk_rate": data["jkk_rate"],
            "jkm_amount": Decimal(data["jkm_amount"]),
            "legal_basis": data["legal_basis"],
        }

    def add_domain_errors(self, errors: dict[str, list[str]], message: str) -> None:
        for field, messages in errors.items():
            for text in messages:
                self.add_error(field if field in self.fields else None, text)
        if not errors:
            self.add_error(None, message)


class PlannerForm(forms.Form):
    """The budget planner (GET): from a budget, the people it covers; from a number of people, the budget."""

    anggaran = RupiahField(label=_lazy("Anggaran"), required=False)
    kuota = CountField(label=_lazy("Jumlah peserta (kuota)"), required=False)
    bulan = CountField(label=_lazy("Lama perlindungan (bulan)"), maximum=12, required=False)
    penghasilan = RupiahField(label=_lazy("Dasar penghasilan iuran"), required=False)
    tanggal = DayField(label=_lazy("Tabel iuran yang berlaku pada"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["anggaran"].help_text = _lazy("Misalnya 1.008.000.000, Rp1.008.000.000 atau 1,008 miliar.")
        self.fields["bulan"].help_text = _lazy("1 sampai 12; kosong berarti 12 bulan.")
        self.fields["penghasilan"].help_text = _lazy(
            "Kosong berarti dasar penghasilan terendah dalam tabel iuran yang berlaku."
        )
        self.fields["tanggal"].help_text = _lazy("Kosong berarti hari ini.")

    def clean_bulan(self) -> int:
        months = self.cleaned_data.get("bulan")
        if months is None:
            return 12
        if months < 1:
            raise forms.ValidationError(_("Lama perlindungan 1 sampai 12 bulan."))
        return int(months)

    def clean_penghasilan(self) -> int | None:
        """None when left blank: the planner then takes the lowest basis of the table in force on the date."""
        income = self.cleaned_data.get("penghasilan")
        return None if income is None else int(income)

    def clean_tanggal(self) -> date | None:
        on = self.cleaned_data.get("tanggal")
        if on is not None and not date(2000, 1, 1) <= on <= date(2100, 12, 31):
            raise forms.ValidationError(_("Tanggal di luar jangkauan."))
        return on


class ProgrammeChoiceField(forms.ModelChoiceField):
    """A programme picked from a list, named by its code and name."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} · {obj.name}"
