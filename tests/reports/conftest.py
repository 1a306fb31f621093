"""Members made set-based, with the facts the reports count (kelurahan, sector, sex, birth date, cover), for tests
whose subject is counting them; tests/reports/test_full_cycle.py makes them through the real services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import pytest
from django.utils import timezone

from jaring.allocation.models import Place
from jaring.core.models import Agency, AgencyKind, Funder, Region, Role, Sector, User
from jaring.enrolment.models import Membership
from jaring.programmes.models import Programme
from jaring.registry.models import Application, Channel, Person, Sex
from jaring.registry.states import ApplicationStatus
from tests.conftest import programme_for

MANGGAR = "64.71.01.1001"  # Balikpapan Timur
LAMARU = "64.71.01.1002"  # Balikpapan Timur
PRAPATAN = "64.71.02.1001"  # Balikpapan Selatan? (another kecamatan of Balikpapan)


@dataclass
class M:
    """One member as the reports see them."""

    kelurahan: str = MANGGAR
    sector: str = "nelayan"
    sex: str = Sex.MALE
    birth: date = date(1990, 8, 15)
    starts: date | None = None  # the programme's cover start when None
    ends: date | None = None  # its cover end when None
    status: str = Membership.Status.ACTIVE
    status_since: date | None = None
    extra: dict[str, object] = field(default_factory=dict)


Make = Callable[..., list[Membership]]


@pytest.fixture
def members(reference: None) -> Make:
    """members(programme, [M(...), ...]) -> their memberships (with persons, applications and places)."""
    serial = iter(range(5001, 10_000))  # NIK serials apart from make_application's (from 1)

    def make(programme: Programme, people: list[M], *, person_of: list[Person] | None = None) -> list[Membership]:
        regions = {r.code: r for r in Region.objects.filter(code__in={m.kelurahan for m in people})}
        sectors = {s.code: s for s in Sector.objects.filter(code__in={m.sector for m in people})}
        made = []
        for index, m in enumerate(people):
            n = next(serial)
            region = regions[m.kelurahan]
            if person_of is not None:
                person = person_of[index]
            else:
                person = Person.objects.create(
                    nik=f"{region.plain_code[:6]}{m.birth:%d%m%y}{n:04d}",
                    name=f"Peserta {n:05d}",
                    birth_date=m.birth,
                    sex=m.sex,
                    address="Jl. Pantai",
                    kelurahan=region,
                    domicile_since=date(2015, 1, 1),
                    sector=sectors[m.sector],
                    monthly_income=2_000_000,
                )
            application = Application.objects.create(
                number=f"{programme.code}-M{n:06d}",  # apart from the numbers the registry hands out
                programme=programme,
                person=person,
                channel=Channel.IMPORT,
                status=ApplicationStatus.ENROLLED,
                kelurahan=region,
                sector=sectors[m.sector],
                submitted_at=timezone.now(),
            )
            starts = m.starts or programme.cover_start
            ends = m.ends or programme.cover_end
            place = Place.objects.create(
                programme=programme,
                application=application,
                person=person,
                starts=starts,
                ends=ends,
                status=Place.Status.ACTIVE if m.status != Membership.Status.ENDED else Place.Status.ENDED,
            )
            made.append(
                Membership.objects.create(
                    programme=programme,
                    person=person,
                    application=application,
                    place=place,
                    kpj=f"{26_000_000_000 + n}",
                    status=m.status,
                    starts=starts,
                    ends=ends,
                    status_since=m.status_since or starts,
                )
            )
        return made

    return make


@pytest.fixture
def kaltim(reference: None) -> Funder:
    return Funder.objects.get(code="kaltim")


@pytest.fixture
def kaltim_2026(kaltim: Funder) -> Programme:
    return programme_for(
        kaltim,
        code="KALTIM-2026",
        name="Perlindungan Pekerja Rentan Provinsi Kalimantan Timur 2026",
        owner=AgencyKind.DISNAKER,
        quota=12000,
    )


@pytest.fixture
def province_leadership(make_officer: Callable[..., User], kaltim: Funder) -> User:
    return make_officer("gubernur_office", Role.LEADERSHIP, kaltim)


@pytest.fixture
def samarinda_leadership(make_officer: Callable[..., User], samarinda: Funder) -> User:
    return make_officer("wali_kota_samarinda", Role.LEADERSHIP, samarinda)


def agency(funder: Funder, kind: str) -> Agency:
    return Agency.objects.get(funder=funder, code=kind)
