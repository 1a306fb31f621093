"""A NIK that disagrees with the stated birth date or sex (DOMAIN, Identifiers): not refused, since either may be
the mistake, but the person registering confirms it against the KTP, and the verifier sees it flagged in the queue
and on the decision page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from jaring.core.models import AuditRecord, Role, User
from jaring.programmes.models import Programme
from jaring.registry.models import Application
from jaring.registry.selectors import identity_confirmation_of
from tests.helpers.counter import files, form
from tests.registry.test_officer_pages import NEW
from tests.registry.test_public import IDENTITY, fill, step

pytestmark = pytest.mark.today("2026-11-03")

ClientFor = Callable[[User], Client]

# A woman born 01-07-1988 in Balikpapan Timur (41 = 1 + 40), registered as a man born 02-07-1988.
WOMANS_NIK = "6471014107880001"
MISMATCH = {"nik": WOMANS_NIK, "tanggal_lahir": "02-07-1988", "jenis_kelamin": "L"}
DOCUMENTS = ("ktp", "kk", "aplikator_letter")


def test_the_counter_asks_the_officer_to_confirm_a_nik_that_disagrees_and_saves_nothing_before(
    bpn_2026: Programme, registration_officer: User, client_for: ClientFor
) -> None:
    client = client_for(registration_officer)
    response = client.post(NEW, form(bpn_2026, token="m1", documents=DOCUMENTS, **MISMATCH))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="identity-warnings"' in html
    assert "Menurut NIK, pemiliknya perempuan" in html
    assert "Menurut NIK, tanggal lahirnya 01-07-88, tetapi tanggal lahir yang diisi 02-07-1988." in html
    assert 'name="cocok_ktp"' in html and "pilih ulang berkasnya" in html
    assert not Application.objects.exists()


def test_once_confirmed_the_counter_saves_it_with_the_warning_and_who_confirmed(
    bpn_2026: Programme, registration_officer: User, client_for: ClientFor
) -> None:
    client = client_for(registration_officer)
    data = form(bpn_2026, token="m2", documents=DOCUMENTS, **MISMATCH)
    response = client.post(NEW, {**data, "cocok_ktp": "1"})
    assert response.status_code == 302
    application = Application.objects.get()
    assert len(application.warnings) == 2
    record = AuditRecord.objects.get(action="application.identity_confirm", target_id=str(application.pk))
    assert record.actor == registration_officer and len(record.data["warnings"]) == 2


def test_a_nik_that_agrees_needs_no_confirmation(
    bpn_2026: Programme, registration_officer: User, client_for: ClientFor
) -> None:
    response = client_for(registration_officer).post(NEW, form(bpn_2026, token="m3", documents=DOCUMENTS))
    assert response.status_code == 302
    assert not AuditRecord.objects.filter(action="application.identity_confirm").exists()


def test_the_verifier_sees_the_mismatch_in_the_queue_and_on_the_decision_page(
    bpn_2026: Programme, registration_officer: User, client_for: ClientFor, make_officer: Callable[..., User]
) -> None:
    # An ojol driver goes to the owning office (Dinas Sosial), whose verifier decides.
    verifier = make_officer("dinsos_verifier", Role.VERIFIER, bpn_2026.funder, agency=bpn_2026.owning_agency)
    clerk = client_for(registration_officer)
    clerk.post(NEW, {**form(bpn_2026, token="m4", documents=DOCUMENTS, **MISMATCH), "cocok_ktp": "1"})
    clerk.post(NEW, form(bpn_2026, token="m5", documents=DOCUMENTS, nik="6471011508900002", nama="Agus Salim"))
    doubtful = Application.objects.get(person__nik=WOMANS_NIK)
    fine = Application.objects.get(person__nik="6471011508900002")

    client = client_for(verifier)
    queue = client.get("/verifikasi/").content.decode()
    assert (
        f'id="nik-warning-{doubtful.number}"' in queue
        and "Cek NIK" in queue
        and "NIK tidak cocok dengan tanggal lahir atau jenis kelamin" in queue
    )
    assert f'id="nik-warning-{fine.number}"' not in queue

    page = client.get(f"/verifikasi/{doubtful.number}/").content.decode()
    check = page.split('id="nik-check"', 1)[1].split("</tr>", 1)[0]
    assert "Perlu dicek" in check and "menurut NIK jenis kelaminnya perempuan" in check
    assert "Registration Officer menyatakan sudah mencocokkannya dengan KTP asli pemohon." in check
    assert "Cocok" in client.get(f"/verifikasi/{fine.number}/").content.decode().split('id="nik-check"', 1)[1]


def test_files_of_a_counter_registration_are_only_kept_with_the_confirmation(
    bpn_2026: Programme, registration_officer: User, client_for: ClientFor
) -> None:
    # The same form sent twice, the second time confirmed: saved once, with its three documents.
    client = client_for(registration_officer)
    client.post(NEW, form(bpn_2026, token="m6", documents=DOCUMENTS, **MISMATCH))
    client.post(NEW, {**form(bpn_2026, token="m6", **MISMATCH), **files(*DOCUMENTS), "cocok_ktp": "1"})
    assert Application.objects.get().documents.count() == 3


def test_an_applicant_online_confirms_once_and_the_verifier_reads_that_the_applicant_did(
    client: Client, bpn_2026: Programme
) -> None:
    client.post(step("program"), {"programme": "BPN-2026"})
    refused = client.post(step("identitas"), {**IDENTITY, **MISMATCH})
    assert refused.status_code == 400 and 'id="identity-warnings"' in refused.content.decode()
    fill(client, identity={**MISMATCH, "cocok_ktp": "1"})
    review = client.get(step("periksa")).content.decode()
    assert 'id="identity-confirmed"' in review and "Menurut NIK, pemiliknya perempuan" in review
    assert client.post(step("periksa"), {"pernyataan": "1"}).status_code == 302
    application = Application.objects.get()
    declared = AuditRecord.objects.get(action="application.declare", target_id=str(application.pk))
    assert len(declared.data["identity_confirmed"]["warnings"]) == 2
    assert identity_confirmation_of(application) == "Pemohon menyatakan data ini sesuai KTP-nya."
