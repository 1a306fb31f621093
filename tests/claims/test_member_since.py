"""'Member of BPJS since' comes from the branch: its list of existing participants (ExistingParticipant.member_since)
and its answer to a batch (Membership.bpjs_since). The JKM scholarship's three years count from the earliest."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from jaring.claims.selectors import member_since_of
from jaring.core.models import Funder, User
from jaring.eligibility.models import ExistingParticipant
from jaring.eligibility.participants import participant_list_import
from jaring.enrolment.answers import answer_import, parse_answer
from jaring.enrolment.models import Membership
from jaring.enrolment.services import batch_create
from jaring.programmes.models import Programme
from jaring.registry.models import Application
from tests.helpers.reference import TESTS

pytestmark = pytest.mark.today("2026-11-03")


def test_the_participant_list_may_say_since_when_someone_is_a_participant(balikpapan: Funder) -> None:
    content = (
        b"NIK;KPJ;Segmen;Status;Peserta sejak\n"
        b"6471015505850001;12345678901;BPU;nonaktif;01-03-2021\n"
        b"6471011508900002;12345678902;PU;aktif;\n"
        b"6471011508900003;12345678903;PU;aktif;kemarin\n"
    )
    listed = participant_list_import(
        funder=balikpapan, file_name="peserta.csv", content=content, actor=TESTS, apply_sound_rows=True
    )
    since = dict(ExistingParticipant.objects.values_list("nik", "member_since"))
    assert since == {"6471015505850001": date(2021, 3, 1), "6471011508900002": None}
    assert listed.problems[0]["row"] == 4 and listed.problems[0]["column"] == "Peserta sejak"

    # A later list without the column keeps what the earlier one said.
    participant_list_import(
        funder=balikpapan,
        file_name="peserta-2.csv",
        content=b"NIK;Status\n6471015505850001;aktif\n",
        actor=TESTS,
        apply_sound_rows=False,
    )
    assert ExistingParticipant.objects.get(nik="6471015505850001").member_since == date(2021, 3, 1)


def test_the_branchs_answer_may_say_since_when_a_new_member_was_a_participant(
    approved: Callable[..., list[Application]],
    bpn_2026: Programme,
    programme_manager: User,
) -> None:
    first, second = approved(2)
    batch_create(programme=bpn_2026, actor=programme_manager)
    content = (
        "NIK;KPJ;STATUS;TANGGAL MULAI;PESERTA SEJAK\n"
        f"{first.person.nik};26071000001;diterima;01-11-2026;15-06-2019\n"
        f"{second.person.nik};26071000002;diterima;01-11-2026;\n"
    ).encode()
    answer_import(programme=bpn_2026, file_name="jawaban.csv", content=content, actor=programme_manager)
    since = dict(Membership.objects.values_list("person__nik", "bpjs_since"))
    assert since == {first.person.nik: date(2019, 6, 15), second.person.nik: date(2026, 11, 1)}
    assert member_since_of(first.person) == date(2019, 6, 15)


def test_a_date_in_the_future_is_a_problem_of_its_row() -> None:
    content = b"NIK;KPJ;STATUS;PESERTA SEJAK\n6471015505850001;26071000001;diterima;01-01-2030\n"
    parsed = parse_answer(file_name="jawaban.csv", content=content)
    assert parsed.rows == [] and parsed.problems[0].column == "PESERTA SEJAK"
