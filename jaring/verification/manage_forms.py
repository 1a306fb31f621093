"""Forms of the programme manager's verification pages. They only parse; the services decide."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jaring.core.models import Agency, Notification, Sector
from jaring.programmes.models import Programme, RejectionReason
from jaring.verification.overview import OWNING_OFFICE, RouteRow

FIELD_PREFIX = "sektor_"
AGENCY_ERRORS = {"invalid_choice": gettext_lazy("Pilih instansi dari daftar instansi pemberi dana program ini.")}


def _owning_label(programme: Programme) -> str:
    return _("Instansi pengelola program (sekarang %(name)s)") % {"name": programme.owning_agency.name}


class RoutesForm(forms.Form):
    """One select per sector. Each carries the value it was shown with, so only the sectors the manager changed
    are routed anew: a colleague's change to another sector meanwhile is not undone."""

    def __init__(
        self, *args: Any, programme: Programme, rows: Sequence[RouteRow], offices: Sequence[Agency], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.sectors: dict[str, Sector] = {}
        self.current: dict[str, str] = {}
        self.agencies: dict[str, Agency] = {str(a.pk): a for a in offices}
        base = [(OWNING_OFFICE, _owning_label(programme))] + [(str(a.pk), a.name) for a in offices]
        for row in rows:
            choices = list(base)
            if row.choice != OWNING_OFFICE and row.choice not in self.agencies:
                # A route to an agency no longer offered stays readable (and kept unless changed).
                choices.append((row.choice, row.agency.name))
                self.agencies[row.choice] = row.agency
            name = f"{FIELD_PREFIX}{row.sector.code}"
            self.fields[name] = forms.ChoiceField(
                label=row.sector.name,
                choices=choices,
                required=False,
                initial=row.choice,
                show_hidden_initial=True,
                error_messages=AGENCY_ERRORS,
            )
            self.sectors[name] = row.sector
            self.current[name] = row.choice

    def changes(self) -> list[tuple[str, Sector, Agency | None]]:
        """(field name, sector, new agency or None for the owning office) for every sector changed on the page and
        not already routed so (a second submission of the same form changes nothing)."""
        out = []
        for name in self.changed_data:
            if name not in self.sectors:
                continue
            value = self.cleaned_data[name]
            if value == self.current[name]:
                continue
            out.append((name, self.sectors[name], self.agencies[value] if value != OWNING_OFFICE else None))
        return out


class OwningAgencyForm(forms.Form):
    agency = forms.ChoiceField(label=gettext_lazy("Instansi pengelola baru"), error_messages=AGENCY_ERRORS)
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "Saya mengerti: pendaftaran terbuka pada sektor yang diverifikasi instansi pengelola akan dipindahkan ke "
            "instansi pengelola baru, dengan batas waktu baru."
        ),
        error_messages={"required": gettext_lazy("Centang konfirmasi ini untuk memindahkan program.")},
    )

    def __init__(self, *args: Any, offices: Sequence[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agencies = {str(a.pk): a for a in offices}
        field = self.fields["agency"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(key, a.name) for key, a in self.agencies.items()]

    def selected(self) -> Agency:
        return self.agencies[self.cleaned_data["agency"]]


class VerificationDaysForm(forms.Form):
    # Range left to the service, so the one rule (1 to 60) is said in one place and shown next to the field.
    verification_days = forms.IntegerField(
        label=gettext_lazy("Batas waktu verifikasi (hari kerja)"),
        help_text=gettext_lazy(
            "Dihitung sejak pendaftaran masuk antrean instansi; Sabtu, Minggu, libur nasional dan cuti bersama tidak "
            "dihitung. Pendaftaran yang sudah mengantre tetap memakai batas waktunya."
        ),
        error_messages={
            "required": gettext_lazy("Isi jumlah hari kerja."),
            "invalid": gettext_lazy("Isi jumlah hari kerja dengan angka."),
        },
    )


class RejectionReasonAddForm(forms.Form):
    # Empty and too long are the service's refusals, shown next to this field.
    label = forms.CharField(label=gettext_lazy("Alasan baru"), required=False, strip=True)


class RejectionReasonRetireForm(forms.Form):
    reason = forms.ModelChoiceField(
        queryset=RejectionReason.objects.none(),
        error_messages={"invalid_choice": gettext_lazy("Alasan ini tidak ada dalam daftar program.")},
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = RejectionReason.objects.filter(programme=programme, active=True)


class OutboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("Semua status")), *Notification.Status.choices],
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("Saluran"),
        required=False,
        choices=[("", gettext_lazy("Semua saluran")), *Notification.Channel.choices],
    )
