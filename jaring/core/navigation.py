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
    capability: str | tuple[str, ...] | None  # several: any of them

    @property
    def url(self) -> str:
        return reverse(self.url_name)


MENU: list[MenuItem] = [
    MenuItem(_("Beranda"), "home", None),
    MenuItem(_("Pendaftaran"), "registry:list", Capability.VIEW_APPLICATIONS),
    MenuItem(_("Daftarkan pemohon"), "registry:new", Capability.REGISTER_APPLICANTS),
    MenuItem(_("Antrean verifikasi"), "verification:queue", Capability.VERIFY),
    MenuItem(
        _("Verifikasi program"),
        "verification_manage:index",
        (Capability.MANAGE_PROGRAMMES, Capability.VIEW_DASHBOARD),
    ),
    MenuItem(
        _("Kotak keluar notifikasi"),
        "verification_manage:outbox",
        (Capability.VIEW_APPLICATIONS, Capability.MANAGE_PROGRAMMES),
    ),
    MenuItem(_("Impor daftar"), "imports:index", Capability.IMPORT_APPLICANTS),
    MenuItem(_("Kuota & anggaran"), "allocation:quota_list", (Capability.MANAGE_PROGRAMMES, Capability.VIEW_DASHBOARD)),
    MenuItem(
        _("Perencana anggaran"),
        "allocation:planner",
        (Capability.MANAGE_PROGRAMMES, Capability.VIEW_DASHBOARD, Capability.ADMINISTER),
    ),
    MenuItem(_("Aturan program"), "eligibility:programmes", Capability.MANAGE_PROGRAMMES),
    MenuItem(_("SK peserta"), "decrees:index", Capability.MANAGE_PROGRAMMES),
    MenuItem(
        _("Kepesertaan BPJS"),
        "enrolment:programmes",
        (
            Capability.EXCHANGE_WITH_BPJS,
            Capability.MANAGE_PROGRAMMES,
            Capability.REGISTER_APPLICANTS,
            Capability.VIEW_AUDIT,
        ),
    ),
    MenuItem(_("Iuran & pembayaran"), "contributions:programmes", Capability.VIEW_CONTRIBUTIONS),
    MenuItem(_("Klaim JKK/JKM"), "claims:list", Capability.VIEW_CLAIMS),
    MenuItem(_("Beasiswa jatuh tempo"), "claims:scholarship_due", Capability.HANDLE_CLAIMS),
    MenuItem(
        _("Peserta BPJS"), "eligibility:participants", (Capability.EXCHANGE_WITH_BPJS, Capability.MANAGE_PROGRAMMES)
    ),
    MenuItem(_("Data rujukan"), "core:reference", Capability.VIEW_REFERENCE),
    MenuItem(_("Log audit"), "core:audit", Capability.VIEW_AUDIT),
    MenuItem(_("Log akses data pribadi"), "core:access_log", Capability.VIEW_AUDIT),
    MenuItem(_("Pengguna & token API"), "core:users", Capability.ADMINISTER),
]


def _allowed(user: object, item: MenuItem) -> bool:
    if item.capability is None:
        return True
    wanted = (item.capability,) if isinstance(item.capability, str) else item.capability
    return any(user_can(user, capability) for capability in wanted)


def menu_for(user: object) -> list[MenuItem]:
    return [item for item in MENU if _allowed(user, item)]
