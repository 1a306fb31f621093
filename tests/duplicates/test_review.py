"""The clerical review: a doubtful pair side by side, "same person" merges the two records (and can be undone),
"different people" is remembered. Officers see and decide pairs of their own funder; an outsider nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client

from jaring.allocation.models import Place
from jaring.core.models import AgencyKind, AuditRecord, Funder, User
from jaring.duplicates.comparisons import levels_of
from jaring.duplicates.engine import Match, prepare
from jaring.duplicates.models import MatchPair, PersonMerge
from jaring.duplicates.records import record_from_cells
from jaring.duplicates.selectors import alias_of
from jaring.duplicates.services import pairs_record
from jaring.programmes.models import BenefitKind, Programme
from jaring.registry.models import Application, Channel, Person
from jaring.registry.services import application_create
from tests.duplicates.conftest import HASAN, HUSAIN, SITI, registered, with_changes
from tests.helpers.reference import TESTS, aid_programme, programme_for

pytestmark = pytest.mark.django_db

SITI_AGAIN = with_changes(SITI, nik="6471015203880008", nama="SITI RACHMAWATI", no_hp="")


def pair_of(a: Person, b: Person, row_a: dict[str, object], row_b: dict[str, object]) -> MatchPair:
    """The pair a scan would store for two registry persons (the model's own levels and probability)."""
    first, second = prepare([record_from_cells(a.pk, row_a), record_from_cells(b.pk, row_b)])
    levels = levels_of(first, second)
    pairs_record(matches=[Match(a.pk, b.pk, False, 0.8, levels, 0)])
    low, high = sorted((a.pk, b.pk))
    return MatchPair.objects.get(person_a_id=low, person_b_id=high)


def apply(person: Person, programme: Programme) -> Application:
    return application_create(person=person, programme=programme, channel=Channel.COUNTER, actor=TESTS)


@pytest.fixture
def bpn_2027(balikpapan: Funder) -> Programme:
    return programme_for(balikpapan, code="BPN-2027", name="BPN 2027", owner=AgencyKind.DINSOS, quota=7100, year=2027)


@pytest.fixture
def two_records(bpn_2026: Programme, bpn_2027: Programme) -> tuple[Person, Person, MatchPair]:
    """Siti twice: her own record applied to BPN-2026, the mistyped one to BPN-2027."""
    siti, again = registered(SITI), registered(SITI_AGAIN)
    apply(siti, bpn_2026)
    apply(again, bpn_2027)
    return siti, again, pair_of(siti, again, SITI, SITI_AGAIN)


def test_merging_two_records_that_each_hold_an_application_moves_audits_and_can_be_undone(
    two_records: tuple[Person, Person, MatchPair],
    registration_officer: User,
    client_for: Callable[[User], Client],
) -> None:
    siti, again, pair = two_records
    client = client_for(registration_officer)
    moved_application = Application.objects.get(person=again)

    response = client.post(f"/duplikat/{pair.pk}/sama/", {"survivor": siti.pk, "note": "KTP dilihat"})

    merge = PersonMerge.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/duplikat/penggabungan/{merge.pk}/"
    # The result: both applications on Siti's record; the mistyped NIK lives on as her alias.
    assert sorted(Application.objects.filter(person=siti).values_list("programme__code", flat=True)) == [
        "BPN-2026",
        "BPN-2027",
    ]
    assert not Application.objects.filter(person=again).exists()
    assert alias_of(again.nik) == siti
    assert merge.moved == {"registry.application": {"field": "person", "ids": [moved_application.pk]}}
    pair.refresh_from_db()
    assert pair.status == MatchPair.Status.SAME and pair.decided_by == registration_officer
    # The audit: the merge, and the application that moved, each with its actor.
    merged = AuditRecord.objects.get(action="duplicates.merge")
    assert merged.actor == registration_officer and merged.target_id == str(siti.pk)
    assert merged.data["moved"] == {"registry.application": 1}
    assert merged.data["alias_nik"] == "6471**********08"
    moved = AuditRecord.objects.get(action="duplicates.person_moved")
    assert moved.target_id == str(moved_application.pk) and moved.funder is not None
    page = client.get(f"/duplikat/penggabungan/{merge.pk}/").content.decode()
    assert "6471**********08" in page and "registry.application" in page

    response = client.post(f"/duplikat/penggabungan/{merge.pk}/batalkan/")

    assert response.status_code == 302
    assert Application.objects.get(pk=moved_application.pk).person == again
    assert Application.objects.filter(person=siti).count() == 1
    assert alias_of(again.nik) is None
    merge.refresh_from_db()
    assert merge.undone_by == registration_officer
    pair.refresh_from_db()
    assert pair.status == MatchPair.Status.OPEN
    assert AuditRecord.objects.filter(action="duplicates.merge_undo", actor=registration_officer).exists()
    assert AuditRecord.objects.filter(action="duplicates.person_moved_back").count() == 1


def test_a_merge_fills_what_the_surviving_record_lacks_and_the_undo_takes_it_back(
    two_records: tuple[Person, Person, MatchPair], registration_officer: User, client_for: Callable[[User], Client]
) -> None:
    siti, again, pair = two_records
    Person.objects.filter(pk=siti.pk).update(phone="")
    Person.objects.filter(pk=again.pk).update(phone="+6281299990000")
    client = client_for(registration_officer)
    client.post(f"/duplikat/{pair.pk}/sama/", {"survivor": siti.pk})
    siti.refresh_from_db()
    assert siti.phone == "+6281299990000"
    client.post(f"/duplikat/penggabungan/{PersonMerge.objects.get().pk}/batalkan/")
    siti.refresh_from_db()
    assert siti.phone == ""


def test_two_open_applications_to_one_programme_are_not_merged(
    bpn_2026: Programme, registration_officer: User, client_for: Callable[[User], Client]
) -> None:
    siti, again = registered(SITI), registered(SITI_AGAIN)
    apply(siti, bpn_2026)
    apply(again, bpn_2026)
    pair = pair_of(siti, again, SITI, SITI_AGAIN)
    response = client_for(registration_officer).post(f"/duplikat/{pair.pk}/sama/", {"survivor": siti.pk})
    assert response.status_code == 409
    assert "BPN-2026" in response.content.decode()
    assert Application.objects.filter(person=again).count() == 1
    assert not PersonMerge.objects.exists()
    assert MatchPair.objects.get(pk=pair.pk).status == MatchPair.Status.OPEN


def test_two_places_in_the_same_months_are_never_made_one_persons(
    bpn_2026: Programme, smd_2026: Programme, registration_officer: User, client_for: Callable[[User], Client]
) -> None:
    """The province's and the city's place for one person: the merge refuses until one place ends."""
    siti, again = registered(SITI), registered(SITI_AGAIN)
    for person, programme in ((siti, bpn_2026), (again, smd_2026)):
        application = apply(person, programme)
        Place.objects.create(
            programme=programme,
            application=application,
            person=person,
            starts=date(2026, 1, 1),
            ends=date(2026, 12, 31),
        )
    pair = pair_of(siti, again, SITI, SITI_AGAIN)
    response = client_for(registration_officer).post(f"/duplikat/{pair.pk}/sama/", {"survivor": siti.pk})
    assert response.status_code == 409
    assert "tempat aktif pada bulan yang sama" in response.content.decode()
    assert Place.objects.filter(person=siti).count() == 1
    assert not PersonMerge.objects.exists()


def test_a_food_aid_place_beside_bpjs_cover_does_not_stand_in_the_way_of_a_merge(
    bpn_2026: Programme, registration_officer: User, client_for: Callable[[User], Client]
) -> None:
    """A covered worker may also receive food aid: the two records become one person holding both places."""
    food = aid_programme(
        bpn_2026.funder,
        code="BPN-SEMBAKO-2026",
        kind=BenefitKind.GOODS_MONTHLY,
        goods="Paket sembako lansia miskin",
        unit="paket",
        quota=80,
    )
    siti, again = registered(SITI), registered(SITI_AGAIN)
    for person, programme in ((siti, bpn_2026), (again, food)):
        application = apply(person, programme)
        Place.objects.create(
            programme=programme,
            application=application,
            person=person,
            starts=date(2026, 1, 1),
            ends=date(2026, 12, 31),
        )
    pair = pair_of(siti, again, SITI, SITI_AGAIN)
    response = client_for(registration_officer).post(f"/duplikat/{pair.pk}/sama/", {"survivor": siti.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert {place.programme.code for place in Place.objects.filter(person=siti)} == {"BPN-2026", "BPN-SEMBAKO-2026"}


def test_different_people_are_remembered_and_never_asked_again(
    bpn_2026: Programme, registration_officer: User, client_for: Callable[[User], Client]
) -> None:
    hasan, husain = registered(HASAN), registered(HUSAIN)
    apply(hasan, bpn_2026)
    pair = pair_of(hasan, husain, HASAN, HUSAIN)
    client = client_for(registration_officer)
    assert f"/duplikat/{pair.pk}/" in client.get("/duplikat/").content.decode()

    client.post(f"/duplikat/{pair.pk}/berbeda/", {"note": "kembar"})

    pair.refresh_from_db()
    assert (pair.status, pair.note) == (MatchPair.Status.DIFFERENT, "kembar")
    assert AuditRecord.objects.filter(action="duplicates.pair_different", actor=registration_officer).exists()
    # The next scan finds the twins alike again; the decision stands and the queue stays empty.
    counts = pairs_record(matches=[Match(hasan.pk, husain.pk, False, 0.7, tuple(pair.levels), 0)])  # type: ignore[arg-type]
    assert counts == {"new": 0, "updated": 0, "decided_before": 1}
    assert MatchPair.objects.get(pk=pair.pk).status == MatchPair.Status.DIFFERENT
    assert f"/duplikat/{pair.pk}/" not in client.get("/duplikat/").content.decode()


def test_the_pair_page_shows_both_records_side_by_side_and_logs_the_view(
    two_records: tuple[Person, Person, MatchPair], registration_officer: User, client_for: Callable[[User], Client]
) -> None:
    siti, again, pair = two_records
    page = client_for(registration_officer).get(f"/duplikat/{pair.pk}/").content.decode()
    assert siti.nik in page and again.nik in page
    assert "Siti Rahmawati" in page and "SITI RACHMAWATI" in page
    assert "NIK beda 1 angka" in page
    assert "nama sama setelah ejaan disamakan" in page
    from jaring.core.models import AccessLog

    assert AccessLog.objects.filter(actor=registration_officer, what="duplicate_pair").count() == 2


def test_a_province_officer_sees_that_a_city_record_exists_and_nothing_more_of_it(
    bpn_2026: Programme, make_officer: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    kaltim = Funder.objects.get(code="kaltim")
    province = programme_for(kaltim, code="KALTIM-2026", name="Kaltim 2026", owner=AgencyKind.DISNAKER, quota=12000)
    officer = make_officer("province_officer", "registration_officer", kaltim)
    city_siti, province_siti = registered(SITI), registered(SITI_AGAIN)
    application = apply(city_siti, bpn_2026)
    Place.objects.create(
        programme=bpn_2026, application=application, person=city_siti, starts=date(2026, 1, 1), ends=date(2026, 12, 31)
    )
    apply(province_siti, province)
    pair = pair_of(city_siti, province_siti, SITI, SITI_AGAIN)

    page = client_for(officer).get(f"/duplikat/{pair.pk}/").content.decode()

    assert "Kota Balikpapan (BPN-2026): tempat aktif" in page
    assert city_siti.nik not in page and "Siti Rahmawati" not in page
    assert province_siti.nik in page


def test_an_officer_of_another_funder_and_an_outsider_are_refused(
    two_records: tuple[Person, Person, MatchPair],
    samarinda_officer: User,
    outsider: User,
    dppp_verifier: User,
    client_for: Callable[[User], Client],
) -> None:
    _siti, _again, pair = two_records
    samarinda = client_for(samarinda_officer)
    assert samarinda.get(f"/duplikat/{pair.pk}/").status_code == 404
    assert samarinda.post(f"/duplikat/{pair.pk}/berbeda/").status_code == 404
    assert f"/duplikat/{pair.pk}/" not in samarinda.get("/duplikat/").content.decode()
    for user in (outsider, dppp_verifier):
        client = client_for(user)
        assert client.get("/duplikat/").status_code == 403
        assert client.post(f"/duplikat/{pair.pk}/sama/", {"survivor": pair.person_a_id}).status_code == 403
    assert MatchPair.objects.get(pk=pair.pk).status == MatchPair.Status.OPEN
