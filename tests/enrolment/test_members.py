"""Membership pages: the programmes with their members, a programme's members, a member's page with the whole
history and the lifecycle forms, and the yearly re-verification started from a page and run as a job."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from jaring.allocation.models import EndReason, Place
from jaring.allocation.services import programme_quota_set
from jaring.core.actors import Actor
from jaring.core.models import AccessLog, AuditRecord, Job, MinimumWage, User
from jaring.enrolment.models import Membership, MembershipEvent, ReverificationCampaign
from jaring.enrolment.services import (
    Answer,
    Handover,
    batch_answers_apply,
    batch_create,
    cards_hand_over,
    cards_issue,
    membership_end,
    reverification_run,
    reverification_start,
)
from jaring.enrolment.tasks import KIND, reverification_campaign_run
from jaring.programmes.models import Programme
from jaring.registry.models import Application
from jaring.registry.states import ApplicationStatus
from jaring.verification.models import Outcome
from jaring.verification.services import DecisionInput, application_decide
from tests.helpers.reference import LAMARU, programme_for

# BPN-2026 is running and takes places: these cases mean a day of its year (places start the month approved).
pytestmark = pytest.mark.today("2026-11-03")

S = ApplicationStatus
LIST = "/kepesertaan/"
MEMBERS = "/kepesertaan/BPN-2026/"
REVERIFY = "/kepesertaan/BPN-2026/verifikasi-ulang/"


def page(pk: int) -> str:
    return f"/kepesertaan/peserta/{pk}/"


@pytest.fixture
def enrol(programme_manager: User, bpn_2026: Programme) -> Callable[[list[Application]], list[Membership]]:
    """enrol(applications) -> their memberships: sent in a batch and accepted by the branch with a KPJ each."""
    serial = iter(range(1, 1000))

    def make(applications: list[Application]) -> list[Membership]:
        batch_create(programme=bpn_2026, actor=programme_manager)
        answers = [
            Answer(i, a.person.nik, True, kpj=f"{12345678000 + next(serial)}") for i, a in enumerate(applications)
        ]
        batch_answers_apply(programme=bpn_2026, answers=answers, actor=programme_manager)
        return [Membership.objects.select_related("person").get(application=a) for a in applications]

    return make


@pytest.fixture
def members(approved: Callable[..., list[Application]], enrol: Callable[..., list[Membership]]) -> list[Membership]:
    """Three fishers of Manggar, members of BPN-2026."""
    return enrol(approved(3, names=("Ahmad Nelayan", "Budi Nelayan", "Citra Nelayan")))


@pytest.fixture
def lamaru_member(
    register: Any,
    registration_officer: User,
    dppp_verifier: User,
    bpn_2026: Programme,
    enrol: Callable[..., list[Membership]],
) -> Membership:
    application = register(bpn_2026, registration_officer, kelurahan=LAMARU, name="Lukman Lamaru")
    application_decide(application=application, decision=DecisionInput(Outcome.APPROVE), actor=dppp_verifier)
    (membership,) = enrol([application])
    return membership


@pytest.fixture
def manager(programme_manager: User, client_for: Callable[[User], Client]) -> Client:
    return client_for(programme_manager)


def lifecycle(action: str, **fields: str) -> dict[str, str]:
    return {"tindakan": action, **{f"{action}-{name}": value for name, value in fields.items()}}


TODAY = date(2026, 11, 3)  # the day this module means (pytestmark)


def iso(day: date) -> str:
    return day.isoformat()


# -- lists ---------------------------------------------------------------------------------------------------


def test_the_programmes_page_counts_members_by_status(
    manager: Client, members: list[Membership], programme_manager: User
) -> None:
    membership_end(membership=members[0], reason=EndReason.DIED, effective=TODAY, actor=programme_manager)

    response = manager.get(LIST)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/kepesertaan/BPN-2026/"' in html
    row = html.split('id="programme-BPN-2026"')[1].split("</tr>")[0]
    cells = [c.split("</td>")[0].strip() for c in row.split('class="num">')[1:]]
    assert cells == ["2", "0", "1", "3"]


def test_the_member_list_shows_masked_niks_kpj_status_and_kelurahan(manager: Client, members: list[Membership]) -> None:
    response = manager.get(MEMBERS)

    html = response.content.decode()
    assert response.status_code == 200
    for membership in members:
        assert membership.person.name in html
        assert membership.kpj in html
        assert membership.person.nik_masked in html
        assert membership.person.nik not in html
    assert "Manggar" in html and "Aktif" in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_a_search_by_kpj_is_posted_and_never_lands_in_the_url(manager: Client, members: list[Membership]) -> None:
    target = members[1]

    response = manager.post(MEMBERS, {"q": target.kpj})

    assert response.status_code == 302
    assert target.kpj not in response["Location"] and "cari=" in response["Location"]
    html = manager.get(response["Location"]).content.decode()
    assert target.person.name in html
    assert members[0].person.name not in html and members[2].person.name not in html
    # A NIK works the same way, and a name too.
    by_nik = manager.post(MEMBERS, {"q": members[2].person.nik})
    assert members[2].person.nik not in by_nik["Location"]
    assert members[2].person.name in manager.get(by_nik["Location"]).content.decode()
    by_name = manager.get(manager.post(MEMBERS, {"q": "ahmad"})["Location"]).content.decode()
    assert members[0].person.name in by_name and members[1].person.name not in by_name


def test_the_list_filters_by_status_and_kelurahan(
    manager: Client, members: list[Membership], lamaru_member: Membership, programme_manager: User
) -> None:
    membership_end(membership=members[0], reason=EndReason.MOVED_OUT, effective=TODAY, actor=programme_manager)

    ended = manager.get(MEMBERS, {"status": "ended"}).content.decode()
    assert members[0].person.name in ended and members[1].person.name not in ended
    assert "Pindah ke luar daerah" in ended
    lamaru = manager.get(MEMBERS, {"kelurahan": LAMARU}).content.decode()
    assert lamaru_member.person.name in lamaru and members[1].person.name not in lamaru
    # Unknown filter values are ignored, never an error.
    assert manager.get(MEMBERS, {"status": "bogus", "kelurahan": "99.99", "page": "-1"}).status_code == 200
    assert manager.get(MEMBERS, {"kelurahan": "x\x00"}).status_code == 400
    assert manager.get(MEMBERS, {"cari": "no-such-key"}).status_code == 200
    assert manager.post(MEMBERS, {"q": "ab" * 200, "status": "zzz", "kelurahan": "?"}).status_code == 302
    assert manager.post(MEMBERS, {"q": "a\x00b"}).status_code == 400  # refused before any view runs


# -- the member's page ---------------------------------------------------------------------------------------


def test_the_member_page_shows_the_full_nik_and_logs_who_saw_it(
    manager: Client, members: list[Membership], programme_manager: User
) -> None:
    membership = members[0]

    response = manager.get(page(membership.pk))

    html = response.content.decode()
    assert response.status_code == 200
    assert membership.person.nik in html and membership.kpj in html
    assert response["Cache-Control"].startswith("max-age=0")
    log = AccessLog.objects.get(what="membership_detail")
    assert log.actor == programme_manager and log.person_ref == str(membership.person_id)
    assert log.path == page(membership.pk)


def test_a_member_is_deactivated_reactivated_and_ended_through_the_page(
    manager: Client, members: list[Membership], programme_manager: User
) -> None:
    membership = members[0]
    url = page(membership.pk)

    response = manager.post(url, lifecycle("nonaktif", effective=iso(TODAY), note="3 bulan iuran belum dibayar"))
    assert response.status_code == 302 and response["Location"] == url
    membership.refresh_from_db()
    assert membership.status == Membership.Status.NON_ACTIVE and membership.status_since == TODAY
    assert "dinonaktifkan" in manager.get(url).content.decode()

    # The same form sent twice (a double click, the back button): a message, nothing recorded twice.
    again = manager.post(url, lifecycle("nonaktif", effective=iso(TODAY), note="3 bulan iuran belum dibayar"))
    assert again.status_code == 302
    follow = manager.get(url).content.decode()
    assert "sudah berstatus Nonaktif" in follow
    assert membership.events.filter(to_status=Membership.Status.NON_ACTIVE).count() == 1

    assert manager.post(url, lifecycle("aktif", effective=iso(TODAY), note="Sudah dibayar")).status_code == 302
    membership.refresh_from_db()
    assert membership.status == Membership.Status.ACTIVE

    ended = manager.post(url, lifecycle("akhiri", reason=EndReason.WAGE_EARNER, effective=iso(TODAY), note="PT ABC"))
    assert ended.status_code == 302
    membership.refresh_from_db()
    assert membership.status == Membership.Status.ENDED and membership.end_reason == EndReason.WAGE_EARNER
    assert Place.objects.get(pk=membership.place_id).status == Place.Status.ENDED
    twice = manager.post(url, lifecycle("akhiri", reason=EndReason.DIED, effective=iso(TODAY)))
    assert twice.status_code == 302
    membership.refresh_from_db()
    assert membership.end_reason == EndReason.WAGE_EARNER

    html = manager.get(url).content.decode()
    assert 'name="tindakan"' not in html  # an ended membership offers no more changes
    steps = list(membership.events.order_by("at", "id").values_list("to_status", flat=True))
    assert steps == ["active", "non_active", "active", "ended"]
    for text in ("3 bulan iuran belum dibayar", "Sudah dibayar", "Menjadi pekerja penerima upah", "PT ABC"):
        assert text in html
    assert AuditRecord.objects.filter(action="membership.ended", actor=programme_manager).count() == 1


def test_an_end_frees_the_place_for_the_next_on_the_waitlist(
    manager: Client, members: list[Membership], approved: Callable[..., list[Application]], bpn_2026: Programme
) -> None:
    programme_quota_set(programme=bpn_2026, quota=3, actor=Actor.system("test"))
    (waiting,) = approved(1, names=("Eka Menunggu",))
    assert waiting.status == S.WAITLISTED

    manager.post(page(members[0].pk), lifecycle("akhiri", reason=EndReason.DIED, effective=iso(TODAY), note="Akta"))

    waiting.refresh_from_db()
    assert waiting.status == S.APPROVED


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (lifecycle("nonaktif", effective="", note="x"), "nonaktif-effective", "isi tanggal"),
        (lifecycle("nonaktif", effective="kemarin", note="x"), "nonaktif-effective", "tanggal"),
        (lifecycle("nonaktif", effective="2031-01-01", note="x"), "nonaktif-effective", "masa perlindungan"),
        (lifecycle("nonaktif", effective="2026-12-01", note="  "), "nonaktif-note", "alasan"),
        (lifecycle("nonaktif", effective="2026-12-01", note="x" * 301), "nonaktif-note", "300"),
        (lifecycle("akhiri", reason="bored", effective="2026-12-01"), "akhiri-reason", "pilihan"),
        (lifecycle("akhiri", reason="", effective="2026-12-01"), "akhiri-reason", "pilih alasan"),
        (lifecycle("akhiri", reason="died", effective="1999-01-01"), "akhiri-effective", "masa perlindungan"),
    ],
)
def test_bad_input_is_answered_next_to_the_field_never_500(
    manager: Client, members: list[Membership], data: dict[str, str], field: str, message: str
) -> None:
    membership = members[0]

    response = manager.post(page(membership.pk), data)

    assert response.status_code == 400
    html = response.content.decode()
    block = html.split(f'id="field-{field}"')[1].split("</div>")[0]
    assert 'class="errorlist' in block and message in block.lower()
    membership.refresh_from_db()
    assert membership.status == Membership.Status.ACTIVE


def test_odd_posts_are_answered_with_a_message(manager: Client, members: list[Membership]) -> None:
    url = page(members[0].pk)
    for data in ({"tindakan": "hapus"}, {}, {"tindakan": "x" * 1000}):
        assert manager.post(url, data).status_code == 302
    assert manager.post(url, {"tindakan": "aktif\x00"}).status_code == 400  # refused before any view runs
    # Reactivating an active membership: the form is not even offered; a message, no change.
    assert manager.post(url, lifecycle("aktif", effective=iso(TODAY))).status_code == 302
    assert manager.get(page(999_999)).status_code == 404
    assert manager.get("/kepesertaan/peserta/99999999999999999999999/").status_code == 404


def test_the_history_tells_the_whole_story_in_order(
    manager: Client,
    members: list[Membership],
    programme_manager: User,
    dppp_verifier: User,
    bpn_2026: Programme,
    balikpapan: Any,
) -> None:
    membership = members[0]
    (card,) = cards_issue(memberships=[membership], actor=programme_manager)
    handover = Handover(handed_on=TODAY, place="Kantor Kelurahan Manggar", handed_by="Lurah Manggar")
    cards_hand_over(cards=[card], handover=handover, actor=programme_manager)
    bpn_2027 = programme_for(balikpapan, code="BPN-2027", name="Balikpapan 2027", owner="dinsos", quota=10, year=2027)
    MinimumWage.objects.create(region=balikpapan.region, year=2027, amount=4_000_000)
    campaign = reverification_start(source=bpn_2026, target=bpn_2027, actor=programme_manager)
    reverification_run(campaign=campaign, actor=programme_manager)

    html = manager.get(page(membership.pk)).content.decode()

    history = html.split('id="history"')[1].split("</ol>")[0]
    expected = [
        "step-application",  # created, then submitted
        "Syarat dinilai otomatis",
        "Keputusan Dinas Pangan, Pertanian dan Perikanan",  # the sector agency approved
        "Mendapat tempat kuota BPN-2026",
        "Dikirim ke BPJS Ketenagakerjaan dalam batch BPN-2026-K001",
        f"BPJS menerima: KPJ {membership.kpj}",
        f"Menjadi peserta aktif (KPJ {membership.kpj})",
        "Kartu peserta dicetak",
        "Kartu diserahkan di Kantor Kelurahan Manggar",
        "Pendaftaran ulang BPN-2027-",
        "Status pendaftaran ulang BPN-2027-",
    ]
    positions = [history.find(text) for text in expected]
    assert all(p >= 0 for p in positions), list(zip(expected, positions, strict=True))
    assert positions == sorted(positions)
    assert "Pendaftaran diajukan" in history and "Menunggu verifikasi" in history


# -- who may -------------------------------------------------------------------------------------------------


def test_a_verifier_is_refused(client_for: Callable[[User], Client], dppp_verifier: User, members: Any) -> None:
    client = client_for(dppp_verifier)
    for url in (LIST, MEMBERS, page(members[0].pk), REVERIFY):
        assert client.get(url).status_code == 403


def test_another_funders_officer_finds_nothing(
    client_for: Callable[[User], Client], samarinda_officer: User, members: list[Membership], smd_2026: Programme
) -> None:
    client = client_for(samarinda_officer)
    assert client.get(MEMBERS).status_code == 404
    assert client.get(REVERIFY).status_code == 404
    assert client.get(page(members[0].pk)).status_code == 404
    assert client.post(page(members[0].pk), lifecycle("nonaktif", effective=iso(TODAY), note="x")).status_code == 404
    html = client.get(LIST).content.decode()
    assert "SMD-2026" in html and "BPN-2026" not in html
    assert not AccessLog.objects.exists()


def test_an_outsider_is_refused(client_for: Callable[[User], Client], outsider: User, members: Any) -> None:
    client = client_for(outsider)
    for url in (LIST, MEMBERS, page(members[0].pk)):
        assert client.get(url).status_code == 403
    assert Client().get(LIST).status_code == 302  # not signed in: to the log-in page


def test_a_kelurahan_operator_sees_only_members_of_their_own_kelurahan_and_changes_nothing(
    client_for: Callable[[User], Client],
    kelurahan_operator_manggar: User,
    members: list[Membership],
    lamaru_member: Membership,
) -> None:
    client = client_for(kelurahan_operator_manggar)

    html = client.get(MEMBERS).content.decode()
    assert members[0].person.name in html and lamaru_member.person.name not in html
    assert client.get(page(lamaru_member.pk)).status_code == 404
    own = client.get(page(members[0].pk))
    assert own.status_code == 200 and 'name="tindakan"' not in own.content.decode()
    refused = client.post(page(members[0].pk), lifecycle("nonaktif", effective=iso(TODAY), note="x"))
    assert refused.status_code == 403
    counts = client.get(LIST).content.decode().split('id="programme-BPN-2026"')[1].split("</tr>")[0]
    assert counts.count('class="num">3<') == 2  # 3 active of 3 (Lamaru's member is not counted)


def test_a_bpjs_liaison_changes_memberships_and_an_auditor_only_reads(
    client_for: Callable[[User], Client], bpjs_liaison: User, auditor: User, members: list[Membership]
) -> None:
    liaison = client_for(bpjs_liaison)
    url = page(members[0].pk)
    assert liaison.post(url, lifecycle("nonaktif", effective=iso(TODAY), note="Tunggakan")).status_code == 302
    assert MembershipEvent.objects.filter(actor=bpjs_liaison).count() == 1

    reader = client_for(auditor)
    html = reader.get(url).content.decode()
    assert 'name="tindakan"' not in html and members[0].person.nik in html
    assert reader.post(url, lifecycle("aktif", effective=iso(TODAY))).status_code == 403


def test_leadership_reads_figures_elsewhere_not_people(
    client_for: Callable[[User], Client], leadership: User, members: Any
) -> None:
    assert client_for(leadership).get(MEMBERS).status_code == 403


# -- the yearly re-verification ------------------------------------------------------------------------------


@pytest.fixture
def bpn_2027(balikpapan: Any) -> Programme:
    MinimumWage.objects.create(region=balikpapan.region, year=2027, amount=4_000_000)  # an operator enters it
    return programme_for(balikpapan, code="BPN-2027", name="Balikpapan 2027", owner="dinsos", quota=7100, year=2027)


def test_the_reverification_page_starts_a_job_and_shows_the_counts(
    manager: Client,
    members: list[Membership],
    bpn_2027: Programme,
    programme_manager: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    membership_end(membership=members[2], reason=EndReason.DIED, effective=TODAY, actor=programme_manager)
    form = manager.get(REVERIFY).content.decode()
    assert 'value="BPN-2027"' in form and "2 peserta aktif" in form

    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(REVERIFY, {"target": "BPN-2027"})
        again = manager.post(REVERIFY, {"target": "BPN-2027"})  # a double click starts no second run

    assert response.status_code == again.status_code == 302
    job = Job.objects.get(kind=KIND)
    assert job.status == Job.Status.QUEUED and job.task_result_id
    campaign = ReverificationCampaign.objects.get()
    assert campaign.job == job and campaign.created_by == programme_manager
    assert 'id="job-status"' in manager.get(response["Location"]).content.decode()

    reverification_campaign_run.call(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.message
    assert job.result == {
        "members": 2,
        "created": 2,
        "skipped": 0,
        "to_verification": 2,
        "not_eligible": 0,
        "returned": 0,
    }
    assert "2 masuk antrean verifikasi" in job.message
    renewals = Application.objects.filter(programme=bpn_2027)
    assert {a.person_id for a in renewals} == {members[0].person_id, members[1].person_id}
    assert all(a.status == S.AWAITING_VERIFICATION and a.verification_due for a in renewals)
    html = manager.get(REVERIFY).content.decode()
    assert f'id="count-{campaign.pk}-to_verification">2<' in html
    assert f'id="count-{campaign.pk}-members">2<' in html


def test_reverification_refuses_bad_targets_next_to_the_field(
    manager: Client, members: Any, bpn_2027: Programme, smd_2026: Programme, balikpapan: Any
) -> None:
    for target in ("", "SMD-2026", "BPN-2026", "NOPE" * 50):
        response = manager.post(REVERIFY, {"target": target})
        assert response.status_code == 400, target
        assert 'class="errorlist' in response.content.decode().split('id="field-target"')[1]
    # A region with no UMK at all (not even an earlier year's to fall back on): the rules cannot judge anyone.
    bpn_2028 = programme_for(balikpapan, code="BPN-2028", name="Balikpapan 2028", owner="dinsos", quota=1, year=2028)
    MinimumWage.objects.filter(region_id="64.71").delete()
    response = manager.post(REVERIFY, {"target": bpn_2028.code})
    assert response.status_code == 400
    assert "UMK" in response.content.decode().split('id="field-target"')[1]
    assert not ReverificationCampaign.objects.exists() and not Job.objects.filter(kind=KIND).exists()


def test_only_managers_start_a_reverification(
    client_for: Callable[[User], Client],
    bpjs_liaison: User,
    registration_officer: User,
    bpn_2026: Programme,
    bpn_2027: Programme,
) -> None:
    liaison = client_for(bpjs_liaison)
    shown = liaison.get(REVERIFY)
    assert shown.status_code == 200 and 'id="reverification-form"' not in shown.content.decode()
    assert liaison.post(REVERIFY, {"target": "BPN-2027"}).status_code == 403
    assert client_for(registration_officer).post(REVERIFY, {"target": "BPN-2027"}).status_code == 403
    assert not ReverificationCampaign.objects.exists()


# The worker closes its database connections between tasks, as it must in production; so this test commits for
# real instead of running inside a rolled-back transaction.
@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_reverification(manager: Client, members: list[Membership], bpn_2027: Programme) -> None:
    manager.post(REVERIFY, {"target": "BPN-2027"})
    job = Job.objects.get(kind=KIND)

    call_command("worker", batch=True, interval=0.1)

    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.message
    assert job.result["created"] == 3
    fragment = manager.get(f"/pekerjaan/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "every 1s" not in fragment and "3 masuk antrean verifikasi" in fragment
