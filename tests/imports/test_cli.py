"""`jaring import-applicants FILE --programme CODE [--result RESULT.xlsx]`: progress on stderr, a summary on
stdout, exit 0 when the file was processed (rejected rows included), 2 when it could not be read."""

from __future__ import annotations

import io
import os
import signal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from jaring.core.models import AuditRecord, User
from jaring.programmes.models import Programme
from jaring.registry.imports import chunks
from jaring.registry.models import Application, ImportBatch
from tests.helpers.imports import csv_bytes, good

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_applicants", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def listing(tmp_path: Path) -> Path:
    path = tmp_path / "manggar.csv"
    path.write_bytes(csv_bytes([good(1), good(2), good(3, nik="salah"), good(1)]))
    return path


def test_the_cli_imports_a_file_prints_progress_and_a_summary_and_writes_the_result(
    bpn_2026: Programme, listing: Path, tmp_path: Path
) -> None:
    result = tmp_path / "hasil.xlsx"
    out, err = run(str(listing), "--programme", "BPN-2026", "--result", str(result), "--chunk-size", "2")
    batch = ImportBatch.objects.get()
    assert f"Impor #{batch.pk}: 4 baris dari manggar.csv ke BPN-2026." in err
    assert "2/4 baris (50%): 2 dibuat, 0 duplikat, 0 ditolak" in err
    assert "4/4 baris (100%): 2 dibuat, 1 duplikat, 1 ditolak" in err
    assert f"Impor #{batch.pk} selesai: 2 dibuat, 1 duplikat, 1 ditolak (4 baris)." in out
    assert f"Berkas hasil: {result}" in out
    statuses = [row[-3] for row in load_workbook(result)["hasil"].iter_rows(min_row=2, values_only=True)]
    assert statuses == ["dibuat", "dibuat", "ditolak", "duplikat"]
    assert batch.actor_label == "cli" and batch.created_by is None
    assert Application.objects.filter(created_by=None).count() == 2
    assert AuditRecord.objects.filter(action="application.create", actor_label="cli").count() == 2


def test_the_cli_records_the_actor_and_the_documents_checked_by_option(
    bpn_2026: Programme, registration_officer: User, listing: Path
) -> None:
    run(
        str(listing),
        "--programme",
        "BPN-2026",
        "--actor",
        "registration_officer",
        "--documents-checked-by",
        "Kel. Manggar",
    )
    batch = ImportBatch.objects.get()
    assert batch.created_by == registration_officer
    assert set(Application.objects.values_list("documents_attestation", flat=True)) == {"Kel. Manggar"}


def test_an_actor_of_another_funder_is_refused(bpn_2026: Programme, samarinda_officer: User, listing: Path) -> None:
    with pytest.raises(CommandError, match="bukan milik instansi Anda") as refused:
        run(str(listing), "--programme", "BPN-2026", "--actor", "samarinda_officer")
    assert refused.value.returncode == 1
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", r"Berkas kosong \(0 bita\)\."),
        (b"PK\x03\x04broken", "Berkas XLSX rusak"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"),
            "Workbook dilindungi kata sandi",
        ),
    ],
    ids=["empty", "corrupt", "password"],
)
def test_a_file_that_cannot_be_read_exits_with_status_2_and_changes_nothing(
    bpn_2026: Programme, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "daftar.xlsx"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message) as refused:
        run(str(path), "--programme", "BPN-2026")
    assert refused.value.returncode == 2
    assert not ImportBatch.objects.exists()


def test_a_missing_file_exits_with_status_2(bpn_2026: Programme, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="tidak dapat dibaca") as refused:
        run(str(tmp_path / "tidak-ada.csv"), "--programme", "BPN-2026")
    assert refused.value.returncode == 2


def test_bad_arguments_exit_with_status_1(bpn_2026: Programme, listing: Path) -> None:
    for args in ([str(listing), "--programme", "XYZ-2026"], [str(listing)], ["--resume", "999"]):
        with pytest.raises(CommandError) as refused:
            run(*args)
        assert refused.value.returncode == 1


def test_resume_finishes_an_import_that_was_killed(
    bpn_2026: Programme, listing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = chunks.chunk_store
    calls = {"n": 0}

    def crash_on_second(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt  # Ctrl-C in the middle
        return original(*args, **kwargs)

    monkeypatch.setattr(chunks, "chunk_store", crash_on_second)
    with pytest.raises(KeyboardInterrupt):
        run(str(listing), "--programme", "BPN-2026", "--chunk-size", "2")
    monkeypatch.undo()
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.INTERRUPTED
    assert Application.objects.count() == 2
    out, _err = run("--resume", str(batch.pk))
    assert "selesai: 2 dibuat, 1 duplikat, 1 ditolak" in out
    assert Application.objects.count() == 2


def test_the_same_file_run_again_while_unfinished_continues_the_earlier_import(
    bpn_2026: Programme, listing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chunks, "chunk_store", lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt))
    with pytest.raises(KeyboardInterrupt):
        run(str(listing), "--programme", "BPN-2026")
    monkeypatch.undo()
    _out, err = run(str(listing), "--programme", "BPN-2026")
    batch = ImportBatch.objects.get()
    assert f"(impor #{batch.pk}); impor itu dilanjutkan." in err
    assert batch.status == ImportBatch.Status.DONE


def test_sigterm_stops_the_cli_between_two_chunks_with_status_3_and_resume_finishes(
    bpn_2026: Programme, listing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = chunks.chunk_store

    def store_then_terminate(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGTERM)  # the operator's service manager stops the job
        return result

    monkeypatch.setattr(chunks, "chunk_store", store_then_terminate)
    with pytest.raises(SystemExit) as stopped:
        run(str(listing), "--programme", "BPN-2026", "--chunk-size", "2")
    monkeypatch.undo()
    assert stopped.value.code == 3
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.rows_done) == (ImportBatch.Status.INTERRUPTED, 2)
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL  # the handler was put back
    out, _err = run("--resume", str(batch.pk))
    assert "selesai: 2 dibuat, 1 duplikat, 1 ditolak" in out
