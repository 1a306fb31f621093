"""The menu each role sees: built from capabilities, so it never offers what the role may not do.

Every item says in a few words what it is for (the home page lists them). A role with many items sees the
programme's pages and the BPJS pages folded into two menus (`<details>`, no JavaScript), so the menu stays one row
on a laptop; a role with few sees them all at once."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jaring.core.permissions import Capability, user_can

# Up to this many items the menu is shown flat; beyond it, grouped.
MENU_FLAT_MAX = 8


@dataclass(frozen=True)
class MenuItem:
    label: str | Promise
    url_name: str
    capability: str | tuple[str, ...] | None  # several: any of them
    description: str | Promise = ""  # what the page is for, after "Label:" on the home page
    group: str = ""  # GROUPS key it folds into when the menu is long

    @property
    def url(self) -> str:
        return reverse(self.url_name)


@dataclass(frozen=True)
class MenuGroup:
    label: str | Promise
    items: list[MenuItem] = field(default_factory=list)

    @property
    def url_names(self) -> list[str]:
        return [item.url_name for item in self.items]


GROUPS: dict[str, str | Promise] = {
    "programme": _("Program"),
    "bpjs": _("BPJS"),
    "oversight": _("Pengawasan"),
    "administration": _("Administrasi"),
}

MENU: list[MenuItem] = [
    MenuItem(_("Beranda"), "home", None),
    MenuItem(
        _("Dasbor"),
        "reports:dashboard",
        (Capability.VIEW_DASHBOARD, Capability.MANAGE_PROGRAMMES, Capability.VIEW_APPLICATIONS, Capability.VERIFY),
        _("lihat angka program: peserta, kuota, anggaran, verifikasi, kartu dan klaim, dengan grafik."),
        "programme",
    ),
    MenuItem(
        _("Pendaftaran"),
        "registry:list",
        Capability.VIEW_APPLICATIONS,
        _("cari pendaftar menurut nama, NIK atau nomor pendaftaran, lalu buka datanya."),
    ),
    MenuItem(
        _("Daftarkan pemohon"),
        "registry:new",
        Capability.REGISTER_APPLICANTS,
        _("cari NIK dulu agar tidak terdaftar dua kali, lalu isi formulir dan unggah dokumen pemohon."),
    ),
    MenuItem(
        _("Antrean verifikasi"),
        "verification:queue",
        Capability.VERIFY,
        _("putuskan pendaftaran yang diarahkan ke instansi Anda: setujui, kembalikan atau tolak."),
    ),
    MenuItem(
        _("Verifikasi program"),
        "verification_manage:index",
        (Capability.MANAGE_PROGRAMMES, Capability.VIEW_DASHBOARD),
        _("pantau antrean setiap instansi; atur rute sektor, batas waktu dan alasan penolakan."),
        "programme",
    ),
    MenuItem(
        _("Kotak keluar notifikasi"),
        "verification_manage:outbox",
        (Capability.VIEW_APPLICATIONS, Capability.MANAGE_PROGRAMMES),
        _("lihat pesan SMS, WhatsApp dan surel yang dikirim kepada pemohon."),
        "oversight",
    ),
    MenuItem(
        _("Impor daftar"),
        "imports:index",
        Capability.IMPORT_APPLICANTS,
        _("impor daftar pemohon dari kelurahan atau aplikator (XLSX atau CSV) dan lihat baris yang ditolak."),
    ),
    MenuItem(
        _("Data ganda"),
        "duplicates:queue",
        Capability.REVIEW_DUPLICATES,
        _("periksa pasangan orang yang mungkin sama, gabungkan atau pisahkan, dan periksa daftar sebelum diimpor."),
        "oversight",
    ),
    MenuItem(
        _("Kuota & anggaran"),
        "allocation:quota_list",
        (Capability.MANAGE_PROGRAMMES, Capability.VIEW_DASHBOARD),
        _("lihat tempat terisi, tempat kosong, daftar tunggu dan anggaran; ubah kuota."),
        "programme",
    ),
    MenuItem(
        _("Perencana anggaran"),
        "allocation:planner",
        (Capability.MANAGE_PROGRAMMES, Capability.VIEW_DASHBOARD, Capability.ADMINISTER),
        _("hitung berapa orang yang terbiayai oleh suatu anggaran, atau anggaran untuk suatu kuota."),
        "programme",
    ),
    MenuItem(
        _("Aturan program"),
        "eligibility:programmes",
        Capability.MANAGE_PROGRAMMES,
        _("ubah syarat kelayakan per tahun; pendaftaran terbuka dinilai ulang dengan aturan baru."),
        "programme",
    ),
    MenuItem(
        _("SK peserta"),
        "decrees:index",
        Capability.MANAGE_PROGRAMMES,
        _("susun daftar SK, bandingkan dengan tahun lalu, tanda tangani dan ekspor."),
        "programme",
    ),
    MenuItem(
        _("Kepesertaan BPJS"),
        "enrolment:programmes",
        (
            Capability.EXCHANGE_WITH_BPJS,
            Capability.MANAGE_PROGRAMMES,
            Capability.REGISTER_APPLICANTS,
            Capability.VIEW_AUDIT,
        ),
        _("kirim batch ke BPJS, terapkan jawabannya, lihat peserta dan cetak kartu."),
        "bpjs",
    ),
    MenuItem(
        _("Bantuan barang"),
        "aid:index",
        (Capability.VIEW_AID, Capability.RECORD_AID),
        _("cetak daftar penyerahan paket sembako atau alat bantu, catat siapa yang menerima dan bulan yang terlewat."),
        "programme",
    ),
    MenuItem(
        _("Klaim JKK/JKM"),
        "claims:list",
        Capability.VIEW_CLAIMS,
        _("catat kecelakaan kerja atau kematian peserta, periksa dokumen ahli waris dan pantau pembayaran BPJS."),
        "programme",
    ),
    MenuItem(
        _("Beasiswa jatuh tempo"),
        "claims:scholarship_due",
        Capability.HANDLE_CLAIMS,
        _("anak penerima beasiswa yang klaim tahunannya sudah jatuh tempo."),
        "programme",
    ),
    MenuItem(
        _("Iuran & pembayaran"),
        "contributions:programmes",
        Capability.VIEW_CONTRIBUTIONS,
        _("cocokkan tagihan iuran BPJS dengan peserta, catat pembayaran (SP2D) dan pantau tunggakan."),
        "programme",
    ),
    MenuItem(
        _("Peserta BPJS"),
        "eligibility:participants",
        (Capability.EXCHANGE_WITH_BPJS, Capability.MANAGE_PROGRAMMES),
        _("impor daftar peserta BPJS yang sudah ada, agar tidak ada yang dibiayai dua kali."),
        "bpjs",
    ),
    MenuItem(
        _("Data rujukan"),
        "core:reference",
        Capability.VIEW_REFERENCE,
        _("lihat pemberi dana, instansi, sektor, UMK, hari libur dan kode wilayah."),
        "administration",
    ),
    MenuItem(
        _("Log audit"),
        "core:audit",
        Capability.VIEW_AUDIT,
        _("telusuri siapa mengubah apa dan kapan, dan ekspor ke Excel."),
        "oversight",
    ),
    MenuItem(
        _("Log akses data pribadi"),
        "core:access_log",
        Capability.VIEW_AUDIT,
        _("lihat siapa membuka data pribadi warga."),
        "oversight",
    ),
    MenuItem(
        _("Pengguna & token API"),
        "core:users",
        Capability.ADMINISTER,
        _("lihat akun petugas, kelola token API mitra dan logo pemberi dana."),
        "administration",
    ),
]


def _allowed(user: object, item: MenuItem) -> bool:
    if item.capability is None:
        return True
    wanted = (item.capability,) if isinstance(item.capability, str) else item.capability
    return any(user_can(user, capability) for capability in wanted)


def menu_items_for(user: object) -> list[MenuItem]:
    """Every page of the menu the user may open, in menu order."""
    return [item for item in MENU if _allowed(user, item)]


def menu_for(user: object) -> list[MenuItem | MenuGroup]:
    """The menu as shown: flat for a short one; a long one folds each group of two or more into a MenuGroup, in
    the place of its first item."""
    items = menu_items_for(user)
    if len(items) <= MENU_FLAT_MAX:
        return list(items)
    members: dict[str, list[MenuItem]] = {}
    for item in items:
        if item.group:
            members.setdefault(item.group, []).append(item)
    entries: list[MenuItem | MenuGroup] = []
    placed: set[str] = set()
    for item in items:
        grouped = members.get(item.group, [])
        if len(grouped) < 2:
            entries.append(item)
        elif item.group not in placed:
            placed.add(item.group)
            entries.append(MenuGroup(GROUPS[item.group], grouped))
    return entries
