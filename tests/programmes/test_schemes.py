"""Several schemes per funder and year (issue 20): Samarinda covers its vulnerable workers and, beside them, its RT
heads, whose eligibility is standing on the list the office that appoints them sent. One person still holds one
place per month, across every scheme and funder."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest
from django.db import IntegrityError, transaction

from jaring.allocation.models import Place
from jaring.allocation.services import PersonHasPlace
from jaring.core.actors import Actor
from jaring.core.errors import DomainError, PermissionDenied
from jaring.core.models import AgencyKind, Funder, Role, User
from jaring.eligibility.models import DocumentKind, IncomeCeiling, TargetList
from jaring.eligibility.services import rule_version_create
from jaring.eligibility.target_lists import target_list_current, target_list_import
from jaring.enrolment.selectors import reverification_targets
from jaring.programmes.models import Programme
from jaring.programmes.selectors import programmes_taking_registrations
from jaring.registry.intake import ReferenceIndex, parse_applicant
from jaring.registry.models import Application
from jaring.registry.services import Upload, applicant_register
from jaring.registry.states import ApplicationStatus
from jaring.verification.models import Outcome
from jaring.verification.services import DecisionInput, application_decide
from tests.helpers.applicants import applicant_values
from tests.helpers.documents import PDF, PNG
from tests.helpers.reference import TESTS, programme_for

pytestmark = pytest.mark.today("2026-03-02")

TODAY = date(2026, 3, 2)
RT_OFFICE = "Bagian Pemerintahan Sekretariat Daerah Kota Samarinda"


def _xlsx(rows: list[list[object]]) -> bytes:
    import io

    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def kelurahan(reference):  # type: ignore[no-untyped-def]
    from jaring.core.models import Region

    found = Region.objects.filter(code__startswith="64.72.", level=Region.Level.VILLAGE).order_by("code").first()
    assert found is not None
    return found.code


@pytest.fixture
def rt_heads(samarinda: Funder) -> Programme:
    """Samarinda's RT heads' scheme of 2026: on the appointing office's list, no income test."""
    programme = programme_for(
        samarinda,
        code="SMD-RT-2026",
        name="Perlindungan Ketua RT Kota Samarinda 2026",
        owner=AgencyKind.DISNAKER,
        quota=2000,
        scheme="ketua-rt",
    )
    rule_version_create(
        programme=programme,
        actor=TESTS,
        note="Ketua RT: daftar dari instansi yang mengangkat",
        on_target_list=True,
        income_ceiling=IncomeCeiling.NONE,
        min_domicile_months=None,
    )
    return programme


@pytest.fixture
def samarinda_manager(make_officer, samarinda: Funder) -> User:  # type: ignore[no-untyped-def]
    return make_officer("manajer_samarinda", Role.PROGRAMME_MANAGER, samarinda)


@pytest.fixture
def samarinda_verifier(make_officer, samarinda: Funder) -> User:  # type: ignore[no-untyped-def]
    agency = samarinda.agencies.get(code=AgencyKind.DISNAKER)
    return make_officer("verifikator_disnaker_samarinda", Role.VERIFIER, samarinda, agency=agency)


def _register(programme: Programme, serial: int, kelurahan: str, *, name: str = "Rahmat Ketua") -> Application:
    values = applicant_values(serial, sector="pedagang", kelurahan=kelurahan, name=name)
    parsed = parse_applicant(values, index=ReferenceIndex.load(), region_code="64.72", today=TODAY)
    assert parsed.data is not None, parsed.errors
    uploads = [Upload(DocumentKind.KTP, PNG, "ktp.png"), Upload(DocumentKind.KK, PDF, "kk.pdf")]
    return applicant_register(data=parsed.data, programme=programme, channel="counter", actor=TESTS, uploads=uploads)


def _nik(serial: int) -> str:
    return str(applicant_values(serial, sector="pedagang", kelurahan="", name="")["nik"])


def _load_list(programme: Programme, niks: list[str], *, actor: Actor | User = TESTS) -> TargetList:
    rows: list[list[object]] = [["NIK", "Nama", "Jabatan"]]
    rows += [[nik, f"Ketua RT {i}", f"Ketua RT {i:02d}"] for i, nik in enumerate(niks, start=1)]
    return target_list_import(
        programme=programme,
        source=RT_OFFICE,
        list_date=date(2026, 1, 5),
        file_name="ketua-rt-2026.xlsx",
        content=_xlsx(rows),
        actor=actor,
        apply_sound_rows=False,
    )


def _outcome(application: Application, rule: str) -> dict[str, object]:
    (found,) = [o for o in application.eligibility if o["rule"] == rule]
    return found


def test_a_funder_runs_two_schemes_in_one_year_but_not_the_same_scheme_twice(smd_2026, rt_heads, samarinda) -> None:  # type: ignore[no-untyped-def]
    assert set(Programme.objects.filter(funder=samarinda, year=2026).values_list("scheme", flat=True)) == {
        "pekerja-rentan",
        "ketua-rt",
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        programme_for(
            samarinda, code="SMD-RT-2026B", name="Dobel", owner=AgencyKind.DISNAKER, quota=1, scheme="ketua-rt"
        )


def test_the_public_pages_offer_both_of_samarinda_s_schemes(smd_2026, rt_heads) -> None:  # type: ignore[no-untyped-def]
    offered = {p.code for p in programmes_taking_registrations(on=TODAY)}
    assert {"SMD-2026", "SMD-RT-2026"} <= offered


def test_next_year_of_a_scheme_follows_the_same_scheme_only(smd_2026, rt_heads, samarinda) -> None:  # type: ignore[no-untyped-def]
    workers_2027 = programme_for(
        samarinda, code="SMD-2027", name="Pekerja 2027", owner=AgencyKind.DISNAKER, quota=1, year=2027
    )
    rt_2027 = programme_for(
        samarinda, code="SMD-RT-2027", name="RT 2027", owner=AgencyKind.DISNAKER, quota=1, year=2027, scheme="ketua-rt"
    )
    assert list(reverification_targets(rt_heads)) == [rt_2027]
    assert list(reverification_targets(smd_2026)) == [workers_2027]


def test_an_rt_head_on_the_appointing_office_s_list_is_eligible_and_the_reason_names_the_list(
    rt_heads, kelurahan
) -> None:  # type: ignore[no-untyped-def]
    _load_list(rt_heads, [_nik(1), _nik(2)])

    application = _register(rt_heads, 1, kelurahan)

    assert application.status == ApplicationStatus.AWAITING_VERIFICATION
    outcome = _outcome(application, "target_list")
    assert outcome["passed"]
    assert outcome["reason"] == f"NIK tercantum dalam daftar dari {RT_OFFICE} tanggal 05-01-2026."


def test_someone_not_on_the_list_is_not_eligible_and_told_to_ask_the_office(rt_heads, kelurahan) -> None:  # type: ignore[no-untyped-def]
    _load_list(rt_heads, [_nik(2)])

    application = _register(rt_heads, 1, kelurahan)

    assert application.status == ApplicationStatus.NOT_ELIGIBLE
    reason = str(_outcome(application, "target_list")["reason"])
    assert reason.startswith(f"NIK tidak tercantum dalam daftar dari {RT_OFFICE}")
    assert "instansi itu memperbaiki daftarnya" in reason


def test_without_a_list_loaded_nobody_is_eligible_and_the_reason_says_the_list_is_missing(rt_heads, kelurahan) -> None:  # type: ignore[no-untyped-def]
    application = _register(rt_heads, 1, kelurahan)

    assert application.status == ApplicationStatus.NOT_ELIGIBLE
    assert "belum diunggah" in str(_outcome(application, "target_list")["reason"])


def test_the_workers_scheme_does_not_ask_for_the_list(smd_2026, rt_heads, kelurahan) -> None:  # type: ignore[no-untyped-def]
    _load_list(rt_heads, [_nik(2)])

    application = _register(smd_2026, 1, kelurahan)

    assert application.status == ApplicationStatus.AWAITING_VERIFICATION
    assert not [o for o in application.eligibility if o["rule"] == "target_list"]


def test_the_newest_list_replaces_the_earlier_one_and_both_stay_on_record(rt_heads) -> None:  # type: ignore[no-untyped-def]
    first = _load_list(rt_heads, [_nik(1), _nik(2)])
    second = _load_list(rt_heads, [_nik(3)])

    assert target_list_current(rt_heads) == second
    assert list(second.entries.values_list("nik", flat=True)) == [_nik(3)]
    assert first.entries.count() == 2 and TargetList.objects.filter(programme=rt_heads).count() == 2


def test_a_list_with_a_nik_typed_as_a_number_is_not_applied_unless_the_manager_says_so(rt_heads) -> None:  # type: ignore[no-untyped-def]
    content = _xlsx([["NIK", "Nama"], [_nik(1), "Ketua RT 1"], [6472031508900002, "Ketua RT 2"]])

    refused = target_list_import(
        programme=rt_heads,
        source=RT_OFFICE,
        list_date=date(2026, 1, 5),
        file_name="ketua-rt.xlsx",
        content=content,
        actor=TESTS,
        apply_sound_rows=False,
    )
    assert refused.rows_loaded == 0 and refused.rows_rejected == 1
    assert refused.problems[0]["row"] == 3 and refused.problems[0]["column"] == "NIK"
    assert target_list_current(rt_heads) is None

    applied = target_list_import(
        programme=rt_heads,
        source=RT_OFFICE,
        list_date=date(2026, 1, 5),
        file_name="ketua-rt.xlsx",
        content=content,
        actor=TESTS,
        apply_sound_rows=True,
    )
    assert applied.rows_loaded == 1 and target_list_current(rt_heads) == applied


def test_a_list_without_its_source_or_dated_in_the_future_is_refused_naming_the_field(rt_heads) -> None:  # type: ignore[no-untyped-def]
    content = _xlsx([["NIK"], [_nik(1)]])
    with pytest.raises(DomainError) as refused:
        target_list_import(
            programme=rt_heads,
            source="  ",
            list_date=date(2026, 3, 3),
            file_name="x.xlsx",
            content=content,
            actor=TESTS,
            apply_sound_rows=False,
        )
    assert set(refused.value.errors) == {"source", "list_date"}


def test_another_funder_s_manager_cannot_load_samarinda_s_list(rt_heads, programme_manager) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        _load_list(rt_heads, [_nik(1)], actor=programme_manager)
    assert not TargetList.objects.exists()


def test_a_person_funded_by_the_workers_scheme_is_refused_a_second_place_in_the_rt_heads_scheme(  # type: ignore[no-untyped-def]
    smd_2026, rt_heads, kelurahan, samarinda_verifier
) -> None:
    _load_list(rt_heads, [_nik(1)])
    worker = _register(smd_2026, 1, kelurahan)
    application_decide(application=worker, decision=DecisionInput(Outcome.APPROVE), actor=samarinda_verifier)

    second = _register(rt_heads, 1, kelurahan)

    assert second.status == ApplicationStatus.NOT_ELIGIBLE
    reason = str(_outcome(second, "not_covered")["reason"])
    assert "Sudah dibiayai oleh program lain untuk bulan yang sama" in reason and "SMD-2026" in reason
    assert Place.objects.filter(person=worker.person).count() == 1


def test_even_with_the_coverage_check_off_the_second_scheme_cannot_give_a_second_place(  # type: ignore[no-untyped-def]
    smd_2026, rt_heads, kelurahan, samarinda_verifier
) -> None:
    rule_version_create(programme=rt_heads, actor=TESTS, note="uji", check_not_covered=False)
    _load_list(rt_heads, [_nik(1)])
    worker = _register(smd_2026, 1, kelurahan)
    application_decide(application=worker, decision=DecisionInput(Outcome.APPROVE), actor=samarinda_verifier)
    second = _register(rt_heads, 1, kelurahan)
    assert second.status == ApplicationStatus.AWAITING_VERIFICATION

    with pytest.raises(PersonHasPlace) as refused:
        application_decide(application=second, decision=DecisionInput(Outcome.APPROVE), actor=samarinda_verifier)

    assert "SMD-2026" in refused.value.message and "satu program pada bulan yang sama" in refused.value.message
    assert list(Place.objects.filter(person=worker.person).values_list("programme__code", flat=True)) == ["SMD-2026"]


def test_the_manager_uploads_the_list_on_its_page_which_masks_niks_and_logs_the_view(  # type: ignore[no-untyped-def]
    rt_heads, samarinda_manager, client_for
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jaring.core.models import AccessLog

    client = client_for(samarinda_manager)
    upload = SimpleUploadedFile(
        "ketua-rt.xlsx", _xlsx([["NIK", "Nama", "Jabatan"], [_nik(1), "Rahmat", "Ketua RT 07"]])
    )
    answer = client.post(
        "/program/SMD-RT-2026/daftar-sasaran/",
        {"source": RT_OFFICE, "list_date": "05-01-2026", "file": upload},
    )
    assert answer.status_code == 302

    page = client.get("/program/SMD-RT-2026/daftar-sasaran/").content.decode()
    assert RT_OFFICE in page and "Ketua RT 07" in page
    assert _nik(1) not in page and _nik(1)[:4] + "*" * 10 + _nik(1)[-2:] in page
    assert AccessLog.objects.filter(actor=samarinda_manager, what="target_list:SMD-RT-2026").count() == 1


def test_the_upload_page_names_a_bad_date_and_another_funder_s_manager_finds_no_such_programme(  # type: ignore[no-untyped-def]
    rt_heads, samarinda_manager, programme_manager, client_for
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("ketua-rt.xlsx", _xlsx([["NIK"], [_nik(1)]]))
    answer = client_for(samarinda_manager).post(
        "/program/SMD-RT-2026/daftar-sasaran/", {"source": RT_OFFICE, "list_date": "31-02-2026", "file": upload}
    )
    assert answer.status_code == 400 and "Tulis tanggal-bulan-tahun dengan angka" in answer.content.decode()
    assert client_for(programme_manager).get("/program/SMD-RT-2026/daftar-sasaran/").status_code == 404
