"""Members of BPN-2026 made directly (their enrolment is not the subject here), and the finance officer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from jaring.allocation.models import Place
from jaring.core.models import Funder, Region, Role, Sector, User
from jaring.enrolment.models import Membership, MembershipEvent
from jaring.programmes.models import Programme
from jaring.registry.models import Application, Channel, Person, Sex
from jaring.registry.states import ApplicationStatus

MANGGAR = "64.71.01.1001"


def kpj_of(n: int) -> str:
    return f"{90_000_000_000 + n:011d}"


def nik_of(n: int) -> str:
    return f"647101150890{n:04d}"


@pytest.fixture
def enrol(reference: None) -> Callable[..., list[Membership]]:
    """enrol(programme, count, starts=date, first=0) -> `count` active members with KPJs kpj_of(first...),
    their cover from `starts` to the programme's cover end, as batch_answers_apply leaves them."""

    def make(programme: Programme, count: int, *, starts: date | None = None, first: int = 0) -> list[Membership]:
        starts = starts or programme.cover_start
        kelurahan = Region.objects.get(code=MANGGAR)
        sector = Sector.objects.get(code="nelayan")
        made = []
        for n in range(first, first + count):
            person = Person.objects.create(
                nik=nik_of(n),
                name=f"Nelayan {n:04d}",
                birth_date=date(1990, 8, 15),
                sex=Sex.MALE,
                address="Jl. Pantai",
                kelurahan=kelurahan,
                domicile_since=date(2015, 1, 1),
                sector=sector,
                monthly_income=2_000_000,
            )
            application = Application.objects.create(
                number=f"{programme.code}-{n:06d}",
                programme=programme,
                person=person,
                channel=Channel.COUNTER,
                status=ApplicationStatus.ENROLLED,
                kelurahan=kelurahan,
                sector=sector,
            )
            place = Place.objects.create(
                programme=programme, application=application, person=person, starts=starts, ends=programme.cover_end
            )
            membership = Membership.objects.create(
                programme=programme,
                person=person,
                application=application,
                place=place,
                kpj=kpj_of(n),
                starts=starts,
                ends=place.ends,
                status_since=starts,
            )
            MembershipEvent.objects.create(
                membership=membership,
                to_status=Membership.Status.ACTIVE,
                effective=starts,
                reason="bpjs_accepted",
                actor_label="test",
            )
            made.append(membership)
        return made

    return make


@pytest.fixture
def finance_officer(make_officer: Callable[..., User], balikpapan: Funder) -> User:
    """Balikpapan's bendahara: pays the checked bill from the APBD."""
    return make_officer("bendahara_bpn", Role.FINANCE_OFFICER, balikpapan)


@pytest.fixture
def samarinda_finance_officer(make_officer: Callable[..., User], samarinda: Funder) -> User:
    return make_officer("bendahara_smd", Role.FINANCE_OFFICER, samarinda)
