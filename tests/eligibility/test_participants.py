"""The BPJS branch's list of existing participants: read as branches really send it, checked row by row, loaded
by NIK set-based, and refused whole (changing nothing) when it cannot be read."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import translation
from openpyxl import Workbook

from jaring.core.actors import Actor
from jaring.core.errors import DomainError, PermissionDenied
from jaring.core.models import AuditRecord, Funder, Role, User
from jaring.core.validation import normalise_header
from jaring.eligibility.models import ExistingParticipant, ParticipantList
from jaring.eligibility.participants import participant_list_import

pytestmark = pytest.mark.django_db

BUDI = "6471011508900001"
SITI = "6471015708850002"  # a woman: birth day 17 + 40
ANDI = "6471010101800003"
PAGE = "/program/peserta-bpjs/"


@pytest.fixture(autouse=True)
def _indonesian():
    with translation.override("id"):
        yield


def csv_bytes(lines: list[str], *, encoding: str = "utf-8") -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(tmp_path: Path, rows: list[list[object]], name: str = "peserta.xlsx") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path.read_bytes()


def load(funder: Funder, content: bytes, *, name: str = "peserta.csv", apply_sound_rows: bool = False):
    return participant_list_import(
        funder=funder, file_name=name, content=content, actor=Actor.system("test"), apply_sound_rows=apply_sound_rows
    )


def participants() -> dict[str, tuple[str, str, str]]:
    return {p.nik: (p.kpj, p.segment, p.status) for p in ExistingParticipant.objects.all()}


GOOD_CSV = csv_bytes(
    [
        "NIK,KPJ,Segmen,Status",
        f"{BUDI},12345678901,BPU,Aktif",
        f"{SITI},,PU,nonaktif",
    ]
)


# -- reading ---------------------------------------------------------------------------------------------


def test_a_semicolon_separated_windows_1252_export_is_read_with_its_aliases(balikpapan: Funder) -> None:
    content = csv_bytes(
        [
            "No. KTP;Nomor KPJ;Kepesertaan;Status Kepesertaan",
            f"{BUDI};123.4567.8901;Bukan Penerima Upah – BPU;AKTIF",
            f"{SITI};12345678902;Penerima Upah;Non-Aktif",
            f"{ANDI};;Jasa Konstruksi;tidak aktif",
            ";;;",
        ],
        encoding="cp1252",
    )

    participant_list = load(balikpapan, content)

    assert (participant_list.rows_total, participant_list.rows_loaded, participant_list.rows_rejected) == (3, 3, 0)
    assert participant_list.problems == []
    assert participants() == {
        BUDI: ("12345678901", "Bukan Penerima Upah – BPU", "aktif"),
        SITI: ("12345678902", "Penerima Upah", "nonaktif"),
        ANDI: ("", "Jasa Konstruksi", "nonaktif"),
    }


def test_a_utf8_csv_with_a_byte_order_mark_and_commas_is_read(balikpapan: Funder) -> None:
    participant_list = load(balikpapan, b"\xef\xbb\xbf" + GOOD_CSV)

    assert participant_list.rows_loaded == 2
    assert participants()[BUDI] == ("12345678901", "BPU", "aktif")
    assert participants()[SITI] == ("", "PU", "nonaktif")


@pytest.mark.parametrize(
    ("written", "column"),
    [("NIK", "nik"), ("No_KTP", "noktp"), ("nomor-kpj", "nomorkpj"), ("Status Kepesertaan", "statuskepesertaan")],
)
def test_headers_are_matched_ignoring_case_spaces_dots_underscores_and_dashes(written: str, column: str) -> None:
    assert normalise_header(written) == column


def test_an_xlsx_file_is_read(balikpapan: Funder, tmp_path: Path) -> None:
    content = xlsx_bytes(
        tmp_path,
        [
            ["NIK", "KPJ", "Segmen", "Status"],
            [BUDI, 12345678901, "BPU", "Active"],  # an 11-digit KPJ survives as a number
            [SITI, "12345678902", "BPU", "Inactive"],
        ],
    )

    participant_list = load(balikpapan, content, name="peserta.xlsx")

    assert participant_list.rows_loaded == 2
    assert participants() == {BUDI: ("12345678901", "BPU", "aktif"), SITI: ("12345678902", "BPU", "nonaktif")}


def test_a_sheet_named_peserta_is_read_even_when_it_is_not_the_first(balikpapan: Funder, tmp_path: Path) -> None:
    workbook = Workbook()
    notes = workbook.active
    assert notes is not None
    notes.title = "Petunjuk"
    notes.append(["Isi daftar di lembar Peserta."])
    sheet = workbook.create_sheet("Peserta")
    sheet.append(["NIK", "Status"])
    sheet.append([BUDI, "aktif"])
    workbook.save(tmp_path / "peserta.xlsx")

    load(balikpapan, (tmp_path / "peserta.xlsx").read_bytes(), name="peserta.xlsx")

    assert participants() == {BUDI: ("", "", "aktif")}


def test_a_nik_stored_as_a_number_in_excel_is_refused_with_the_excel_message(
    balikpapan: Funder, tmp_path: Path
) -> None:
    content = xlsx_bytes(
        tmp_path,
        [
            ["NIK", "KPJ", "Segmen", "Status"],
            [BUDI, "12345678901", "BPU", "aktif"],
            [6471011508900002, "", "", "aktif"],
        ],
    )

    participant_list = load(balikpapan, content, name="peserta.xlsx")

    assert participant_list.rows_loaded == 0
    assert participant_list.problems == [
        {
            "row": 3,
            "column": "NIK",
            "message": "NIK tersimpan sebagai angka di Excel sehingga digit terakhir hilang; ketik ulang sebagai teks "
            "(format sel Teks) 16 angka sesuai KTP.",
        }
    ]
    assert ExistingParticipant.objects.count() == 0


def test_a_nik_that_excel_turned_into_scientific_notation_in_a_csv_is_refused(balikpapan: Funder) -> None:
    participant_list = load(balikpapan, csv_bytes(["NIK;Status", "6,47101E+15;aktif"]))

    assert "tersimpan sebagai angka di Excel" in participant_list.problems[0]["message"]
    assert "6,47101E+15" in participant_list.problems[0]["message"]


# -- bad rows --------------------------------------------------------------------------------------------

BAD_CSV = csv_bytes(
    [
        "NIK,KPJ,Segmen,Status",
        f"{BUDI},12345678901,BPU,aktif",  # row 2: sound
        "647101150890001,,BPU,aktif",  # row 3: 15 digits
        f"{SITI},1234,BPU,aktif",  # row 4: KPJ too short
        f"{ANDI},,BPU,meninggal",  # row 5: unknown status
        "6471013208900004,,BPU,aktif",  # row 6: day 32 is no birth date
        f"{BUDI},12345678901,BPU,nonaktif",  # row 7: the same NIK as row 2
    ]
)


def test_bad_rows_are_reported_with_row_column_and_reason_and_nothing_is_loaded(balikpapan: Funder) -> None:
    participant_list = load(balikpapan, BAD_CSV)

    assert (participant_list.rows_total, participant_list.rows_loaded, participant_list.rows_rejected) == (6, 0, 5)
    assert [(p["row"], p["column"]) for p in participant_list.problems] == [
        (3, "NIK"),
        (4, "KPJ"),
        (5, "Status"),
        (6, "NIK"),
        (7, "NIK"),
    ]
    messages = [p["message"] for p in participant_list.problems]
    assert messages[0] == "NIK harus 16 angka; tertulis 15 angka."
    assert messages[1] == "KPJ harus 11 angka; tertulis 4 angka."
    assert messages[2] == "Status “meninggal” tidak dikenal; tulis aktif atau nonaktif."
    assert "bukan tanggal lahir yang ada" in messages[3]
    assert messages[4] == "NIK ini sudah ada di baris 2; baris ini diabaikan."
    assert ExistingParticipant.objects.count() == 0
    record = AuditRecord.objects.get(action="participants.refuse")
    assert record.data["rows_rejected"] == 5 and record.data["created"] == 0


def test_the_sound_rows_are_loaded_when_the_officer_chooses_so(balikpapan: Funder) -> None:
    participant_list = load(balikpapan, BAD_CSV, apply_sound_rows=True)

    assert (participant_list.rows_loaded, participant_list.rows_rejected) == (1, 5)
    assert len(participant_list.problems) == 5
    assert participants() == {BUDI: ("12345678901", "BPU", "aktif")}  # row 7's duplicate did not win
    record = AuditRecord.objects.get(action="participants.import")
    assert record.data["created"] == 1 and record.actor_label == "test"


# -- files that cannot be read ---------------------------------------------------------------------------

ENCRYPTED_XLSX = (
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 64
)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("kosong.csv", b"", "Berkas kosong"),
        ("rusak.xlsx", b"PK\x03\x04 this is not a workbook", "Berkas XLSX rusak"),
        ("bukan.xlsx", b"NIK,Status\n", "Berkas XLSX rusak"),
        ("sandi.xlsx", ENCRYPTED_XLSX, "dilindungi kata sandi"),
        ("tanpa-nik.csv", b"Nama;KPJ;Status\nBudi;12345678901;aktif\n", "Kolom NIK tidak ditemukan"),
        ("tanpa-status.csv", f"NIK;KPJ\n{BUDI};12345678901\n".encode(), "Kolom status tidak ditemukan"),
        ("judul-saja.csv", b"NIK;KPJ;Segmen;Status\n", "tidak berisi data peserta"),
        ("gambar.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "bukan XLSX atau CSV"),
    ],
    ids=[
        "zero-bytes",
        "broken-xlsx",
        "csv-named-xlsx",
        "password",
        "no-nik-column",
        "no-status-column",
        "header-only",
        "png",
    ],
)
def test_a_file_that_cannot_be_read_is_refused_whole_and_changes_nothing(
    balikpapan: Funder, name: str, content: bytes, message: str
) -> None:
    load(balikpapan, GOOD_CSV)
    before = (participants(), ParticipantList.objects.count(), AuditRecord.objects.count())

    with pytest.raises(DomainError) as refused:
        load(balikpapan, content, name=name, apply_sound_rows=True)

    assert message in refused.value.message
    assert refused.value.field == "file"
    assert (participants(), ParticipantList.objects.count(), AuditRecord.objects.count()) == before


# -- loading ---------------------------------------------------------------------------------------------


def test_loading_the_same_file_again_changes_nothing(balikpapan: Funder) -> None:
    load(balikpapan, GOOD_CSV)
    first = participants()

    again = load(balikpapan, GOOD_CSV)

    assert participants() == first
    assert ExistingParticipant.objects.count() == 2
    assert again.rows_loaded == 2
    record = AuditRecord.objects.filter(action="participants.import").order_by("-pk").first()
    assert record is not None
    assert (record.data["created"], record.data["updated"], record.data["unchanged"]) == (0, 0, 2)


def test_a_newer_list_wins_for_the_same_nik(balikpapan: Funder) -> None:
    load(balikpapan, GOOD_CSV)

    newer = load(balikpapan, csv_bytes(["NIK,KPJ,Segmen,Status", f"{BUDI},12345678901,BPU,nonaktif"]))

    assert participants()[BUDI] == ("12345678901", "BPU", "nonaktif")
    assert ExistingParticipant.objects.get(nik=BUDI).source == newer
    assert participants()[SITI] == ("", "PU", "nonaktif")  # not in the newer list: left as it was


def test_a_list_without_a_kpj_column_keeps_the_kpj_an_earlier_list_gave(balikpapan: Funder) -> None:
    load(balikpapan, GOOD_CSV)

    load(balikpapan, csv_bytes(["NIK;Status", f"{BUDI};aktif", f"{ANDI};aktif"]))

    assert participants()[BUDI] == ("12345678901", "BPU", "aktif")
    assert participants()[ANDI] == ("", "", "aktif")


def test_a_large_list_is_loaded_with_a_few_queries_not_one_per_row(
    balikpapan: Funder, django_assert_max_num_queries: Callable[..., object]
) -> None:
    lines = ["NIK;KPJ;Segmen;Status"] + [f"64710115089{n:05d};{10_000_000_000 + n};BPU;aktif" for n in range(1, 1501)]
    content = csv_bytes(lines)

    # SQLite caps the variables of one statement, so the insert is cut into batches of ~160 rows there.
    with django_assert_max_num_queries(25):  # type: ignore[operator]
        participant_list = load(balikpapan, content)

    assert participant_list.rows_loaded == 1500
    assert ExistingParticipant.objects.count() == 1500


def test_an_officer_loads_only_for_their_own_funder(
    bpjs_liaison: User, samarinda: Funder, registration_officer: User, balikpapan: Funder
) -> None:
    with pytest.raises(PermissionDenied):
        participant_list_import(
            funder=samarinda, file_name="x.csv", content=GOOD_CSV, actor=bpjs_liaison, apply_sound_rows=False
        )
    with pytest.raises(PermissionDenied):
        participant_list_import(
            funder=balikpapan, file_name="x.csv", content=GOOD_CSV, actor=registration_officer, apply_sound_rows=False
        )
    assert ExistingParticipant.objects.count() == 0


# -- the page --------------------------------------------------------------------------------------------


def upload(client: Client, content: bytes, *, name: str = "peserta.csv", **extra: object):
    return client.post(PAGE, {"file": SimpleUploadedFile(name, content), **extra})


def test_the_bpjs_liaison_uploads_a_list_and_sees_it_listed(
    bpjs_liaison: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(bpjs_liaison)

    response = upload(client, GOOD_CSV)

    assert response.status_code == 302
    page = client.get(PAGE)
    html = page.content.decode()
    assert page.status_code == 200
    assert "peserta.csv" in html and 'id="lists"' in html
    assert "2 dari 2 baris peserta.csv dimuat" in html
    assert ParticipantList.objects.get().uploaded_by == bpjs_liaison
    assert len(participants()) == 2


def test_a_file_with_bad_rows_is_not_applied_and_its_problems_are_shown(
    bpjs_liaison: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(bpjs_liaison)

    upload(client, BAD_CSV)
    html = client.get(PAGE).content.decode()

    assert 'id="problems"' in html
    assert "KPJ harus 11 angka; tertulis 4 angka." in html
    assert "tidak diterapkan" in html
    assert ExistingParticipant.objects.count() == 0

    upload(client, BAD_CSV, apply_sound_rows="on")
    assert participants() == {BUDI: ("12345678901", "BPU", "aktif")}


def test_a_broken_upload_shows_the_reason_next_to_the_file_and_changes_nothing(
    programme_manager: User, client_for: Callable[[User], Client]
) -> None:
    response = upload(client_for(programme_manager), b"", name="kosong.csv")

    assert response.status_code == 400
    assert "Berkas kosong" in response.content.decode()
    assert ParticipantList.objects.count() == 0


def test_the_system_operator_chooses_the_funder(
    system_administrator: User, client_for: Callable[[User], Client], samarinda: Funder
) -> None:
    client = client_for(system_administrator)
    assert upload(client, GOOD_CSV).status_code == 400  # no funder chosen

    assert upload(client, GOOD_CSV, funder=samarinda.pk).status_code == 302

    assert ParticipantList.objects.get().funder == samarinda


@pytest.mark.parametrize("persona", ["registration_officer", "dppp_verifier", "leadership", "auditor", "outsider"])
def test_other_roles_may_not_open_or_upload(
    persona: str, request: pytest.FixtureRequest, client_for: Callable[[User], Client]
) -> None:
    client = client_for(request.getfixturevalue(persona))

    assert client.get(PAGE).status_code == 403
    assert upload(client, GOOD_CSV).status_code == 403
    assert ParticipantList.objects.count() == 0


def test_each_funder_sees_only_its_own_lists(
    bpjs_liaison: User, make_officer: Callable[..., User], samarinda: Funder, client_for: Callable[[User], Client]
) -> None:
    upload(client_for(bpjs_liaison), GOOD_CSV, name="bpn.csv")
    samarinda_liaison = make_officer("bpjs_smd", Role.BPJS_LIAISON, samarinda)

    html = client_for(samarinda_liaison).get(PAGE).content.decode()

    assert "bpn.csv" not in html


# -- the command line ------------------------------------------------------------------------------------


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("import_bpjs_participants", *args, stdout=out, stderr=io.StringIO())
    except CommandError as exc:
        return exc.returncode, out.getvalue() + str(exc)
    return 0, out.getvalue()


def test_the_command_loads_a_sound_file_and_exits_0(balikpapan: Funder, tmp_path: Path) -> None:
    path = tmp_path / "peserta.csv"
    path.write_bytes(GOOD_CSV)

    code, out = run(str(path), "--funder", "balikpapan")

    assert code == 0
    assert "2 baris, 2 dimuat, 0 bermasalah" in out
    assert AuditRecord.objects.get(action="participants.import").actor_label == "cli"


def test_the_command_refuses_bad_rows_with_exit_1_unless_told_to_apply_the_sound_ones(
    balikpapan: Funder, tmp_path: Path
) -> None:
    path = tmp_path / "peserta.csv"
    path.write_bytes(BAD_CSV)

    code, out = run(str(path), "--funder", "balikpapan")
    assert code == 1
    assert "baris 4, kolom KPJ: KPJ harus 11 angka; tertulis 4 angka." in out
    assert ExistingParticipant.objects.count() == 0

    code, out = run(str(path), "--funder", "balikpapan", "--apply-sound-rows")
    assert code == 0
    assert "6 baris, 1 dimuat, 5 bermasalah" in out
    assert ExistingParticipant.objects.count() == 1


def test_the_command_exits_2_when_the_file_cannot_be_read(balikpapan: Funder, tmp_path: Path) -> None:
    empty = tmp_path / "kosong.csv"
    empty.write_bytes(b"")

    assert run(str(empty), "--funder", "balikpapan")[0] == 2
    assert run(str(tmp_path / "tidak-ada.csv"), "--funder", "balikpapan")[0] == 2
    assert run(str(empty), "--funder", "jakarta")[0] == 2
    assert ParticipantList.objects.count() == 0
