"""Where the check is used: the registry-wide scan (a background job with progress), the list check offered on the
import page before the list is loaded, and the counter's likely match while the officer types."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from jaring.core.models import AccessLog, Job, User
from jaring.duplicates.models import MatchPair, PersonMerge
from jaring.duplicates.tasks import file_check_task, registry_scan
from jaring.programmes.models import Programme
from jaring.registry.models import Application, Channel, Person
from jaring.registry.services import application_create
from tests.duplicates.conftest import HASAN, HUSAIN, MUHAMMAD, SITI, registered, with_changes, xlsx_of
from tests.helpers.reference import TESTS

pytestmark = pytest.mark.django_db


def apply(person: Person, programme: Programme) -> Application:
    return application_create(person=person, programme=programme, channel=Channel.COUNTER, actor=TESTS)


def test_the_registry_scan_runs_as_a_job_with_progress_and_queues_what_it_finds(
    bpn_2026: Programme, smd_2026: Programme, registration_officer: User, client_for: Callable[[User], Client]
) -> None:
    siti, again = registered(SITI), registered(with_changes(SITI, nik="6471015203880008", nama="Siti Rachmawati"))
    hasan, husain = registered(HASAN), registered(HUSAIN)
    other = registered(with_changes(MUHAMMAD, nama="Muhammad Rizki"))
    elsewhere = registered(with_changes(MUHAMMAD, nik="6471011708900010", nama="M. Rizky"))
    for person in (siti, hasan, husain):
        apply(person, bpn_2026)
    apply(other, smd_2026)  # Samarinda's people, of no concern to Balikpapan's scan
    apply(elsewhere, smd_2026)
    client = client_for(registration_officer)

    response = client.post("/duplikat/pindai/")

    job = Job.objects.get(kind="duplicates.scan")
    assert response["Location"] == f"/duplikat/pindai/{job.pk}/"
    assert "job-progress" in client.get(response["Location"]).content.decode()
    registry_scan.call(job_id=job.pk)  # as the worker runs it
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.done == job.total > 0
    assert job.result["persons"] == 6 and job.result["new"] == 1
    pair = MatchPair.objects.get()
    assert {pair.person_a_id, pair.person_b_id} == {siti.pk, again.pk}
    assert pair.found_by == job and pair.probability >= 0.9
    assert f"/duplikat/{pair.pk}/" in client.get("/duplikat/").content.decode()
    # The twins were compared and kept apart; nothing merged without an officer.
    assert not PersonMerge.objects.exists()

    # Run twice (a worker restarted): the same pair, not a second one.
    second = Job.objects.create(kind=job.kind, label="again", created_by=registration_officer, params=job.params)
    registry_scan.call(job_id=second.pk)
    assert MatchPair.objects.count() == 1


def test_the_scan_may_merge_what_is_surely_one_person_of_the_officers_own_funder(
    bpn_2026: Programme, registration_officer: User, client_for: Callable[[User], Client]
) -> None:
    siti, again = registered(SITI), registered(with_changes(SITI, nik="6471015203880008", nama="Siti Rachmawati"))
    apply(siti, bpn_2026)
    client_for(registration_officer).post("/duplikat/pindai/", {"auto_merge": "1"})
    job = Job.objects.get(kind="duplicates.scan")
    registry_scan.call(job_id=job.pk)
    merge = PersonMerge.objects.get()
    assert (merge.survivor, merge.merged, merge.created_by) == (siti, again, registration_officer)
    assert Job.objects.get(pk=job.pk).result["merged"] == 1


def test_the_import_page_offers_the_check_before_the_list_is_loaded(
    bpn_2026: Programme, registration_officer: User, client_for: Callable[[User], Client], settings: Any
) -> None:
    registered(MUHAMMAD)
    apply(Person.objects.get(nik=MUHAMMAD["nik"]), bpn_2026)
    client = client_for(registration_officer)
    page = client.get("/impor/").content.decode()
    assert 'formaction="/duplikat/berkas/"' in page

    listing = xlsx_of([SITI, with_changes(SITI, nama="SITI RAHMAWATY"), with_changes(MUHAMMAD, nik="6471011708900007")])
    upload = SimpleUploadedFile("daftar.xlsx", listing)
    response = client.post(
        "/duplikat/berkas/",
        {"programme": bpn_2026.pk, "file": upload, "documents_checked_by": "", "from_import": "1"},
    )

    job = Job.objects.get(kind="duplicates.file_check")
    assert response["Location"] == f"/duplikat/berkas/{job.pk}/"
    assert job.params["against_registry"] is True
    assert not Application.objects.filter(channel=Channel.IMPORT).exists()  # nothing was loaded
    file_check_task.call(job_id=job.pk)
    assert not list((settings.MEDIA_ROOT / "duplicates").glob("list-*"))  # the uploaded list is not kept
    page = client.get(response["Location"]).content.decode()
    assert "2 pasangan" in page
    assert "6471**********01" in page  # the registered Muhammad, masked on the page
    download = client.get(reverse("core:job_download", args=[job.pk]))
    text = b"".join(download.streaming_content).decode()  # type: ignore[attr-defined]
    assert text.splitlines()[0] == "row_a,row_b,nik_b,score,reasons"
    assert f",,{MUHAMMAD['nik']}," in text  # the CSV itself names the NIK, as the spec's does


def test_a_list_that_cannot_be_read_fails_its_check_with_the_reason(
    bpn_2026: Programme, registration_officer: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(registration_officer)
    upload = SimpleUploadedFile("daftar.csv", b"judul;lain\n1;2\n")
    client.post("/duplikat/berkas/", {"programme": bpn_2026.pk, "file": upload})
    job = Job.objects.get(kind="duplicates.file_check")
    file_check_task.call(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "nik, nama, tanggal_lahir" in job.message


def test_a_list_of_another_funders_programme_is_refused(
    smd_2026: Programme, bpn_2026: Programme, registration_officer: User, client_for: Callable[[User], Client]
) -> None:
    upload = SimpleUploadedFile("daftar.xlsx", xlsx_of([SITI]))
    response = client_for(registration_officer).post("/duplikat/berkas/", {"programme": smd_2026.pk, "file": upload})
    assert response.status_code == 400
    assert not Job.objects.filter(kind="duplicates.file_check").exists()


def test_the_counter_shows_a_likely_match_while_a_nik_is_typed_one_digit_off(
    bpn_2026: Programme, registration_officer: User, client_for: Callable[[User], Client]
) -> None:
    siti = registered(SITI)
    apply(siti, bpn_2026)
    client = client_for(registration_officer)
    assert 'hx-post="/duplikat/loket/"' in client.get("/pendaftaran/baru/").content.decode()

    fragment = client.post("/duplikat/loket/", {"q": "6471 0152 0388 0009"}).content.decode()

    assert "Siti Rahmawati" in fragment and "6471**********03" in fragment
    assert "NIK beda 1 angka" in fragment
    assert siti.nik not in fragment
    assert AccessLog.objects.filter(actor=registration_officer, what="duplicate_suggestion").exists()


def test_the_counter_finds_a_name_spelt_another_way(
    bpn_2026: Programme, registration_officer: User, client_for: Callable[[User], Client]
) -> None:
    apply(registered(MUHAMMAD), bpn_2026)
    fragment = client_for(registration_officer).post("/duplikat/loket/", {"q": "M. Rizky Pratama"}).content.decode()
    assert "Muhammad Rizki Pratama" in fragment
    assert "nama sama setelah ejaan disamakan" in fragment


def test_the_counter_tells_of_another_funders_record_without_its_data(
    smd_2026: Programme, registration_officer: User, client_for: Callable[[User], Client]
) -> None:
    apply(registered(SITI), smd_2026)
    fragment = client_for(registration_officer).post("/duplikat/loket/", {"q": "6471015203880009"}).content.decode()
    assert "pemberi dana lain" in fragment and "SMD-2026" in fragment
    assert "Siti Rahmawati" not in fragment


def test_the_counter_suggests_nothing_to_an_outsider(
    bpn_2026: Programme, outsider: User, client_for: Callable[[User], Client]
) -> None:
    apply(registered(SITI), bpn_2026)
    response = client_for(outsider).post("/duplikat/loket/", {"q": "6471015203880009"})
    assert response.status_code == 403
    assert b"Siti" not in response.content


def test_twins_typed_at_the_counter_are_offered_as_a_likely_match_to_be_checked(
    bpn_2026: Programme, registration_officer: User, client_for: Callable[[User], Client]
) -> None:
    """Typing Husain's NIK finds Hasan's one serial digit apart: the officer checks the KTP; nothing is merged."""
    apply(registered(HASAN), bpn_2026)
    fragment = client_for(registration_officer).post("/duplikat/loket/", {"q": HUSAIN["nik"]}).content.decode()
    assert "Hasan Basri" in fragment and "nomor urut" in fragment
