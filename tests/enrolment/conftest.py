"""Fixtures of the enrolment tests."""

from __future__ import annotations

import pytest

from jaring.enrolment.models import Membership
from jaring.enrolment.services import Answer, batch_answers_apply, batch_create
from jaring.verification.models import Outcome
from jaring.verification.services import DecisionInput, application_decide


@pytest.fixture
def members(register, registration_officer, dppp_verifier, bpn_2026, programme_manager):
    """members(("Ahmad", MANGGAR), ...) -> active memberships of BPN-2026, accepted by BPJS in one batch."""

    def make(*people: tuple[str, str]) -> list[Membership]:
        applications = []
        for name, kelurahan in people:
            application = register(bpn_2026, registration_officer, name=name, kelurahan=kelurahan)
            application_decide(application=application, decision=DecisionInput(Outcome.APPROVE), actor=dppp_verifier)
            applications.append(application)
        batch_create(programme=bpn_2026, actor=programme_manager)
        batch_answers_apply(
            programme=bpn_2026,
            answers=[
                Answer(i + 2, app.person.nik, True, kpj=f"{26100000000 + app.pk * 13:011d}")
                for i, app in enumerate(applications)
            ],
            actor=programme_manager,
        )
        return list(
            Membership.objects.filter(application__in=applications)
            .select_related("person", "programme__funder")
            .order_by("pk")
        )

    return make
