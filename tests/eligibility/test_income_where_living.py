"""The income ceiling is the scheme's choice: the UMK of where the applicant lives (the default), the UMP of the
province (the funder's own region), or a fixed amount. A province applicant in Kutai Timur earning above the
Kaltim UMP (Rp3.762.431 in 2026) but within the Kutai Timur UMK (Rp4.067.436) is judged by where they live
(issue 20)."""

from __future__ import annotations

from datetime import date

import pytest

from jaring.core.models import Funder, Region
from jaring.eligibility import rules
from jaring.eligibility.models import IncomeCeiling
from jaring.eligibility.selectors import ruleset_of
from jaring.eligibility.services import rule_version_create
from jaring.programmes.models import Programme
from tests.conftest import programme_for
from tests.helpers.reference import TESTS

pytestmark = pytest.mark.today("2026-03-02")


@pytest.fixture
def kaltim_2026(reference):  # type: ignore[no-untyped-def]
    kaltim = Funder.objects.get(code="kaltim")
    owner = kaltim.agencies.order_by("pk").first().code
    return programme_for(kaltim, code="KALTIM-2026", name="Jamsos Pekerja Rentan Kaltim 2026", owner=owner, quota=10)


def _applicant(kelurahan: Region, income: int) -> rules.Facts:
    return rules.Facts(
        application_date=date(2026, 3, 2),
        birth_date=date(1985, 5, 1),
        kelurahan_code=kelurahan.code,
        domicile_since=date(2010, 1, 1),
        monthly_income=income,
        sector_code="nelayan",
        document_kinds=frozenset(),
        nik="6408014105850001",
        covered_elsewhere=(),
    )


def _income(programme: Programme, facts: rules.Facts, **choice: object) -> rules.RuleOutcome:
    version = rule_version_create(programme=programme, actor=TESTS, note="batas penghasilan", **choice)
    (outcome,) = [o for o in rules.evaluate(facts, ruleset_of(version=version)).outcomes if o.rule == "income_ceiling"]
    assert outcome == rules.Evaluator(ruleset_of(version=version))(facts).outcomes[2]  # the bulk path agrees
    return outcome


def test_a_province_applicant_in_kutai_timur_is_judged_against_the_kutai_timur_umk(kaltim_2026):  # type: ignore[no-untyped-def]
    sangatta = Region.objects.filter(code__startswith="64.08.", level=Region.Level.VILLAGE).first()
    earning = _applicant(sangatta, 4_000_000)

    where_living = _income(kaltim_2026, earning, income_ceiling=IncomeCeiling.RESIDENCE)
    assert where_living.passed
    assert "Rp4.067.436" in where_living.reason and "UMK Kabupaten Kutai Timur 2026" in where_living.reason

    ump = _income(kaltim_2026, earning, income_ceiling=IncomeCeiling.UMK)
    assert not ump.passed and "Rp3.762.431" in ump.reason and "UMP" in ump.reason

    fixed = _income(kaltim_2026, earning, income_ceiling=IncomeCeiling.FIXED, income_ceiling_amount=3_000_000)
    assert not fixed.passed and "Rp3.000.000" in fixed.reason

    above = _income(kaltim_2026, _applicant(sangatta, 4_100_000), income_ceiling=IncomeCeiling.RESIDENCE)
    assert not above.passed and "Kutai Timur" in above.reason


def test_a_new_scheme_judges_by_the_umk_of_where_the_person_lives(kaltim_2026):  # type: ignore[no-untyped-def]
    from jaring.eligibility.selectors import rule_version_current
    from jaring.eligibility.services import rule_version_ensure

    rule_version_ensure(programme=kaltim_2026)
    assert rule_version_current(programme=kaltim_2026).income_ceiling == IncomeCeiling.RESIDENCE


def test_the_province_manager_chooses_the_ceiling_on_the_rules_page_and_it_says_which_applies(  # type: ignore[no-untyped-def]
    kaltim_2026, make_officer, client_for
):
    from django.utils import translation

    from jaring.core.models import Role
    from jaring.eligibility.selectors import rule_version_current
    from jaring.eligibility.services import rule_version_ensure
    from tests.eligibility.test_rules_page import form_data

    manager = client_for(make_officer("kaltim_manager", Role.PROGRAMME_MANAGER, kaltim_2026.funder))
    rule_version_ensure(programme=kaltim_2026)
    page = "/program/KALTIM-2026/aturan/"
    with translation.override("id"):
        html = manager.get(page).content.decode()
        assert "UMK kabupaten/kota tempat tinggal pemohon, menurut alamat KTP setiap pemohon" in html

        response = manager.post(page, form_data(kaltim_2026, income_ceiling="umk"))
        assert response.status_code == 302
        assert rule_version_current(programme=kaltim_2026).income_ceiling == IncomeCeiling.UMK
        html = manager.get(page).content.decode()
        assert f"UMP {kaltim_2026.funder.region.name} 2026 = Rp3.762.431" in html


def test_a_province_applicant_where_no_umk_is_entered_is_judged_by_the_ump_and_told_so(kaltim_2026):  # type: ignore[no-untyped-def]
    paser = Region.objects.filter(code__startswith="64.01.", level=Region.Level.VILLAGE).first()

    within = _income(kaltim_2026, _applicant(paser, 3_700_000), income_ceiling=IncomeCeiling.RESIDENCE)
    above = _income(kaltim_2026, _applicant(paser, 3_800_000), income_ceiling=IncomeCeiling.RESIDENCE)

    assert within.passed and "Rp3.762.431" in within.reason and "UMP Kalimantan Timur 2026" in within.reason
    assert "kode wilayah 64.01) belum diisi" in within.reason
    assert not above.passed and "Rp3.762.431" in above.reason
