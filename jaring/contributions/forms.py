"""Forms of the contribution pages: an invoice upload, a payment (SP2D), the programme's billing terms and the
invoice's column template."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jaring.contributions.invoice_read import COLUMNS
from jaring.contributions.models import CoverRule


class MonthField(forms.DateField):
    """A month as <input type="month"> sends it (YYYY-MM), as its first day."""

    input_formats = ["%Y-%m"]
    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("error_messages", {"invalid": _("Tulis bulan sebagai YYYY-MM, misalnya 2026-11.")})
        super().__init__(**kwargs)


class InvoiceUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas tagihan BPJS"),
        help_text=_("XLSX atau CSV dari kantor cabang BPJS Ketenagakerjaan (Rincian Tagihan Iuran)."),
        allow_empty_file=True,  # a 0-byte file gets the reader's own message
    )
    month = MonthField(
        label=_("Bulan tagihan"),
        required=False,
        help_text=_("Isi hanya bila berkas menagih beberapa bulan sekaligus."),
    )


class PaymentForm(forms.Form):
    sp2d_number = forms.CharField(label=_("Nomor SP2D"), max_length=60)
    sp2d_date = forms.DateField(label=_("Tanggal SP2D"), widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.IntegerField(
        label=_("Jumlah dibayar (Rp)"),
        min_value=1,
        help_text=_("Boleh sebagian dari yang diusulkan; baris dibayar berurutan sejauh jumlahnya mencukupi."),
        error_messages={"invalid": _("Tulis jumlah dengan angka bulat, tanpa titik, misalnya 16800.")},
    )
    note = forms.CharField(label=_("Keterangan"), max_length=300, required=False)


class BillingTermsForm(forms.Form):
    cover_rule = forms.ChoiceField(
        label=_("Peserta dihitung tertanggung dalam sebulan bila"), choices=CoverRule.choices
    )
    due_day = forms.IntegerField(
        label=_("Batas bayar (tanggal)"),
        min_value=1,
        max_value=28,
        help_text=_("Iuran BPU dibayar paling lambat tanggal 15 bulan yang bersangkutan."),
    )
    cover_in_arrears = forms.BooleanField(
        label=_("Perlindungan tetap berjalan pada tunggakan bulan ke-1 dan ke-2"),
        required=False,
        help_text=_("Pada tunggakan bulan ke-3 kepesertaan menjadi nonaktif."),
    )
    tracked_from = MonthField(
        label=_("Pembayaran dicatat sejak bulan"),
        required=False,
        help_text=_("Bulan sebelumnya dianggap dibayar di luar Jaring. Bila kosong: bulan tagihan pertama."),
    )
    payment_code = forms.CharField(label=_("Kode iuran (wadah)"), max_length=40, required=False)


class InvoiceColumnsForm(forms.Form):
    """Per spec column, the extra header names this programme's branch writes (comma-separated)."""

    def __init__(self, *args: Any, current: dict[str, list[str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for column, aliases in COLUMNS.items():
            self.fields[column] = forms.CharField(
                label=column,
                required=False,
                max_length=600,
                help_text=_("Selalu dikenali: %(names)s") % {"names": ", ".join((column, *aliases))},
                initial=", ".join((current or {}).get(column, [])),
            )

    def headers(self) -> dict[str, list[str]]:
        return {
            column: [name.strip() for name in self.cleaned_data[column].split(",") if name.strip()]
            for column in COLUMNS
        }
