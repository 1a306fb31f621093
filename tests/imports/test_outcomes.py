"""Imported rows are judged and routed exactly as single registrations: the same parser, the same
eligibility engine, the same verification queues, the same records."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jaring.core.models import AccessLog, AuditRecord, User
from jaring.eligibility.models import ExistingParticipant, ParticipantList
from jaring.programmes.models import Programme
from jaring.registry.imports.services import import_batch_run, import_batch_start
from jaring.registry.intake import ReferenceIndex, parse_applicant
from jaring.registry.models import Application, Channel, ImportBatch, Person
from jaring.registry.selectors import applications_visible_to
from jaring.registry.services import applicant_register
from jaring.registry.states import ApplicationStatus
from tests.helpers.imports import csv_bytes, good, outcomes

pytestmark = pytest.mark.django_db
CHECKED = "Kelurahan Manggar"


def imported(batch: ImportBatch, nik: object) -> Application:
    return Application.objects.select_related("verifying_agency").get(programme=batch.programme, person__nik=nik)


def test_with_documents_checked_by_the_office_eligible_rows_go_to_the_queue_of_their_sector(
    run_import: Callable[..., ImportBatch], bpn_2026: Programme
) -> None:
    rows = [
        good(1, sektor="ojol"),
        good(2, sektor="nelayan", aplikator=""),
        good(3, sektor="ojek_pangkalan", aplikator=""),
        good(4, sektor="pedagang", aplikator=""),
    ]
    batch = run_import(csv_bytes(rows), documents_checked_by=CHECKED)
    agencies = {n: imported(batch, good(n)["nik"]).verifying_agency.code for n in (1, 2, 3, 4)}
    assert agencies == {1: "dinsos", 2: "dppp", 3: "dishub", 4: "dinsos"}
    for n in (1, 2, 3, 4):
        application = imported(batch, good(n)["nik"])
        assert application.status == ApplicationStatus.AWAITING_VERIFICATION
        assert application.eligible is True and application.complete is True
        assert application.documents_attestation == CHECKED
    out = outcomes(batch)
    assert out[3].reasons == ["Menunggu verifikasi: Dinas Pangan, Pertanian dan Perikanan Kota Balikpapan"]
    assert out[4].reasons == ["Menunggu verifikasi: Dinas Perhubungan Kota Balikpapan"]


def test_imported_applications_are_in_the_verifiers_queue(
    run_import: Callable[..., ImportBatch], dppp_verifier: User
) -> None:
    batch = run_import(
        csv_bytes([good(1, sektor="nelayan", aplikator="", nama="Syamsul Nelayan")]), documents_checked_by=CHECKED
    )
    assert [a.person.name for a in applications_visible_to(dppp_verifier)] == ["Syamsul Nelayan"]
    assert batch.created_count == 1


def test_without_checked_documents_eligible_rows_are_created_and_returned_for_their_documents(
    run_import: Callable[..., ImportBatch],
) -> None:
    batch = run_import(csv_bytes([good(1, sektor="nelayan", aplikator="")]))
    application = imported(batch, good(1)["nik"])
    assert application.status == ApplicationStatus.RETURNED
    assert (application.eligible, application.complete) == (True, False)
    assert application.documents_attestation == ""
    reason = (
        "Dokumen belum lengkap: Foto KTP, Kartu Keluarga, Bukti sektor (kartu nelayan, surat kelompok tani, surat "
        "usaha)."
    )
    assert application.status_reason == reason
    assert outcomes(batch)[2].status == "created"
    assert outcomes(batch)[2].reasons == [f"Dikembalikan untuk perbaikan: {reason}"]


@pytest.mark.today("2026-11-03")  # domicile from 1 September 2026 is two months old
def test_a_row_that_is_not_eligible_is_created_as_not_eligible_with_the_rules_reasons(
    run_import: Callable[..., ImportBatch], balikpapan: object
) -> None:
    source = ParticipantList.objects.create(funder=balikpapan, file_name="bpjs.csv", file_sha256="0" * 64)
    ExistingParticipant.objects.create(nik=good(2)["nik"], kpj="12345678901", status="aktif", source=source)
    rows = [good(1, penghasilan_bulanan="4.500.000"), good(2), good(3, domisili_sejak="01-09-2026")]
    batch = run_import(csv_bytes(rows), documents_checked_by=CHECKED)
    out = outcomes(batch)
    assert [out[n].status for n in (2, 3, 4)] == ["created"] * 3
    assert all(imported(batch, good(n)["nik"]).status == ApplicationStatus.NOT_ELIGIBLE for n in (1, 2, 3))
    assert out[2].reasons[0].startswith("Tidak memenuhi syarat: Penghasilan Rp4.500.000 per bulan melebihi batas")
    assert "KPJ 12345678901" in out[3].reasons[0]
    assert "baru" in out[4].reasons[0] and "syarat minimal 6 bulan" in out[4].reasons[0]


def test_an_imported_row_is_judged_exactly_as_the_same_applicant_registered_at_the_counter(
    run_import: Callable[..., ImportBatch], bpn_2026: Programme, registration_officer: User
) -> None:
    row = good(1, penghasilan_bulanan="3.900.000", sektor="petani", aplikator="")
    batch = run_import(csv_bytes([row]))
    imported_application = imported(batch, row["nik"])
    values = {k: str(v) for k, v in good(2, penghasilan_bulanan="3.900.000", sektor="petani", aplikator="").items()}
    data = parse_applicant(values, index=ReferenceIndex.load(), region_code="64.71", today=timezone.localdate()).data
    assert data is not None
    counter = applicant_register(data=data, programme=bpn_2026, channel=Channel.COUNTER, actor=registration_officer)
    assert imported_application.status == counter.status == ApplicationStatus.NOT_ELIGIBLE
    assert imported_application.eligibility == counter.eligibility
    assert imported_application.status_reason == counter.status_reason
    assert imported_application.rule_version_id == counter.rule_version_id


def test_an_imported_application_records_its_channel_importer_rule_version_and_warnings(
    run_import: Callable[..., ImportBatch], registration_officer: User
) -> None:
    # The NIK says born 15-08-90; the row says 16-08-1990: kept, with a warning.
    batch = run_import(csv_bytes([good(1, tanggal_lahir="16-08-1990")]), documents_checked_by=CHECKED)
    application = imported(batch, good(1)["nik"])
    assert application.channel == Channel.IMPORT
    assert application.created_by == registration_officer
    assert application.rule_version is not None and application.assessed_at is not None
    assert application.submitted_at is not None
    assert {o["rule"] for o in application.eligibility} >= {"region", "domicile_months", "income_ceiling", "age"}
    assert [w["field"] for w in application.warnings] == ["nik"]
    reasons = outcomes(batch)[2].reasons
    assert reasons[1].startswith("Peringatan: Kolom nik: menurut NIK tanggal lahirnya 15-08-90")


def test_every_created_application_is_audited_with_its_batch_and_where_it_went(
    run_import: Callable[..., ImportBatch], registration_officer: User
) -> None:
    batch = run_import(csv_bytes([good(1), good(2, nik="x")]), documents_checked_by=CHECKED)
    application = imported(batch, good(1)["nik"])
    records = AuditRecord.objects.filter(target_type="registry.application", target_id=str(application.pk))
    by_action = {record.action: record for record in records}
    # One record per imported application tells the whole state change: created, judged, routed.
    assert set(by_action) == {"application.create"} and len(records) == 1
    assert by_action["application.create"].data["channel"] == "import"
    assert by_action["application.create"].data["batch"] == batch.pk
    assert by_action["application.create"].data["person_record"] == "created"
    routing = by_action["application.create"].data
    assert routing["transitions"] == ["submit", "send_to_verification"]
    assert (routing["from"], routing["to"], routing["eligible"], routing["complete"]) == (
        "draft",
        "awaiting_verification",
        True,
        True,
    )
    assert all(
        record.actor == registration_officer and record.funder_id == batch.programme.funder_id for record in records
    )
    assert AuditRecord.objects.filter(action="import.create", target_id=str(batch.pk)).exists()
    finish = AuditRecord.objects.get(action="import.finish", target_id=str(batch.pk))
    assert finish.data == {"created": 1, "duplicate": 0, "rejected": 1}


def test_a_known_person_is_brought_up_to_date_and_the_change_is_audited(
    run_import: Callable[..., ImportBatch], smd_2026: Programme, make_application: Callable[..., Application]
) -> None:
    elsewhere = make_application(smd_2026, kelurahan="64.72.01.1001")
    person = elsewhere.person
    batch = run_import(csv_bytes([good(1, nik=person.nik, alamat="Jl. Baru No. 1", nama=person.name)]))
    person.refresh_from_db()
    assert person.address == "Jl. Baru No. 1"
    assert Person.objects.filter(nik=person.nik).count() == 1
    update = AuditRecord.objects.get(action="person.update", target_id=str(person.pk))
    assert "address" in update.data["fields"] and update.data["batch"] == batch.pk
    assert not AccessLog.objects.exists()


def test_the_import_runs_set_based_with_no_query_per_row(bpn_2026: Programme, registration_officer: User) -> None:

    def queries_for(rows: int, first: int) -> int:
        content = csv_bytes([good(n) for n in range(first, first + rows)] + [good(first, nik="x")])
        batch, checked = import_batch_start(
            programme=bpn_2026, actor=registration_officer, file_name=f"{first}.csv", content=content, enqueue=False
        )
        with CaptureQueriesContext(connection) as captured:
            done = import_batch_run(batch=batch, checked=checked, chunk_size=500)
        assert done.created_count == rows
        return len(captured.captured_queries)

    # 195 more rows cost no more queries on PostgreSQL (COPY), and a few on SQLite, whose bulk inserts Django
    # splits into statements of at most 999 parameters: nothing per row.
    few, many = queries_for(5, 1), queries_for(200, 100)
    assert many - few <= (0 if connection.vendor == "postgresql" else 10)
