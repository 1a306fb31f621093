"""The SK list: a snapshot of the year's participants, compared with last year's signed list (new, continuing,
dropped and why), frozen once signed, exported as XLSX and as the PDF annex, and shown to managers only."""

from __future__ import annotations

import base64
import io
import re
import zlib
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from jaring.allocation.decrees.exports import decree_pdf, decree_xlsx, signatory_of
from jaring.allocation.decrees.services import (
    DecreeSigned,
    decree_generate,
    decree_regenerate,
    decree_sign,
    decree_verify,
    previous_decree_of,
)
from jaring.allocation.models import Decree, DecreeEntry, EndReason, Place
from jaring.allocation.services import place_end, place_hand_over, programme_quota_set
from jaring.core.actors import Actor
from jaring.core.errors import Conflict, DomainError, PermissionDenied
from jaring.core.models import AccessLog, AgencyKind, AuditRecord, Funder, Region, Sector, User
from jaring.eligibility.models import DocumentKind
from jaring.programmes.models import Programme, RejectionReason
from jaring.registry.intake import ReferenceIndex, parse_applicant
from jaring.registry.models import Application, Channel, Person, Sex
from jaring.registry.services import Upload, applicant_register, application_transition
from jaring.registry.states import ApplicationStatus, Transition
from jaring.verification.models import Outcome
from jaring.verification.services import DecisionInput, application_decide
from tests.helpers.applicants import TODAY, applicant_values
from tests.helpers.documents import PDF, PNG
from tests.helpers.reference import LAMARU, MANGGAR, programme_for

# BPN-2026 is running and takes places: these cases mean a day of its year (places start the month approved).
pytestmark = pytest.mark.today("2026-11-03")

S = ApplicationStatus
C = DecreeEntry.Category
# Serials of the people (the last four digits of their NIK).
ANDI, BUDI, CITRA, DEWI, FAJAR, EKO = 11, 12, 13, 14, 15, 16
NAMES = {ANDI: "Andi", BUDI: "Budi", CITRA: "Citra", DEWI: "Dewi", FAJAR: "Fajar", EKO: "Eko"}
OTHERS = {21: "Gita", 22: "Hadi", 23: "Indah", 24: "Joko", 25: "Kartini"}


def nik(serial: int) -> str:
    return f"647101150890{serial:04d}"


def enrol(programme: Programme, serial: int, *, kelurahan: str = MANGGAR) -> Application:
    """The person `serial` registering at the counter with every document: waiting at DPPP (nelayan)."""
    values = applicant_values(serial, sector="nelayan", kelurahan=kelurahan, name={**NAMES, **OTHERS}[serial])
    result = parse_applicant(values, index=ReferenceIndex.load(), region_code="64.71", today=TODAY)
    assert result.data is not None, result.errors
    uploads = [
        Upload(DocumentKind.KTP, PNG, "ktp.png"),
        Upload(DocumentKind.KK, PDF, "kk.pdf"),
        Upload(DocumentKind.SECTOR_EVIDENCE, PDF, "bukti.pdf"),
    ]
    return applicant_register(
        data=result.data, programme=programme, channel=Channel.COUNTER, actor=Actor.system("test"), uploads=uploads
    )


def approve(application: Application, verifier: User) -> Application:
    application_decide(application=application, decision=DecisionInput(Outcome.APPROVE), actor=verifier)
    application.refresh_from_db()
    return application


def place_last_year(application: Application) -> Place:
    """A whole-year place in a programme whose cover is over (place_span refuses dates after cover_end)."""
    programme = application.programme
    if application.status == S.AWAITING_VERIFICATION:
        application_transition(application=application, transition=Transition.APPROVE, actor=Actor.system("test"))
    return Place.objects.create(
        programme=programme,
        application=application,
        person=application.person,
        starts=programme.cover_start,
        ends=programme.cover_end,
    )


@pytest.fixture
def bpn_2025(balikpapan: Funder) -> Programme:
    name = "Jaminan Sosial Pekerja Rentan Kota Balikpapan 2025"
    return programme_for(balikpapan, code="BPN-2025", name=name, owner=AgencyKind.DISNAKER, quota=7000, year=2025)


@pytest.fixture
def signed_2025(bpn_2025: Programme, programme_manager: User) -> Decree:
    """Last year's list: Andi, Budi, Citra, Dewi and Fajar, signed."""
    for serial in (ANDI, BUDI, CITRA, DEWI, FAJAR):
        place_last_year(enrol(bpn_2025, serial, kelurahan=LAMARU if serial == BUDI else MANGGAR))
    decree = decree_generate(
        programme=bpn_2025, number="100.3.3.2/512/2024", decree_date=date(2024, 12, 20), actor=programme_manager
    )
    return decree_sign(decree=decree, actor=programme_manager)


@pytest.fixture
def year_2026(bpn_2026: Programme, signed_2025: Decree, dppp_verifier: User) -> dict[int, Application]:
    """This year: Andi and Budi approved again, Eko new, Citra rejected, Dewi did not re-register, Fajar died."""
    applications = {
        serial: enrol(bpn_2026, serial, kelurahan=LAMARU if serial == BUDI else MANGGAR)
        for serial in (ANDI, BUDI, CITRA, FAJAR, EKO)
    }
    for serial in (ANDI, BUDI, FAJAR, EKO):
        applications[serial] = approve(applications[serial], dppp_verifier)
    reason = RejectionReason.objects.get(programme=bpn_2026, label="Tidak bekerja di sektor yang dinyatakan")
    application_decide(
        application=applications[CITRA],
        decision=DecisionInput(Outcome.REJECT, reason=reason, note="Sudah berhenti melaut sejak Maret"),
        actor=dppp_verifier,
    )
    place = Place.objects.get(application=applications[FAJAR])
    place_end(place=place, reason=EndReason.DIED, on=date(2026, 11, 10), actor=Actor.system("test"))
    return applications


def by_nik(decree: Decree) -> dict[str, DecreeEntry]:
    return {e.nik: e for e in DecreeEntry.objects.filter(decree=decree)}


# -- the comparison ------------------------------------------------------------------------------------------


def test_first_list_without_a_previous_one_is_all_new(signed_2025: Decree) -> None:
    assert signed_2025.previous is None
    assert signed_2025.status == Decree.Status.SIGNED
    assert signed_2025.totals == {"participants": 5, "new": 5, "continuing": 0, "dropped": 0}
    assert {e.category for e in DecreeEntry.objects.filter(decree=signed_2025)} == {C.NEW}


def test_2026_against_2025_new_continuing_and_dropped_with_reasons(bpn_2026, signed_2025, year_2026, programme_manager):
    decree = decree_generate(
        programme=bpn_2026, number="100.3.3.2/640/2025", decree_date=date(2026, 12, 18), actor=programme_manager
    )

    assert decree.previous == signed_2025
    assert decree.status == Decree.Status.DRAFT
    assert decree.totals == {"participants": 3, "new": 1, "continuing": 2, "dropped": 3}
    entries = by_nik(decree)
    assert entries[nik(ANDI)].category == C.CONTINUING
    assert entries[nik(BUDI)].category == C.CONTINUING
    assert entries[nik(EKO)].category == C.NEW
    # Positions by kelurahan, then name: Budi (Lamaru), then Andi and Eko (Manggar).
    participants = DecreeEntry.objects.filter(decree=decree).exclude(category=C.DROPPED).order_by("position")
    assert [(e.position, e.name, e.kelurahan) for e in participants] == [
        (1, "Budi", "Lamaru"),
        (2, "Andi", "Manggar"),
        (3, "Eko", "Manggar"),
    ]
    andi = entries[nik(ANDI)]
    assert andi.application_number == year_2026[ANDI].number
    assert andi.starts == date(2026, 11, 1) and andi.ends == date(2026, 12, 31)
    assert andi.birth_date == date(1990, 8, 15) and andi.sex == "L" and andi.kecamatan == "Balikpapan Timur"

    citra, dewi, fajar = entries[nik(CITRA)], entries[nik(DEWI)], entries[nik(FAJAR)]
    assert {citra.category, dewi.category, fajar.category} == {C.DROPPED}
    assert citra.position == dewi.position == fajar.position == 0
    assert citra.reason.startswith("Ditolak: Tidak bekerja di sektor yang dinyatakan")
    assert "Sudah berhenti melaut sejak Maret" in citra.reason
    assert citra.application_number == year_2026[CITRA].number
    assert dewi.reason == "Tidak mendaftar ulang" and dewi.application_number == ""
    assert fajar.reason == "Meninggal dunia"
    assert fajar.ends == date(2026, 11, 30)
    # The dropped keep what last year's list said about them.
    assert dewi.name == "Dewi" and dewi.kelurahan == "Manggar"

    assert decree_verify(decree)
    record = AuditRecord.objects.get(action="decree.generate", target_id=str(decree.pk))
    assert record.actor == programme_manager and record.data["totals"]["dropped"] == 3


def test_other_reasons_waitlist_unfinished_not_eligible_and_hand_over(
    bpn_2025, bpn_2026, dppp_verifier, programme_manager
):
    kaltim = programme_for(
        Funder.objects.get(code="kaltim"),
        code="KALTIM-2026",
        name="Program Provinsi",
        owner=AgencyKind.DISNAKER,
        quota=100,
    )
    for serial in (21, 22, 23, 24, 25):
        place_last_year(enrol(bpn_2025, serial))
    decree_sign(
        decree=decree_generate(
            programme=bpn_2025, number="SK-2025", decree_date=date(2024, 12, 1), actor=Actor.system("test")
        ),
        actor=Actor.system("test"),
    )
    # 21 is handed over to the province from July; 22 still awaits verification; 23 returned for correction;
    # 24 waits for a place; 25 is not eligible any more (too old for this year's rules).
    first = approve(enrol(bpn_2026, 21), dppp_verifier)
    place = Place.objects.get(application=first)
    Place.objects.filter(pk=place.pk).update(starts=date(2026, 1, 1))
    # The province's application, already waiting at its DPPP (registering would find the city's place).
    province = Application.objects.create(
        number="KALTIM-2026-000001",
        programme=kaltim,
        person=first.person,
        channel=Channel.COUNTER,
        status=S.AWAITING_VERIFICATION,
        kelurahan=first.kelurahan,
        sector=first.sector,
    )
    place_hand_over(place=place, to_application=province, from_month=date(2026, 7, 1), actor=Actor.system("test"))
    enrol(bpn_2026, 22)
    returned = enrol(bpn_2026, 23)
    application_decide(
        application=returned, decision=DecisionInput(Outcome.RETURN, fixes=("ktp",)), actor=dppp_verifier
    )
    programme_quota_set(programme=bpn_2026, quota=0, actor=Actor.system("test"))
    approve(enrol(bpn_2026, 24), dppp_verifier)
    late = enrol(bpn_2026, 25)
    Application.objects.filter(pk=late.pk).update(
        status=S.NOT_ELIGIBLE,
        eligibility=[
            {"rule": "age", "passed": False, "reason": "Usia 66 tahun, di atas batas 65 tahun"},
            {"rule": "region", "passed": True, "reason": "Alamat KTP di Kota Balikpapan"},
        ],
    )

    decree = decree_generate(
        programme=bpn_2026, number="SK-2026", decree_date=date(2026, 12, 1), actor=Actor.system("test")
    )

    reasons = {e.nik: e.reason for e in DecreeEntry.objects.filter(decree=decree, category=C.DROPPED)}
    assert reasons[nik(21)] == (
        "Dialihkan ke pemberi dana lain: Pemerintah Provinsi Kalimantan Timur (KALTIM-2026) mulai 07/2026"
    )
    assert reasons[nik(22)] == "Belum selesai diverifikasi"
    assert reasons[nik(23)] == "Belum selesai diverifikasi"
    assert reasons[nik(24)] == "Masuk daftar tunggu: kuota penuh"
    assert reasons[nik(25)] == "Tidak memenuhi syarat: Usia 66 tahun, di atas batas 65 tahun"
    assert decree.totals == {"participants": 0, "new": 0, "continuing": 0, "dropped": 5}
    # An SK without participants is not signed.
    with pytest.raises(Conflict):
        decree_sign(decree=decree, actor=Actor.system("test"))


def test_previous_is_the_latest_signed_list_of_last_year_of_the_same_funder(
    bpn_2025, bpn_2026, smd_2026, signed_2025, programme_manager
):
    draft = decree_generate(
        programme=bpn_2025, number="SK-2025-draf", decree_date=date(2025, 1, 5), actor=Actor.system("test")
    )
    assert previous_decree_of(bpn_2026) == signed_2025  # a later draft is not a list anyone signed
    assert previous_decree_of(smd_2026) is None  # another funder's list is not compared
    assert previous_decree_of(bpn_2025) is None
    assert draft.previous is None


# -- frozen once signed --------------------------------------------------------------------------------------


def test_a_signed_list_cannot_be_changed_and_later_events_do_not_alter_it(bpn_2026, year_2026, programme_manager):
    decree = decree_generate(
        programme=bpn_2026, number="100.3.3.2/640/2025", decree_date=date(2026, 12, 18), actor=programme_manager
    )
    decree = decree_sign(decree=decree, actor=programme_manager)
    assert decree.status == Decree.Status.SIGNED and decree.signed_by == programme_manager
    assert decree.signed_at is not None
    before = [
        tuple(getattr(e, f) for f in ("position", "category", "nik", "name", "starts", "ends", "reason"))
        for e in DecreeEntry.objects.filter(decree=decree).order_by("position", "nik")
    ]
    digest = decree.digest

    # Andi withdraws after the SK is signed: his place ends, the SK does not move.
    place_end(
        place=Place.objects.get(application=year_2026[ANDI]),
        reason=EndReason.WITHDREW,
        on=date(2026, 12, 20),
        actor=programme_manager,
    )
    Person.objects.filter(nik=nik(BUDI)).update(name="Budi Santoso", address="Jl. Baru")

    with pytest.raises(DecreeSigned) as caught:
        decree_regenerate(decree=decree, actor=programme_manager)
    assert caught.value.message == "SK sudah ditandatangani; tidak dapat diubah."
    with pytest.raises(DecreeSigned):
        decree_regenerate(decree=decree, actor=programme_manager, number="lain")
    with pytest.raises(DecreeSigned):
        decree_sign(decree=decree, actor=programme_manager)

    decree.refresh_from_db()
    after = [
        tuple(getattr(e, f) for f in ("position", "category", "nik", "name", "starts", "ends", "reason"))
        for e in DecreeEntry.objects.filter(decree=decree).order_by("position", "nik")
    ]
    assert after == before
    assert decree.digest == digest and decree_verify(decree)
    assert decree.number == "100.3.3.2/640/2025"
    assert AuditRecord.objects.filter(action="decree.sign", target_id=str(decree.pk)).count() == 1


def test_the_digest_shows_a_tampered_list(bpn_2026, year_2026, programme_manager, client_for: Callable[[User], Client]):
    decree = decree_sign(
        decree=decree_generate(
            programme=bpn_2026, number="SK-1", decree_date=date(2026, 12, 1), actor=Actor.system("test")
        ),
        actor=Actor.system("test"),
    )
    assert decree_verify(decree)
    client = client_for(programme_manager)
    assert "decree-intact" in client.get(_detail_url(decree)).content.decode()
    DecreeEntry.objects.filter(decree=decree, nik=nik(EKO)).update(name="Orang Lain")
    assert not decree_verify(decree)
    assert "decree-not-intact" in client.get(_detail_url(decree)).content.decode()
    DecreeEntry.objects.filter(decree=decree, nik=nik(EKO)).update(name="Eko")
    assert decree_verify(decree)
    DecreeEntry.objects.filter(decree=decree, nik=nik(DEWI), category=C.DROPPED).update(reason="Lain")
    assert not decree_verify(decree)
    DecreeEntry.objects.filter(decree=decree, nik=nik(DEWI), category=C.DROPPED).update(reason="Tidak mendaftar ulang")
    assert decree_verify(decree)
    Decree.objects.filter(pk=decree.pk).update(decree_date=date(2026, 12, 2))
    decree.refresh_from_db()
    assert not decree_verify(decree)


def test_regenerating_a_draft_replaces_its_entries(bpn_2026, year_2026, programme_manager):
    decree = decree_generate(programme=bpn_2026, number="SK-1", decree_date=date(2026, 12, 1), actor=programme_manager)
    first_digest = decree.digest
    place_end(
        place=Place.objects.get(application=year_2026[EKO]),
        reason=EndReason.MOVED_OUT,
        on=date(2026, 11, 25),
        actor=programme_manager,
        note="ke Samarinda",
    )

    decree = decree_regenerate(decree=decree, actor=programme_manager, number="SK-2", title="Judul baru")

    assert decree.number == "SK-2" and decree.title == "Judul baru" and decree.status == Decree.Status.DRAFT
    assert decree.totals == {"participants": 2, "new": 0, "continuing": 2, "dropped": 3}
    assert DecreeEntry.objects.filter(decree=decree).count() == 5  # Eko was new, so not on the comparison
    assert not DecreeEntry.objects.filter(decree=decree, nik=nik(EKO)).exists()
    assert decree.digest != first_digest and decree_verify(decree)
    assert AuditRecord.objects.filter(action="decree.regenerate", target_id=str(decree.pk)).exists()


def test_a_place_ended_before_generation_of_a_continuing_person_is_dropped_with_the_note(
    bpn_2026, year_2026, programme_manager
):
    place_end(
        place=Place.objects.get(application=year_2026[BUDI]),
        reason=EndReason.WAGE_EARNER,
        on=date(2026, 11, 25),
        actor=programme_manager,
        note="bekerja di PT Pelabuhan",
    )
    decree = decree_generate(
        programme=bpn_2026, number="SK-1", decree_date=date(2026, 12, 1), actor=Actor.system("test")
    )
    assert by_nik(decree)[nik(BUDI)].reason == "Menjadi pekerja penerima upah: bekerja di PT Pelabuhan"


# -- header rules and scope ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "day", "field"),
    [
        ("", date(2026, 12, 1), "number"),
        ("   ", date(2026, 12, 1), "number"),
        ("X" * 121, date(2026, 12, 1), "number"),
        ("SK-1", None, "decree_date"),
    ],
)
def test_number_and_date_are_required(bpn_2026, programme_manager, number, day, field):
    with pytest.raises(DomainError) as caught:
        decree_generate(programme=bpn_2026, number=number, decree_date=day, actor=programme_manager)
    assert field in caught.value.errors
    assert not Decree.objects.exists()


def test_the_number_is_unique_in_a_programme(bpn_2026, bpn_2025, programme_manager):
    decree_generate(programme=bpn_2026, number="SK-1", decree_date=date(2026, 12, 1), actor=programme_manager)
    with pytest.raises(DomainError) as caught:
        decree_generate(programme=bpn_2026, number="sk-1", decree_date=date(2026, 12, 2), actor=programme_manager)
    assert "number" in caught.value.errors
    other = decree_generate(programme=bpn_2026, number="SK-2", decree_date=date(2026, 12, 2), actor=programme_manager)
    with pytest.raises(DomainError):
        decree_regenerate(decree=other, number="SK-1", actor=programme_manager)
    # Another programme may use the same number.
    decree_generate(programme=bpn_2025, number="SK-1", decree_date=date(2025, 12, 1), actor=programme_manager)


@pytest.mark.parametrize("persona", ["dppp_verifier", "samarinda_officer", "outsider", "registration_officer"])
def test_only_managers_of_the_funder_generate(bpn_2026, persona, request):
    actor = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        decree_generate(programme=bpn_2026, number="SK-1", decree_date=date(2026, 12, 1), actor=actor)


def test_a_manager_of_another_funder_cannot_generate_or_sign(bpn_2026, make_officer, samarinda):
    from jaring.core.models import Role

    manager = make_officer("smd_manager", Role.PROGRAMME_MANAGER, samarinda)
    with pytest.raises(PermissionDenied):
        decree_generate(programme=bpn_2026, number="SK-1", decree_date=date(2026, 12, 1), actor=manager)
    decree = decree_generate(
        programme=bpn_2026, number="SK-1", decree_date=date(2026, 12, 1), actor=Actor.system("test")
    )
    with pytest.raises(PermissionDenied):
        decree_sign(decree=decree, actor=manager)


# -- files -----------------------------------------------------------------------------------------------------


def _filled_decree(programme: Programme, count: int, *, signed: bool = True) -> Decree:
    """A decree with `count` participants written directly: the files are the subject here."""
    kelurahan = Region.objects.get(code=MANGGAR)
    sector = Sector.objects.get(code="nelayan")
    people = Person.objects.bulk_create(
        Person(
            nik=f"6471015508{n:06d}",
            name=f"Peserta Nomor {n:05d} Dengan Nama Yang Agak Panjang",
            birth_date=date(1985, 8, 15),
            sex=Sex.FEMALE,
            address=f"Jl. Mulawarman Gang Sejahtera No. {n} Kompleks Pesisir Indah Blok C",
            rt="005",
            rw="002",
            kelurahan=kelurahan,
            domicile_since=date(2015, 1, 1),
            sector=sector,
            monthly_income=2_000_000,
        )
        for n in range(count)
    )
    applications = Application.objects.bulk_create(
        Application(
            number=f"{programme.code}-{n:06d}",
            programme=programme,
            person=person,
            channel=Channel.IMPORT,
            status=S.APPROVED,
            kelurahan=kelurahan,
            sector=sector,
        )
        for n, person in enumerate(people)
    )
    Place.objects.bulk_create(
        Place(
            programme=programme, application=a, person_id=a.person_id, starts=date(2026, 1, 1), ends=date(2026, 12, 31)
        )
        for a in applications
    )
    decree = decree_generate(
        programme=programme, number="100.3.3.2/640/2025", decree_date=date(2026, 12, 18), actor=Actor.system("test")
    )
    return decree_sign(decree=decree, actor=Actor.system("test")) if signed else decree


def test_xlsx_has_the_list_with_nik_as_text_and_the_comparison(bpn_2026, year_2026):
    decree = decree_generate(
        programme=bpn_2026, number="100.3.3.2/640/2025", decree_date=date(2026, 12, 18), actor=Actor.system("test")
    )

    workbook = load_workbook(io.BytesIO(decree_xlsx(decree)))

    assert workbook.sheetnames == ["Lampiran SK", "Perbandingan"]
    sheet = workbook["Lampiran SK"]
    rows = [list(r) for r in sheet.iter_rows()]
    values = [[c.value for c in r] for r in rows]
    assert values[0][0] == "LAMPIRAN KEPUTUSAN WALI KOTA BALIKPAPAN"
    flat = [v for r in values for v in r if v is not None]
    assert "100.3.3.2/640/2025" in flat and "18 Desember 2026" in flat
    assert "Pemerintah Kota Balikpapan" in flat
    header = next(i for i, r in enumerate(values) if r[0] == "No")
    assert values[header] == [
        "No",
        "NIK",
        "Nama",
        "Tanggal lahir",
        "L/P",
        "Alamat",
        "Kelurahan",
        "Kecamatan",
        "Sektor",
        "Nomor pendaftaran",
        "Keterangan",
    ]
    body = rows[header + 1 : header + 4]
    assert [[c.value for c in r][:3] for r in body] == [
        [1, nik(BUDI), "Budi"],
        [2, nik(ANDI), "Andi"],
        [3, nik(EKO), "Eko"],
    ]
    nik_cell = body[0][1]
    assert nik_cell.data_type == "s" and nik_cell.number_format == "@"
    assert [r[10].value for r in body] == ["Lanjutan", "Lanjutan", "Baru"]
    assert body[0][3].value.date() == date(1990, 8, 15)
    assert body[0][5].value == "Jl. Mulawarman No. 12 RT 005/RW 002"
    assert body[0][9].value == year_2026[BUDI].number
    assert any(v and "3 peserta (baru 1, lanjutan 2)" in str(v) for r in values[header + 4 :] for v in r)

    comparison = [[c.value for c in r] for r in workbook["Perbandingan"].iter_rows()]
    lines = {r[2]: r for r in comparison if r and r[2] in {nik(s) for s in NAMES}}
    assert lines[nik(EKO)][0] == "Baru"
    assert lines[nik(ANDI)][0] == "Lanjutan"
    assert lines[nik(DEWI)][0] == "Tidak dilanjutkan" and lines[nik(DEWI)][7] == "Tidak mendaftar ulang"
    assert lines[nik(FAJAR)][7] == "Meninggal dunia"
    assert "Ditolak" in lines[nik(CITRA)][7]

    masked = load_workbook(io.BytesIO(decree_xlsx(decree, masked=True)))["Lampiran SK"]
    assert "6471**********12" in [c.value for r in masked.iter_rows() for c in r]


def test_xlsx_writes_text_that_looks_like_a_formula_as_text(bpn_2026, year_2026):
    """A name or address typed by an applicant that starts with "=" must not become a formula Excel would run."""
    formula = '=HYPERLINK("http://x","Klik")'
    # Set on the person directly: the intake's name parser would refuse such a name, other channels may not.
    Person.objects.filter(nik=nik(EKO)).update(name=formula, address="=1+1")
    decree = decree_generate(
        programme=bpn_2026, number="100.3.3.2/640/2025", decree_date=date(2026, 12, 18), actor=Actor.system("test")
    )
    assert DecreeEntry.objects.get(decree=decree, nik=nik(EKO)).name == formula

    workbook = load_workbook(io.BytesIO(decree_xlsx(decree)))

    cells = [c for sheet in workbook.worksheets for r in sheet.iter_rows() for c in r]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    named = [c for c in cells if c.value == formula]
    assert {c.parent.title for c in named} == {"Lampiran SK", "Perbandingan"}
    assert all(c.data_type == "s" for c in named)
    addresses = [c for c in workbook["Lampiran SK"]["F"] if str(c.value or "").startswith("=1+1")]
    assert [(c.value, c.data_type) for c in addresses] == [("=1+1 RT 005/RW 002", "s")]


def _pdf_pages(content: bytes) -> int:
    return len(re.findall(rb"/Type /Page[^s]", content))


def _pdf_text(content: bytes, *, pages: bool = False) -> Any:
    """The page content streams (ReportLab writes them ASCII85 over Flate), enough to find drawn strings."""
    text = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\n?endstream", content, flags=re.DOTALL):
        data = stream.strip()
        if data.endswith(b"~>"):
            data = base64.a85decode(data, adobe=True)
        try:
            text.append(zlib.decompress(data).decode("latin-1"))
        except zlib.error:
            text.append(data.decode("latin-1"))
    return text if pages else "\n".join(text)


def test_pdf_annex_has_heading_pages_numbered_and_signature_block(bpn_2026):
    decree = _filled_decree(bpn_2026, 130)

    content = decree_pdf(decree)

    assert content.startswith(b"%PDF")
    pages = _pdf_pages(content)
    assert pages >= 3  # 130 two-line rows do not fit on two landscape pages
    text = _pdf_text(content)
    assert "LAMPIRAN KEPUTUSAN WALI KOTA BALIKPAPAN" in text
    assert "100.3.3.2/640/2025" in text and "18 DESEMBER 2026" in text
    assert f"Halaman 1 dari {pages}" in text and f"Halaman {pages} dari {pages}" in text
    assert f"Halaman {pages + 1} dari" not in text
    # The header row is repeated on every page that carries rows of the list.
    with_rows = [page for page in _pdf_text(content, pages=True) if "Peserta Nomor" in page]
    assert len(with_rows) >= pages - 1
    assert all("(Kecamatan) Tj" in page and "(NIK) Tj" in page for page in with_rows)
    assert "WALI KOTA BALIKPAPAN," in text and "Ditetapkan di Balikpapan" in text
    assert "6471015508000129" in text  # the legal annex carries the full NIK
    assert "DRAF" not in text


def test_a_draft_pdf_says_so(bpn_2026):
    decree = _filled_decree(bpn_2026, 3, signed=False)
    content = decree_pdf(decree)
    assert _pdf_pages(content) == 1
    assert "DRAF, BELUM DITANDATANGANI" in _pdf_text(content)


def test_signatory_from_the_funder_name(reference) -> None:
    assert signatory_of(Funder.objects.get(code="balikpapan")) == "Wali Kota Balikpapan"
    assert signatory_of(Funder.objects.get(code="kaltim")) == "Gubernur Kalimantan Timur"
    assert signatory_of(Funder(name="Pemerintah Kabupaten Paser")) == "Bupati Paser"


# -- pages -----------------------------------------------------------------------------------------------------


def _list_url(programme: Programme) -> str:
    return reverse("decrees:list", kwargs={"code": programme.code})


def _detail_url(decree: Decree, name: str = "detail") -> str:
    return reverse(f"decrees:{name}", kwargs={"code": decree.programme.code, "pk": decree.pk})


def test_manager_generates_reads_signs_and_downloads(
    bpn_2026, year_2026, programme_manager, client_for: Callable[[User], Client]
):
    client = client_for(programme_manager)
    assert client.get(reverse("decrees:index")).status_code == 200
    page = client.get(_list_url(bpn_2026))
    assert page.status_code == 200 and "100.3.3.2/512/2024" in page.content.decode()  # compared with

    response = client.post(
        _list_url(bpn_2026), {"number": "100.3.3.2/640/2025", "decree_date": "2026-12-18", "title": ""}
    )
    decree = Decree.objects.get(programme=bpn_2026)
    assert response.status_code == 302 and response["Location"] == _detail_url(decree)
    assert decree.title == "Penetapan Peserta Jaminan Sosial Pekerja Rentan Kota Balikpapan 2026"

    page = client.get(_detail_url(decree))
    html = page.content.decode()
    assert page.status_code == 200 and "no-cache" in page["Cache-Control"]
    assert "6471**********12" in html and nik(BUDI) not in html  # masked on the page
    assert "decree-regenerate" in html and "decree-sign" in html
    dropped = client.get(_detail_url(decree) + "?tab=tidak-dilanjutkan").content.decode()
    assert "Tidak mendaftar ulang" in dropped and "Meninggal dunia" in dropped and "Ditolak" in dropped
    assert "Eko" not in dropped
    assert client.get(_detail_url(decree) + "?tab=baru&page=abc").status_code == 200
    assert client.get(_detail_url(decree) + "?tab=<script>").status_code == 200

    # Signing needs the confirmation, next to the checkbox.
    refused = client.post(_detail_url(decree, "sign"), {})
    assert refused.status_code == 400 and "Centang pernyataan ini" in refused.content.decode()
    decree.refresh_from_db()
    assert decree.status == Decree.Status.DRAFT
    # A draft regenerated in another tab since this page was read is not signed unseen.
    moved = client.post(_detail_url(decree, "sign"), {"confirm": "on", "digest": "0" * 64}, follow=True)
    assert "disusun ulang sejak halaman dibuka" in moved.content.decode()
    decree.refresh_from_db()
    assert decree.status == Decree.Status.DRAFT
    assert f'value="{decree.digest}"' in html
    signed = client.post(_detail_url(decree, "sign"), {"confirm": "on", "digest": decree.digest})
    assert signed.status_code == 302
    decree.refresh_from_db()
    assert decree.status == Decree.Status.SIGNED
    html = client.get(_detail_url(decree)).content.decode()
    assert "decree-regenerate" not in html and "decree-sign" not in html

    # A regeneration posted from an old tab is refused, never a 500, and changes nothing.
    digest = decree.digest
    again = client.post(_detail_url(decree, "regenerate"), {"number": "lain", "decree_date": "2026-12-19"}, follow=True)
    assert again.status_code == 200 and "SK sudah ditandatangani; tidak dapat diubah." in again.content.decode()
    decree.refresh_from_db()
    assert decree.digest == digest and decree.number == "100.3.3.2/640/2025"
    twice = client.post(_detail_url(decree, "sign"), {"confirm": "on"}, follow=True)
    assert "SK sudah ditandatangani" in twice.content.decode()

    logged = AccessLog.objects.filter(person_ref=f"decree:{decree.pk}")
    before = logged.count()
    xlsx = client.get(_detail_url(decree, "xlsx"))
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in xlsx["Content-Disposition"]
    pdf = client.get(_detail_url(decree, "pdf"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and pdf["Content-Type"] == "application/pdf"
    assert list(logged.order_by("id").values_list("what", flat=True))[before:] == ["decree_xlsx", "decree_pdf"]
    assert logged.filter(what="decree_pdf").get().actor == programme_manager


def test_form_errors_are_shown_next_to_the_field(bpn_2026, programme_manager, client_for):
    client = client_for(programme_manager)
    empty = client.post(_list_url(bpn_2026), {"number": "", "decree_date": ""})
    assert empty.status_code == 400
    html = empty.content.decode()
    assert 'id="field-number"' in html and "errorlist" in html
    bad_date = client.post(_list_url(bpn_2026), {"number": "SK-1", "decree_date": "31-02-2026"})
    assert bad_date.status_code == 400
    nul = client.post(_list_url(bpn_2026), {"number": "SK\x00-1", "decree_date": "2026-12-01"})
    assert nul.status_code == 400
    assert client.post(_list_url(bpn_2026), {"number": "SK-1", "decree_date": "2026-12-01"}).status_code == 302
    # A second draft beside the first is asked about first (issue 21); confirmed, its number must still be new.
    second = client.post(_list_url(bpn_2026), {"number": "SK-2", "decree_date": "2026-12-02"})
    assert second.status_code == 409 and "Sudah ada draf SK SK-1" in second.content.decode()
    duplicate = client.post(_list_url(bpn_2026), {"number": "SK-1", "decree_date": "2026-12-02", "second_draft": "1"})
    assert duplicate.status_code == 400 and "sudah dipakai" in duplicate.content.decode()
    assert Decree.objects.count() == 1
    decree = Decree.objects.get()
    wrong = client.post(_detail_url(decree, "regenerate"), {"number": "", "decree_date": "2026-12-01"})
    assert wrong.status_code == 400 and "regen_number" in wrong.content.decode()


def test_bad_ids_and_other_programmes_are_404(bpn_2026, bpn_2025, programme_manager, client_for):
    client = client_for(programme_manager)
    decree = decree_generate(
        programme=bpn_2026, number="SK-1", decree_date=date(2026, 12, 1), actor=Actor.system("test")
    )
    other = reverse("decrees:detail", kwargs={"code": bpn_2025.code, "pk": decree.pk})
    assert client.get(other).status_code == 404
    assert client.get(f"/program/{bpn_2026.code}/sk/99999999/").status_code == 404
    assert client.get(f"/program/{bpn_2026.code}/sk/{2**70}/").status_code == 404
    assert client.get(f"/program/{bpn_2026.code}/sk/{2**70}/pdf/").status_code == 404
    assert client.get("/program/TIDAK-ADA/sk/").status_code == 404
    assert client.get(_detail_url(decree, "sign")).status_code == 405


@pytest.mark.parametrize(
    "persona", ["dppp_verifier", "samarinda_officer", "outsider", "registration_officer", "leadership", "auditor"]
)
def test_pages_refuse_everyone_but_managers(bpn_2026, persona, request, client_for):  # type: ignore[no-untyped-def]
    decree = decree_generate(
        programme=bpn_2026, number="SK-1", decree_date=date(2026, 12, 1), actor=Actor.system("test")
    )
    client = client_for(request.getfixturevalue(persona))
    for url in (
        reverse("decrees:index"),
        _list_url(bpn_2026),
        _detail_url(decree),
        _detail_url(decree, "xlsx"),
        _detail_url(decree, "pdf"),
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(_detail_url(decree, "sign"), {"confirm": "on"}).status_code == 403
    assert client.post(_list_url(bpn_2026), {"number": "SK-2", "decree_date": "2026-12-01"}).status_code == 403
    decree.refresh_from_db()
    assert decree.status == Decree.Status.DRAFT and Decree.objects.count() == 1
    assert not AccessLog.objects.filter(person_ref=f"decree:{decree.pk}").exists()


def test_a_manager_of_another_funder_gets_404(bpn_2026, make_officer, samarinda, client_for):
    from jaring.core.models import Role

    decree = decree_generate(
        programme=bpn_2026, number="SK-1", decree_date=date(2026, 12, 1), actor=Actor.system("test")
    )
    client = client_for(make_officer("smd_manager", Role.PROGRAMME_MANAGER, samarinda))
    assert client.get(_detail_url(decree)).status_code == 404
    assert client.get(_detail_url(decree, "pdf")).status_code == 404


def test_anonymous_is_sent_to_log_in(bpn_2026) -> None:
    response = Client().get(_list_url(bpn_2026))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))
