"""The reference places, personas' password and programmes every test directory builds on."""

from __future__ import annotations

import os
from datetime import date, timedelta

from django.utils import timezone

from jaring.core.actors import Actor
from jaring.core.models import Agency, AgencyKind, Funder, Region, Sector
from jaring.programmes.models import Programme
from jaring.programmes.services import rejection_reasons_seed
from jaring.registry.models import Application, Channel, Person, Sex
from jaring.registry.states import ApplicationStatus

PASSWORD = "a-long-test-password-2026"
# What the set-up of the tests writes, as the system: trusted, and named in the audit trail.
TESTS = Actor.system("test")


MANGGAR = "64.71.01.1001"  # Balikpapan Timur


LAMARU = "64.71.01.1002"  # Balikpapan Timur, a neighbouring kelurahan


def partner_of(funder: Funder, name: str, *scopes: str) -> Actor:
    """A partner system of the funder (a token with `scopes`) as the actor of a service."""
    from jaring.core.services import api_token_create

    token, _secret = api_token_create(name=name, funder=funder, scopes=list(scopes), actor=TESTS)
    return Actor.partner(token)


def _agency(funder: Funder, kind: str) -> Agency:
    return Agency.objects.get(funder=funder, code=kind)


def programme_for(
    funder: Funder,
    *,
    code: str,
    name: str,
    owner: str,
    quota: int,
    year: int = 2026,
    scheme: str = "pekerja-rentan",
    **fields: object,
) -> Programme:
    programme = Programme.objects.create(
        code=code,
        name=name,
        funder=funder,
        year=year,
        scheme=scheme,
        owning_agency=_agency(funder, owner),
        cover_start=date(year, 1, 1),
        cover_end=date(year, 12, 31),
        quota=quota,
        status=Programme.Status.OPEN,
        **fields,
    )
    rejection_reasons_seed(programme=programme, actor=TESTS)
    return programme


def expect_postgres() -> bool:
    return os.environ.get("JARING_EXPECT_POSTGRES") == "1"


def queued_applications(
    programme: Programme, count: int, *, start: int = 0, incomes=None, dtks=()
) -> list[Application]:
    """`count` applications of `programme` waiting at its funder's DPPP, inserted set-based: for tests whose
    subject is deciding, not registering. People are numbered from `start` (NIKs stay unique across calls)."""
    kelurahan = Region.objects.get(code="64.71.01.1001")
    sector = Sector.objects.get(code="nelayan")
    agency = (
        Agency.objects.filter(funder=programme.funder, code=AgencyKind.DPPP).first() or programme.owning_agency
    )  # the province has no DPPP: its owning office verifies
    people = Person.objects.bulk_create(
        Person(
            nik=f"6471011508{n:06d}",
            name=f"Nelayan {n:05d}",
            birth_date=date(1990, 8, 15),
            sex=Sex.MALE,
            address="Jl. Pantai",
            kelurahan=kelurahan,
            domicile_since=date(2015, 1, 1),
            sector=sector,
            monthly_income=(incomes or {}).get(n, 2_000_000),
            dtks_listed=n in dtks,
            phone=f"+6281234{n:06d}",
        )
        for n in range(start, start + count)
    )
    now = timezone.now()
    return Application.objects.bulk_create(
        Application(
            number=f"{programme.code}-{n:06d}",
            programme=programme,
            person=person,
            channel=Channel.IMPORT,
            status=ApplicationStatus.AWAITING_VERIFICATION,
            kelurahan=kelurahan,
            sector=sector,
            verifying_agency=agency,
            # One second apart: submission order is the last tie-breaker.
            submitted_at=now - timedelta(days=30) + timedelta(seconds=n),
            queued_at=now,
            verification_due=now.date() + timedelta(days=7),
        )
        for n, person in zip(range(start, start + count), people, strict=True)
    )


def aid_programme(funder: Funder, *, code: str, kind: str, goods: str, unit: str, quota: int) -> Programme:
    return programme_for(
        funder,
        code=code,
        name=f"Bantuan {goods} 2026",
        owner=AgencyKind.DINSOS,
        quota=quota,
        scheme=code.lower().removesuffix("-2026"),
        benefit_kind=kind,
        goods_description=goods,
        goods_unit=unit,
    )
