"""The menu each role sees: built from capabilities, so it never offers what the role may not do."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jaring.core.permissions import Capability, user_can


@dataclass(frozen=True)
class MenuItem:
    label: str | Promise
    url_name: str
    capability: str | None

    @property
    def url(self) -> str:
        return reverse(self.url_name)


MENU: list[MenuItem] = [
    MenuItem(_("Beranda"), "home", None),
    MenuItem(_("Pendaftaran"), "registry:list", Capability.VIEW_APPLICATIONS),
    MenuItem(_("Data rujukan"), "core:reference", Capability.VIEW_REFERENCE),
    MenuItem(_("Log audit"), "core:audit", Capability.VIEW_AUDIT),
    MenuItem(_("Log akses data pribadi"), "core:access_log", Capability.VIEW_AUDIT),
    MenuItem(_("Pengguna & token API"), "core:users", Capability.ADMINISTER),
]


def menu_for(user: object) -> list[MenuItem]:
    return [item for item in MENU if item.capability is None or user_can(user, item.capability)]
