"""`jaring find-duplicates FILE [--programme CODE] [--against-registry] --out PAIRS.csv`
(../shared/spec/duplicates.md): the pairs judged one person, best first, as CSV; exit 0 when it ran, 2 when
the file cannot be read."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jaring.duplicates import thresholds
from jaring.programmes.models import Programme
from tests.duplicates.conftest import (
    HASAN,
    HUSAIN,
    MUHAMMAD,
    SITI,
    csv_of,
    read_pairs,
    registered,
    with_changes,
    xlsx_of,
)

pytestmark = pytest.mark.django_db


def find(tmp_path: Path, content: bytes, *args: str, suffix: str = ".xlsx") -> tuple[list[dict[str, str]], str]:
    listing = tmp_path / f"daftar{suffix}"
    listing.write_bytes(content)
    out = tmp_path / "pasangan.csv"
    err = io.StringIO()
    call_command("find_duplicates", str(listing), *args, "--out", str(out), stdout=io.StringIO(), stderr=err)
    text = out.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "row_a,row_b,nik_b,score,reasons"
    return read_pairs(text), err.getvalue()


def test_it_finds_the_same_woman_typed_twice_with_a_digit_of_her_nik_wrong(reference: None, tmp_path: Path) -> None:
    rows = [SITI, HASAN, with_changes(SITI, nik="6471015203880008", nama="SITI RACHMAWATI", no_kk="", no_hp="")]
    pairs, _ = find(tmp_path, xlsx_of(rows))
    assert len(pairs) == 1
    assert (pairs[0]["row_a"], pairs[0]["row_b"], pairs[0]["nik_b"]) == ("2", "4", "")
    assert float(pairs[0]["score"]) >= thresholds.SAME_PERSON
    assert "NIK beda 1 angka" in pairs[0]["reasons"]
    assert "nama sama setelah ejaan disamakan" in pairs[0]["reasons"]
    assert "tanggal lahir sama" in pairs[0]["reasons"]


def test_muhammad_written_m_with_day_and_month_swapped_and_the_nik_lost_in_excel_is_found(
    reference: None, tmp_path: Path
) -> None:
    # The NIK typed as a number: Excel kept 15 digits. The birth date with day and month swapped.
    copy = with_changes(MUHAMMAD, nik=6471011708900000, nama="M. Rizky Pratama", tanggal_lahir="08-17-1990")
    copy["tanggal_lahir"] = "1990-08-17"
    pairs, _ = find(tmp_path, xlsx_of([copy, SITI, MUHAMMAD]))
    assert [(p["row_a"], p["row_b"]) for p in pairs] == [("2", "4")]
    assert "angka terakhir" in pairs[0]["reasons"]


def test_twins_of_one_family_card_are_not_written(reference: None, tmp_path: Path) -> None:
    pairs, _ = find(tmp_path, xlsx_of([HASAN, HUSAIN, SITI]))
    assert pairs == []


def test_a_group_of_three_is_written_as_its_three_pairs_best_first(reference: None, tmp_path: Path) -> None:
    rows = [
        SITI,
        with_changes(SITI, nama="Siti Rahmawaty", no_hp=""),
        HASAN,
        with_changes(SITI, nik="6471015203880030", nama="siti rahmawati", nama_ibu_kandung=""),
    ]
    pairs, _ = find(tmp_path, csv_of(rows), suffix=".csv")
    assert sorted((p["row_a"], p["row_b"]) for p in pairs) == [("2", "3"), ("2", "5"), ("3", "5")]
    scores = [float(p["score"]) for p in pairs]
    assert scores == sorted(scores, reverse=True)
    assert all(int(p["row_a"]) < int(p["row_b"]) for p in pairs)


def test_rows_the_import_would_refuse_are_still_compared_on_what_they_have(reference: None, tmp_path: Path) -> None:
    # No jenis_kelamin column at all, and one row without a NIK: an import refuses both; the check compares them.
    columns = ("nama", "tanggal_lahir", "nik", "kode_kelurahan", "no_kk")
    rows = [SITI, with_changes(SITI, nik="", nama="Siti  Rahmawati")]
    pairs, err = find(tmp_path, xlsx_of(rows, columns=columns))
    assert [(p["row_a"], p["row_b"]) for p in pairs] == [("2", "3")]
    assert "jenis_kelamin" in err


def test_against_the_registry_a_row_is_matched_to_the_person_already_there(bpn_2026: Programme, tmp_path: Path) -> None:
    person = registered(SITI)
    copy = with_changes(SITI, nik="6471015230880003", nama="Hj. Siti Rahmawati")  # two digits swapped
    pairs, _ = find(tmp_path, xlsx_of([HASAN, copy]), "--against-registry")
    assert [(p["row_a"], p["row_b"], p["nik_b"]) for p in pairs] == [("3", "", person.nik)]
    assert "bertukar" in pairs[0]["reasons"]


def test_against_the_registry_with_a_programme_only_its_funders_persons_are_compared(
    bpn_2026: Programme, smd_2026: Programme, make_application, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    registered(SITI)  # in the registry, but no application to any Balikpapan programme
    pairs, _ = find(tmp_path, xlsx_of([SITI]), "--against-registry", "--programme", "BPN-2026")
    assert pairs == []
    pairs, _ = find(tmp_path, xlsx_of([SITI]), "--against-registry")
    assert len(pairs) == 1


def test_an_unreadable_file_exits_with_status_2(reference: None, tmp_path: Path) -> None:
    listing = tmp_path / "daftar.xlsx"
    listing.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(CommandError) as raised:
        call_command("find_duplicates", str(listing), "--out", str(tmp_path / "out.csv"))
    assert raised.value.returncode == 2
    assert not (tmp_path / "out.csv").exists()


def test_a_missing_file_exits_with_status_2(reference: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError) as raised:
        call_command("find_duplicates", str(tmp_path / "tidak-ada.csv"), "--out", str(tmp_path / "out.csv"))
    assert raised.value.returncode == 2


def test_an_unknown_programme_is_a_bad_argument(reference: None, tmp_path: Path) -> None:
    listing = tmp_path / "daftar.csv"
    listing.write_bytes(csv_of([SITI]))
    with pytest.raises(CommandError, match="unknown programme") as raised:
        call_command("find_duplicates", str(listing), "--programme", "XYZ-2026", "--out", str(tmp_path / "o.csv"))
    assert raised.value.returncode == 1
