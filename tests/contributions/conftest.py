"""Members of BPN-2026 made directly (their enrolment is not the subject here), and the finance officer."""

from __future__ import annotations

import io
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


HEADER = ("kpj", "nik", "nama", "periode", "iuran_jkk", "iuran_jkm", "jumlah")


def invoice_xlsx(rows: list[tuple[object, ...]], *, header: tuple[str, ...] = HEADER, sheet: str = "Sheet1") -> bytes:
    """A real XLSX as the branch sends it: KPJs and NIKs as text cells, amounts as numbers."""
    from openpyxl import Workbook

    workbook = Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = sheet
    worksheet.append(list(header))
    for row in rows:
        worksheet.append(list(row))
    for column in worksheet.iter_cols(min_col=1, max_col=2, min_row=2):
        for cell in column:
            cell.number_format = "@"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def bill_row(member: Membership | int, month: str, *, jkk: int = 10_000, jkm: int = 6_800) -> tuple[object, ...]:
    """One invoice row for a member (or a KPJ number n) of month "YYYY-MM", at the given amounts."""
    if isinstance(member, Membership):
        return (member.kpj, member.person.nik, member.person.name, month, jkk, jkm, jkk + jkm)
    return (kpj_of(member), "", f"Orang {member}", month, jkk, jkm, jkk + jkm)
