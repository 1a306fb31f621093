"""Applications waiting in the fishery office's queue, inserted directly (benchmarks whose subject comes after
registration: deciding, enrolling, re-verifying). Call after django.setup()."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any


def queued_fishers(*, programme: Any, agency: Any, count: int, first: int = 0) -> list[int]:
    """`count` fishers of Manggar with applications awaiting `agency`'s verification; their application ids.
    `first` numbers them on from an earlier call (NIKs and registration numbers stay unique)."""
    from django.utils import timezone

    from jaring.core.models import Region, Sector
    from jaring.registry.models import Application, Channel, Person, Sex
    from jaring.registry.states import ApplicationStatus

    kelurahan = Region.objects.get(code="64.71.01.1001")
    sector = Sector.objects.get(code="nelayan")
    people = Person.objects.bulk_create(
        (
            Person(
                nik=f"6471011508{n:06d}",
                name=f"Nelayan {n}",
                birth_date=date(1990, 8, 15),
                sex=Sex.MALE,
                address="Jl. Pantai",
                kelurahan=kelurahan,
                domicile_since=date(2015, 1, 1),
                sector=sector,
                monthly_income=2_000_000,
                phone=f"+6281234{n:06d}",
            )
            for n in range(first, first + count)
        ),
        batch_size=2000,
    )
    now = timezone.now()
    applications = Application.objects.bulk_create(
        (
            Application(
                number=f"{programme.code}-Q{first + n:07d}",
                programme=programme,
                person=person,
                channel=Channel.IMPORT,
                status=ApplicationStatus.AWAITING_VERIFICATION,
                kelurahan=kelurahan,
                sector=sector,
                verifying_agency=agency,
                submitted_at=now,
                queued_at=now,
                verification_due=now.date() + timedelta(days=7),
            )
            for n, person in enumerate(people)
        ),
        batch_size=2000,
    )
    return [application.pk for application in applications]
