"""The managers' pages on places: quota and budget use, the waitlist, ending a place, handing a person over to
another funder, the budget planner and the contribution table. Read like a specification per persona."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from jaring.allocation.models import EndReason, Place
from jaring.allocation.selectors import programme_figures
from jaring.allocation.services import month_start, waitlist_of
from jaring.core.models import Agency, AgencyKind, AuditRecord, Funder, Role, User
from jaring.programmes.models import ContributionRate, Programme, WaitlistKey
from jaring.programmes.money import months_between
from jaring.registry.models import Application, Channel
from jaring.registry.states import ApplicationStatus
from jaring.verification.models import Outcome
from jaring.verification.services import DecisionInput, application_decide, applications_approve
from tests.helpers.reference import programme_for

S = ApplicationStatus
MONTHLY = 16_800

Maker = Callable[..., Application]
ClientFor = Callable[[User], Client]


def rp(amount: int) -> str:
    return "Rp" + f"{amount:,}".replace(",", ".")


def field_has_error(html: str, field: str) -> bool:
    """Whether the form shows an error inside the field's own block (next to the input, not only on top)."""
    start = html.find(f'id="field-{field}"')
    if start < 0:
        return False
    end = min(i for i in (html.find('<div class="field"', start + 1), html.find("</form>", start), len(html)) if i >= 0)
    return "errorlist" in html[start:end]


def this_year(programme: Programme) -> Programme:
    """Cover the current year, so places can be given whatever day the suite runs."""
    year = timezone.localdate().year
    Programme.objects.filter(pk=programme.pk).update(cover_start=date(year, 1, 1), cover_end=date(year, 12, 31))
    programme.refresh_from_db()
    return programme


def months_left(programme: Programme) -> int:
    return months_between(max(programme.cover_start, month_start(timezone.localdate())), programme.cover_end)


@pytest.fixture
def bpn(bpn_2026: Programme) -> Programme:
    return this_year(bpn_2026)


@pytest.fixture
def small(bpn: Programme) -> Programme:
    Programme.objects.filter(pk=bpn.pk).update(quota=2)
    bpn.refresh_from_db()
    return bpn


def waiting(make_application: Maker, programme: Programme, count: int, **extra: object) -> list[Application]:
    """Applications of fishers waiting at DPPP, submitted one second apart."""
    made = []
    for i in range(count):
        application = make_application(programme, sector="nelayan", name=f"Nelayan {i + 1}", **extra)
        Application.objects.filter(pk=application.pk).update(
            submitted_at=timezone.now() - timedelta(days=10) + timedelta(seconds=i)
        )
        application.refresh_from_db()
        made.append(application)
    return made


@pytest.fixture
def four_for_two(small: Programme, make_application: Maker, dppp_verifier: User) -> list[Application]:
    """Quota 2, four approved in one go: the first two submitted get places, the others wait. The last one is
    listed in DTKS, so the programme's order puts it first on the waitlist."""
    applications = waiting(make_application, small, 4)
    applications[3].person.dtks_listed = True
    applications[3].person.save(update_fields=["dtks_listed"])
    result = applications_approve(ids=[a.pk for a in applications], actor=dppp_verifier)
    assert result.approved == [applications[0].number, applications[1].number]
    assert result.waitlisted == [applications[2].number, applications[3].number]
    return applications


# -- figures -----------------------------------------------------------------------------------------------------


def test_an_approval_takes_a_place_and_commits_its_months_of_budget(
    bpn: Programme, make_application: Maker, dppp_verifier: User, programme_manager: User, client_for: ClientFor
) -> None:
    Programme.objects.filter(pk=bpn.pk).update(budget=1_431_360_000)
    bpn.refresh_from_db()
    application = waiting(make_application, bpn, 1)[0]

    application_decide(application=application, decision=DecisionInput(Outcome.APPROVE), actor=dppp_verifier)

    figures = programme_figures(programme_manager, bpn)
    months = months_left(bpn)
    assert (figures.quota, figures.used, figures.waitlisted, figures.free) == (7100, 1, 0, 7099)
    assert figures.monthly is not None and figures.monthly.total == Decimal("16800")
    assert figures.committed == months * MONTHLY
    assert figures.remaining == 1_431_360_000 - months * MONTHLY
    page = client_for(programme_manager).get("/program/BPN-2026/kuota/")
    assert page.status_code == 200
    text = page.content.decode()
    assert rp(months * MONTHLY) in text
    assert "7.099" in text  # free places, the Indonesian way
    assert "7.100 orang × 12 bulan × Rp16.800 = Rp1.431.360.000" in text
    listing = client_for(programme_manager).get("/program/kuota/").content.decode()
    assert "BPN-2026" in listing and rp(months * MONTHLY) in listing


def test_a_manager_sees_only_their_funders_programmes(
    bpn: Programme, smd_2026: Programme, programme_manager: User, client_for: ClientFor
) -> None:
    listing = client_for(programme_manager).get("/program/kuota/").content.decode()
    assert "BPN-2026" in listing and "SMD-2026" not in listing
    for path in ("kuota", "daftar-tunggu", "peserta", "konflik"):
        assert client_for(programme_manager).get(f"/program/SMD-2026/{path}/").status_code == 404


def test_the_system_operator_sees_every_funders_programmes(
    bpn: Programme, smd_2026: Programme, system_administrator: User, auditor: User, client_for: ClientFor
) -> None:
    listing = client_for(system_administrator).get("/program/kuota/").content.decode()
    assert "BPN-2026" in listing and "SMD-2026" in listing
    assert client_for(system_administrator).get("/program/SMD-2026/daftar-tunggu/").status_code == 200
    # An auditor of Balikpapan reads Balikpapan's figures only.
    audit = client_for(auditor).get("/program/kuota/").content.decode()
    assert "BPN-2026" in audit and "SMD-2026" not in audit


def test_leadership_reads_the_figures_but_changes_nothing_and_sees_no_names(
    bpn: Programme, leadership: User, client_for: ClientFor
) -> None:
    client = client_for(leadership)
    page = client.get("/program/BPN-2026/kuota/")
    assert page.status_code == 200 and b"quota-form" not in page.content
    assert client.post("/program/BPN-2026/kuota/", {"aksi": "kuota", "quota": "8000"}).status_code == 403
    assert client.get("/program/BPN-2026/daftar-tunggu/").status_code == 403
    assert client.get("/program/BPN-2026/peserta/").status_code == 403
    assert client.get("/program/perencana/").status_code == 200
    bpn.refresh_from_db()
    assert bpn.quota == 7100


@pytest.mark.parametrize("persona", ["samarinda_officer", "outsider", "dppp_verifier", "registration_officer"])
def test_outsiders_and_other_roles_are_refused(
    persona: str, bpn: Programme, client_for: ClientFor, request: pytest.FixtureRequest
) -> None:
    client = client_for(request.getfixturevalue(persona))
    for path in ("/program/kuota/", "/program/BPN-2026/kuota/", "/program/BPN-2026/daftar-tunggu/"):
        assert client.get(path).status_code == 403, path
    assert client.post("/program/BPN-2026/kuota/", {"aksi": "kuota", "quota": "9000"}).status_code == 403
    assert client.post("/program/BPN-2026/daftar-tunggu/").status_code == 403
    assert client.get("/program/perencana/?kuota=5000").status_code == 403
    bpn.refresh_from_db()
    assert bpn.quota == 7100


def test_anonymous_visitors_are_sent_to_log_in(bpn: Programme) -> None:
    response = Client().get("/program/BPN-2026/kuota/")
    assert response.status_code == 302
    assert Client().get("/program/perencana/?kuota=5000").status_code == 302


# -- quota and waitlist ------------------------------------------------------------------------------------------


def test_the_waitlist_shows_the_programmes_order_and_explains_it(
    four_for_two: list[Application], programme_manager: User, client_for: ClientFor
) -> None:
    page = client_for(programme_manager).get("/program/BPN-2026/daftar-tunggu/")
    assert page.status_code == 200
    assert page.headers["Cache-Control"].startswith("max-age=0")
    text = page.content.decode()
    dtks, plain = four_for_two[3], four_for_two[2]
    assert text.index(dtks.number) < text.index(plain.number)  # DTKS first, although submitted later
    assert "Terdata di DTKS/DTSEN lebih dahulu" in text
    assert dtks.person.nik not in text and dtks.person.nik_masked in text


def test_raising_the_quota_admits_from_the_waitlist_in_order(
    four_for_two: list[Application], programme_manager: User, client_for: ClientFor
) -> None:
    client = client_for(programme_manager)

    response = client.post("/program/BPN-2026/kuota/", {"aksi": "kuota", "quota": "3"}, follow=True)

    assert response.redirect_chain[0][1] == 302
    assert "1 diterima dari daftar tunggu" in response.content.decode()
    dtks, plain = four_for_two[3], four_for_two[2]
    dtks.refresh_from_db()
    plain.refresh_from_db()
    assert dtks.status == S.APPROVED and plain.status == S.WAITLISTED
    assert Place.objects.filter(programme__code="BPN-2026", status=Place.Status.ACTIVE).count() == 3
    assert AuditRecord.objects.filter(action="programme.quota_set", actor=programme_manager).exists()


def test_the_admit_button_fills_free_places(
    four_for_two: list[Application], programme_manager: User, client_for: ClientFor
) -> None:
    Programme.objects.filter(code="BPN-2026").update(quota=4)  # places freed without admitting anyone

    response = client_for(programme_manager).post("/program/BPN-2026/daftar-tunggu/", follow=True)

    assert "2 pemohon diterima dari daftar tunggu" in response.content.decode()
    assert not waitlist_of(four_for_two[0].programme).exists()
    # A second click admits nobody and says why.
    again = client_for(programme_manager).post("/program/BPN-2026/daftar-tunggu/", follow=True)
    assert "Tidak ada yang diterima" in again.content.decode()


@pytest.mark.parametrize("value", ["abc", "-1", "", "1", "99999999999", "2,5", "٣"])
def test_a_bad_quota_is_refused_next_to_the_field(
    four_for_two: list[Application], programme_manager: User, client_for: ClientFor, value: str
) -> None:
    response = client_for(programme_manager).post("/program/BPN-2026/kuota/", {"aksi": "kuota", "quota": value})
    assert response.status_code == 400
    assert field_has_error(response.content.decode(), "quota")
    assert Programme.objects.get(code="BPN-2026").quota == 2


def test_lowering_the_quota_below_the_places_given_says_why(
    four_for_two: list[Application], programme_manager: User, client_for: ClientFor
) -> None:
    response = client_for(programme_manager).post("/program/BPN-2026/kuota/", {"aksi": "kuota", "quota": "1"})
    assert "tidak dapat lebih kecil dari 2 tempat" in response.content.decode()


def test_an_unknown_action_changes_nothing(bpn: Programme, programme_manager: User, client_for: ClientFor) -> None:
    response = client_for(programme_manager).post("/program/BPN-2026/kuota/", {"aksi": "hapus"})
    assert response.status_code == 302
    bpn.refresh_from_db()
    assert bpn.quota == 7100


def test_the_money_settings_are_saved_and_audited(
    bpn: Programme, programme_manager: User, client_for: ClientFor
) -> None:
    form = {
        "aksi": "pengaturan",
        "jht": "",
        "income_basis": "Rp1.000.000",
        "budget": "1,431 miliar",
        "budget_source": "dbhcht",
        "budget_line": "5.1.02.01.01.0031",
        "waitlist_1": WaitlistKey.INCOME,
        "waitlist_2": WaitlistKey.DTKS,
        "waitlist_3": "",
        "waitlist_4": "",
    }

    response = client_for(programme_manager).post("/program/BPN-2026/kuota/", form)

    assert response.status_code == 302
    bpn.refresh_from_db()
    assert bpn.budget == 1_431_000_000 and bpn.budget_source == "dbhcht"
    assert bpn.budget_line == "5.1.02.01.01.0031"
    assert bpn.waitlist_order == [WaitlistKey.INCOME, WaitlistKey.DTKS]
    record = AuditRecord.objects.get(action="programme.settings_set")
    assert record.data["budget"] == {"from": 0, "to": 1_431_000_000}
    assert "income_basis" not in record.data  # unchanged fields are not recorded as changes


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("income_basis", "banyak"),
        ("income_basis", "0"),
        ("income_basis", ""),
        ("budget", "-5"),
        ("budget", "2,5 triliun"),
        ("budget_source", "apbn"),
        ("waitlist_2", WaitlistKey.DTKS),
        ("waitlist_1", "lucky"),
        ("budget_line", "x" * 121),
    ],
)
def test_bad_money_settings_are_refused_next_to_the_field(
    bpn: Programme, programme_manager: User, client_for: ClientFor, field: str, value: str
) -> None:
    form = {
        "aksi": "pengaturan",
        "income_basis": "1.000.000",
        "budget": "1.000.000.000",
        "budget_source": "apbd_murni",
        "budget_line": "",
        "waitlist_1": WaitlistKey.DTKS,
        "waitlist_2": "",
        field: value,
    }
    response = client_for(programme_manager).post("/program/BPN-2026/kuota/", form)
    assert response.status_code == 400
    assert field_has_error(response.content.decode(), field)
    bpn.refresh_from_db()
    assert bpn.budget == 0


# -- ending a place --------------------------------------------------------------------------------------------


def test_a_death_ends_the_place_and_the_next_in_line_gets_it(
    four_for_two: list[Application], programme_manager: User, client_for: ClientFor
) -> None:
    place = Place.objects.get(application=four_for_two[0])
    client = client_for(programme_manager)
    listing = client.get("/program/BPN-2026/peserta/").content.decode()
    assert f"/program/BPN-2026/peserta/{place.pk}/akhiri/" in listing
    assert client.get(f"/program/BPN-2026/peserta/{place.pk}/akhiri/").status_code == 200
    today = timezone.localdate()

    response = client.post(
        f"/program/BPN-2026/peserta/{place.pk}/akhiri/",
        {"reason": EndReason.DIED, "on": today.isoformat(), "note": "Akta kematian 6471-KM-123"},
        follow=True,
    )

    assert "1 diterima dari daftar tunggu" in response.content.decode()
    place.refresh_from_db()
    assert place.status == Place.Status.ENDED and place.end_reason == EndReason.DIED
    assert four_for_two[0].person.places.get().ends.month == today.month
    dtks = four_for_two[3]
    dtks.refresh_from_db()
    assert dtks.status == S.APPROVED  # the first in the programme's order
    # Ended places still count in the budget for the months they were held.
    figures = programme_figures(programme_manager, four_for_two[0].programme)
    assert figures.used == 2
    assert figures.place_months == months_between(place.starts, place.ends) + 2 * months_left(dtks.programme)
    # Ending it again is refused politely.
    again = client.post(
        f"/program/BPN-2026/peserta/{place.pk}/akhiri/", {"reason": EndReason.DIED, "on": today.isoformat()}
    )
    assert again.status_code == 302


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"reason": "raptured", "on": "2026-11-10"}, "reason"),
        ({"reason": EndReason.HANDED_OVER, "on": "2026-11-10"}, "reason"),
        ({"reason": EndReason.WITHDREW, "on": "32-13-2026"}, "on"),
        ({"reason": EndReason.WITHDREW, "on": "1850-01-01"}, "on"),
        ({"reason": EndReason.WITHDREW, "on": ""}, "on"),
        ({"reason": EndReason.WITHDREW, "on": "2026-11-10", "note": "x" * 301}, "note"),
    ],
)
def test_bad_end_input_is_refused_and_the_place_stays(
    four_for_two: list[Application], programme_manager: User, client_for: ClientFor, data: dict, field: str
) -> None:
    place = Place.objects.get(application=four_for_two[0])
    response = client_for(programme_manager).post(f"/program/BPN-2026/peserta/{place.pk}/akhiri/", data)
    assert response.status_code == 400
    assert field_has_error(response.content.decode(), field)
    place.refresh_from_db()
    assert place.status == Place.Status.ACTIVE


def test_a_place_of_another_programme_cannot_be_ended_here(
    bpn: Programme,
    smd_2026: Programme,
    make_application: Maker,
    programme_manager: User,
    client_for: ClientFor,
    make_officer: Callable[..., User],
    samarinda: Funder,
) -> None:
    this_year(smd_2026)
    other = make_application(smd_2026, sector="nelayan")
    verifier = make_officer(
        "dppp_smd", Role.VERIFIER, samarinda, agency=Agency.objects.get(funder=samarinda, code=AgencyKind.DPPP)
    )
    application_decide(application=other, decision=DecisionInput(Outcome.APPROVE), actor=verifier)
    place = Place.objects.get(application=other)
    response = client_for(programme_manager).post(
        f"/program/BPN-2026/peserta/{place.pk}/akhiri/", {"reason": EndReason.DIED, "on": "2026-11-10"}
    )
    assert response.status_code == 404
    place.refresh_from_db()
    assert place.status == Place.Status.ACTIVE


def test_the_participant_list_filters_and_never_breaks(
    four_for_two: list[Application], programme_manager: User, client_for: ClientFor
) -> None:
    client = client_for(programme_manager)
    found = client.get("/program/BPN-2026/peserta/", {"q": four_for_two[1].number}).content.decode()
    assert four_for_two[1].number in found and four_for_two[0].number not in found
    for params in (
        {"status": "nonsense"},
        {"page": "-3"},
        {"q": "' OR 1=1 --"},
        {"q": "x" * 500},
        {"status": "berakhir"},
    ):
        assert client.get("/program/BPN-2026/peserta/", params).status_code == 200


# -- one funder per person per month ---------------------------------------------------------------------------


@pytest.fixture
def kaltim(reference: None) -> Programme:
    funder = Funder.objects.get(code="kaltim")
    year = timezone.localdate().year
    return programme_for(
        funder, code=f"KALTIM-{year}", name="Program Provinsi", owner=AgencyKind.DISNAKER, quota=12000, year=year
    )


@pytest.fixture
def kaltim_manager(make_officer: Callable[..., User], kaltim: Programme) -> User:
    return make_officer("kaltim_manager", Role.PROGRAMME_MANAGER, kaltim.funder)


def twin(application: Application, programme: Programme) -> Application:
    """The same person applying to the province, waiting at the province's DPPP."""
    return Application.objects.create(
        number=f"{programme.code}-{application.pk:06d}",
        programme=programme,
        person=application.person,
        channel=Channel.COUNTER,
        status=S.AWAITING_VERIFICATION,
        kelurahan=application.kelurahan,
        sector=application.sector,
        # The province has no DPPP: its owning office verifies fishers.
        verifying_agency=Agency.objects.filter(funder=programme.funder, code=AgencyKind.DPPP).first()
        or programme.owning_agency,
        submitted_at=timezone.now(),
        queued_at=timezone.now(),
    )


@pytest.fixture
def shared(
    bpn: Programme, kaltim: Programme, make_application: Maker, dppp_verifier: User
) -> tuple[Place, Application]:
    """A fisher with a city place since January who also applied to the province."""
    city = waiting(make_application, bpn, 1)[0]
    application_decide(application=city, decision=DecisionInput(Outcome.APPROVE), actor=dppp_verifier)
    place = Place.objects.get(application=city)
    Place.objects.filter(pk=place.pk).update(starts=bpn.cover_start)
    place.refresh_from_db()
    return place, twin(city, kaltim)


def hand_over_month() -> date:
    today = timezone.localdate()
    return month_start(today) if today.month > 1 else date(today.year, 2, 1)


def test_the_province_takes_over_a_city_participant_from_a_month(
    shared: tuple[Place, Application], kaltim_manager: User, programme_manager: User, client_for: ClientFor
) -> None:
    place, province = shared
    code = province.programme.code
    client = client_for(kaltim_manager)
    page = client.get(f"/program/{code}/konflik/").content.decode()
    assert province.number in page and "BPN-2026" in page and "Pemerintah Kota Balikpapan" in page
    # The city's managers see the same person from their side.
    city_page = client_for(programme_manager).get("/program/BPN-2026/konflik/").content.decode()
    assert province.number in city_page and code in city_page
    month = hand_over_month()

    response = client.post(
        f"/program/{code}/konflik/",
        {"place": place.pk, "application": province.pk, "from_month": month.strftime("%Y-%m")},
        follow=True,
    )

    assert "dialihkan dari BPN-2026" in response.content.decode()
    place.refresh_from_db()
    assert place.status == Place.Status.ENDED and place.end_reason == EndReason.HANDED_OVER
    assert place.ends == month - timedelta(days=1)
    new = Place.objects.get(application=province)
    assert new.starts == month and new.status == Place.Status.ACTIVE
    province.refresh_from_db()
    assert province.status == S.APPROVED
    assert list(Place.objects.filter(person=place.person, status=Place.Status.ACTIVE)) == [new]


def test_the_city_may_hand_its_participant_over_to_the_province(
    shared: tuple[Place, Application], programme_manager: User, client_for: ClientFor
) -> None:
    place, province = shared
    month = hand_over_month()
    response = client_for(programme_manager).post(
        "/program/BPN-2026/konflik/",
        {"place": place.pk, "application": province.pk, "from_month": month.strftime("%m/%Y")},
    )
    assert response.status_code == 302
    assert Place.objects.get(application=province).starts == month


def test_a_forged_place_or_application_is_refused(
    shared: tuple[Place, Application],
    kaltim_manager: User,
    programme_manager: User,
    client_for: ClientFor,
    make_application: Maker,
    smd_2026: Programme,
) -> None:
    place, province = shared
    stranger = make_application(smd_2026, sector="nelayan")
    month = hand_over_month().strftime("%Y-%m")
    client = client_for(kaltim_manager)
    for data in (
        {"place": place.pk, "application": stranger.pk, "from_month": month},  # another funder's application
        {"place": place.pk + 999, "application": province.pk, "from_month": month},
    ):
        assert client.post(f"/program/{province.programme.code}/konflik/", data).status_code == 404
    # The city's managers cannot act on the province's page, even with the right ids.
    assert (
        client_for(programme_manager)
        .post(f"/program/{province.programme.code}/konflik/", {"place": place.pk, "application": province.pk})
        .status_code
        == 404
    )
    place.refresh_from_db()
    assert place.status == Place.Status.ACTIVE


@pytest.mark.parametrize(
    "data",
    [
        {"from_month": "2026-13"},
        {"from_month": "kemarin"},
        {"from_month": ""},
        {"place": "abc"},
        {"application": "99999999999999999999999"},
        {"from_month": "2000-01"},  # before the place: the service refuses it
    ],
)
def test_bad_hand_over_input_is_refused_without_change(
    shared: tuple[Place, Application], kaltim_manager: User, client_for: ClientFor, data: dict
) -> None:
    place, province = shared
    form = {"place": place.pk, "application": province.pk, "from_month": hand_over_month().strftime("%Y-%m"), **data}
    response = client_for(kaltim_manager).post(f"/program/{province.programme.code}/konflik/", form)
    assert response.status_code == 400
    assert b"hand-over-error" in response.content
    place.refresh_from_db()
    assert place.status == Place.Status.ACTIVE


# -- the planner -----------------------------------------------------------------------------------------------


def test_the_planner_gives_penajams_figure(leadership: User, client_for: ClientFor) -> None:
    page = client_for(leadership).get("/program/perencana/", {"kuota": "5.000", "bulan": "12"})
    assert page.status_code == 200
    assert "5.000 orang × 12 bulan × Rp16.800 = Rp1.008.000.000" in page.content.decode()


@pytest.mark.parametrize("budget", ["Rp1.008.000.000", "1008000000", "1,008 miliar", "1.008.000.000"])
def test_the_planner_turns_a_budget_into_people(
    budget: str, programme_manager: User, client_for: ClientFor, reference: None
) -> None:
    page = client_for(programme_manager).get("/program/perencana/", {"anggaran": budget, "bulan": "12"})
    assert "Rp1.008.000.000 ÷ (12 bulan × Rp16.800) = 5.000 orang" in page.content.decode()


def test_the_planner_uses_the_bracket_of_the_income_basis(programme_manager: User, client_for: ClientFor) -> None:
    ContributionRate.objects.create(
        effective_from=date(2015, 7, 1), lower_bound=1_000_001, income_basis=1_500_000, legal_basis="PP 44/2015"
    )
    page = client_for(programme_manager).get("/program/perencana/", {"kuota": "10", "penghasilan": "1.500.000"})
    assert "10 orang × 12 bulan × Rp21.800 = Rp2.616.000" in page.content.decode()


def test_a_blank_income_is_the_lowest_basis_of_the_table_in_force(
    programme_manager: User, client_for: ClientFor
) -> None:
    client = client_for(programme_manager)
    assert 'value="1.000.000"' in client.get("/program/perencana/").content.decode()  # the seeded lowest row
    page = client.get("/program/perencana/", {"kuota": "10", "tanggal": "2026-06-01"})
    assert "10 orang × 12 bulan × Rp16.800 = Rp2.016.000" in page.content.decode()
    # A later table (hypothetical figures) moves the lowest basis; the planner follows the table, not a constant.
    ContributionRate.objects.create(
        effective_from=date(2027, 1, 1), lower_bound=0, income_basis=1_200_000, jkm_amount=7_000, legal_basis="PP x"
    )
    page = client.get("/program/perencana/", {"kuota": "10", "tanggal": "2027-02-01"})
    assert "10 orang × 12 bulan × Rp19.000 = Rp2.280.000" in page.content.decode()


def test_a_table_that_costs_nothing_is_not_a_500(programme_manager: User, client_for: ClientFor) -> None:
    ContributionRate.objects.create(
        effective_from=date(2027, 1, 1), lower_bound=0, income_basis=1, jkm_amount=0, legal_basis="PP x"
    )
    page = client_for(programme_manager).get(
        "/program/perencana/", {"anggaran": "1000000", "kuota": "3", "tanggal": "2027-02-01"}
    )
    assert page.status_code == 200 and "planner-covered" not in page.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"anggaran": "banyak sekali"},
        {"anggaran": "-5"},
        {"kuota": "lima ribu"},
        {"kuota": "5000", "bulan": "13"},
        {"kuota": "5000", "bulan": "0"},
        {"kuota": "5000", "tanggal": "31-02-2026"},
        {"kuota": "5000", "tanggal": "1900-01-01"},
        {"kuota": "5000", "penghasilan": "1e9"},
        {"anggaran": "9" * 40},
    ],
)
def test_garbage_in_the_planner_gives_messages_not_errors(
    params: dict, programme_manager: User, client_for: ClientFor
) -> None:
    page = client_for(programme_manager).get("/program/perencana/", params)
    assert page.status_code == 400
    assert b"planner-errors" in page.content


def test_a_nul_character_anywhere_is_a_400_not_a_500(
    four_for_two: list[Application], programme_manager: User, client_for: ClientFor
) -> None:
    client = client_for(programme_manager)
    assert client.get("/program/perencana/", {"anggaran": "1\x00"}).status_code == 400
    assert client.post("/program/BPN-2026/kuota/", {"aksi": "kuota", "quota": "\x00"}).status_code == 400
    assert Programme.objects.get(code="BPN-2026").quota == 2


def test_the_planner_says_when_no_table_is_in_force(programme_manager: User, client_for: ClientFor) -> None:
    page = client_for(programme_manager).get("/program/perencana/", {"kuota": "10", "tanggal": "2001-01-01"})
    assert page.status_code == 400
    assert "Belum ada tabel iuran" in page.content.decode()


# -- the contribution table -------------------------------------------------------------------------------------


def test_the_table_shows_the_seeded_lowest_bracket(programme_manager: User, client_for: ClientFor) -> None:
    page = client_for(programme_manager).get("/program/tarif-iuran/").content.decode()
    assert "Rp1.000.000" in page and "Rp16.800" in page and "berlaku sekarang" in page
    assert "rate-form" not in page  # only administrators add rows


def test_a_new_row_starts_from_the_table_in_force(system_administrator: User, client_for: ClientFor) -> None:
    page = client_for(system_administrator).get("/program/tarif-iuran/").content.decode()
    assert 'name="jkk_rate" value="1"' in page and 'name="jkm_amount" value="6.800"' in page


def test_a_funders_administrator_may_not_edit_the_national_table(administrator: User, client_for: ClientFor) -> None:
    client = client_for(administrator)
    assert "rate-form" not in client.get("/program/tarif-iuran/").content.decode()
    response = client.post("/program/tarif-iuran/", {"effective_from": "2027-01-01", "lower_bound": "1000000"})
    assert response.status_code in (302, 403)
    assert not AuditRecord.objects.filter(action="programme.contribution_rate_add").exists()


def test_an_administrator_adds_a_bracket(system_administrator: User, client_for: ClientFor) -> None:
    administrator = system_administrator
    form = {
        "effective_from": "2015-07-01",
        "lower_bound": "1.000.001",
        "income_basis": "1.500.000",
        "jkk_rate": "1%",
        "jkm_amount": "6.800",
        "legal_basis": "PP 44/2015 Lampiran II",
    }
    client = client_for(administrator)

    response = client.post("/program/tarif-iuran/", form, follow=True)

    assert "Rp21.800" in response.content.decode()
    row = ContributionRate.objects.get(lower_bound=1_000_001)
    assert row.jkk_rate == Decimal("0.0100") and row.income_basis == 1_500_000
    assert AuditRecord.objects.filter(action="programme.contribution_rate_add", actor=administrator).exists()
    # The same bracket twice is refused next to its field.
    again = client.post("/program/tarif-iuran/", form)
    assert again.status_code == 400 and b'id="field-lower_bound"' in again.content
    assert ContributionRate.objects.filter(lower_bound=1_000_001).count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("effective_from", "kemarin"),
        ("lower_bound", "abc"),
        ("income_basis", "0"),
        ("jkk_rate", "150"),
        ("jkk_rate", "satu"),
        ("jkm_amount", "-1"),
    ],
)
def test_a_bad_bracket_is_refused(system_administrator: User, client_for: ClientFor, field: str, value: str) -> None:
    administrator = system_administrator
    form = {
        "effective_from": "2027-01-01",
        "lower_bound": "1.000.000",
        "income_basis": "1.000.000",
        "jkk_rate": "1",
        "jkm_amount": "6.800",
        field: value,
    }
    response = client_for(administrator).post("/program/tarif-iuran/", form)
    assert response.status_code == 400
    assert field_has_error(response.content.decode(), field)
    assert not ContributionRate.objects.filter(effective_from=date(2027, 1, 1)).exists()


def test_a_programme_manager_cannot_change_the_table(programme_manager: User, client_for: ClientFor) -> None:
    form = {"effective_from": "2027-01-01", "lower_bound": "0", "income_basis": "1", "jkk_rate": "1", "jkm_amount": "1"}
    assert client_for(programme_manager).post("/program/tarif-iuran/", form).status_code == 403
    assert not ContributionRate.objects.filter(effective_from=date(2027, 1, 1)).exists()
