"""The shortcuts that make a 100,000-row import fast give exactly what the plain paths give: remembered rule
outcomes (rules.Evaluator), remembered cell parses (parse_applicant's memo), JSON encoded once (bulk.JsonText);
and a run stopped or killed between or inside chunks leaves whole chunks that the next run finishes."""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bench.applicant_list import write_xlsx
from jaring.core.bulk import JsonText, rows_insert
from jaring.core.models import AuditRecord, User
from jaring.eligibility import rules
from jaring.eligibility.selectors import ruleset_of
from jaring.eligibility.services import rule_version_ensure
from jaring.programmes.models import Programme
from jaring.registry.assessment import ALL_DOCUMENTS, stored_outcomes
from jaring.registry.imports import chunks
from jaring.registry.imports.files import file_check
from jaring.registry.imports.services import import_batch_run, import_batch_start
from jaring.registry.intake import ReferenceIndex, parse_applicant
from jaring.registry.models import Application, ImportBatch, ImportRow
from tests.helpers.imports import csv_bytes, good


@pytest.mark.django_db
def test_the_evaluator_gives_what_evaluate_gives(bpn_2026: Programme) -> None:
    ruleset = ruleset_of(version=rule_version_ensure(programme=bpn_2026))
    evaluator = rules.Evaluator(ruleset)
    covered = (rules.Coverage(source=rules.COVERAGE_BPJS, label="KPJ 1"),)
    cases = itertools.product(
        ("64.71.01.1001", "64.72.01.1001"),
        (date(1950, 1, 1), date(1990, 8, 15), date(2010, 1, 1)),
        (date(2015, 1, 1), date(2026, 5, 1), date(2026, 12, 1)),
        (1_000_000, 3_856_694, 9_000_000),
        ("ojol", "nelayan", "pedagang"),
        (frozenset(), ALL_DOCUMENTS),
        ((), covered),
    )
    for n, (code, born, since, income, sector, documents, cover) in enumerate(cases):
        facts = rules.Facts(
            application_date=date(2026, 6, 1),
            birth_date=born,
            kelurahan_code=code,
            domicile_since=since,
            monthly_income=income,
            sector_code=sector,
            document_kinds=documents,
            nik=f"64710115089{n:05d}",
            covered_elsewhere=cover,
        )
        assert evaluator(facts) == rules.evaluate(facts, ruleset)  # a second time from the memory
        assert evaluator(facts) == rules.evaluate(facts, ruleset)


@pytest.mark.django_db
def test_parsing_with_a_memo_gives_what_parsing_without_gives(reference: Any, tmp_path: Path) -> None:
    path = tmp_path / "list.xlsx"
    write_xlsx(path, 600, seed=11)
    checked = file_check(path)
    index = ReferenceIndex.load()
    memo: dict[tuple[Any, ...], Any] = {}
    for _number, row in checked.rows():
        values = checked.layout.values(row)
        plain = parse_applicant(values, index=index, region_code="64.71", today=date(2026, 6, 1))
        remembered = parse_applicant(values, index=index, region_code="64.71", today=date(2026, 6, 1), memo=memo)
        assert remembered == plain
    assert memo  # dates, incomes, RT/RW were remembered


@pytest.mark.django_db
def test_json_text_is_stored_as_the_json_it_holds() -> None:
    rows_insert(
        AuditRecord,
        ("actor_label", "action", "target_type", "target_id", "data"),
        [("test", "x.json", "t", "1", JsonText('{"a": [1, "b"]}')), ("test", "x.json", "t", "2", {"a": 2})],
    )
    assert [r.data for r in AuditRecord.objects.filter(action="x.json").order_by("target_id")] == [
        {"a": [1, "b"]},
        {"a": 2},
    ]


@pytest.mark.django_db
def test_an_imported_application_keeps_every_rule_outcome_as_a_single_registration_would(
    run_import: Any, bpn_2026: Programme
) -> None:
    batch = run_import(csv_bytes([good(1), good(2, penghasilan_bulanan="Rp9.000.000"), good(3)]))
    ruleset = ruleset_of(version=rule_version_ensure(programme=bpn_2026))
    for application in Application.objects.filter(programme=bpn_2026).select_related("person__sector"):
        person = application.person
        facts = rules.Facts(
            application_date=application.submitted_at.date(),
            birth_date=person.birth_date,
            kelurahan_code=person.kelurahan_id,
            domicile_since=person.domicile_since,
            monthly_income=person.monthly_income,
            sector_code=person.sector.code,
            document_kinds=frozenset(),
            nik=person.nik,
        )
        assert application.eligibility == stored_outcomes(rules.evaluate(facts, ruleset))
        assert application.warnings == []
    assert batch.created_count == 3


# -- a run killed or stopped in the middle ---------------------------------------------------------


class Crash(Exception):
    """Stands for the worker being killed."""


@pytest.mark.django_db(transaction=True)
def test_a_failure_inside_a_chunk_leaves_whole_chunks_and_a_resume_finishes(
    bpn_2026: Programme, registration_officer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [good(n) for n in range(1, 11)]
    rows[7] = good(2)  # duplicate of row 3
    batch, checked = import_batch_start(
        programme=bpn_2026, actor=registration_officer, file_name="a.csv", content=csv_bytes(rows), enqueue=False
    )
    original = chunks.audit_records_many
    calls = {"n": 0}

    def audit(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 3:  # inside the third chunk, after its applications were written
            raise Crash
        return original(*args, **kwargs)

    monkeypatch.setattr(chunks, "audit_records_many", audit)
    with pytest.raises(Crash):
        import_batch_run(batch=batch, checked=checked, chunk_size=3)
    monkeypatch.undo()
    assert ImportRow.objects.filter(batch=batch).count() == 6  # two whole chunks, nothing of the third
    assert Application.objects.count() == 6
    batch = import_batch_run(batch=batch)
    assert batch.status == ImportBatch.Status.DONE
    assert (batch.created_count, batch.duplicate_count, batch.rejected_count) == (9, 1, 0)
    assert sorted(Application.objects.values_list("number", flat=True)) == [f"BPN-2026-{n:06d}" for n in range(1, 10)]


@pytest.mark.django_db(transaction=True)
def test_a_stop_ends_the_run_after_the_chunk_being_stored_and_the_next_run_finishes(
    bpn_2026: Programme, registration_officer: User
) -> None:
    batch, checked = import_batch_start(
        programme=bpn_2026,
        actor=registration_officer,
        file_name="a.csv",
        content=csv_bytes([good(n) for n in range(1, 11)]),
        enqueue=False,
    )
    progress: list[int] = []
    batch = import_batch_run(
        batch=batch,
        checked=checked,
        chunk_size=3,
        stop=lambda: len(progress) >= 1,
        on_progress=lambda b: progress.append(b.rows_done),
    )
    assert batch.status == ImportBatch.Status.INTERRUPTED
    assert progress == [3]  # asked before each chunk: the first was stored, the rest is left for the next run
    assert ImportRow.objects.filter(batch=batch).count() == 3 == batch.rows_done
    batch = import_batch_run(batch=batch)
    assert batch.status == ImportBatch.Status.DONE and batch.created_count == 10
