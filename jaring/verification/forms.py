"""The queue's filters and the decision form. Both check only the shape of what was sent; whether a
decision is allowed and complete is the service's to say (`application_decide`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jaring.core.models import Funder, Region, Sector
from jaring.core.selectors import Scope
from jaring.programmes.models import Programme, RejectionReason
from jaring.programmes.selectors import rejection_reasons_of
from jaring.verification.models import Fix, Outcome
from jaring.verification.selectors import ALL, DECIDED, OVERDUE, RETURNED, WAITING
from jaring.verification.services import NOTE_MAX

STATUS_CHOICES = [
    (WAITING, _("Menunggu keputusan")),
    (OVERDUE, _("Terlambat")),
    (RETURNED, _("Dikembalikan")),
    (DECIDED, _("Sudah diputuskan")),
    (ALL, _("Semua")),
]

# The GET parameters of the queue, kept on the way to an application and back. `cari` names a search kept in
# the session (registry.officer_support): a NIK typed into the search never travels in a URL.
FILTER_FIELDS = ("status", "kelurahan", "sector", "programme", "cari")
SEARCH_MAX = 60


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Tampilkan"), choices=STATUS_CHOICES, required=False)
    kelurahan = forms.ChoiceField(label=_("Kelurahan"), choices=(), required=False)
    sector = forms.ChoiceField(label=_("Sektor"), choices=(), required=False)
    programme = forms.ChoiceField(label=_("Program"), choices=(), required=False)
    cari = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        villages = Region.objects.filter(level=Region.Level.VILLAGE).order_by("name", "code")
        programmes = Programme.objects.order_by("-year", "code")
        if scope.everything:
            prefixes = [f"{code}." for code in Funder.objects.values_list("region_id", flat=True)]
        else:
            funder = Funder.objects.filter(pk=scope.funder).values_list("region_id", flat=True).first()
            prefixes = [f"{funder}."] if funder else []
            programmes = programmes.filter(funder_id=scope.funder)
        area = Region.objects.none()
        for prefix in prefixes:
            area = area | villages.filter(code__startswith=prefix)
        self._set("kelurahan", _("Semua kelurahan"), [(r.code, r.name) for r in area])
        self._set("sector", _("Semua sektor"), [(s.code, s.name) for s in Sector.objects.order_by("name")])
        self._set("programme", _("Semua program"), [(p.code, f"{p.code} · {p.name}") for p in programmes])

    def _set(self, name: str, empty: Any, choices: list[tuple[str, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", empty), *choices]

    def filters(self) -> dict[str, str]:
        """The filter values that are valid; a wrong one is dropped (and shown as an error on the form)."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: str(cleaned.get(name) or "") for name in FILTER_FIELDS}


def selector_filters(filters: dict[str, str]) -> dict[str, str]:
    """The form's filters as the keyword arguments of `queue_for` and `queue_next`."""
    return {
        "status": filters.get("status") or WAITING,
        "kelurahan": filters.get("kelurahan", ""),
        "sector": filters.get("sector", ""),
        "programme_code": filters.get("programme", ""),
    }


class ReasonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.label)


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Keputusan"),
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Pilih keputusan: setujui, kembalikan, atau tolak."),
            "invalid_choice": _("Pilih keputusan: setujui, kembalikan, atau tolak."),
        },
    )
    fixes = forms.MultipleChoiceField(
        label=_("Yang harus diperbaiki"),
        choices=Fix.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Butir perbaikan tidak dikenal: %(value)s.")},
    )
    reason = ReasonChoiceField(
        label=_("Alasan penolakan"),
        queryset=RejectionReason.objects.none(),
        required=False,
        empty_label="—",
        error_messages={"invalid_choice": _("Alasan penolakan ini bukan bagian dari daftar program.")},
    )
    # The length is the service's to judge (it counts after tidying line ends); the browser is told too.
    note = forms.CharField(
        label=_("Catatan"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": NOTE_MAX}),
        help_text=_("Ditampilkan kepada pemohon atau petugas yang memasukkan pendaftaran."),
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        assert isinstance(field, ReasonChoiceField)
        field.queryset = rejection_reasons_of(programme)
