"""The columns a BPJS branch's collective registration file may have, and how each value is read.

A programme manager orders and picks them (enrolment.ColumnTemplate). BPJS's batch-upload columns are not public
(DOMAIN.md, open questions): the defaults are the identity, address and work fields a BPU registration needs, a
starting point for the manager to match to what their branch asks for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from jaring.allocation.models import Place
from jaring.core.models import Region


@dataclass(frozen=True)
class Column:
    header: str  # as the branch writes it: not translated, the file is for BPJS
    label: Any  # for the officer's page
    value: Callable[[Place], object]
    text: bool = False  # written as a text cell (NIK, phone): Excel must not turn it into a number


def _region(place: Place, level: int) -> str:
    region: Region | None = place.person.kelurahan
    for _step in range(level):
        region = region.parent if region is not None else None
    return region.name if region is not None else ""


COLUMNS: dict[str, Column] = {
    "nik": Column("NIK", _("NIK"), lambda p: p.person.nik, text=True),
    "name": Column("NAMA", _("Nama"), lambda p: p.person.name),
    "birth_place": Column("TEMPAT LAHIR", _("Tempat lahir"), lambda p: p.person.birth_place),
    "birth_date": Column("TANGGAL LAHIR", _("Tanggal lahir"), lambda p: p.person.birth_date.strftime("%d-%m-%Y")),
    "sex": Column("JENIS KELAMIN", _("Jenis kelamin"), lambda p: p.person.sex),
    "mother_name": Column("NAMA IBU KANDUNG", _("Nama ibu kandung"), lambda p: p.person.mother_name),
    "address": Column(
        "ALAMAT",
        _("Alamat"),
        lambda p: " ".join(
            part
            for part in (
                p.person.address,
                f"RT {p.person.rt}" if p.person.rt else "",
                f"RW {p.person.rw}" if p.person.rw else "",
            )
            if part
        ),
    ),
    "kelurahan": Column("KELURAHAN/DESA", _("Kelurahan/desa"), lambda p: _region(p, 0)),
    "kecamatan": Column("KECAMATAN", _("Kecamatan"), lambda p: _region(p, 1)),
    "regency": Column("KABUPATEN/KOTA", _("Kabupaten/kota"), lambda p: _region(p, 2)),
    "province": Column("PROVINSI", _("Provinsi"), lambda p: _region(p, 3)),
    "phone": Column("NO HP", _("Nomor HP"), lambda p: p.person.phone.replace("+62", "0", 1), text=True),
    "occupation": Column("PEKERJAAN", _("Pekerjaan"), lambda p: p.person.sector.name),
    "income_basis": Column("UPAH/DASAR PENGHASILAN", _("Dasar penghasilan"), lambda p: int(p.programme.income_basis)),
    "benefits": Column("PROGRAM", _("Program BPJS"), lambda p: "JKK, JKM, JHT" if p.programme.jht else "JKK, JKM"),
    "start_date": Column("TANGGAL MULAI", _("Tanggal mulai"), lambda p: p.starts.strftime("%d-%m-%Y")),
    "funder": Column("PEMBERI DANA", _("Pemberi dana"), lambda p: p.programme.funder.name),
    "kk_number": Column("NO KK", _("Nomor KK"), lambda p: p.person.kk_number, text=True),
}

DEFAULT_COLUMNS: tuple[str, ...] = (
    "nik",
    "name",
    "birth_place",
    "birth_date",
    "sex",
    "mother_name",
    "address",
    "kelurahan",
    "kecamatan",
    "regency",
    "province",
    "phone",
    "occupation",
    "income_basis",
    "benefits",
    "start_date",
    "funder",
)


def row_of(place: Place, columns: list[str]) -> list[object]:
    return [COLUMNS[key].value(place) for key in columns]
