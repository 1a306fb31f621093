""" "Ekspor Excel" on every list page: what the filter shows, within the officer's scope, as a real XLSX file;
NIKs masked unless the role sends lists to BPJS; every person in a file logged as a personal-data access."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook

from jaring.core.models import AccessLog, Job, User
from jaring.enrolment.models import Card, Membership
from jaring.programmes.models import Programme
from jaring.registry.models import Application, Person
from jaring.registry.states import ApplicationStatus
from jaring.reports.exports import list_export
from tests.reports.conftest import LAMARU, MANGGAR, M, Make

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], Client]
Maker = Callable[..., Application]


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def export(client: Client, path: str, data: dict[str, str] | None = None) -> Job:
    """Press the list's "Ekspor Excel" and run the job as the worker does."""
    before = set(Job.objects.values_list("pk", flat=True))
    response = client.post(path, data or {})
    assert response.status_code == 302, response.content[:500]
    [job] = Job.objects.exclude(pk__in=before)
    assert response["Location"] == f"/pekerjaan/{job.pk}/"
    list_export.call(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.message
    return job


def sheet_rows(job: Job) -> list[dict[str, Any]]:
    workbook = load_workbook(Path(settings.MEDIA_ROOT) / job.result["file"])
    sheet = workbook.worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    header = values[0]
    return [dict(zip(header, row, strict=True)) for row in values[1:]]


@pytest.fixture
def applicants(bpn_2026: Programme, make_application: Maker) -> list[Application]:
    return [
        make_application(bpn_2026, kelurahan=MANGGAR, sector="nelayan", name="Ahmad Manggar"),
        make_application(bpn_2026, kelurahan=MANGGAR, sector="ojol", name="Budi Manggar", status="submitted"),
        make_application(bpn_2026, kelurahan=LAMARU, sector="nelayan", name="Citra Lamaru"),
    ]


def test_a_kelurahan_operators_export_holds_only_their_kelurahan(
    kelurahan_operator_manggar: User, client_for: ClientFor, applicants: list[Application]
) -> None:
    job = export(client_for(kelurahan_operator_manggar), "/ekspor/pendaftaran/")
    rows = sheet_rows(job)
    assert sorted(row["Nama"] for row in rows) == ["Ahmad Manggar", "Budi Manggar"]
    assert {row["Kelurahan"] for row in rows} == {"Manggar"}
    nik = applicants[0].person.nik
    assert {row["NIK"] for row in rows} >= {nik[:4] + "*" * 10 + nik[-2:]}  # masked
    logged = AccessLog.objects.filter(actor=kelurahan_operator_manggar, what="export_pendaftaran")
    assert sorted(logged.values_list("person_label", flat=True)) == ["Ahmad Manggar", "Budi Manggar"]
    assert set(logged.values_list("path", flat=True)) == {"/pendaftaran/"}


def test_the_export_holds_what_the_filter_shows(
    registration_officer: User, client_for: ClientFor, applicants: list[Application]
) -> None:
    job = export(client_for(registration_officer), "/ekspor/pendaftaran/?status=submitted&page=2")
    assert [row["Nama"] for row in sheet_rows(job)] == ["Budi Manggar"]
    assert job.params["filters"] == {"status": "submitted", "query": ""}


def test_a_search_kept_in_the_session_is_exported_as_it_is_listed(
    registration_officer: User, client_for: ClientFor, applicants: list[Application]
) -> None:
    client = client_for(registration_officer)
    listed = client.post("/pendaftaran/", {"q": "Citra"})
    key = listed["Location"].split("cari=")[1]
    job = export(client, f"/ekspor/pendaftaran/?cari={key}")
    assert [row["Nama"] for row in sheet_rows(job)] == ["Citra Lamaru"]


def test_the_manager_gets_whole_niks_as_text_and_everyone_else_masked(
    programme_manager: User, auditor: User, client_for: ClientFor, bpn_2026: Programme, members: Make
) -> None:
    made = members(bpn_2026, [M(MANGGAR), M(LAMARU, status=Membership.Status.NON_ACTIVE)])
    manager_job = export(client_for(programme_manager), "/ekspor/peserta/", {"program": "BPN-2026"})
    rows = sheet_rows(manager_job)
    assert sorted(row["NIK"] for row in rows) == sorted(m.person.nik for m in made)
    workbook = load_workbook(Path(settings.MEDIA_ROOT) / manager_job.result["file"])
    assert workbook.worksheets[0]["C2"].number_format == "@"  # Excel keeps the sixteen digits
    assert manager_job.result["nik"] == "full"
    auditor_job = export(client_for(auditor), "/ekspor/peserta/?status=non_active", {"program": "BPN-2026"})
    [row] = sheet_rows(auditor_job)
    assert row["NIK"] == made[1].person.nik[:4] + "**********" + made[1].person.nik[-2:]
    assert row["Status"] == "Nonaktif"
    about = load_workbook(Path(settings.MEDIA_ROOT) / auditor_job.result["file"])["Keterangan"]
    assert any(cell.value == "disamarkan" for line in about.iter_rows() for cell in line)


def test_the_outsider_and_other_funders_are_refused(
    outsider: User, samarinda_officer: User, client_for: ClientFor, applicants: list[Application]
) -> None:
    assert client_for(outsider).post("/ekspor/pendaftaran/").status_code == 403
    assert client_for(samarinda_officer).post("/ekspor/peserta/", {"program": "BPN-2026"}).status_code == 404
    assert Client().post("/ekspor/pendaftaran/").status_code == 302  # to the log-in page
    assert not Job.objects.filter(kind__startswith="export.").exists()


def test_a_leader_who_reads_figures_cannot_export_people(
    leadership: User, client_for: ClientFor, applicants: list[Application]
) -> None:
    assert client_for(leadership).post("/ekspor/pendaftaran/").status_code == 403
    assert client_for(leadership).post("/ekspor/tempat/", {"program": "BPN-2026"}).status_code == 403


def test_an_unknown_list_is_not_found(registration_officer: User, client_for: ClientFor) -> None:
    assert client_for(registration_officer).post("/ekspor/rahasia/").status_code == 404


def test_a_verifier_exports_their_agencys_queue(
    dppp_verifier: User, client_for: ClientFor, applicants: list[Application], make_application: Maker
) -> None:
    make_application(applicants[0].programme, sector="ojek_pangkalan", name="Dedi Dishub")
    job = export(client_for(dppp_verifier), "/ekspor/antrean/?status=waiting")
    assert sorted(row["Nama"] for row in sheet_rows(job)) == ["Ahmad Manggar", "Citra Lamaru"]
    assert all("*" in row["NIK"] for row in sheet_rows(job))


def test_the_manager_exports_places_and_the_waitlist_in_its_order(
    programme_manager: User, client_for: ClientFor, bpn_2026: Programme, members: Make, make_application: Maker
) -> None:
    members(bpn_2026, [M(), M(status=Membership.Status.ENDED, ends=date(2026, 3, 31))])
    client = client_for(programme_manager)
    active = sheet_rows(export(client, "/ekspor/tempat/?status=aktif", {"program": "BPN-2026"}))
    every = sheet_rows(export(client, "/ekspor/tempat/?status=semua", {"program": "BPN-2026"}))
    assert (len(active), len(every)) == (1, 2)
    waiting = [make_application(bpn_2026, name=f"Menunggu {i}", status="awaiting_verification") for i in range(3)]
    Application.objects.filter(pk__in=[a.pk for a in waiting]).update(status=ApplicationStatus.WAITLISTED)
    Person.objects.filter(pk=waiting[2].person_id).update(dtks_listed=True)  # DTKS first
    rows = sheet_rows(export(client, "/ekspor/daftar-tunggu/", {"program": "BPN-2026"}))
    assert (rows[0]["Urutan"], rows[0]["Nama"]) == (1, "Menunggu 2")
    assert [row["Urutan"] for row in rows] == [1, 2, 3]


def test_cards_are_exported_with_their_hand_over(
    bpjs_liaison: User, client_for: ClientFor, bpn_2026: Programme, members: Make
) -> None:
    made = members(bpn_2026, [M(), M(), M(LAMARU)])
    Card.objects.create(
        membership=made[0],
        valid_until=date(2026, 12, 31),
        handed_on=date(2026, 2, 3),
        handed_at_place="Kantor Kelurahan Manggar",
        received_by="Sendiri",
    )
    Card.objects.create(membership=made[1], valid_until=date(2026, 12, 31))
    Card.objects.create(membership=made[2], valid_until=date(2026, 12, 31))
    client = client_for(bpjs_liaison)
    waiting = sheet_rows(
        export(client, f"/ekspor/kartu/?diserahkan=belum&kelurahan={MANGGAR}", {"program": "BPN-2026"})
    )
    assert [row["KPJ"] for row in waiting] == [made[1].kpj]
    handed = sheet_rows(export(client, "/ekspor/kartu/?diserahkan=sudah", {"program": "BPN-2026"}))
    assert handed[0]["Tempat penyerahan"] == "Kantor Kelurahan Manggar"
    assert handed[0]["Tanggal penyerahan"].date() == date(2026, 2, 3)


def test_a_name_typed_as_a_formula_stays_text(
    registration_officer: User, client_for: ClientFor, bpn_2026: Programme, make_application: Maker
) -> None:
    make_application(bpn_2026, name='=HYPERLINK("http://evil.example","klik")')
    job = export(client_for(registration_officer), "/ekspor/pendaftaran/")
    workbook = load_workbook(Path(settings.MEDIA_ROOT) / job.result["file"])
    cell = workbook.worksheets[0]["C2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


@pytest.mark.parametrize(
    ("persona", "page", "kind"),
    [
        ("registration_officer", "/pendaftaran/", "pendaftaran"),
        ("dppp_verifier", "/verifikasi/", "antrean"),
        ("programme_manager", "/program/BPN-2026/peserta/", "tempat"),
        ("programme_manager", "/program/BPN-2026/daftar-tunggu/", "daftar-tunggu"),
        ("programme_manager", "/kepesertaan/BPN-2026/", "peserta"),
        ("programme_manager", "/kepesertaan/BPN-2026/kartu/laporan/", "kartu"),
    ],
)
def test_every_list_page_has_its_export_button(
    request: pytest.FixtureRequest, client_for: ClientFor, bpn_2026: Programme, persona: str, page: str, kind: str
) -> None:
    user = request.getfixturevalue(persona)
    html = client_for(user).get(page + "?status=").content.decode()
    assert f'id="export-{kind}"' in html
    assert f'action="/ekspor/{kind}/' in html


# The worker closes its database connections between tasks: this one commits for real.
@pytest.mark.django_db(transaction=True)
def test_the_worker_writes_the_file_the_officer_then_downloads(
    registration_officer: User, programme_manager: User, client_for: ClientFor, applicants: list[Application]
) -> None:
    client = client_for(registration_officer)
    response = client.post("/ekspor/pendaftaran/")
    job = Job.objects.get(kind="export.pendaftaran")
    assert response["Location"] == f"/pekerjaan/{job.pk}/"
    call_command("worker", batch=True, interval=0.1)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.message
    assert job.result["rows"] == 3
    download = client.get(f"/pekerjaan/{job.pk}/unduh/")
    assert download.status_code == 200
    # The file is the officer's own: a colleague of the same funder does not find it.
    assert client_for(programme_manager).get(f"/pekerjaan/{job.pk}/unduh/").status_code == 404


# -- claims and a BPJS invoice's rows (the contributions and claims apps' lists) ---------------------------


@pytest.mark.today("2026-03-16")
def test_claims_are_exported_within_the_officers_kelurahan(
    kelurahan_operator_manggar: User,
    programme_manager: User,
    client_for: ClientFor,
    bpn_2026: Programme,
    members: Make,
) -> None:
    from jaring.claims.models import ClaimKind
    from jaring.claims.services import claim_report

    manggar, lamaru = members(bpn_2026, [M(MANGGAR), M(LAMARU)])
    for membership in (manggar, lamaru):
        claim_report(
            membership=membership,
            kind=ClaimKind.JKM,
            event_date=date(2026, 3, 2),
            reported_by="ahli waris",
            actor=programme_manager,
            channel="officer",
        )
    rows = sheet_rows(export(client_for(kelurahan_operator_manggar), "/ekspor/klaim/"))
    assert [row["KPJ"] for row in rows] == [manggar.kpj]
    assert "*" in rows[0]["NIK"]
    every = sheet_rows(export(client_for(programme_manager), "/ekspor/klaim/?jenis=jkm"))
    assert len(every) == 2 and {row["Jenis"] for row in every} == {str(ClaimKind.JKM.label)}


def test_an_invoices_rows_are_exported_as_the_invoice_page_lists_them(
    programme_manager: User, samarinda_officer: User, client_for: ClientFor, bpn_2026: Programme, members: Make
) -> None:
    from jaring.contributions.models import Invoice, InvoiceLine, LineStatus

    made = members(bpn_2026, [M(), M()])
    invoice = Invoice.objects.create(
        programme=bpn_2026, month=date(2026, 2, 1), file_name="tagihan-feb.xlsx", summary={"members": 2}
    )
    for position, (membership, status) in enumerate(
        [(made[0], LineStatus.COCOK), (made[1], LineStatus.SELISIH_JUMLAH), (None, LineStatus.BUKAN_PESERTA)], 1
    ):
        InvoiceLine.objects.create(
            invoice=invoice,
            position=position,
            row_number=position + 1,
            status=status,
            membership=membership,
            kpj=membership.kpj if membership else "99999999999",
            nik=membership.person.nik if membership else "6471010101900099",
            name=membership.person.name if membership else "Orang Lain",
            month=date(2026, 2, 1),
            invoiced=16_800,
            expected=16_800 if membership else 0,
        )
    client = client_for(programme_manager)
    page = client.get(f"/iuran/BPN-2026/tagihan/{invoice.pk}/").content.decode()
    assert 'id="export-tagihan"' in page
    rows = sheet_rows(export(client, "/ekspor/tagihan/", {"program": "BPN-2026", "tagihan": str(invoice.pk)}))
    assert [row["Status"] for row in rows] == ["selisih_jumlah", "bukan_peserta"]  # the rows to look at
    matched = sheet_rows(
        export(client, "/ekspor/tagihan/?status=cocok", {"program": "BPN-2026", "tagihan": str(invoice.pk)})
    )
    assert [row["KPJ"] for row in matched] == [made[0].kpj]
    refs = set(AccessLog.objects.filter(what="export_tagihan").values_list("person_ref", flat=True))
    assert refs == {str(made[1].person_id), f"invoice:{invoice.pk}:4", str(made[0].person_id)}
    assert client_for(samarinda_officer).post(
        "/ekspor/tagihan/", {"program": "BPN-2026", "tagihan": str(invoice.pk)}
    ).status_code in (403, 404)
