"""The demo shows a funder's second scheme of the year: Samarinda's RT heads, from the appointing office's list,
beside its workers' scheme, with one person refused a second place across them (issue 20)."""

from __future__ import annotations

import pytest

from jaring.allocation.models import Place
from jaring.core import clock
from jaring.demo.data import demo_seed
from jaring.eligibility.target_lists import target_list_current
from jaring.programmes.models import Programme
from jaring.registry.models import Application
from jaring.registry.states import ApplicationStatus


@pytest.mark.django_db
def test_the_demo_shows_samarinda_s_rt_heads_beside_its_workers() -> None:
    demo_seed(per_programme=2)
    year = clock.today().year
    rt_heads = Programme.objects.get(code=f"SMD-RT-{year}")
    assert rt_heads.scheme == "ketua-rt" and rt_heads.funder.code == "samarinda"
    assert Programme.objects.filter(funder=rt_heads.funder, year=year).count() == 2

    listed = target_list_current(rt_heads)
    assert listed is not None and listed.rows_loaded == 6 and "Samarinda" in listed.source

    applications = Application.objects.filter(programme=rt_heads)
    assert Place.objects.filter(programme=rt_heads).count() == 2
    not_listed = applications.filter(status=ApplicationStatus.NOT_ELIGIBLE, status_reason__contains="tidak tercantum")
    assert not_listed.count() == 2
    twice = applications.get(status=ApplicationStatus.NOT_ELIGIBLE, status_reason__contains=f"SMD-{year}")
    assert Place.objects.filter(person=twice.person).values_list("programme__code", flat=True).get() == f"SMD-{year}"


@pytest.mark.django_db
def test_the_demo_shows_kutai_timur_s_plantation_workers_and_each_region_s_own_legal_basis() -> None:
    from jaring.eligibility.models import RuleVersion

    demo_seed(per_programme=2)
    year = clock.today().year
    plantation = Application.objects.filter(programme__code=f"KUTIM-{year}", sector__code="buruh_sawit")
    assert plantation.count() >= 3 and Place.objects.filter(application__in=plantation).count() >= 2
    assert plantation.filter(verifying_agency__name__startswith="Dinas Transmigrasi dan Tenaga Kerja").exists()

    first = {
        v.programme.funder.code: v.note
        for v in RuleVersion.objects.filter(programme__year=year, programme__scheme="pekerja-rentan", version=1)
    }
    assert "Perbup 29/2024" in first["kutim"] and "Balikpapan 3/2025" not in first["kutim"]
    assert "Pergub Kaltim" in first["kaltim"] and first["balikpapan"] == "Perwali Balikpapan 3/2025"
