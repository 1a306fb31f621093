"""Registration through the services: every channel ends here, judged by the programme's own rules."""

from __future__ import annotations

import pytest

from jaring.core.actors import Actor
from jaring.core.errors import PermissionDenied
from jaring.eligibility.models import ExistingParticipant, ParticipantList
from jaring.registry.models import Channel
from jaring.registry.services import DuplicateApplication, applicant_register
from jaring.registry.states import ApplicationStatus
from tests.helpers.applicants import ALL_DOCUMENTS, applicant, parsed
from tests.helpers.reference import LAMARU


def test_an_eligible_ojol_with_every_document_goes_to_the_owning_office_queue(bpn_2026, registration_officer):
    application = applicant_register(
        data=parsed(applicant()),
        programme=bpn_2026,
        channel=Channel.COUNTER,
        actor=registration_officer,
        uploads=ALL_DOCUMENTS,
    )
    assert application.status == ApplicationStatus.AWAITING_VERIFICATION
    assert application.eligible and application.complete
    assert application.verifying_agency == bpn_2026.owning_agency
    assert application.rule_version is not None and application.rule_version.version == 1
    assert {o["rule"] for o in application.eligibility} >= {"region", "domicile_months", "income_ceiling", "age"}


def test_an_ojol_without_the_aplikator_letter_is_returned_as_incomplete_not_refused(bpn_2026, registration_officer):
    application = applicant_register(
        data=parsed(applicant()),
        programme=bpn_2026,
        channel=Channel.COUNTER,
        actor=registration_officer,
        uploads=ALL_DOCUMENTS[:2],
    )
    assert application.status == ApplicationStatus.RETURNED
    assert application.eligible is True and application.complete is False
    assert "Surat keterangan aplikator" in application.status_reason


def test_a_bpjs_participant_is_not_eligible_with_that_reason(bpn_2026, registration_officer, balikpapan):
    source = ParticipantList.objects.create(funder=balikpapan, file_name="bpjs.csv", file_sha256="0" * 64)
    ExistingParticipant.objects.create(nik="6471011508900001", kpj="12345678901", status="aktif", source=source)
    application = applicant_register(
        data=parsed(applicant()), programme=bpn_2026, channel=Channel.COUNTER, actor=registration_officer
    )
    assert application.status == ApplicationStatus.NOT_ELIGIBLE
    assert "KPJ 12345678901" in application.status_reason


def test_a_second_open_application_of_the_same_nik_names_the_first(bpn_2026, registration_officer):
    first = applicant_register(
        data=parsed(applicant()), programme=bpn_2026, channel=Channel.COUNTER, actor=registration_officer
    )
    with pytest.raises(DuplicateApplication) as refused:
        applicant_register(
            data=parsed(applicant()), programme=bpn_2026, channel=Channel.ONLINE, actor=Actor.applicant()
        )
    assert refused.value.number == first.number


def test_a_kelurahan_operator_cannot_register_someone_of_another_kelurahan(bpn_2026, kelurahan_operator_manggar):
    with pytest.raises(PermissionDenied) as refused:
        applicant_register(
            data=parsed(applicant(kode_kelurahan=LAMARU)),
            programme=bpn_2026,
            channel=Channel.KELURAHAN,
            actor=kelurahan_operator_manggar,
        )
    assert refused.value.field == "kode_kelurahan"


def _reassess_queries(programme, make_application, count: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jaring.eligibility.services import rule_version_create
    from jaring.registry.reassessment import applications_reassess

    for _ in range(count):
        make_application(programme, status="awaiting_verification")
    rule_version_create(programme=programme, actor=Actor.system("test"), note="lower age limit", max_age=30)
    with CaptureQueriesContext(connection) as queries:
        counts = applications_reassess(programme=programme, actor=Actor.system("test"))
    assert counts["became_not_eligible"] == count
    return len(queries)


def test_reassessment_costs_the_same_queries_for_3_or_12_applications(make_application, bpn_2026, smd_2026):
    assert _reassess_queries(bpn_2026, make_application, 3) == _reassess_queries(smd_2026, make_application, 12)


def _readmit_queries(programme, make_application, count: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jaring.core.models import Region
    from jaring.eligibility.services import rule_version_create
    from jaring.registry.reassessment import applications_reassess

    village = Region.objects.filter(code__startswith=programme.funder.region.code + ".", level=Region.Level.VILLAGE)
    for _ in range(count):
        make_application(programme, status="awaiting_verification", kelurahan=village.order_by("code")[0].code)
    rule_version_create(programme=programme, actor=Actor.system("test"), note="lower age limit", max_age=30)
    applications_reassess(programme=programme, actor=Actor.system("test"))
    # The limit is raised again and documents are no longer asked: everyone goes back to an agency queue.
    rule_version_create(programme=programme, actor=Actor.system("test"), note="back", max_age=64, required_documents={})
    with CaptureQueriesContext(connection) as queries:
        counts = applications_reassess(programme=programme, actor=Actor.system("test"))
    assert counts["became_eligible"] == count
    assert (
        programme.applications.filter(status="awaiting_verification", verification_due__isnull=False).count() == count
    )
    return len(queries)


def test_readmitting_to_the_queues_costs_the_same_queries_for_3_or_12_applications(
    make_application, bpn_2026, smd_2026
):
    assert _readmit_queries(bpn_2026, make_application, 3) == _readmit_queries(smd_2026, make_application, 12)
