"""Approved places waiting to be registered with BPJS, through the real verification services."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from jaring.registry.models import Application
from jaring.verification.models import Outcome
from jaring.verification.services import DecisionInput, application_decide
from tests.verification.conftest import dishub, dppp, register  # noqa: F401  (fixtures shared with verification)

NAMES = ("Ahmad", "Budi", "Citra", "Dedi", "Eka", "Fajar", "Gita", "Hadi", "Indah", "Joko")


@pytest.fixture
def approved(register, registration_officer, dppp_verifier, bpn_2026) -> Callable[..., list[Application]]:  # type: ignore[no-untyped-def]  # noqa: F811
    """approved(n) -> n fishers of BPN-2026 approved by DPPP, each holding a place."""

    def make(count: int, *, names: tuple[str, ...] = ()) -> list[Application]:
        made = []
        for i in range(count):
            name = names[i] if i < len(names) else f"Nelayan {NAMES[i % len(NAMES)]}"
            application = register(bpn_2026, registration_officer, name=name)
            application_decide(application=application, decision=DecisionInput(Outcome.APPROVE), actor=dppp_verifier)
            application.refresh_from_db()
            made.append(application)
        return made

    return make
