"""The BPJS branch's answer: reading the file leniently, refusing a malformed one until it is sound (or the
officer applies only its sound rows), applying it once, and the upload page and command line around it."""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook

from jaring.core.errors import DomainError, PermissionDenied
from jaring.core.models import AccessLog, AuditRecord, Role
from jaring.enrolment.answers import answer_import, parse_answer
from jaring.enrolment.models import Batch, BatchMember, Membership, ResponseImport
from jaring.enrolment.services import batch_create
from jaring.registry.models import Application
from jaring.registry.states import ApplicationStatus

# BPN-2026 is running and takes places: these cases mean a day of its year (places start the month approved).
pytestmark = pytest.mark.today("2026-11-03")

S = ApplicationStatus
STRANGER = "6471015505850001"  # a sound NIK nobody waits with


def csv_bytes(rows: list[list[str]], sep: str = ";") -> bytes:
    return "\r\n".join(sep.join(row) for row in rows).encode("utf-8")


def xlsx_bytes(rows: list[list[object]], *, sheet: str = "jawaban") -> bytes:
    workbook = Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = sheet
    for row in rows:
        worksheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def sent(approved, bpn_2026, programme_manager):
    """Five approved fishers of BPN-2026 sent to BPJS in batch BPN-2026-K001."""
    applications = approved(5)
    batch = batch_create(programme=bpn_2026, actor=programme_manager)
    return batch, applications


def nik(application: Application) -> str:
    return application.person.nik


def state(batch: Batch) -> list[tuple[str, str, str, bool]]:
    """Everything an answer may change, to prove that nothing did."""
    members = list(batch.members.order_by("position").values_list("outcome", "kpj", "reason", "open"))
    reasons = list(Application.objects.order_by("pk").values_list("status", "status_reason"))
    return [*members, *reasons, ("memberships", str(Membership.objects.count()), "", True)]  # type: ignore[list-item]


# -- reading ------------------------------------------------------------------------------------------------


def test_it_reads_the_branchs_spellings_of_columns_statuses_and_dates(sent):
    _batch, (a, b, c, d, e) = sent
    content = csv_bytes(
        [
            ["No. KTP", "No KPJ", "Hasil", "Keterangan", "TMT"],
            [nik(a), "12345678901", "Diterima", "", "01-12-2026"],
            [nik(b), "123.456.789-02", " TERIMA ", "", "2026-12-01"],
            [nik(c), "12345678903", "ok", "", ""],
            [nik(d), "", "Ditolak", "NIK  tidak padan   Dukcapil", ""],
            ["", "", "", "", ""],
            [nik(e), "", "tolak", "", ""],
        ]
    )
    parsed = parse_answer(file_name="jawaban.csv", content=content)
    assert parsed.problems == []
    assert [(r.row_number, r.accepted, r.kpj) for r in parsed.rows] == [
        (2, True, "12345678901"),
        (3, True, "12345678902"),
        (4, True, "12345678903"),
        (5, False, ""),
        (7, False, ""),
    ]
    assert parsed.rows[0].starts == date(2026, 12, 1) == parsed.rows[1].starts
    assert parsed.rows[2].starts is None
    assert parsed.rows[3].reason == "NIK tidak padan Dukcapil"


def test_it_reads_excel_dates_and_numeric_kpj_cells(sent):
    _batch, (a, b, *_rest) = sent
    content = xlsx_bytes(
        [
            ["NIK", "KPJ", "STATUS", "ALASAN", "TANGGAL MULAI"],
            [nik(a), 12345678901, "accepted", None, datetime(2026, 12, 1)],
            [nik(b), None, "REJECTED", "Data ganda", None],
        ]
    )
    parsed = parse_answer(file_name="jawaban.xlsx", content=content)
    assert parsed.problems == []
    assert parsed.rows[0].kpj == "12345678901" and parsed.rows[0].starts == date(2026, 12, 1)
    assert not parsed.rows[1].accepted and parsed.rows[1].reason == "Data ganda"


@pytest.mark.parametrize(
    ("content", "file_name", "words"),
    [
        (b"", "jawaban.csv", "kosong"),
        (b"PK\x03\x04 this is no workbook", "jawaban.xlsx", "rusak"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64 + "EncryptedPackage".encode("utf-16-le"),
            "j.xlsx",
            "sandi",
        ),
        (b"\x00\x01\x02\xff\xfe" * 200, "jawaban.csv", "bukan XLSX atau CSV"),
        (b"%PDF-1.4 surat", "jawaban.pdf", "bukan CSV atau XLSX"),
        (b"NIK;STATUS;KPJ\r\n", "jawaban.csv", "di bawah baris judul"),
        (b"\r\n;;\r\n", "jawaban.csv", "baris judul"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(content, file_name, words):
    with pytest.raises(DomainError) as caught:
        parse_answer(file_name=file_name, content=content)
    assert words in caught.value.message
    assert caught.value.field == "file"


def test_every_bad_cell_is_named_with_its_row_and_column(sent):
    _batch, (a, b, c, d, e) = sent
    content = csv_bytes(
        [
            ["NIK", "KPJ", "STATUS", "ALASAN", "TANGGAL MULAI"],
            [nik(a), "1234567890", "diterima", "", ""],  # 10 digits
            [nik(b), "abc", "diterima", "", ""],
            [nik(c), "", "diterima", "", ""],  # accepted without KPJ
            [nik(d), "", "", "", ""],  # no status
            [nik(e), "12345678905", "diterima", "", "31-02-2026"],
            ["1234", "", "ditolak", "", ""],
            [nik(e)[:-1] + "x", "", "ditolak", "", "kemarin"],
        ]
    )
    parsed = parse_answer(file_name="jawaban.csv", content=content)
    assert parsed.rows == []
    found = {(p.row, p.column) for p in parsed.problems}
    assert found == {
        (2, "KPJ"),
        (3, "KPJ"),
        (4, "KPJ"),
        (5, "STATUS"),
        (6, "TANGGAL MULAI"),
        (7, "NIK"),
        (8, "NIK"),
        (8, "TANGGAL MULAI"),
    }
    messages = {(p.row, p.column): p.message for p in parsed.problems}
    assert "11 angka" in messages[(2, "KPJ")] and "10" in messages[(2, "KPJ")]
    assert "wajib" in messages[(4, "KPJ")]
    assert "diterima atau ditolak" in messages[(5, "STATUS")]
    assert "16" in messages[(7, "NIK")]


def test_a_missing_nik_or_status_column_refuses_the_whole_file(sent, bpn_2026, programme_manager):
    batch, (a, *_rest) = sent
    before = state(batch)
    content = csv_bytes([["NOMOR", "KPJ", "HASIL BPJS"], [nik(a), "12345678901", "diterima"]])
    parsed = parse_answer(file_name="jawaban.csv", content=content)
    assert [(p.row, p.column) for p in parsed.problems] == [(1, "NIK"), (1, "STATUS")]
    response = answer_import(
        programme=bpn_2026, file_name="jawaban.csv", content=content, actor=programme_manager, apply_sound_rows=True
    )
    assert response.status == ResponseImport.Status.REFUSED
    assert state(batch) == before


# -- applying -----------------------------------------------------------------------------------------------


def _answer_rows(a: Application, b: Application) -> list[list[str]]:
    return [
        ["NIK", "KPJ", "STATUS", "ALASAN", "TANGGAL MULAI"],
        [nik(a), "12345678901", "diterima", "", "01-12-2026"],
        [nik(b), "", "ditolak", "NIK tidak padan dengan Dukcapil", ""],
        [STRANGER, "10987654321", "diterima", "", ""],
    ]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_accepted_people_become_members_rejected_go_back_strangers_are_reported(
    kind, sent, bpn_2026, programme_manager
):
    batch, (a, b, *_rest) = sent
    rows = _answer_rows(a, b)
    content = csv_bytes(rows) if kind == "csv" else xlsx_bytes(rows)  # type: ignore[arg-type]
    response = answer_import(programme=bpn_2026, file_name=f"jawaban.{kind}", content=content, actor=programme_manager)
    assert response.status == ResponseImport.Status.APPLIED
    assert response.counts["accepted"] == 1 and response.counts["rejected"] == 1 and response.counts["unknown"] == 1
    membership = Membership.objects.get(application=a)
    assert membership.kpj == "12345678901" and membership.status == Membership.Status.ACTIVE
    assert membership.starts == date(2026, 12, 1)
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.status == S.ENROLLED
    assert b.status == S.APPROVED and "Dukcapil" in b.status_reason
    assert BatchMember.objects.get(application=b).outcome == BatchMember.Outcome.REJECTED
    (stranger,) = response.problems
    assert stranger["row"] == 4 and stranger["nik"] == STRANGER and stranger["kind"] == "unknown"
    assert "tidak cocok dengan peserta mana pun di batch terbuka" in stranger["message"]
    assert AuditRecord.objects.filter(action="bpjs_answer.apply", target_id=str(response.pk)).exists()
    batch.refresh_from_db()
    assert batch.status == Batch.Status.OPEN  # three members still wait


def test_the_same_answer_twice_changes_nothing(sent, bpn_2026, programme_manager):
    batch, (a, b, *_rest) = sent
    content = csv_bytes(_answer_rows(a, b))
    answer_import(programme=bpn_2026, file_name="jawaban.csv", content=content, actor=programme_manager)
    before = state(batch)
    again = answer_import(programme=bpn_2026, file_name="jawaban.csv", content=content, actor=programme_manager)
    assert again.status == ResponseImport.Status.APPLIED
    assert (again.counts["accepted"], again.counts["rejected"], again.counts["unchanged"]) == (0, 0, 2)
    assert again.counts["unknown"] == 1
    assert state(batch) == before


def test_an_answer_contradicting_an_earlier_one_is_reported_not_applied(sent, bpn_2026, programme_manager):
    _batch, (a, b, *_rest) = sent
    answer_import(
        programme=bpn_2026, file_name="j1.csv", content=csv_bytes(_answer_rows(a, b)), actor=programme_manager
    )
    other = csv_bytes([["NIK", "KPJ", "STATUS"], [nik(a), "99999999999", "diterima"]])
    response = answer_import(programme=bpn_2026, file_name="j2.csv", content=other, actor=programme_manager)
    assert response.counts["conflicting"] == 1
    assert response.problems[0]["kind"] == "conflicting" and response.problems[0]["row"] == 2
    assert Membership.objects.get(application=a).kpj == "12345678901"


MALFORMED_HEADER = ["NIK", "STATUS", "ALASAN"]  # no KPJ column


def _malformed(apps: list[Application]) -> bytes:
    a, b, c, d, e = apps
    return csv_bytes(
        [
            MALFORMED_HEADER,
            [nik(a), "diterima", ""],  # 2: accepted, but the file has no KPJ column
            [nik(b)[:15], "ditolak", "x"],  # 3: a 15-digit NIK
            [nik(b), "ditolak", "Data tidak padan"],  # 4: sound
            [nik(c), "mungkin", ""],  # 5: unknown status
            [nik(d), "ditolak", "satu"],  # 6: the same NIK as row 7
            [nik(d), "ditolak", "dua"],  # 7
            [nik(e), "ditolak", "Sudah terdaftar di segmen PU"],  # 8: sound
        ]
    )


def test_a_malformed_answer_is_refused_whole_and_explained(sent, bpn_2026, programme_manager):
    batch, apps = sent
    before = state(batch)
    response = answer_import(
        programme=bpn_2026, file_name="jawaban.csv", content=_malformed(apps), actor=programme_manager
    )
    assert response.status == ResponseImport.Status.REFUSED
    assert state(batch) == before
    found = {(p["row"], p["column"]) for p in response.problems}
    assert found == {(2, "KPJ"), (3, "NIK"), (5, "STATUS"), (6, "NIK"), (7, "NIK")}
    by_row = {p["row"]: p["message"] for p in response.problems}
    assert "baris 7" in by_row[6] and "baris 6" in by_row[7]
    assert "mungkin" in by_row[5]
    assert response.counts["bad"] == 5 and response.counts["sound"] == 2
    assert AuditRecord.objects.filter(action="bpjs_answer.refuse").count() == 1


def test_the_officer_may_apply_only_the_sound_rows(sent, bpn_2026, programme_manager):
    batch, apps = sent
    a, b, c, d, e = apps
    response = answer_import(
        programme=bpn_2026,
        file_name="jawaban.csv",
        content=_malformed(apps),
        actor=programme_manager,
        apply_sound_rows=True,
    )
    assert response.status == ResponseImport.Status.APPLIED
    assert response.counts["rejected"] == 2 and response.counts["accepted"] == 0
    outcomes = dict(batch.members.values_list("application_id", "outcome"))
    assert outcomes == {
        a.pk: "pending",
        b.pk: "rejected",
        c.pk: "pending",
        d.pk: "pending",
        e.pk: "rejected",
    }
    assert Membership.objects.count() == 0
    assert len([p for p in response.problems if p["kind"] == "row"]) == 5


def test_a_start_date_after_the_cover_ends_is_a_problem(sent, bpn_2026, programme_manager):
    _batch, (a, *_rest) = sent
    content = csv_bytes([["NIK", "KPJ", "STATUS", "TGL MULAI"], [nik(a), "12345678901", "diterima", "01-01-2062"]])
    response = answer_import(programme=bpn_2026, file_name="j.csv", content=content, actor=programme_manager)
    assert response.status == ResponseImport.Status.REFUSED
    assert response.problems[0]["column"] == "TGL MULAI" and "tahun" in response.problems[0]["message"]


def test_only_the_funders_bpjs_officers_may_import(
    sent, bpn_2026, bpjs_liaison, dppp_verifier, make_officer, samarinda
):
    _batch, (a, b, *_rest) = sent
    content = csv_bytes(_answer_rows(a, b))
    smd_manager = make_officer("smd_manager", Role.PROGRAMME_MANAGER, samarinda)
    for officer in (dppp_verifier, smd_manager):
        with pytest.raises(PermissionDenied):
            answer_import(programme=bpn_2026, file_name="j.csv", content=content, actor=officer)
    assert not ResponseImport.objects.exists()
    response = answer_import(programme=bpn_2026, file_name="j.csv", content=content, actor=bpjs_liaison)
    assert response.counts["accepted"] == 1


# -- the page -----------------------------------------------------------------------------------------------


def _upload(client, code: str, name: str, content: bytes, *, apply: bool = False):
    data: dict[str, object] = {"file": _named(name, content)}
    if apply:
        data["apply_sound_rows"] = "on"
    return client.post(reverse("batches:answer", args=[code]), data)


def _named(name: str, content: bytes) -> io.BytesIO:
    handle = io.BytesIO(content)
    handle.name = name
    return handle


def test_the_page_applies_an_answer_and_shows_its_result(sent, bpn_2026, programme_manager, client_for):
    _batch, (a, b, *_rest) = sent
    client = client_for(programme_manager)
    page = client.get(reverse("batches:answer", args=["BPN-2026"]))
    assert page.status_code == 200 and b"answer-form" in page.content
    response = _upload(client, "BPN-2026", "jawaban.csv", csv_bytes(_answer_rows(a, b)))
    result = ResponseImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("batches:answer_result", args=["BPN-2026", result.pk])
    shown = client.get(response["Location"])
    assert shown.status_code == 200
    assert "no-store" in shown["Cache-Control"]
    html = shown.content.decode()
    assert 'id="count-accepted">1<' in html and 'id="count-unknown">1<' in html
    assert STRANGER in html
    assert AccessLog.objects.filter(person_ref=f"bpjs_answer:{result.pk}").exists()
    listed = client.get(reverse("batches:answer", args=["BPN-2026"]))
    assert b"jawaban.csv" in listed.content
    # The same file again: applied, nothing new, and the page says it was seen before.
    again = client.get(_upload(client, "BPN-2026", "jawaban.csv", csv_bytes(_answer_rows(a, b)))["Location"])
    assert 'id="repeat"' in again.content.decode()
    assert Membership.objects.count() == 1


def test_the_page_lists_every_problem_then_applies_the_sound_rows_on_request(sent, bpn_2026, bpjs_liaison, client_for):
    batch, apps = sent
    client = client_for(bpjs_liaison)
    refused = client.get(_upload(client, "BPN-2026", "jawaban.csv", _malformed(apps))["Location"])
    html = refused.content.decode()
    assert "tidak diterapkan" in html
    for row, column in ((2, "KPJ"), (3, "NIK"), (5, "STATUS"), (6, "NIK"), (7, "NIK")):
        assert re.search(rf'<td class="num">{row}</td>\s*<td>{column}</td>', html), (row, column)
    assert not batch.members.exclude(outcome="pending").exists()
    applied = client.get(_upload(client, "BPN-2026", "jawaban.csv", _malformed(apps), apply=True)["Location"])
    assert 'id="count-rejected">2<' in applied.content.decode()
    assert batch.members.filter(outcome="rejected").count() == 2


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("jawaban.csv", b"", "kosong"),
        ("jawaban.xlsx", b"PK\x03\x04garbage" * 10, "rusak"),
        ("jawaban.csv", bytes(range(256)) * 40, "bukan XLSX atau CSV"),
        ("jawaban.docx", b"some words", "bukan CSV atau XLSX"),
        ("foto.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "bukan CSV atau XLSX"),
    ],
)
def test_bad_uploads_are_explained_not_500(sent, programme_manager, client_for, name, content, words):
    client = client_for(programme_manager)
    response = _upload(client, "BPN-2026", name, content)
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not ResponseImport.objects.exists()


def test_no_file_and_a_huge_file_are_refused(sent, programme_manager, client_for, settings):
    client = client_for(programme_manager)
    missing = client.post(reverse("batches:answer", args=["BPN-2026"]), {})
    assert missing.status_code == 400 and "Pilih berkas jawaban BPJS" in missing.content.decode()
    huge = _upload(client, "BPN-2026", "jawaban.csv", b"NIK;STATUS\r\n" + b"x" * (20 * 1024 * 1024 + 1))
    assert huge.status_code == 400 and "terlalu besar" in huge.content.decode()


@pytest.mark.parametrize("persona", ["dppp_verifier", "dishub_verifier", "samarinda_officer", "outsider", "leadership"])
def test_other_officers_may_not_see_or_upload_answers(sent, client_for, persona, request):
    _batch, (a, b, *_rest) = sent
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("batches:answer", args=["BPN-2026"])).status_code == 403
    assert _upload(client, "BPN-2026", "j.csv", csv_bytes(_answer_rows(a, b))).status_code == 403
    assert not ResponseImport.objects.exists()


def test_another_funders_manager_does_not_find_the_programme(
    sent, bpn_2026, programme_manager, make_officer, samarinda, client_for
):
    _batch, (a, b, *_rest) = sent
    response = answer_import(
        programme=bpn_2026, file_name="j.csv", content=csv_bytes(_answer_rows(a, b)), actor=programme_manager
    )
    client = client_for(make_officer("smd_manager", Role.PROGRAMME_MANAGER, samarinda))
    assert client.get(reverse("batches:answer", args=["BPN-2026"])).status_code == 404
    assert client.get(reverse("batches:answer_result", args=["BPN-2026", response.pk])).status_code == 404
    own = client_for(programme_manager)
    assert own.get(reverse("batches:answer_result", args=["BPN-2026", 10**30])).status_code == 404
    assert own.get(reverse("batches:answer_result", args=["BPN-2026", response.pk + 1])).status_code == 404
    assert own.get(reverse("batches:answer", args=["NOPE-1"])).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(sent):
    from django.test import Client

    response = Client().get(reverse("batches:answer", args=["BPN-2026"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))


# -- the command line ---------------------------------------------------------------------------------------


def test_the_command_applies_refuses_and_gives_up_with_exit_codes(sent, tmp_path: Path):
    batch, apps = sent
    a, b, *_rest = apps
    malformed = tmp_path / "rusak.csv"
    malformed.write_bytes(_malformed(apps))
    out = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("bpjs_answer", str(malformed), "--programme", "BPN-2026", stdout=out)
    assert refused.value.returncode == 1
    assert "baris 5, kolom STATUS" in out.getvalue()
    assert not batch.members.exclude(outcome="pending").exists()

    out = io.StringIO()
    call_command("bpjs_answer", str(malformed), "--programme", "BPN-2026", "--apply-sound-rows", stdout=out)
    assert "2 ditolak" in out.getvalue()

    good = tmp_path / "jawaban.xlsx"
    good.write_bytes(xlsx_bytes(_answer_rows(a, b)))  # type: ignore[arg-type]
    out = io.StringIO()
    call_command("bpjs_answer", str(good), "--programme", "BPN-2026", stdout=out)
    assert "1 diterima" in out.getvalue() and "tidak cocok" in out.getvalue()
    assert Membership.objects.get(application=a).kpj == "12345678901"
    assert "1 tidak berubah" in out.getvalue()  # b was rejected with the sound rows already

    broken = tmp_path / "rusak.xlsx"
    broken.write_bytes(b"PK\x03\x04 nope")
    for args in ([str(broken), "--programme", "BPN-2026"], [str(tmp_path / "none.csv"), "--programme", "BPN-2026"]):
        with pytest.raises(CommandError) as unreadable:
            call_command("bpjs_answer", *args, stdout=io.StringIO())
        assert unreadable.value.returncode == 2
    with pytest.raises(CommandError) as unknown:
        call_command("bpjs_answer", str(good), "--programme", "NOPE", stdout=io.StringIO())
    assert unknown.value.returncode == 2


def test_a_name_without_a_real_extension_is_judged_by_its_content(sent):
    _batch, (a, *_rest) = sent
    content = f"NIK,KPJ,STATUS\r\n{nik(a)},12345678901,Diterima\r\n".encode("cp1252")
    parsed = parse_answer(file_name="jawaban 21.11.2026", content=content)
    assert parsed.problems == [] and parsed.rows[0].kpj == "12345678901"


def test_a_nik_repeated_many_times_names_a_few_rows_and_counts_the_rest(sent):
    _batch, (a, *_rest) = sent
    content = csv_bytes([["NIK", "STATUS"]] + [[nik(a), "ditolak"]] * 20)
    parsed = parse_answer(file_name="j.csv", content=content)
    assert parsed.rows == [] and len(parsed.problems) == 20
    assert parsed.problems[0].message.startswith(
        "NIK ini tertulis lebih dari sekali (juga di baris 3, 4, 5, 6, 7, dan 14"
    )
