"""Balikpapan's food aid for poor elderly people (monthly packages for a year) and its prosthetic legs (once),
with recipients who took their place in January, the way every programme's approved applicants do."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import time_machine

from jaring.allocation.models import Place
from jaring.core.models import Funder, User
from jaring.programmes.models import BenefitKind, Programme
from jaring.registry.models import Application
from jaring.verification.models import Outcome
from jaring.verification.services import DecisionInput, application_decide
from tests.conftest import morning_of
from tests.helpers.reference import aid_programme


@pytest.fixture
def food_aid(balikpapan: Funder) -> Programme:
    return aid_programme(
        balikpapan,
        code="BPN-SEMBAKO-2026",
        kind=BenefitKind.GOODS_MONTHLY,
        goods="Paket sembako lansia miskin",
        unit="paket",
        quota=80,
    )


@pytest.fixture
def prosthetic_legs(balikpapan: Funder) -> Programme:
    return aid_programme(
        balikpapan,
        code="BPN-KAKIPALSU-2026",
        kind=BenefitKind.GOODS_ONCE,
        goods="Kaki palsu",
        unit="unit",
        quota=13,
    )


@pytest.fixture
def recipient_of(register, registration_officer: User, dppp_verifier: User) -> Callable[..., Place]:
    """recipient_of(programme, name=...) -> the place of a person registered and approved on 5 January 2026."""

    def make(programme: Programme, *, name: str = "Siti Aminah") -> Place:
        with time_machine.travel(morning_of("2026-01-05"), tick=False):
            application: Application = register(programme, registration_officer, name=name)
            application_decide(application=application, decision=DecisionInput(Outcome.APPROVE), actor=dppp_verifier)
        return Place.objects.get(application=application)

    return make
