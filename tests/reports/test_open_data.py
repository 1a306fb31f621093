"""Open data (claims-api.md, Reports): the public page with downloads and `GET /data-terbuka/{code}.csv`, one row
per month and breakdown cell, counts under five written `<5`, no personal data; updated by the refresh job, and
the same figures as JSON for the city's open-data portal."""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import date

import pytest
from django.core.management import call_command
from django.test import Client

from jaring.core.models import Job, Sector
from jaring.enrolment.models import Membership
from jaring.programmes.models import Programme
from jaring.registry.models import Sex
from jaring.reports.figures import AGE_BANDS, HIDDEN_TEXT, SMALL, SMALL_TEXT
from jaring.reports.models import Publication
from jaring.reports.tasks import KIND, refresh_all
from tests.reports.conftest import LAMARU, MANGGAR, M, Make

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-04-20")]

KELURAHAN = [MANGGAR, LAMARU, "64.71.06.1001", "64.71.02.1001"]
SECTORS = ["nelayan", "ojol", "petani", "ojek_pangkalan", "pedagang"]


@pytest.fixture
def many(bpn_2026: Programme, members: Make) -> list[Membership]:
    """Sixty members spread so that many cells are small: the test of suppression needs them."""
    rng = random.Random(18)
    known = set(Sector.objects.values_list("code", flat=True))
    people = [
        M(
            kelurahan=rng.choice(KELURAHAN),
            sector=rng.choice([s for s in SECTORS if s in known]),
            sex=rng.choice([Sex.MALE, Sex.MALE, Sex.FEMALE]),
            birth=date(rng.randint(1958, 2005), rng.randint(1, 12), rng.randint(1, 28)),
            starts=date(2026, rng.choice([1, 1, 1, 2, 3]), 1),
        )
        for _ in range(60)
    ]
    return members(bpn_2026, people)


def published_csv(code: str) -> list[dict[str, str]]:
    response = Client().get(f"/data-terbuka/{code}.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    assert text.splitlines()[0] == "bulan,dimensi,kategori,peserta"
    return list(csv.DictReader(io.StringIO(text)))


def test_the_refresh_job_publishes_one_row_per_month_and_cell(bpn_2026: Programme, many: list[Membership]) -> None:
    refresh_all([bpn_2026])
    rows = published_csv("BPN-2026")
    # January to April (today): no month that has not come yet.
    assert sorted({row["bulan"] for row in rows}) == ["2026-01", "2026-02", "2026-03", "2026-04"]
    assert {row["dimensi"] for row in rows} == {"jumlah", "sektor", "kecamatan", "jenis_kelamin", "kelompok_umur"}
    totals = {row["bulan"]: row["peserta"] for row in rows if row["dimensi"] == "jumlah"}
    assert totals["2026-04"] == "60"
    bands = [row["kategori"] for row in rows if row["bulan"] == "2026-04" and row["dimensi"] == "kelompok_umur"]
    assert bands == [band for band in AGE_BANDS if band in bands]
    assert {row["kategori"] for row in rows if row["dimensi"] == "kecamatan"} <= {
        "Balikpapan Timur",
        "Balikpapan Selatan",
        "Balikpapan Utara",
        "Balikpapan Tengah",
        "Balikpapan Barat",
        "Balikpapan Kota",
    }


def test_open_data_never_holds_a_count_under_five_nor_a_name_or_nik(
    bpn_2026: Programme, many: list[Membership]
) -> None:
    refresh_all([bpn_2026])
    rows = published_csv("BPN-2026")
    assert any(row["peserta"] == SMALL_TEXT for row in rows), "the data was meant to have small cells"
    for row in rows:
        value = row["peserta"]
        assert value == SMALL_TEXT or (value.isdigit() and int(value) >= SMALL), row
    body = Client().get("/data-terbuka/BPN-2026.csv").content.decode()
    body += Client().get("/data-terbuka/BPN-2026.json").content.decode()
    body += Client().get("/data-terbuka/").content.decode()
    for membership in many:
        person = membership.person
        assert person.nik not in body and person.name not in body and membership.kpj not in body
        assert person.nik[:12] not in body


def test_a_single_small_cell_cannot_be_worked_out_from_the_total(bpn_2026: Programme, members: Make) -> None:
    members(bpn_2026, [M(sex=Sex.MALE) for _ in range(9)] + [M(sex=Sex.FEMALE) for _ in range(2)])
    refresh_all([bpn_2026])
    january = [r for r in published_csv("BPN-2026") if r["bulan"] == "2026-01"]
    sexes = {r["kategori"]: r["peserta"] for r in january if r["dimensi"] == "jenis_kelamin"}
    # 9 men would give away the 2 women as 11 - 9: the men's cell is withheld, since the spec's file knows no
    # value but numbers and "<5"; the JSON says which cell was withheld.
    assert sexes == {"Perempuan": SMALL_TEXT}
    assert {r["peserta"] for r in january if r["dimensi"] == "jumlah"} == {"11"}
    body = json.loads(Client().get("/data-terbuka/BPN-2026.json").content)
    assert {"bulan": "2026-01", "dimensi": "jenis_kelamin", "kategori": "Laki-laki"} in body["ditahan"]
    assert all(row["peserta"] != HIDDEN_TEXT for row in body["data"])
    page = Client().get("/data-terbuka/").content.decode()
    assert f"<code>{HIDDEN_TEXT}</code>" in page


def test_the_json_carries_the_same_rows_for_the_portal(bpn_2026: Programme, many: list[Membership]) -> None:
    refresh_all([bpn_2026])
    body = json.loads(Client().get("/data-terbuka/BPN-2026.json").content)
    assert body["program"] == "BPN-2026" and body["pemberi_dana"] == "Pemerintah Kota Balikpapan"
    assert body["kolom"] == ["bulan", "dimensi", "kategori", "peserta"]
    csv_rows = published_csv("BPN-2026")
    assert [(r["bulan"], r["dimensi"], r["kategori"], r["peserta"]) for r in body["data"]] == [
        (r["bulan"], r["dimensi"], r["kategori"], r["peserta"]) for r in csv_rows
    ]
    catalogue = json.loads(Client().get("/data-terbuka/katalog.json").content)
    [dataset] = catalogue["dataset"]
    assert [d["url"] for d in dataset["distribusi"]] == [
        "http://testserver/data-terbuka/BPN-2026.csv",
        "http://testserver/data-terbuka/BPN-2026.json",
    ]


def test_the_public_page_lists_each_programme_with_its_downloads(bpn_2026: Programme, many: list[Membership]) -> None:
    empty = Client().get("/data-terbuka/").content.decode()
    assert 'id="nothing-published"' in empty  # the public never counts on request...
    assert Job.objects.filter(kind=KIND, status=Job.Status.QUEUED).count() == 1  # ...it asks the worker, once
    Client().get("/data-terbuka/katalog.json")
    assert Job.objects.filter(kind=KIND).count() == 1
    call_command("reports_refresh")
    html = Client().get("/data-terbuka/").content.decode()
    assert 'id="csv-BPN-2026"' in html and 'id="json-BPN-2026"' in html
    assert "Peserta pada 2026-04: <strong>60</strong>" in html


def test_a_programme_being_prepared_is_not_published(bpn_2026: Programme, many: list[Membership]) -> None:
    Programme.objects.filter(pk=bpn_2026.pk).update(status=Programme.Status.DRAFT)
    bpn_2026.refresh_from_db()
    refresh_all([bpn_2026])
    assert not Publication.objects.exists()
    assert Client().get("/data-terbuka/BPN-2026.csv").status_code == 404


def test_an_unknown_programme_is_not_found() -> None:
    assert Client().get("/data-terbuka/TIDAK-ADA.csv").status_code == 404
    assert Client().get("/data-terbuka/TIDAK-ADA.json").status_code == 404


def test_a_category_a_spreadsheet_would_run_is_written_as_text(bpn_2026: Programme, members: Make) -> None:
    Sector.objects.create(code="rumus", name='=HYPERLINK("http://evil.example")')
    members(bpn_2026, [M(sector="rumus") for _ in range(6)])
    refresh_all([bpn_2026])
    body = Client().get("/data-terbuka/BPN-2026.csv").content.decode()
    assert "'=HYPERLINK" in body and ",=HYPERLINK" not in body


def test_the_refresh_command_names_an_unknown_programme(bpn_2026: Programme) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as refused:
        call_command("reports_refresh", programme=["BPN-2026", "TIDAK-ADA"])
    assert refused.value.returncode == 2 and "TIDAK-ADA" in str(refused.value)
    assert not Publication.objects.exists()


def test_the_refresh_command_can_leave_the_work_to_the_worker(bpn_2026: Programme) -> None:
    call_command("reports_refresh", "--queue")
    assert Job.objects.filter(kind=KIND, status=Job.Status.QUEUED).count() == 1
    assert not Publication.objects.exists()
