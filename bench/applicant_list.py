"""A realistic applicant list for Kota Balikpapan, as a kelurahan office or a ride-hailing company sends it.

Mixed header spellings (aliases), every date and money form of the spec, kelurahan by code or by name,
mixed sectors, a few people who are not eligible (too old, too rich, moved in recently), about 10% bad rows
of every kind the importer must reject, and about 2% rows repeated (duplicates in the file). Deterministic
for a given seed. Written with openpyxl, the way most tools other than Excel write XLSX.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

from lokal import wilayah
from openpyxl import Workbook

HEADER = [
    "NIK",
    "No KK",
    "Nama Lengkap",
    "Tempat Lahir",
    "Tgl Lahir",
    "JK",
    "Ibu Kandung",
    "Alamat",
    "RT",
    "RW",
    "Kode Wilayah",
    "Kelurahan",
    "Kecamatan",
    "Domisili Sejak",
    "No HP",
    "Pekerjaan",
    "Penghasilan",
    "Aplikator",
    "Keterangan",
]
FIRST = ["Budi", "Siti", "Ahmad", "Nur", "Muhammad", "Dewi", "Rahmat", "Sri", "Agus", "Fitri", "Andi", "Wahyu"]
LAST = ["Santoso", "Aminah", "Hidayat", "Rahayu", "Saputra", "Lestari", "Kurniawan", "Wati", "", "Syahrani"]
STREETS = ["Jl. Mulawarman", "Jl. Jenderal Sudirman", "Jl. MT Haryono", "Jl. Soekarno-Hatta", "Gg. Mawar"]
# sector as written in the file, its code, its share
SECTORS = [
    ("ojol", "ojol", 30),
    ("Ojek pangkalan", "ojek_pangkalan", 10),
    ("nelayan", "nelayan", 10),
    ("Pedagang kecil", "pedagang", 20),
    ("buruh_harian_lepas", "buruh_harian_lepas", 15),
    ("petani", "petani", 5),
    ("pekerja_rumah_tangga", "pekerja_rumah_tangga", 5),
    ("kurir", "kurir", 5),
]
APLIKATOR = ["Gojek", "Grab", "Maxim", "ShopeeFood", "inDrive"]
# One of each, in turn, makes the ~10% bad rows: (kind, column, bad value)
BAD = [
    ("nik_number_cell", 0, None),
    ("nik_15_digits", 0, "647101150890001"),
    ("nik_letters", 0, "64710115089OOO12"),
    ("nik_scientific", 0, "6.47101E+15"),
    ("birth_date_impossible", 4, "31-02-1990"),
    ("birth_date_text", 4, "lima belas agustus"),
    ("name_missing", 2, ""),
    ("name_digits", 2, "Budi 2"),
    ("sex_unknown", 5, "X"),
    ("kelurahan_unknown_code", 10, "64.71.09.9999"),
    ("kelurahan_unknown_name", 11, "Kampung Entah"),
    ("sector_unknown", 15, "astronot"),
    ("ojol_without_aplikator", 17, ""),
    ("income_words", 16, "dua juta"),
    ("income_negative", 16, "-2.500.000"),
    ("phone_landline", 14, "0542-123456"),
    ("rt_too_long", 8, "1234"),
    ("address_missing", 7, ""),
    ("domicile_future", 13, "01-01-2099"),
    ("kk_short", 1, "64710101011"),
]


def _villages() -> list[tuple[str, str, str]]:
    found = []
    for district in wilayah.list_wilayah("64.71"):
        for village in wilayah.list_wilayah(district.code):
            found.append((village.code, village.name, district.name))
    return found


def _date_cell(rng: random.Random, value: date) -> object:
    form = rng.randrange(4)
    if form == 0:
        return value.strftime("%d-%m-%Y")
    if form == 1:
        return value.strftime("%d/%m/%Y")
    if form == 2:
        return value.isoformat()
    return datetime(value.year, value.month, value.day)  # an Excel date cell


def _money(rng: random.Random, amount: int) -> object:
    form = rng.randrange(5)
    if form == 0:
        return str(amount)
    if form == 1:
        return f"{amount:,}".replace(",", ".")
    if form == 2:
        return f"Rp{amount:,}".replace(",", ".")
    if form == 3:
        return f"{amount / 1_000_000:.1f} jt".replace(".", ",")
    return amount  # a number cell


def _phone(rng: random.Random) -> str:
    digits = f"8{rng.randrange(11, 99)}{rng.randrange(10**7, 10**8)}"
    form = rng.randrange(4)
    return ["0" + digits, "+62" + digits, "62" + digits, f"0{digits[:3]}-{digits[3:7]}-{digits[7:]}"][form]


def rows(count: int, *, seed: int = 2026) -> Iterator[tuple[str, list[object]]]:
    """(kind, cells) for `count` data rows; kind is "good", "duplicate" or "bad:<what>"."""
    rng = random.Random(seed)
    villages = _villages()
    weights = [share for _written, _code, share in SECTORS]
    used: set[str] = set()
    earlier: list[list[object]] = []
    bad_turn = 0
    for _index in range(count):
        if earlier and rng.random() < 0.02:
            yield "duplicate", list(rng.choice(earlier))
            continue
        female = rng.random() < 0.45
        born = date(rng.randrange(1960, 2007), rng.randrange(1, 13), rng.randrange(1, 29))
        district = rng.choice(["01", "02", "03", "04", "05", "06"]) if rng.random() < 0.8 else "02"
        regency = "71" if district != "02" or rng.random() < 0.5 else "72"
        nik = _unique_nik(rng, used, prefix=f"64{regency}{district}", born=born, female=female)
        code, kelurahan, kecamatan = rng.choice(villages)
        by_name = rng.random() < 0.3
        written, sector, _share = rng.choices(SECTORS, weights)[0]
        income = rng.choice([1_500_000, 2_000_000, 2_500_000, 3_000_000, 3_500_000])
        if rng.random() < 0.05:
            income = 4_500_000  # above the UMK: not eligible
        since = date(rng.randrange(2000, 2025), rng.randrange(1, 13), 1)
        if rng.random() < 0.03:
            since = date(2026, 9, 1)  # moved in recently: not eligible
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}".strip()
        cells: list[object] = [
            nik,
            f"6471{rng.randrange(10**11, 10**12)}",
            name,
            "Balikpapan" if rng.random() < 0.6 else rng.choice(["Samarinda", "Makassar", "Surabaya", "Pare-Pare"]),
            _date_cell(rng, born),
            ("P" if female else "L") if rng.random() < 0.7 else ("Perempuan" if female else "Laki-laki"),
            f"{rng.choice(FIRST)} {rng.choice(LAST)}".strip(),
            f"{rng.choice(STREETS)} No. {rng.randrange(1, 200)}",
            str(rng.randrange(1, 40)),
            str(rng.randrange(1, 15)),
            "" if by_name else (code if rng.random() < 0.5 else code.replace(".", "")),
            kelurahan if by_name else "",
            kecamatan if by_name else "",
            _date_cell(rng, since),
            _phone(rng) if rng.random() < 0.9 else "",
            written,
            _money(rng, income),
            rng.choice(APLIKATOR) if sector == "ojol" else "",
            "",
        ]
        kind = "good"
        if rng.random() < 0.10:
            kind = _spoil(cells, BAD[bad_turn % len(BAD)], nik=nik)
            bad_turn += 1
        else:
            earlier.append(cells)
        yield kind, cells


def _unique_nik(rng: random.Random, used: set[str], *, prefix: str, born: date, female: bool) -> str:
    """A NIK of the kecamatan `prefix` and the birth date (a woman's day plus 40) not given out before."""
    while True:
        day = born.day + (40 if female else 0)
        nik = f"{prefix}{day:02d}{born.month:02d}{born.year % 100:02d}{rng.randrange(1, 10000):04d}"
        if nik not in used:
            used.add(nik)
            return nik


def _spoil(cells: list[object], bad: tuple[str, int, object], *, nik: str) -> str:
    """Make the row wrong in one way of BAD; returns its kind."""
    what, column, value = bad
    if what == "nik_number_cell":
        cells[0] = float(nik[:15] + "0")  # what Excel keeps of a 16-digit number
    elif what == "kelurahan_unknown_name":
        cells[10], cells[11], cells[12] = "", value, "Balikpapan Timur"
    elif what == "ojol_without_aplikator":
        cells[15], cells[17] = "ojol", ""
    else:
        cells[column] = value
    return f"bad:{what}"


def write_xlsx(path: Path, count: int, *, seed: int = 2026) -> Counter[str]:
    """Write the list; returns how many rows of each kind it holds."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("pendaftar")
    sheet.append(HEADER)
    kinds: Counter[str] = Counter()
    for kind, cells in rows(count, seed=seed):
        kinds[kind.split(":")[0]] += 1
        sheet.append([None if value == "" else value for value in cells])
    workbook.save(path)
    return kinds
