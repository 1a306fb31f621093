"""The branch's list of existing participants holds the programme's own members: at the yearly re-verification
a continuing member is not refused as "covered elsewhere" by the cover the funder itself pays (issue 20)."""

from __future__ import annotations

import pytest

from jaring.core.models import MinimumWage
from jaring.eligibility.models import ExistingParticipant, ParticipantList
from jaring.enrolment.models import Membership
from jaring.enrolment.services import (
    Answer,
    batch_answers_apply,
    batch_create,
    reverification_run,
    reverification_start,
)
from jaring.registry.models import Application
from jaring.registry.states import ApplicationStatus as S
from tests.conftest import programme_for

pytestmark = pytest.mark.today("2026-11-03")


def test_a_continuing_member_on_the_branch_list_is_not_refused_but_cover_under_another_kpj_is(  # type: ignore[no-untyped-def]
    approved, bpn_2026, programme_manager, balikpapan
):
    applications = approved(3)
    batch_create(programme=bpn_2026, actor=programme_manager)
    batch_answers_apply(
        programme=bpn_2026,
        answers=[Answer(i, a.person.nik, True, kpj=f"{12345678900 + i}") for i, a in enumerate(applications)],
        actor=programme_manager,
    )
    members = {m.person.nik: m for m in Membership.objects.filter(programme=bpn_2026).select_related("person")}
    assert len(members) == 3
    # The branch's list, as it plausibly comes: every member under its own KPJ, one of them also registered under
    # another KPJ by an employer (that is cover from elsewhere), and one row without a KPJ.
    source = ParticipantList.objects.create(funder=balikpapan, file_name="peserta-bpjs.csv", file_sha256="0" * 64)
    first, second, third = (a.person.nik for a in applications)
    ExistingParticipant.objects.create(nik=first, kpj=members[first].kpj, segment="BPU", status="aktif", source=source)
    ExistingParticipant.objects.create(nik=second, kpj="", status="aktif", source=source)
    ExistingParticipant.objects.create(nik=third, kpj="99999999999", segment="PU", status="aktif", source=source)

    MinimumWage.objects.create(region=balikpapan.region, year=2027, amount=4_050_000)
    bpn_2027 = programme_for(balikpapan, code="BPN-2027", name="Balikpapan 2027", owner="dinsos", quota=7100, year=2027)
    campaign = reverification_start(source=bpn_2026, target=bpn_2027, actor=programme_manager)
    counts = reverification_run(campaign=campaign, actor=programme_manager)

    assert (counts["to_verification"], counts["not_eligible"]) == (2, 1)
    renewal = {a.person.nik: a for a in Application.objects.filter(programme=bpn_2027).select_related("person")}
    assert renewal[first].status == renewal[second].status == S.AWAITING_VERIFICATION
    assert renewal[third].status == S.NOT_ELIGIBLE and "99999999999" in renewal[third].status_reason
