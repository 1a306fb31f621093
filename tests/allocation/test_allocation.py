"""Places are limited: never promised twice, never paid by two funders, given out in the programme's order."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from jaring.allocation.models import EndReason, Place
from jaring.allocation.services import (
    PersonHasPlace,
    conflicts_of,
    place_end,
    place_hand_over,
    programme_quota_set,
    waitlist_of,
)
from jaring.core.errors import DomainError
from jaring.core.models import Agency, AgencyKind, AuditRecord, Funder, Role, User
from jaring.programmes.models import Programme, WaitlistKey
from jaring.programmes.money import (
    Bracket,
    NoRates,
    bracket_for,
    budget_needed,
    monthly_contribution,
    months_between,
    people_covered,
    plan,
    thousands,
)
from jaring.programmes.selectors import contribution_brackets, lowest_income_basis
from jaring.registry.models import Application, Channel
from jaring.registry.states import ApplicationStatus
from jaring.verification.models import Outcome
from jaring.verification.services import DecisionInput, application_decide, applications_approve
from tests.helpers.races import at_once
from tests.helpers.reference import programme_for, queued_applications

# BPN-2026 is running and takes places: these cases mean a day of its year (places start the month approved).
pytestmark = pytest.mark.today("2026-11-03")

S = ApplicationStatus
D = Decimal


# -- pure: contributions and the planner ------------------------------------------------------------------

PP44 = date(2015, 7, 1)
LATER = date(2027, 1, 1)
TABLE = [
    Bracket(PP44, D("1000000"), D("1000000"), D("0.01"), D("6800")),
    Bracket(PP44, D("1000001"), D("1500000"), D("0.01"), D("6800")),
    Bracket(PP44, D("1500001"), D("2000000"), D("0.01"), D("6800")),
    # A later regulation (hypothetical figures) replaces the whole table from its date.
    Bracket(LATER, D("1000000"), D("1200000"), D("0.01"), D("7000")),
]


@pytest.mark.parametrize(
    ("income", "on", "basis", "total"),
    [
        (D("1000000"), date(2026, 1, 1), D("1000000"), D("16800")),  # DOMAIN: Rp10.000 + Rp6.800
        (D("999999"), date(2026, 1, 1), D("1000000"), D("16800")),  # below every bound: the lowest bracket
        (D("1000001"), date(2026, 1, 1), D("1500000"), D("21800")),  # the largest lower bound at or below
        (D("1500000"), date(2026, 1, 1), D("1500000"), D("21800")),
        (D("1500001"), date(2026, 1, 1), D("2000000"), D("26800")),
        (D("9000000"), date(2026, 1, 1), D("2000000"), D("26800")),
        (D("1000000"), date(2026, 12, 31), D("1000000"), D("16800")),
        (D("1000000"), LATER, D("1200000"), D("19000")),  # the newer table is in force
    ],
)
def test_contribution_look_up(income, on, basis, total):
    contribution = monthly_contribution(income, TABLE, on)
    assert contribution.income_basis == basis
    assert contribution.total == total
    assert bracket_for(income, TABLE, on).income_basis == basis


def test_no_table_in_force_is_an_error_not_a_guess() -> None:
    with pytest.raises(NoRates):
        monthly_contribution(D("1000000"), TABLE, date(2010, 1, 1))


@pytest.mark.parametrize(
    ("people", "months", "monthly", "budget"),
    [
        (5000, 12, D("16800"), D("1008000000")),  # Penajam, DOMAIN
        (7100, 12, D("16800"), D("1431360000")),  # Balikpapan
        (0, 12, D("16800"), D("0")),
        (1, 1, D("16800"), D("16800")),
    ],
)
def test_budget_needed(people, months, monthly, budget):
    assert budget_needed(people=people, months=months, monthly=monthly) == budget


@pytest.mark.parametrize(
    ("budget", "months", "monthly", "people"),
    [
        (D("1008000000"), 12, D("16800"), 5000),
        (D("1007999999"), 12, D("16800"), 4999),  # whole people only
        (D("201600"), 12, D("16800"), 1),
        (D("201599"), 12, D("16800"), 0),
        (D("0"), 12, D("16800"), 0),
    ],
)
def test_people_covered(budget, months, monthly, people):
    assert people_covered(budget=budget, months=months, monthly=monthly) == people


@pytest.mark.parametrize("months", [0, -1])
def test_the_planner_refuses_nonsense(months: int) -> None:
    with pytest.raises(ValueError):
        people_covered(budget=D("1000"), months=months, monthly=D("16800"))
    with pytest.raises(ValueError):
        budget_needed(people=-1, months=12, monthly=D("16800"))


@pytest.mark.parametrize(
    ("starts", "ends", "months"),
    [
        (date(2026, 1, 1), date(2026, 12, 31), 12),
        (date(2026, 11, 1), date(2026, 12, 31), 2),
        (date(2026, 12, 1), date(2027, 1, 31), 2),
        (date(2026, 6, 1), date(2026, 5, 31), 0),
    ],
)
def test_months_between(starts, ends, months):
    assert months_between(starts, ends) == months


def test_the_seeded_table_gives_16800_for_every_kaltim_programme(bpn_2026):
    seeded = monthly_contribution(bpn_2026.income_basis, contribution_brackets(), bpn_2026.cover_start)
    assert seeded.total == D("16800")


def test_the_lowest_income_basis_comes_from_the_table_in_force(db) -> None:
    assert lowest_income_basis(date(2026, 1, 1)) == D("1000000")  # the seeded PP 44/2015 row
    with pytest.raises(NoRates):
        lowest_income_basis(date(2010, 1, 1))


def test_a_bracket_computes_its_own_contribution() -> None:
    paid = TABLE[1].contribution()
    assert (paid.income_basis, paid.jkk, paid.jkm, paid.total) == (D("1500000"), D("15000"), D("6800"), D("21800"))


@pytest.mark.parametrize(
    ("monthly", "months", "budget", "people", "per_person", "covered", "cost", "leftover", "needed"),
    [
        # Penajam (DOMAIN): Rp1.008.000.000 pays 5.000 people for a year, and 5.000 people need exactly that.
        (D("16800"), 12, 1_008_000_000, 5000, D("201600"), 5000, D("1008000000"), D("0"), D("1008000000")),
        # Whole people only: what is left is less than one more person's year.
        (D("16800"), 12, 1_007_999_999, None, D("201600"), 4999, D("1007798400"), D("201599"), None),
        (D("16800"), 2, None, 7100, D("33600"), None, None, None, D("238560000")),
        (D("16800"), 12, 0, 0, D("201600"), 0, D("0"), D("0"), D("0")),
        (D("16800"), 12, None, None, D("201600"), None, None, None, None),
        # A table whose contribution is zero covers no one rather than dividing by zero.
        (D("0"), 12, 1_000_000, 10, D("0"), None, None, None, D("0")),
    ],
)
def test_plan(monthly, months, budget, people, per_person, covered, cost, leftover, needed):
    figures = plan(monthly=monthly, months=months, budget=budget, people=people)
    assert figures.per_person == per_person
    assert (figures.covered, figures.covered_cost, figures.leftover, figures.needed) == (
        covered,
        cost,
        leftover,
        needed,
    )


def test_plan_refuses_no_months() -> None:
    with pytest.raises(ValueError):
        plan(monthly=D("16800"), months=0, budget=1000)


@pytest.mark.parametrize(
    ("number", "text"), [(0, "0"), (5000, "5.000"), (1_008_000_000, "1.008.000.000"), (D("16800.40"), "16.800")]
)
def test_thousands(number, text):
    assert thousands(number) == text


# -- quota and waitlist ------------------------------------------------------------------------------------


def _approve_all(applications, verifier) -> None:
    ids = [a.pk for a in applications]
    for i in range(0, len(ids), 1000):
        applications_approve(ids=ids[i : i + 1000], actor=verifier)


def test_quota_7100_with_7200_approved_then_raised_to_7150(bpn_2026, dppp_verifier, programme_manager):
    # Waitlist order: DTKS first, then lower income, then earlier submission (the default).
    assert bpn_2026.waitlist_order == [WaitlistKey.DTKS, WaitlistKey.INCOME, WaitlistKey.SUBMITTED]
    incomes = {n: 1_500_000 for n in range(7150, 7200, 2)}  # every other late applicant earns less
    dtks = {7199, 7180}
    applications = queued_applications(bpn_2026, 7200, incomes=incomes, dtks=dtks)

    _approve_all(applications, dppp_verifier)

    assert Place.objects.filter(programme=bpn_2026, status=Place.Status.ACTIVE).count() == 7100
    assert Application.objects.filter(programme=bpn_2026, status=S.APPROVED).count() == 7100
    waiting = list(waitlist_of(bpn_2026))
    assert len(waiting) == 100
    # Approved in submission order, so the last 100 submitted wait: 7100..7199.
    assert {int(a.number[-6:]) for a in waiting} == set(range(7100, 7200))
    expected = sorted(
        waiting, key=lambda a: (not a.person.dtks_listed, a.person.monthly_income, a.submitted_at, a.number)
    )
    assert [a.number for a in waiting] == [a.number for a in expected]
    assert [int(a.number[-6:]) for a in waiting[:2]] == [7180, 7199]  # DTKS first, lower income first among them

    admitted = programme_quota_set(programme=bpn_2026, quota=7150, actor=programme_manager)

    assert [a.number for a in admitted] == [a.number for a in expected[:50]]
    assert Place.objects.filter(programme=bpn_2026, status=Place.Status.ACTIVE).count() == 7150
    assert [a.number for a in waitlist_of(bpn_2026)] == [a.number for a in expected[50:]]
    assert AuditRecord.objects.filter(action="application.admit_from_waitlist").count() == 50


def test_the_quota_cannot_go_below_the_places_given(bpn_2026, dppp_verifier, programme_manager):
    _approve_all(queued_applications(bpn_2026, 3), dppp_verifier)
    with pytest.raises(DomainError) as caught:
        programme_quota_set(programme=bpn_2026, quota=2, actor=programme_manager)
    assert caught.value.field == "quota"


def test_a_death_frees_the_place_and_admits_the_next(bpn_2026, dppp_verifier, programme_manager):
    programme_quota_set(programme=bpn_2026, quota=2, actor=programme_manager)
    applications = queued_applications(bpn_2026, 4)
    _approve_all(applications, dppp_verifier)
    first = Place.objects.get(application=applications[0])
    assert [a.number for a in waitlist_of(bpn_2026)] == [applications[2].number, applications[3].number]

    ended = place_end(place=first, reason=EndReason.DIED, on=date(2026, 11, 10), actor=programme_manager)

    assert [a.pk for a in ended.admitted] == [applications[2].pk]
    first.refresh_from_db()
    assert first.status == Place.Status.ENDED and first.ends == date(2026, 11, 30)
    assert first.end_reason == EndReason.DIED
    applications[0].refresh_from_db()
    assert applications[0].status == S.WITHDRAWN and "Meninggal dunia" in applications[0].status_reason
    applications[2].refresh_from_db()
    assert applications[2].status == S.APPROVED
    assert [a.number for a in waitlist_of(bpn_2026)] == [applications[3].number]


# -- one funder per person per month -------------------------------------------------------------------------


@pytest.fixture
def kaltim_2026(reference) -> Programme:
    funder = Funder.objects.get(code="kaltim")
    return programme_for(funder, code="KALTIM-2026", name="Program Provinsi", owner=AgencyKind.DISNAKER, quota=12000)


def _twin(application: Application, programme: Programme) -> Application:
    """The same person applying to another funder's programme, waiting at that funder's DPPP."""
    agency = (
        Agency.objects.filter(funder=programme.funder, code=AgencyKind.DPPP).first() or programme.owning_agency
    )  # the province has no DPPP: its owning office verifies
    return Application.objects.create(
        number=f"{programme.code}-{application.pk:06d}",
        programme=programme,
        person=application.person,
        channel=Channel.COUNTER,
        status=S.AWAITING_VERIFICATION,
        kelurahan=application.kelurahan,
        sector=application.sector,
        verifying_agency=agency,
        submitted_at=timezone.now(),
        queued_at=timezone.now(),
        verification_due=timezone.localdate() + timedelta(days=7),
    )


def _verifier_of(programme: Programme) -> User:
    agency = (
        Agency.objects.filter(funder=programme.funder, code=AgencyKind.DPPP).first() or programme.owning_agency
    )  # the province has no DPPP: its owning office verifies
    user, _ = User.objects.get_or_create(
        username=f"dppp_{programme.funder.code}",
        defaults={"role": Role.VERIFIER, "funder": programme.funder, "agency": agency},
    )
    return user


def test_a_person_with_a_city_place_cannot_get_a_province_place_and_the_conflict_names_both(
    bpn_2026, kaltim_2026, dppp_verifier
):
    city = queued_applications(bpn_2026, 1)[0]
    application_decide(application=city, decision=DecisionInput(Outcome.APPROVE), actor=dppp_verifier)
    province = _twin(city, kaltim_2026)

    with pytest.raises(PersonHasPlace) as caught:
        application_decide(
            application=province, decision=DecisionInput(Outcome.APPROVE), actor=_verifier_of(kaltim_2026)
        )

    assert "BPN-2026" in caught.value.message and "Kota Balikpapan" in caught.value.message
    province.refresh_from_db()
    assert province.status == S.AWAITING_VERIFICATION and not province.decisions.exists()
    assert [(a.number, p.programme.code) for a, p in conflicts_of(kaltim_2026)] == [(province.number, "BPN-2026")]
    # The bulk path skips it with the same explanation.
    result = applications_approve(ids=[province.pk], actor=_verifier_of(kaltim_2026))
    assert not result.approved and "BPN-2026" in result.skipped[0][1]


def test_hand_over_from_city_to_province_from_a_month(bpn_2026, kaltim_2026, dppp_verifier, programme_manager):
    city = queued_applications(bpn_2026, 1)[0]
    application_decide(application=city, decision=DecisionInput(Outcome.APPROVE), actor=dppp_verifier)
    place = Place.objects.get(application=city)
    Place.objects.filter(pk=place.pk).update(starts=date(2026, 1, 1))  # as if approved for the whole year
    province = _twin(city, kaltim_2026)

    new = place_hand_over(place=place, to_application=province, from_month=date(2026, 7, 15), actor=programme_manager)

    place.refresh_from_db()
    assert place.status == Place.Status.ENDED and place.ends == date(2026, 6, 30)
    assert place.end_reason == EndReason.HANDED_OVER
    assert new.programme == kaltim_2026 and new.starts == date(2026, 7, 1) and new.ends == date(2026, 12, 31)
    province.refresh_from_db()
    assert province.status == S.APPROVED
    city.refresh_from_db()
    assert city.status == S.WITHDRAWN and "KALTIM-2026" in city.status_reason
    # Never two active places of one person for the same month.
    active = Place.objects.filter(person=city.person, status=Place.Status.ACTIVE)
    assert list(active.values_list("programme__code", flat=True)) == ["KALTIM-2026"]


def test_hand_over_refuses_a_month_outside_the_place(bpn_2026, kaltim_2026, dppp_verifier, programme_manager):
    city = queued_applications(bpn_2026, 1)[0]
    application_decide(application=city, decision=DecisionInput(Outcome.APPROVE), actor=dppp_verifier)
    place = Place.objects.get(application=city)
    with pytest.raises(DomainError) as caught:
        place_hand_over(
            place=place, to_application=_twin(city, kaltim_2026), from_month=date(2027, 2, 1), actor=programme_manager
        )
    assert caught.value.field == "from_month"


# -- races on PostgreSQL -------------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_24_approvers_racing_for_the_last_10_places(bpn_2026, dppp_verifier, programme_manager):
    programme_quota_set(programme=bpn_2026, quota=40, actor=programme_manager)
    _approve_all(queued_applications(bpn_2026, 30), dppp_verifier)  # 30 of 40 places taken
    racers = queued_applications(bpn_2026, 24, start=1000)

    errors = at_once(
        *[
            (
                lambda a=a: application_decide(
                    application=a, decision=DecisionInput(Outcome.APPROVE), actor=dppp_verifier
                )
            )
            for a in racers
        ]
    )

    assert errors == []
    statuses = [a.status for a in Application.objects.filter(pk__in=[a.pk for a in racers])]
    assert statuses.count(S.APPROVED) == 10
    assert statuses.count(S.WAITLISTED) == 14
    assert Place.objects.filter(programme=bpn_2026, status=Place.Status.ACTIVE).count() == 40


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_city_and_province_approving_the_same_nik_at_once_end_with_one_place(bpn_2026, kaltim_2026, dppp_verifier):
    rounds = 5
    cities = queued_applications(bpn_2026, rounds)
    provinces = [_twin(city, kaltim_2026) for city in cities]
    province_verifier = _verifier_of(kaltim_2026)
    calls = []
    for city, province in zip(cities, provinces, strict=True):
        calls.append(
            lambda a=city: application_decide(
                application=a, decision=DecisionInput(Outcome.APPROVE), actor=dppp_verifier
            )
        )
        calls.append(
            lambda a=province: application_decide(
                application=a, decision=DecisionInput(Outcome.APPROVE), actor=province_verifier
            )
        )

    errors = at_once(*calls)

    assert len(errors) == rounds and all(isinstance(e, PersonHasPlace) for e in errors)
    for city in cities:
        assert Place.objects.filter(person=city.person, status=Place.Status.ACTIVE).count() == 1
