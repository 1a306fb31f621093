from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jaring.core.models import ApiScope, Funder


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
