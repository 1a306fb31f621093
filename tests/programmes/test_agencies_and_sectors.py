"""Agencies are each funder's own, with their real names where the sources give them; sectors are a catalogue the
schemes choose from (issue 20)."""

from __future__ import annotations

import pytest

from jaring.core.models import Agency, AgencyKind, Funder, Sector
from jaring.programmes.selectors import programme_verifying_agency
from tests.helpers.reference import programme_for

pytestmark = pytest.mark.today("2026-03-02")


def test_kutai_timur_s_labour_office_is_the_dinas_transmigrasi_dan_tenaga_kerja(reference) -> None:  # type: ignore[no-untyped-def]
    office = Agency.objects.get(funder__code="kutim", code=AgencyKind.DISNAKER)
    assert office.name == "Dinas Transmigrasi dan Tenaga Kerja Kabupaten Kutai Timur"


def test_the_province_has_no_food_farm_and_fishery_office_so_its_owning_office_verifies_fishers(reference) -> None:  # type: ignore[no-untyped-def]
    kaltim = Funder.objects.get(code="kaltim")
    assert not Agency.objects.filter(funder=kaltim, kind=AgencyKind.DPPP).exists()
    assert not Agency.objects.filter(name__icontains="Pangan, Pertanian dan Perikanan Provinsi").exists()

    programme = programme_for(kaltim, code="KALTIM-2026", name="Provinsi", owner=AgencyKind.DISNAKER, quota=10)

    agency = programme_verifying_agency(programme=programme, sector=Sector.objects.get(code="nelayan"))
    assert agency == programme.owning_agency


def test_kutai_timur_s_plantation_workers_outside_companies_are_a_sector_its_owning_office_verifies(reference) -> None:  # type: ignore[no-untyped-def]
    kutim = Funder.objects.get(code="kutim")
    programme = programme_for(kutim, code="KUTIM-2026", name="Kutim", owner=AgencyKind.DISNAKER, quota=10)

    sector = Sector.objects.get(code="buruh_sawit")

    assert sector.name == "Buruh sawit non-perusahaan"
    assert programme_verifying_agency(programme=programme, sector=sector).name.startswith("Dinas Transmigrasi")
