"""Registration for next year runs in the autumn, while next year's UMK is set only in late December: the
income rule uses the latest known UMK and says so, and entering the new one re-judges the open applications."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from jaring.core.actors import Actor
from jaring.core.models import AgencyKind, AuditRecord, Funder, Job, MinimumWage, User
from jaring.programmes.models import Programme
from jaring.registry.intake import ReferenceIndex, parse_applicant
from jaring.registry.models import Application, Channel
from jaring.registry.reassess_tasks import KIND, reassess_applications
from jaring.registry.services import applicant_register
from jaring.registry.states import ApplicationStatus
from tests.helpers.applicants import ALL_DOCUMENTS, applicant
from tests.helpers.reference import programme_for

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-11-16")]

S = ApplicationStatus
WAGES = "/rujukan/umk/"


@pytest.fixture
def bpn_2027(balikpapan: Funder) -> Programme:
    name = "Jaminan Sosial Pekerja Rentan Kota Balikpapan 2027"
    return programme_for(balikpapan, code="BPN-2027", name=name, owner=AgencyKind.DINSOS, quota=7100, year=2027)


def register(programme: Programme, *, nik: str, income: str) -> Application:
    values = applicant(nik=nik, penghasilan_bulanan=income)
    result = parse_applicant(values, index=ReferenceIndex.load(), region_code="64.71", today=programme_today())
    assert result.data is not None, result.errors
    with translation.override("id"):
        return applicant_register(
            data=result.data,
            programme=programme,
            channel=Channel.COUNTER,
            actor=Actor.system("test"),
            uploads=ALL_DOCUMENTS,
        )


def programme_today():
    from jaring.core import clock

    return clock.today()


def income_reason(application: Application) -> str:
    return next(o["reason"] for o in application.eligibility if o["rule"] == "income_ceiling")


def test_next_year_is_judged_by_this_years_umk_and_says_so_until_its_own_is_entered(
    bpn_2027: Programme,
    administrator: User,
    client_for: Callable[[User], Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    assert not MinimumWage.objects.filter(region_id="64.71", year=2027).exists()
    earning_3_9m = register(bpn_2027, nik="6471011508900001", income="Rp3.900.000")
    earning_2_5m = register(bpn_2027, nik="6471011508900002", income="Rp2.500.000")

    assert earning_3_9m.status == S.NOT_ELIGIBLE
    assert income_reason(earning_3_9m) == (
        "Penghasilan Rp3.900.000 per bulan melebihi batas Rp3.856.694 "
        "(UMK 2027 belum ditetapkan; memakai UMK Kota Balikpapan 2026)."
    )
    assert earning_2_5m.status == S.AWAITING_VERIFICATION

    # Late December: the governor's decree sets the 2027 UMK; Balikpapan's administrator enters it.
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(administrator).post(
            WAGES, {"wilayah": "64.71", "tahun": "2027", "jumlah": "4.100.000,00", "dasar_hukum": "SK Gubernur 2026"}
        )
    assert response.status_code == 302
    job = Job.objects.get(kind=KIND)
    reassess_applications.call(job_id=job.pk)
    job.refresh_from_db()

    assert job.result["changed"] == 2  # both reasons now name the 2027 UMK
    assert job.result["became_eligible"] == 1
    earning_3_9m.refresh_from_db()
    assert earning_3_9m.status == S.AWAITING_VERIFICATION
    assert income_reason(earning_3_9m) == (
        "Penghasilan Rp3.900.000 per bulan tidak melebihi batas Rp4.100.000 (UMK Kota Balikpapan 2027)."
    )
    record = AuditRecord.objects.get(action="minimum_wage.set")
    assert record.actor == administrator
    assert record.data["year"] == 2027


def test_entering_a_umk_is_refused_to_another_funders_administrator_and_to_a_verifier(
    bpn_2027: Programme,
    make_officer: Callable[..., User],
    samarinda: Funder,
    dppp_verifier: User,
    client_for: Callable[[User], Client],
) -> None:
    from jaring.core.models import Role

    samarinda_admin = make_officer("admin_smd", Role.ADMINISTRATOR, samarinda, is_staff=True)
    data = {"wilayah": "64.71", "tahun": "2027", "jumlah": "4.100.000", "dasar_hukum": ""}

    refused = client_for(samarinda_admin).post(WAGES, data)
    assert refused.status_code == 400
    assert "hanya dapat mengisi upah minimum wilayah pemberi dana Anda" in refused.content.decode()
    assert client_for(dppp_verifier).post(WAGES, data).status_code == 403
    assert not MinimumWage.objects.filter(region_id="64.71", year=2027).exists()


def test_an_unreadable_amount_is_refused_naming_the_field(
    administrator: User, client_for: Callable[[User], Client], balikpapan: Funder
) -> None:
    response = client_for(administrator).post(WAGES, {"wilayah": "64.71", "tahun": "2027", "jumlah": "empat juta"})

    assert response.status_code == 400
    assert "Tulis jumlah dalam Rupiah" in response.content.decode()
    assert not MinimumWage.objects.filter(year=2027).exists()
