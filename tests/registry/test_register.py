"""Registration through the services: every channel ends here, judged by the programme's own rules."""

from __future__ import annotations

from datetime import date

import pytest

from jaring.core.actors import Actor
from jaring.core.errors import PermissionDenied
from jaring.eligibility.models import DocumentKind, ExistingParticipant, ParticipantList
from jaring.registry.intake import ReferenceIndex, parse_applicant
from jaring.registry.models import Channel
from jaring.registry.services import DuplicateApplication, Upload, applicant_register
from jaring.registry.states import ApplicationStatus
from tests.conftest import LAMARU, MANGGAR

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32 + b"IEND\xaeB`\x82"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TODAY = date(2026, 11, 3)


def applicant(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "nik": "6471011508900001",
        "no_kk": "6471010101100001",
        "nama": "Budi Santoso",
        "tempat_lahir": "Balikpapan",
        "tanggal_lahir": "15-08-1990",
        "jenis_kelamin": "L",
        "nama_ibu_kandung": "Siti Aminah",
        "alamat": "Jl. Mulawarman No. 12",
        "rt": "5",
        "rw": "2",
        "kode_kelurahan": MANGGAR,
        "domisili_sejak": "2015-01-01",
        "no_hp": "0812-3456-7890",
        "sektor": "ojol",
        "penghasilan_bulanan": "Rp2.500.000",
        "aplikator": "Gojek",
    }
    values.update(overrides)
    return values


def parsed(values: dict[str, object]):  # type: ignore[no-untyped-def]
    result = parse_applicant(values, index=ReferenceIndex.load(), region_code="64.71", today=TODAY)
    assert result.data is not None, result.errors
    return result.data


ALL_DOCUMENTS = [
    Upload(DocumentKind.KTP, PNG, "ktp.png"),
    Upload(DocumentKind.KK, PDF, "kk.pdf"),
    Upload(DocumentKind.APLIKATOR_LETTER, PDF, "surat.pdf"),
]


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


def _reassess_queries(programme, make_application, count: int) -> int:  # type: ignore[no-untyped-def]
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


def test_reassessment_costs_the_same_queries_for_3_or_12_applications(make_application, bpn_2026, smd_2026):  # type: ignore[no-untyped-def]
    assert _reassess_queries(bpn_2026, make_application, 3) == _reassess_queries(smd_2026, make_application, 12)


def _readmit_queries(programme, make_application, count: int) -> int:  # type: ignore[no-untyped-def]
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
):  # type: ignore[no-untyped-def]
    assert _readmit_queries(bpn_2026, make_application, 3) == _readmit_queries(smd_2026, make_application, 12)
