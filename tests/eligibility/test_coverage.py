"""Not already covered: the province and the city must never fund the same person for the same months, and a
person BPJS already insures (by the branch's list) is not eligible. Judged through registration, as every
channel is."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from django.utils import timezone, translation

from jaring.core.actors import Actor
from jaring.core.models import AgencyKind, Funder
from jaring.eligibility.participants import participant_list_import
from jaring.eligibility.services import rule_version_create
from jaring.programmes.models import Programme
from jaring.registry.intake import ReferenceIndex, parse_applicant
from jaring.registry.models import Application, Channel
from jaring.registry.services import applicant_register, application_transition
from jaring.registry.states import ApplicationStatus, Transition
from tests.helpers.applicants import ALL_DOCUMENTS, applicant
from tests.helpers.reference import programme_for

pytestmark = pytest.mark.django_db

S = ApplicationStatus
BUDI = "6471011508900001"


@pytest.fixture(autouse=True)
def _indonesian() -> Iterator[None]:
    with translation.override("id"):
        yield


@pytest.fixture
def kaltim(reference: None) -> Funder:
    return Funder.objects.get(code="kaltim")


@pytest.fixture
def kaltim_2026(kaltim: Funder) -> Programme:
    name = "Perlindungan Pekerja Rentan Provinsi Kalimantan Timur 2026"
    return programme_for(kaltim, code="KALTIM-2026", name=name, owner=AgencyKind.DISNAKER, quota=12000)


def register(programme: Programme, **overrides: object) -> Application:
    values = applicant(**overrides)
    result = parse_applicant(
        values, index=ReferenceIndex.load(), region_code=programme.funder.region_id, today=timezone.localdate()
    )
    assert result.data is not None, result.errors
    return applicant_register(
        data=result.data,
        programme=programme,
        channel=Channel.COUNTER,
        actor=Actor.system("test"),
        uploads=ALL_DOCUMENTS,
    )


def fund(application: Application, *, status: str) -> Application:
    """Take an application awaiting verification on to approved (and enrolled)."""
    assert application.status == S.AWAITING_VERIFICATION, application.status_reason
    application = application_transition(
        application=application, transition=Transition.APPROVE, actor=Actor.system("test")
    )
    if status == S.ENROLLED:
        application = application_transition(
            application=application, transition=Transition.ENROL, actor=Actor.system("test")
        )
    return application


def not_covered(application: Application) -> dict[str, object]:
    return next(o for o in application.eligibility if o["rule"] == "not_covered")


@pytest.mark.parametrize("status", [S.APPROVED, S.ENROLLED])
def test_someone_the_province_funds_is_refused_by_balikpapan_naming_the_province_programme(
    status: str, kaltim_2026: Programme, bpn_2026: Programme
) -> None:
    fund(register(kaltim_2026), status=status)

    application = register(bpn_2026)

    assert application.status == S.NOT_ELIGIBLE
    assert application.eligible is False
    reason = not_covered(application)["reason"]
    assert reason == (
        "Sudah dibiayai oleh program lain untuk bulan yang sama: Pemerintah Provinsi Kalimantan Timur (KALTIM-2026)."
    )
    assert "KALTIM-2026" in application.status_reason


def test_someone_balikpapan_funds_is_refused_by_the_province(kaltim_2026: Programme, bpn_2026: Programme) -> None:
    fund(register(bpn_2026), status=S.APPROVED)

    application = register(kaltim_2026)

    assert application.status == S.NOT_ELIGIBLE
    assert "Pemerintah Kota Balikpapan (BPN-2026)" in str(not_covered(application)["reason"])


def test_an_application_still_being_verified_elsewhere_does_not_block(
    kaltim_2026: Programme, bpn_2026: Programme
) -> None:
    assert register(kaltim_2026).status == S.AWAITING_VERIFICATION

    application = register(bpn_2026)

    assert application.status == S.AWAITING_VERIFICATION
    assert not_covered(application)["passed"] is True


def test_cover_in_a_period_that_does_not_overlap_does_not_block(kaltim: Funder, bpn_2026: Programme) -> None:
    name = "Perlindungan Pekerja Rentan Provinsi Kalimantan Timur 2025"
    kaltim_2025 = programme_for(
        kaltim, code="KALTIM-2025", name=name, owner=AgencyKind.DISNAKER, quota=12000, year=2025
    )
    assert (kaltim_2025.cover_start, kaltim_2025.cover_end) == (date(2025, 1, 1), date(2025, 12, 31))
    fund(register(kaltim_2025), status=S.ENROLLED)

    application = register(bpn_2026)

    assert application.status == S.AWAITING_VERIFICATION
    assert not_covered(application)["passed"] is True


def test_cover_that_overlaps_by_one_month_blocks(kaltim: Funder, bpn_2026: Programme) -> None:
    kaltim_late = programme_for(
        kaltim, code="KALTIM-2025", name="Kaltim", owner=AgencyKind.DISNAKER, quota=1, year=2025
    )
    Programme.objects.filter(pk=kaltim_late.pk).update(cover_end=date(2026, 1, 31))
    fund(register(kaltim_late), status=S.APPROVED)

    assert register(bpn_2026).status == S.NOT_ELIGIBLE


def upload_bpjs_list(funder: Funder, line: str) -> None:
    content = f"NIK;KPJ;Segmen;Status\n{line}\n".encode()
    participant_list_import(
        funder=funder, file_name="bpjs.csv", content=content, actor=Actor.system("test"), apply_sound_rows=False
    )


def test_an_active_participant_on_the_bpjs_list_is_not_eligible_with_the_kpj_named(
    balikpapan: Funder, bpn_2026: Programme
) -> None:
    upload_bpjs_list(balikpapan, f"{BUDI};12345678901;BPU;aktif")

    application = register(bpn_2026)

    assert application.status == S.NOT_ELIGIBLE
    assert not_covered(application)["reason"] == (
        "Sudah terdaftar sebagai peserta BPJS Ketenagakerjaan (KPJ 12345678901, BPU)."
    )
    assert "KPJ 12345678901" in application.status_reason


def test_an_inactive_participant_on_the_bpjs_list_is_eligible(balikpapan: Funder, bpn_2026: Programme) -> None:
    upload_bpjs_list(balikpapan, f"{BUDI};12345678901;BPU;nonaktif")

    application = register(bpn_2026)

    assert application.status == S.AWAITING_VERIFICATION
    assert not_covered(application)["passed"] is True


def test_the_coverage_check_switched_off_lets_a_participant_through(balikpapan: Funder, bpn_2026: Programme) -> None:
    rule_version_create(programme=bpn_2026, actor=Actor.system("test"), note="uji", check_not_covered=False)
    upload_bpjs_list(balikpapan, f"{BUDI};12345678901;BPU;aktif")

    application = register(bpn_2026)

    assert application.status == S.AWAITING_VERIFICATION
    assert "not_covered" not in [o["rule"] for o in application.eligibility]
