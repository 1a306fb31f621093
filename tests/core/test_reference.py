"""Reference data is seeded with the real values of DOMAIN.md, once, and stays editable."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from jaring.core.models import Agency, AgencyKind, Funder, Holiday, MinimumWage, Region, Sector
from jaring.core.reference import seed_reference
from jaring.core.selectors import region_by_code, regions_search

pytestmark = pytest.mark.django_db


def test_balikpapan_has_six_kecamatan_and_thirty_four_kelurahan(reference: None) -> None:
    assert Region.objects.filter(level=Region.Level.DISTRICT, code__startswith="64.71.").count() == 6
    assert Region.objects.filter(level=Region.Level.VILLAGE, code__startswith="64.71.").count() == 34
    manggar = Region.objects.get(code="64.71.01.1001")
    assert manggar.name == "Manggar"
    assert manggar.parent is not None and manggar.parent.name == "Balikpapan Timur"
    assert manggar.parent.parent is not None and manggar.parent.parent.name == "Kota Balikpapan"


def test_the_four_funders_have_their_regions_and_offices(reference: None) -> None:
    regions = dict(Funder.objects.values_list("code", "region_id"))
    assert regions == {"balikpapan": "64.71", "samarinda": "64.72", "kutim": "64.08", "kaltim": "64"}
    balikpapan = Funder.objects.get(code="balikpapan")
    kinds = set(Agency.objects.filter(funder=balikpapan).values_list("kind", flat=True))
    assert kinds == {k.value for k in AgencyKind}
    assert Agency.objects.filter(funder=balikpapan, kind=AgencyKind.KELURAHAN).count() == 34
    # The province has no kelurahan offices of its own: those belong to the cities and regencies.
    assert not Agency.objects.filter(funder__code="kaltim", kind=AgencyKind.KELURAHAN).exists()


@pytest.mark.parametrize(
    ("region", "year", "amount"),
    [
        ("64.71", 2025, "3701508.68"),
        ("64.71", 2026, "3856694.43"),
        ("64.72", 2026, "3983882.00"),
        ("64.08", 2026, "4067436.00"),
        ("64", 2026, "3762431.00"),
    ],
)
def test_umk_is_seeded_with_the_decreed_values(reference: None, region: str, year: int, amount: str) -> None:
    assert MinimumWage.objects.get(region_id=region, year=year).amount == Decimal(amount)


def test_sectors_route_to_their_default_agencies(reference: None) -> None:
    expected = {
        "nelayan": AgencyKind.DPPP,
        "petani": AgencyKind.DPPP,
        "pembudidaya_ikan": AgencyKind.DPPP,
        "ojek_pangkalan": AgencyKind.DISHUB,
        "ojol": "",
    }
    for code, kind in expected.items():
        assert Sector.objects.get(code=code).default_agency_kind == kind
    assert Sector.objects.count() == 17  # with Kutai Timur's buruh sawit non-perusahaan
    assert Sector.objects.get(code="ojol").is_transport


def test_holidays_of_2026_include_nyepi_and_the_idulfitri_cuti_bersama(reference: None) -> None:
    assert Holiday.objects.get(date=date(2026, 3, 19)).kind == Holiday.Kind.NATIONAL
    assert Holiday.objects.filter(date__year=2026, kind=Holiday.Kind.CUTI_BERSAMA).exists()
    assert Holiday.objects.filter(date__year=2027).exists()


def test_seeding_twice_adds_nothing_and_keeps_an_administrators_edit(reference: None) -> None:
    wage = MinimumWage.objects.get(region_id="64.71", year=2026)
    wage.amount = Decimal("3900000.00")
    wage.save()
    counts = seed_reference()
    assert set(counts.values()) == {0}
    wage.refresh_from_db()
    assert wage.amount == Decimal("3900000.00")


def test_regions_are_found_by_name_or_by_code_with_or_without_dots(reference: None) -> None:
    assert [r.code for r in regions_search(query="manggar")][:2] == ["64.71.01.1001", "64.71.01.1004"]
    assert regions_search(query="6471011001")[0].name == "Manggar"
    assert regions_search(query="64.71.01.1001")[0].name == "Manggar"
    assert {r.code for r in regions_search(query="balikpapan", level=Region.Level.DISTRICT)} >= {"64.71.01", "64.71.06"}
    found = region_by_code("6471011001")
    assert found is not None and found.name == "Manggar"
    assert region_by_code("not a code") is None
