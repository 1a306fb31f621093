"""Members covered in a month, counted into the snapshot and read back: every breakdown adds up to the total,
and a member counts in exactly the months their cover runs, in the age band of that month."""

from __future__ import annotations

from datetime import date

import pytest

from jaring.core.models import AgencyKind, Funder
from jaring.enrolment.models import Membership
from jaring.programmes.models import Programme
from jaring.registry.models import Sex
from jaring.reports.models import Dimension, Figure, Snapshot
from jaring.reports.selectors import Numbers, coverage_of
from jaring.reports.services import snapshot_refresh
from tests.conftest import programme_for
from tests.reports.conftest import LAMARU, MANGGAR, M, Make

pytestmark = pytest.mark.django_db

OTHER_KECAMATAN = "64.71.06.1001"
MONTHS_2026 = [date(2026, month, 1) for month in range(1, 13)]


def counts(breakdown) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {row.key: row.value for row in breakdown.rows if row.value}


@pytest.fixture
def mixed(bpn_2026: Programme, members: Make) -> list[Membership]:
    """Eleven members of BPN-2026 in three kelurahan of two kecamatan, four sectors, both sexes, every age band."""
    return members(
        bpn_2026,
        [
            M(MANGGAR, "nelayan", Sex.MALE, date(2003, 1, 10)),
            M(MANGGAR, "nelayan", Sex.MALE, date(1995, 5, 1)),
            M(MANGGAR, "nelayan", Sex.FEMALE, date(1985, 2, 2)),
            M(MANGGAR, "ojol", Sex.MALE, date(1975, 3, 3)),
            M(LAMARU, "ojol", Sex.FEMALE, date(1965, 4, 4)),
            M(LAMARU, "petani", Sex.MALE, date(1958, 5, 5)),
            M(LAMARU, "petani", Sex.MALE, date(1990, 6, 6)),
            M(OTHER_KECAMATAN, "ojol", Sex.FEMALE, date(1999, 7, 7)),
            M(OTHER_KECAMATAN, "ojek_pangkalan", Sex.MALE, date(1980, 8, 8)),
            M(OTHER_KECAMATAN, "ojek_pangkalan", Sex.MALE, date(1970, 9, 9)),
            M(OTHER_KECAMATAN, "nelayan", Sex.FEMALE, date(2000, 10, 10)),
        ],
    )


def test_every_breakdown_adds_up_to_the_members_covered(bpn_2026: Programme, mixed: list[Membership]) -> None:
    snapshot_refresh(programme=bpn_2026)
    for month in MONTHS_2026:
        coverage = coverage_of(bpn_2026, month)
        assert coverage.members == 11
        for breakdown in coverage.breakdowns:
            assert breakdown.total == coverage.members, (month, breakdown.name)


def test_the_breakdowns_count_each_member_in_their_kelurahan_sector_sex_and_age_band(
    bpn_2026: Programme, mixed: list[Membership]
) -> None:
    snapshot_refresh(programme=bpn_2026)
    march = coverage_of(bpn_2026, date(2026, 3, 1))
    assert counts(march.by("sector")) == {"nelayan": 4, "ojol": 3, "petani": 2, "ojek_pangkalan": 2}
    assert counts(march.by("kelurahan")) == {MANGGAR: 4, LAMARU: 3, OTHER_KECAMATAN: 4}
    assert counts(march.by("kecamatan")) == {"64.71.01": 7, "64.71.06": 4}
    assert counts(march.by("sex")) == {"L": 7, "P": 4}
    # On 1 March 2026: 23, 30, 41, 50, 60, 67, 35, 26, 45, 56, 25.
    assert counts(march.by("age_band")) == {"<25": 1, "25-34": 3, "35-44": 2, "45-54": 2, "55-64": 2, "65+": 1}
    assert [row.key for row in march.by("age_band").rows] == ["<25", "25-34", "35-44", "45-54", "55-64", "65+"]
    labels = {row.key: row.label for row in march.by("kecamatan").rows}
    assert labels["64.71.01"] == "Balikpapan Timur"


def test_a_member_counts_only_in_the_months_their_cover_runs(bpn_2026: Programme, members: Make) -> None:
    members(
        bpn_2026,
        [
            M(starts=date(2026, 4, 1)),  # admitted from the waitlist in April
            M(ends=date(2026, 6, 30), status=Membership.Status.ENDED, status_since=date(2026, 6, 12)),  # died in June
            M(status=Membership.Status.NON_ACTIVE, status_since=date(2026, 5, 1)),  # unpaid from May
            M(status=Membership.Status.NON_ACTIVE, status_since=date(2026, 8, 10)),  # still covered early August
        ],
    )
    snapshot_refresh(programme=bpn_2026)
    trend = {row.month.month: row.members for row in Numbers(bpn_2026, MONTHS_2026[0]).months(MONTHS_2026)}
    assert trend == {1: 3, 2: 3, 3: 3, 4: 4, 5: 3, 6: 3, 7: 2, 8: 2, 9: 1, 10: 1, 11: 1, 12: 1}


def test_a_member_moves_to_the_next_age_band_the_month_after_the_birthday(bpn_2026: Programme, members: Make) -> None:
    members(bpn_2026, [M(birth=date(2001, 6, 15)), M(birth=date(1961, 9, 1))])
    snapshot_refresh(programme=bpn_2026)
    june, july = coverage_of(bpn_2026, date(2026, 6, 1)), coverage_of(bpn_2026, date(2026, 7, 1))
    assert counts(june.by("age_band")) == {"<25": 1, "55-64": 1}
    assert counts(july.by("age_band")) == {"25-34": 1, "55-64": 1}
    september = coverage_of(bpn_2026, date(2026, 9, 1))  # 65 on 1 September 2026
    assert counts(september.by("age_band")) == {"25-34": 1, "65+": 1}


def test_a_kelurahan_sees_its_own_members_only(bpn_2026: Programme, mixed: list[Membership]) -> None:
    snapshot_refresh(programme=bpn_2026)
    manggar = coverage_of(bpn_2026, date(2026, 3, 1), kelurahan=MANGGAR)
    assert manggar.members == 4
    assert counts(manggar.by("sector")) == {"nelayan": 3, "ojol": 1}
    assert all(b.total == 4 for b in manggar.breakdowns)


def test_places_used_count_each_month_a_place_covers(bpn_2026: Programme, members: Make) -> None:
    members(bpn_2026, [M(), M(starts=date(2026, 10, 1))])
    snapshot_refresh(programme=bpn_2026)
    assert Numbers(bpn_2026, date(2026, 9, 1)).quota().places == 1
    assert Numbers(bpn_2026, date(2026, 10, 1)).quota().places == 2
    assert Numbers(bpn_2026, date(2026, 10, 1)).quota().quota == 7100


def test_a_refresh_replaces_the_snapshot_whole(bpn_2026: Programme, members: Make) -> None:
    members(bpn_2026, [M()])
    first = snapshot_refresh(programme=bpn_2026)
    members(bpn_2026, [M(), M()])
    again = snapshot_refresh(programme=bpn_2026)
    assert coverage_of(bpn_2026, date(2026, 5, 1)).members == 3
    # The same cells with larger numbers: the old rows are gone, not kept beside the new ones.
    assert Figure.objects.filter(programme=bpn_2026).count() == again.figures == first.figures
    assert Snapshot.objects.get(programme=bpn_2026).computed_at is not None
    assert not Figure.objects.filter(programme=bpn_2026, dimension=Dimension.MEMBERS_SEX, value=0).exists()


def test_another_programmes_members_are_not_counted(
    bpn_2026: Programme, smd_2026: Programme, members: Make, samarinda: Funder
) -> None:
    members(bpn_2026, [M(), M()])
    members(smd_2026, [M(kelurahan="64.72.01.1001")])
    snapshot_refresh(programme=bpn_2026)
    snapshot_refresh(programme=smd_2026)
    assert coverage_of(bpn_2026, date(2026, 2, 1)).members == 2
    assert coverage_of(smd_2026, date(2026, 2, 1)).members == 1


def test_a_cover_running_over_a_new_year_is_counted_in_both_years(members: Make, balikpapan: Funder) -> None:
    programme = programme_for(balikpapan, code="BPN-2027", name="Uji", owner=AgencyKind.DINSOS, quota=10, year=2027)
    Programme.objects.filter(pk=programme.pk).update(cover_start=date(2026, 10, 1), cover_end=date(2027, 9, 30))
    programme.refresh_from_db()
    members(programme, [M(birth=date(2002, 1, 20))])
    snapshot_refresh(programme=programme)
    assert counts(coverage_of(programme, date(2026, 12, 1)).by("age_band")) == {"<25": 1}
    assert counts(coverage_of(programme, date(2027, 2, 1)).by("age_band")) == {"25-34": 1}
