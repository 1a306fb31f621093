"""A realistic 2,000-row list (bench/applicant_list.py) imported end to end on PostgreSQL, where the rows are
written with COPY."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from django.db import connection
from openpyxl import load_workbook

from bench.applicant_list import write_xlsx
from jaring.core.models import AuditRecord, User
from jaring.programmes.models import Programme
from jaring.registry.imports import import_batch_run, import_batch_start
from jaring.registry.imports_result import result_path
from jaring.registry.models import Application, ImportBatch, ImportRow, Person

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
