"""Batches to the BPJS branch: the collective registration files, the pages that make and show batches and the
column template, and the command line."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import load_workbook

from jaring.core.models import AccessLog, Role
from jaring.enrolment.batches.files import batch_csv, batch_xlsx
from jaring.enrolment.columns import COLUMNS, DEFAULT_COLUMNS
from jaring.enrolment.models import Batch, ColumnTemplate
from jaring.enrolment.services import (
    batch_create,
    column_template_set,
)

# BPN-2026 is running and takes places: these cases mean a day of its year (places start the month approved).
pytestmark = pytest.mark.today("2026-11-03")

HEADERS = [COLUMNS[key].header for key in DEFAULT_COLUMNS]


def _sheet_rows(content: bytes) -> list[tuple[object, ...]]:
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return [tuple(cell.value for cell in row) for row in sheet.iter_rows()]


def _csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))


# -- the files ----------------------------------------------------------------------------------------------


def test_the_xlsx_has_the_template_headers_and_text_niks(approved, bpn_2026, programme_manager):
    applications = approved(3)
    batch = batch_create(programme=bpn_2026, actor=programme_manager)
    content = batch_xlsx(batch)
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.active
    assert sheet is not None and sheet.title == "peserta"
    assert [cell.value for cell in sheet[1]] == HEADERS
    niks = {application.person.nik for application in applications}
    phones = set()
    for row in sheet.iter_rows(min_row=2):
        nik_cell, phone_cell = row[0], row[HEADERS.index("NO HP")]
        assert nik_cell.data_type == "s" and nik_cell.number_format == "@"
        assert phone_cell.data_type == "s" and str(phone_cell.value).startswith("08")
        phones.add(phone_cell.value)
        assert row[HEADERS.index("UPAH/DASAR PENGHASILAN")].value == 1_000_000
        assert row[HEADERS.index("PROGRAM")].value == "JKK, JKM"
    assert {row[0].value for row in sheet.iter_rows(min_row=2)} == niks
    assert len(phones) == 3 and sheet.max_row == 4


def test_the_files_follow_the_managers_template(approved, bpn_2026, programme_manager):
    column_template_set(programme=bpn_2026, columns=["name", "nik", "kk_number", "start_date"], actor=programme_manager)
    (application,) = approved(1)
    batch = batch_create(programme=bpn_2026, actor=programme_manager)
    header, row = _sheet_rows(batch_xlsx(batch))
    assert header == ("NAMA", "NIK", "NO KK", "TANGGAL MULAI")
    person = application.person
    assert row[:3] == (person.name, person.nik, person.kk_number)
    sheet = load_workbook(io.BytesIO(batch_xlsx(batch))).active
    assert sheet is not None and sheet["C2"].number_format == "@"
    # A later change of the template leaves the frozen batch as it was sent.
    column_template_set(programme=bpn_2026, columns=["nik"], actor=programme_manager)
    assert _sheet_rows(batch_xlsx(batch))[0] == header


def test_the_csv_is_utf8_with_bom_and_semicolons(approved, bpn_2026, programme_manager):
    applications = approved(2, names=("Siti Nur'aini", "Dédi Rahmat"))
    batch = batch_create(programme=bpn_2026, actor=programme_manager)
    content = batch_csv(batch)
    assert content.startswith(b"\xef\xbb\xbf")
    first_line = content.decode("utf-8-sig").splitlines()[0]
    assert first_line == ";".join(HEADERS)
    rows = _csv_rows(content)
    assert {row[0] for row in rows[1:]} == {a.person.nik for a in applications}
    assert "Dédi Rahmat" in {row[1] for row in rows[1:]}


def test_csv_values_are_quoted_and_never_formulas(approved, bpn_2026, programme_manager):
    approved(1)
    batch = batch_create(programme=bpn_2026, actor=programme_manager)
    member = batch.members.get()
    address = HEADERS.index("ALAMAT")
    # A value as an applicant could type it (rows are frozen; change one to see how the writers treat it).
    member.row[address] = 'Jl. Kenanga; Gg. "Mawar"\nRT 5'
    member.row[1] = '=HYPERLINK("http://x")'
    member.save(update_fields=["row"])
    rows = _csv_rows(batch_csv(batch))
    assert rows[1][address] == 'Jl. Kenanga; Gg. "Mawar"\nRT 5'
    assert rows[1][1] == '\'=HYPERLINK("http://x")'
    sheet = load_workbook(io.BytesIO(batch_xlsx(batch))).active
    assert sheet is not None
    assert sheet["B2"].data_type == "s" and sheet["B2"].value == '=HYPERLINK("http://x")'


# -- the pages ----------------------------------------------------------------------------------------------


def _index(code: str = "BPN-2026") -> str:
    return reverse("batches:index", args=[code])


def test_the_manager_makes_a_batch_once_even_with_a_double_click(approved, bpn_2026, programme_manager, client_for):
    approved(3)
    client = client_for(programme_manager)
    page = client.get(_index())
    assert page.status_code == 200
    assert "3 peserta siap didaftarkan" in page.content.decode()
    first = client.post(reverse("batches:create", args=["BPN-2026"]), {"seen": "0"})
    batch = Batch.objects.get()
    assert first.status_code == 302
    assert first["Location"] == reverse("batches:detail", args=["BPN-2026", batch.number])
    assert batch.members.count() == 3
    second = client.post(reverse("batches:create", args=["BPN-2026"]), {"seen": "0"}, follow=True)
    assert Batch.objects.count() == 1
    assert "baru saja dibuat" in second.content.decode()
    # Someone became ready meanwhile: a stale page still makes no second batch; a fresh one does.
    approved(1, names=("Nelayan Baru",))
    client.post(reverse("batches:create", args=["BPN-2026"]), {"seen": "0"})
    assert Batch.objects.count() == 1
    client.post(reverse("batches:create", args=["BPN-2026"]), {"seen": "1"})
    assert Batch.objects.count() == 2
    listing = client.get(_index()).content.decode()
    assert "BPN-2026-K001" in listing and "BPN-2026-K002" in listing
    assert "0 peserta siap" in listing


def test_nothing_ready_and_bad_posts_are_explained(bpn_2026, programme_manager, client_for):
    client = client_for(programme_manager)
    nothing = client.post(reverse("batches:create", args=["BPN-2026"]), {"seen": "0"}, follow=True)
    assert nothing.status_code == 200 and "Tidak ada peserta yang siap" in nothing.content.decode()
    garbage = client.post(reverse("batches:create", args=["BPN-2026"]), {"seen": "abc"}, follow=True)
    assert garbage.status_code == 200 and "Muat ulang" in garbage.content.decode()
    assert client.get(reverse("batches:create", args=["BPN-2026"])).status_code == 405
    assert not Batch.objects.exists()


def test_the_batch_page_masks_niks_logs_the_view_and_offers_both_files(approved, bpn_2026, bpjs_liaison, client_for):
    applications = approved(2)
    batch = batch_create(programme=bpn_2026, actor=bpjs_liaison)
    client = client_for(bpjs_liaison)
    page = client.get(reverse("batches:detail", args=["BPN-2026", batch.number]))
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    html = page.content.decode()
    for application in applications:
        assert application.person.name in html
        assert application.person.nik not in html
    assert AccessLog.objects.filter(person_ref=f"batch:{batch.number}", what="batch_detail").count() == 1

    xlsx = client.get(reverse("batches:download", args=["BPN-2026", batch.number, "xlsx"]))
    assert xlsx.status_code == 200 and "no-store" in xlsx["Cache-Control"]
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f'filename="{batch.number}.xlsx"' in xlsx["Content-Disposition"]
    assert _sheet_rows(xlsx.content)[0] == tuple(HEADERS)
    csv_file = client.get(reverse("batches:download", args=["BPN-2026", batch.number, "csv"]))
    assert csv_file.content.startswith(b"\xef\xbb\xbf") and "attachment" in csv_file["Content-Disposition"]
    downloads = AccessLog.objects.filter(person_ref=f"batch:{batch.number}", what__startswith="batch_file")
    assert sorted(downloads.values_list("what", flat=True)) == ["batch_file_csv", "batch_file_xlsx"]

    assert client.get(reverse("batches:download", args=["BPN-2026", batch.number, "pdf"])).status_code == 404
    assert client.get(reverse("batches:detail", args=["BPN-2026", "BPN-2026-K999"])).status_code == 404
    assert client.get(reverse("batches:detail", args=["BPN-2026", batch.number]) + "?page=abc").status_code == 200


def test_the_column_template_editor_saves_the_chosen_order(bpn_2026, programme_manager, client_for):
    client = client_for(programme_manager)
    url = reverse("batches:columns", args=["BPN-2026"])
    data = {
        "use_nik": "on",
        "order_nik": "2",
        "use_name": "on",
        "order_name": "1",
        "use_phone": "on",
        "order_phone": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    assert ColumnTemplate.objects.get(programme=bpn_2026).columns == ["name", "nik", "phone"]
    page = client.get(_index()).content.decode()
    assert "NAMA; NIK; NO HP" in page

    without_nik = client.post(url, {"use_name": "on", "order_name": "1"})
    assert without_nik.status_code == 400 and "NIK wajib ada" in without_nik.content.decode()
    bad_order = client.post(url, {"use_nik": "on", "order_nik": "satu"})
    assert bad_order.status_code == 400 and "angka bulat" in bad_order.content.decode()
    nothing = client.post(url, {})
    assert nothing.status_code == 400 and "paling sedikit satu kolom" in nothing.content.decode()
    assert ColumnTemplate.objects.get(programme=bpn_2026).columns == ["name", "nik", "phone"]


@pytest.mark.parametrize("persona", ["dppp_verifier", "dishub_verifier", "samarinda_officer", "outsider", "auditor"])
def test_other_officers_are_refused_every_batch_page(
    approved, bpn_2026, programme_manager, client_for, persona, request
):
    approved(1)
    batch = batch_create(programme=bpn_2026, actor=programme_manager)
    client = client_for(request.getfixturevalue(persona))
    for url in (
        _index(),
        reverse("batches:detail", args=["BPN-2026", batch.number]),
        reverse("batches:download", args=["BPN-2026", batch.number, "xlsx"]),
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("batches:create", args=["BPN-2026"]), {"seen": "1"}).status_code == 403
    assert client.post(reverse("batches:columns", args=["BPN-2026"]), {"use_nik": "on"}).status_code == 403
    assert Batch.objects.count() == 1 and not ColumnTemplate.objects.exists()
    assert not AccessLog.objects.filter(person_ref=f"batch:{batch.number}").exists()


def test_another_funders_manager_finds_no_such_programme(
    approved, bpn_2026, programme_manager, make_officer, samarinda, client_for
):
    approved(1)
    batch = batch_create(programme=bpn_2026, actor=programme_manager)
    client = client_for(make_officer("smd_manager", Role.PROGRAMME_MANAGER, samarinda))
    assert client.get(_index()).status_code == 404
    assert client.get(reverse("batches:download", args=["BPN-2026", batch.number, "csv"])).status_code == 404


# -- the command line ---------------------------------------------------------------------------------------


def test_the_command_makes_a_batch_and_writes_its_file(approved, bpn_2026, tmp_path: Path):
    applications = approved(2)
    out = io.StringIO()
    target = tmp_path / "batch.xlsx"
    call_command("bpjs_batch", "--programme", "BPN-2026", "--out", str(target), stdout=out)
    assert "BPN-2026-K001" in out.getvalue() and "2 peserta" in out.getvalue()
    rows = _sheet_rows(target.read_bytes())
    assert {row[0] for row in rows[1:]} == {a.person.nik for a in applications}
    assert AccessLog.objects.filter(person_ref="batch:BPN-2026-K001", actor_label="cli").exists()

    with pytest.raises(CommandError) as nothing:
        call_command("bpjs_batch", "--programme", "BPN-2026", stdout=io.StringIO())
    assert nothing.value.returncode == 1

    approved(1, names=("Nelayan Baru",))
    target_csv = tmp_path / "batch.csv"
    call_command("bpjs_batch", "--programme", "BPN-2026", "--out", str(target_csv), stdout=io.StringIO())
    assert target_csv.read_bytes().startswith(b"\xef\xbb\xbf")
    assert Batch.objects.count() == 2


@pytest.mark.parametrize(
    "args",
    [
        ["--programme", "NOPE"],
        ["--programme", "BPN-2026", "--out", "batch.pdf"],
        ["--programme", "BPN-2026", "--out", "/no/such/folder/batch.xlsx"],
    ],
)
def test_the_command_refuses_wrong_arguments_before_making_anything(approved, bpn_2026, args):
    approved(1)
    with pytest.raises(CommandError) as refused:
        call_command("bpjs_batch", *args, stdout=io.StringIO())
    assert refused.value.returncode == 2
    assert not Batch.objects.exists()


def test_the_editor_lists_the_template_columns_first_in_their_order(bpn_2026, programme_manager, client_for):
    column_template_set(programme=bpn_2026, columns=["phone", "nik"], actor=programme_manager)
    html = client_for(programme_manager).get(_index()).content.decode()
    boxes = re.findall(r'<input type="checkbox" name="use_(\w+)" id="[^"]+"( checked)?>', html)
    assert boxes[:3] == [("phone", " checked"), ("nik", " checked"), ("name", "")]
    assert len(boxes) == len(COLUMNS)


@pytest.mark.today("2026-11-24")
def test_a_second_click_makes_no_second_batch(approved, bpn_2026, programme_manager) -> None:
    from jaring.enrolment.models import Batch
    from jaring.enrolment.services import BatchMadeMeanwhile, batch_create

    approved(2)
    first = batch_create(programme=bpn_2026, actor=programme_manager, expected_batches=0)
    approved(1)  # someone new is ready, but the second click saw no batch
    with pytest.raises(BatchMadeMeanwhile) as raised:
        batch_create(programme=bpn_2026, actor=programme_manager, expected_batches=0)
    assert raised.value.batch == first and Batch.objects.filter(programme=bpn_2026).count() == 1
    assert batch_create(programme=bpn_2026, actor=programme_manager, expected_batches=1).members.count() == 1
