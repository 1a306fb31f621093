"""A realistic 2,000-row list (bench/applicant_list.py) imported end to end on PostgreSQL, where the rows are
written with COPY."""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection
from openpyxl import load_workbook

from bench.applicant_list import write_xlsx
from jaring.core.models import AuditRecord, User
from jaring.programmes.models import Programme
from jaring.registry.imports.results import result_path, result_write
from jaring.registry.imports.services import import_batch_run, import_batch_start
from jaring.registry.models import Application, ImportBatch, ImportRow, Person
from tests.helpers.imports import HEADER, csv_bytes, good, xlsx_bytes

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_2000_row_list_is_imported_end_to_end_on_postgresql(
    bpn_2026: Programme, registration_officer: User, tmp_path: Path
) -> None:
    assert connection.vendor == "postgresql"
    path = tmp_path / "balikpapan.xlsx"
    kinds = write_xlsx(path, 2000, seed=7)
    batch, checked = import_batch_start(
        programme=bpn_2026,
        actor=registration_officer,
        file_name=path.name,
        content=path.read_bytes(),
        documents_checked_by="Kelurahan se-Kota Balikpapan",
        enqueue=False,
    )
    batch = import_batch_run(batch=batch, checked=checked, chunk_size=500)
    assert batch.status == ImportBatch.Status.DONE, batch.error
    assert batch.rows_counted == 2000 == ImportRow.objects.filter(batch=batch).count()
    assert batch.rejected_count >= kinds["bad"] * 0.9  # a few bad values happen to be valid elsewhere
    assert batch.duplicate_count >= kinds["duplicate"]
    created = Application.objects.filter(programme=bpn_2026)
    assert created.count() == batch.created_count == Person.objects.count()
    assert created.values("person").distinct().count() == batch.created_count
    assert Counter(created.values_list("status", flat=True)).keys() <= {"awaiting_verification", "not_eligible"}
    assert AuditRecord.objects.filter(action="application.create").count() == batch.created_count
    statuses = Counter(
        row[-3] for row in load_workbook(result_path(batch))["hasil"].iter_rows(min_row=2, values_only=True)
    )
    assert statuses == {
        "dibuat": batch.created_count,
        "duplikat": batch.duplicate_count,
        "ditolak": batch.rejected_count,
    }
    # Sending it again creates nothing.
    again, checked = import_batch_start(
        programme=bpn_2026, actor=registration_officer, file_name=path.name, content=path.read_bytes(), enqueue=False
    )
    again = import_batch_run(batch=again, checked=checked, chunk_size=500)
    assert again.created_count == 0
    assert created.count() == batch.created_count


def test_a_nik_repeated_in_the_next_chunk_is_a_duplicate_of_its_row_and_numbers_run_in_file_order(
    bpn_2026: Programme, registration_officer: User
) -> None:
    # Chunks of two: each NIK repeats in the very next chunk.
    rows = [good(1), good(2), good(2), good(3), good(3), good(4), good(4), good(1), good(5), good(6)]
    batch, checked = import_batch_start(
        programme=bpn_2026, actor=registration_officer, file_name="a.csv", content=csv_bytes(rows), enqueue=False
    )
    batch = import_batch_run(batch=batch, checked=checked, chunk_size=2)
    assert batch.status == ImportBatch.Status.DONE, batch.error
    assert (batch.created_count, batch.duplicate_count, batch.rejected_count) == (6, 4, 0)
    outcomes = {
        row.row_number: (row.status, row.number) for row in ImportRow.objects.filter(batch=batch).order_by("row_number")
    }
    numbered = [number for status, number in outcomes.values() if status == ImportRow.Status.CREATED]
    assert numbered == [f"BPN-2026-{n:06d}" for n in range(1, 7)]  # consecutive, in the file's order
    assert outcomes[4] == (ImportRow.Status.DUPLICATE, outcomes[3][1])  # row 4 repeats row 3, one chunk earlier
    assert outcomes[9] == (ImportRow.Status.DUPLICATE, outcomes[2][1])
    # Found as a repeat inside the file, not as an older application.
    assert "baris 3 " in ImportRow.objects.get(batch=batch, row_number=4).reasons[0]
    assert Application.objects.count() == 6


def test_two_runs_of_one_batch_at_once_create_each_application_once(
    bpn_2026: Programme, registration_officer: User
) -> None:
    rows = [good(n) for n in range(1, 41)]
    batch, _checked = import_batch_start(
        programme=bpn_2026, actor=registration_officer, file_name="a.csv", content=csv_bytes(rows), enqueue=False
    )
    failures: list[BaseException] = []

    def run() -> None:
        try:
            import_batch_run(batch=batch, chunk_size=4)
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE
    assert (batch.created_count, batch.duplicate_count, batch.rejected_count) == (40, 0, 0)
    assert ImportRow.objects.filter(batch=batch).count() == 40
    numbers = sorted(Application.objects.values_list("number", flat=True))
    assert numbers == [f"BPN-2026-{n:06d}" for n in range(1, 41)]


def _sheets(path: Path) -> dict[str, list[tuple[object, ...]]]:
    workbook = load_workbook(path)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets}


def _mixed_list() -> bytes:
    """Good rows, an empty row, bad rows, repeats across chunks, a number cell, an unknown column."""
    empty = dict.fromkeys(good(1), "")
    rows = [
        good(1, catatan_lain="a"),
        good(2),
        empty,
        good(3, nik="6471011508"),  # too short
        good(2),  # repeats row 3
        good(4, tanggal_lahir="31-02-1990"),
        good(5, penghasilan_bulanan="2,5 jt"),
        empty,
        good(6, no_hp="+62 812-3456-7890"),
        good(1),
        good(7, nik=6471011508900007),  # typed as a number in Excel: its last digit is lost
    ]
    return xlsx_bytes(rows, header=[*HEADER, "catatan_lain"])


def test_the_result_file_is_the_sheet_with_every_rows_outcome_and_written_again_the_same(
    bpn_2026: Programme, registration_officer: User
) -> None:
    batch, checked = import_batch_start(
        programme=bpn_2026, actor=registration_officer, file_name="a.xlsx", content=_mixed_list(), enqueue=False
    )
    batch = import_batch_run(batch=batch, checked=checked, chunk_size=2)
    assert batch.status == ImportBatch.Status.DONE, batch.error
    written = _sheets(result_path(batch))
    assert [row[-3] for row in written["hasil"][1:]] == [
        "dibuat", "dibuat", None, "ditolak", "duplikat", "ditolak", "dibuat", None, "dibuat", "duplikat", "ditolak",
    ]  # fmt: skip
    assert result_write(batch=batch, checked=checked) == batch.result_file
    assert _sheets(result_path(batch)) == written
    assert not list(result_path(batch).parent.glob(".*"))  # no half-written file left behind
