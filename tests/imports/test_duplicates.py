"""Duplicates by NIK (inside the file and against the programme's applications), sending the same file
twice, and an import killed in the middle and run again: no row lost, none created twice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from jaring.core.models import User
from jaring.programmes.models import Programme
from jaring.registry.imports import chunks
from jaring.registry.imports.services import import_batch_run, import_batch_start
from jaring.registry.models import Application, ImportBatch, ImportRow
from jaring.registry.states import ApplicationStatus
from tests.helpers.imports import csv_bytes, good, outcomes

pytestmark = pytest.mark.django_db


def statuses(batch: ImportBatch) -> list[str]:
    return [row.status for _n, row in sorted(outcomes(batch).items())]


def test_the_first_occurrence_of_a_nik_in_the_file_wins_and_later_ones_name_it(
    run_import: Callable[..., ImportBatch],
) -> None:
    rows = [good(1), good(2), good(1, nama="Budi Lagi"), good(3), good(2)]
    batch = run_import(csv_bytes(rows))
    assert statuses(batch) == ["created", "created", "duplicate", "created", "duplicate"]
    out = outcomes(batch)
    assert out[4].number == out[2].number
    assert out[4].reasons == [f"NIK sama dengan baris 2 di berkas ini, yang didaftarkan dengan nomor {out[2].number}."]
    assert out[6].application_id == out[3].application_id
    assert Application.objects.count() == 3


def test_a_rejected_first_occurrence_does_not_block_a_later_valid_row_of_the_same_nik(
    run_import: Callable[..., ImportBatch],
) -> None:
    batch = run_import(csv_bytes([good(1, tanggal_lahir="kemarin"), good(1)]))
    assert statuses(batch) == ["rejected", "created"]


def test_in_file_duplicates_are_caught_across_chunks(run_import: Callable[..., ImportBatch]) -> None:
    batch = run_import(csv_bytes([good(1), good(2), good(3), good(1), good(3)]), chunk_size=2)
    assert statuses(batch) == ["created", "created", "created", "duplicate", "duplicate"]
    assert outcomes(batch)[5].reasons[0].startswith("NIK sama dengan baris 2 di berkas ini")


def test_a_person_with_an_open_application_in_the_programme_is_a_duplicate_with_its_number(
    run_import: Callable[..., ImportBatch], bpn_2026: Programme, make_application: Callable[..., Application]
) -> None:
    existing = make_application(bpn_2026, status="awaiting_verification")
    batch = run_import(csv_bytes([good(1, nik=existing.person.nik)]))
    row = outcomes(batch)[2]
    assert (row.status, row.number, row.application_id) == ("duplicate", existing.number, existing.pk)
    assert row.reasons == [
        f"NIK ini sudah terdaftar di program BPN-2026 dengan nomor {existing.number} (Menunggu verifikasi)."
    ]


def test_an_application_in_another_programme_is_no_duplicate(
    run_import: Callable[..., ImportBatch], smd_2026: Programme, make_application: Callable[..., Application]
) -> None:
    elsewhere = make_application(smd_2026, kelurahan="64.72.01.1001")
    batch = run_import(csv_bytes([good(1, nik=elsewhere.person.nik)]))
    assert statuses(batch) == ["created"]


def test_a_withdrawn_application_does_not_stop_a_new_one(
    run_import: Callable[..., ImportBatch], bpn_2026: Programme, make_application: Callable[..., Application]
) -> None:
    withdrawn = make_application(bpn_2026)
    Application.objects.filter(pk=withdrawn.pk).update(status=ApplicationStatus.WITHDRAWN)
    batch = run_import(csv_bytes([good(1, nik=withdrawn.person.nik)]))
    assert statuses(batch) == ["created"]


def test_importing_the_same_file_twice_creates_nothing_new(run_import: Callable[..., ImportBatch]) -> None:
    content = csv_bytes([good(1), good(2, penghasilan_bulanan="9.000.000"), good(3, nik="12"), good(4)])
    first = run_import(content)
    assert (first.created_count, first.duplicate_count, first.rejected_count) == (3, 0, 1)
    not_eligible = Application.objects.get(person__nik=good(2)["nik"])
    assert not_eligible.status == ApplicationStatus.NOT_ELIGIBLE
    count = Application.objects.count()
    second = run_import(content)
    assert second.pk != first.pk
    assert (second.created_count, second.duplicate_count, second.rejected_count) == (0, 3, 1)
    assert Application.objects.count() == count
    first_rows, second_rows = outcomes(first), outcomes(second)
    assert [second_rows[n].number for n in (2, 3, 5)] == [first_rows[n].number for n in (2, 3, 5)]


def test_starting_the_same_file_again_while_it_is_unfinished_resumes_it(
    bpn_2026: Programme, registration_officer: User
) -> None:
    content = csv_bytes([good(1), good(2)])
    batch, _checked = import_batch_start(
        programme=bpn_2026, actor=registration_officer, file_name="a.csv", content=content, enqueue=False
    )
    again, again_checked = import_batch_start(
        programme=bpn_2026, actor=registration_officer, file_name="a-lagi.csv", content=content, enqueue=False
    )
    assert again.pk == batch.pk and again_checked is None
    assert ImportBatch.objects.count() == 1


class Crash(Exception):
    """Stands for the worker being killed."""


def crash_after(monkeypatch: pytest.MonkeyPatch, count: int, *, inside: bool = False) -> None:
    """Fail the run after `count` chunks were stored; `inside`: in the middle of the next chunk, after its
    applications were written but before its transaction commits."""
    stored = {"n": 0}
    original_store = chunks.chunk_store
    original_audit = chunks.audit_records_many

    def store(*args: Any, **kwargs: Any) -> Any:
        if stored["n"] >= count and not inside:
            raise Crash
        result = original_store(*args, **kwargs)
        stored["n"] += 1
        return result

    def audit(*args: Any, **kwargs: Any) -> Any:
        if stored["n"] >= count:
            raise Crash
        return original_audit(*args, **kwargs)

    monkeypatch.setattr(chunks, "chunk_store", store)
    monkeypatch.setattr(chunks, "audit_records_many", audit)


@pytest.mark.parametrize("inside", [False, True], ids=["between chunks", "inside a chunk"])
def test_an_import_killed_in_the_middle_and_run_again_ends_with_one_application_per_good_row(
    bpn_2026: Programme, registration_officer: User, monkeypatch: pytest.MonkeyPatch, inside: bool
) -> None:
    rows = [good(n) for n in range(1, 11)]
    rows[3] = good(4, nik="bad")  # rejected
    rows[7] = good(2)  # duplicate of row 3
    content = csv_bytes(rows)
    batch, checked = import_batch_start(
        programme=bpn_2026, actor=registration_officer, file_name="a.csv", content=content, enqueue=False
    )
    crash_after(monkeypatch, 2, inside=inside)
    with pytest.raises(Crash):
        import_batch_run(batch=batch, checked=checked, chunk_size=3)
    monkeypatch.undo()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    assert ImportRow.objects.filter(batch=batch).count() == 6  # two whole chunks, nothing of the third
    assert Application.objects.count() == 5
    assert batch.rows_done == 6 and batch.created_count == 5

    batch = import_batch_run(batch=batch)  # the resume re-reads the stored file
    assert batch.status == ImportBatch.Status.DONE
    assert ImportRow.objects.filter(batch=batch).count() == 10
    assert (batch.created_count, batch.duplicate_count, batch.rejected_count) == (8, 1, 1)
    assert Application.objects.count() == 8
    assert sorted(Application.objects.values_list("person__nik", flat=True)) == sorted(
        str(good(n)["nik"]) for n in (1, 2, 3, 5, 6, 7, 9, 10)
    )
    assert outcomes(batch)[9].reasons == [
        f"NIK sama dengan baris 3 di berkas ini, yang didaftarkan dengan nomor {outcomes(batch)[3].number}."
    ]
    numbers = sorted(Application.objects.values_list("number", flat=True))
    assert numbers == [f"BPN-2026-{n:06d}" for n in range(1, 9)]  # the rolled-back chunk gave its numbers back


def test_a_registration_racing_the_import_for_the_same_person_makes_the_row_a_duplicate(
    run_import: Callable[..., ImportBatch],
    bpn_2026: Programme,
    make_application: Callable[..., Application],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    racer = make_application(bpn_2026)
    original = chunks.existing_applications
    calls = {"n": 0}

    def blind_once(**kwargs: Any) -> Any:
        # The first look misses the racing registration, as if it committed just after the look.
        calls["n"] += 1
        return {} if calls["n"] == 1 else original(**kwargs)

    monkeypatch.setattr(chunks, "existing_applications", blind_once)
    batch = run_import(csv_bytes([good(5), good(6, nik=racer.person.nik)]))
    assert calls["n"] == 2  # the chunk was refused by the constraint and stored again
    assert statuses(batch) == ["created", "duplicate"]
    assert outcomes(batch)[3].number == racer.number
