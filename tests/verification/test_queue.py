"""The agency queue as a verifier sees it: only their agency's work of their funder, oldest due first,
filterable, masked NIKs in the list and the full NIK (logged) only on the application's page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jaring.core.models import AccessLog, User
from jaring.core.selectors import Scope
from jaring.programmes.models import Programme
from jaring.registry.models import Application
from jaring.registry.states import ApplicationStatus
from jaring.verification import views
from jaring.verification.models import Outcome
from jaring.verification.selectors import queue_application_for, queue_counts, queue_for, queue_in_scope
from jaring.verification.services import DecisionInput, application_decide
from tests.helpers.reference import LAMARU

# BPN-2026 is running and takes places: these cases mean a day of its year (places start the month approved).
pytestmark = pytest.mark.today("2026-11-03")

S = ApplicationStatus
QUEUE = reverse("verification:queue")


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def detail(number: str) -> str:
    return reverse("verification:detail", args=[number])


def html_of(client: Client, url: str, **params: str) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, response.content.decode()[:2000]
    return response.content.decode()


# -- whose queue ---------------------------------------------------------------------------------------


def test_a_fishers_application_lands_in_the_fishery_office_queue_and_not_in_transport(
    register: Callable[..., Application],
    bpn_2026: Programme,
    registration_officer: User,
    dppp_verifier: User,
    dishub_verifier: User,
    client_for: Callable[[User], Client],
) -> None:
    fisher = register(bpn_2026, registration_officer, sector="nelayan", name="Syamsul Nelayan")
    ojek = register(bpn_2026, registration_officer, sector="ojek_pangkalan", name="Agus Ojek")
    assert fisher.status == ojek.status == S.AWAITING_VERIFICATION

    assert list(queue_for(dppp_verifier)) == [fisher]
    assert list(queue_for(dishub_verifier)) == [ojek]

    dppp_page = html_of(client_for(dppp_verifier), QUEUE)
    assert "Syamsul Nelayan" in dppp_page and fisher.number in dppp_page
    assert "Agus Ojek" not in dppp_page and ojek.number not in dppp_page
    dishub_page = html_of(client_for(dishub_verifier), QUEUE)
    assert "Agus Ojek" in dishub_page and "Syamsul Nelayan" not in dishub_page


def test_an_agency_scope_without_a_user_has_the_same_queue_as_its_verifiers(
    register: Callable[..., Application],
    bpn_2026: Programme,
    registration_officer: User,
    dppp_verifier: User,
) -> None:
    """The agency's own system (an API token) reads the queue through `queue_in_scope` with the agency's scope."""
    fisher = register(bpn_2026, registration_officer, sector="nelayan", name="Syamsul Nelayan")
    returned = register(bpn_2026, registration_officer, sector="nelayan", name="Kembali Nelayan")
    register(bpn_2026, registration_officer, sector="ojek_pangkalan", name="Agus Ojek")
    application_decide(
        application=returned, decision=DecisionInput(outcome=Outcome.RETURN, note="KK buram"), actor=dppp_verifier
    )
    scope = Scope(everything=False, funder_id=dppp_verifier.funder_id, agency_id=dppp_verifier.agency_id)
    for status in ("waiting", "overdue", "returned", "decided", "all"):
        assert list(queue_in_scope(scope, status=status)) == list(queue_for(dppp_verifier, status=status))
    assert list(queue_in_scope(scope)) == [fisher]
    assert list(queue_in_scope(scope, status="returned")) == [returned]


def test_the_transport_verifier_is_refused_the_fishers_page_and_documents_as_if_they_did_not_exist(
    register: Callable[..., Application],
    bpn_2026: Programme,
    registration_officer: User,
    dppp_verifier: User,
    dishub_verifier: User,
    client_for: Callable[[User], Client],
) -> None:
    fisher = register(bpn_2026, registration_officer, sector="nelayan")
    document = fisher.documents.get(kind="ktp")
    dishub = client_for(dishub_verifier)

    refused = dishub.get(detail(fisher.number))
    missing = dishub.get(detail("BPN-2026-999999"))
    assert refused.status_code == missing.status_code == 404
    assert fisher.person.nik not in refused.content.decode()
    assert dishub.post(detail(fisher.number), {"outcome": "approve"}).status_code == 404
    assert dishub.get(reverse("registry:document", args=[fisher.number, document.pk])).status_code == 404
    with pytest.raises(Exception, match="tidak ditemukan"):
        queue_application_for(dishub_verifier, number=fisher.number)
    assert not AccessLog.objects.filter(actor=dishub_verifier).exists()
    fisher.refresh_from_db()
    assert fisher.status == S.AWAITING_VERIFICATION

    dppp = client_for(dppp_verifier)
    assert dppp.get(detail(fisher.number)).status_code == 200
    opened = dppp.get(reverse("registry:document", args=[fisher.number, document.pk]))
    assert opened.status_code == 200 and opened["Content-Type"] == "image/png"


@pytest.mark.parametrize("persona", ["samarinda_officer", "outsider", "registration_officer", "programme_manager"])
def test_officers_who_are_not_verifiers_are_refused_the_queue_and_its_pages(
    persona: str,
    request: pytest.FixtureRequest,
    register: Callable[..., Application],
    bpn_2026: Programme,
    registration_officer: User,
    client_for: Callable[[User], Client],
) -> None:
    fisher = register(bpn_2026, registration_officer, sector="nelayan")
    client = client_for(request.getfixturevalue(persona))
    assert client.get(QUEUE).status_code == 403
    assert client.get(detail(fisher.number)).status_code == 403
    assert client.post(detail(fisher.number), {"outcome": "approve"}).status_code == 403
    assert client.post(reverse("verification:bulk_approve"), {"ids": [fisher.pk]}).status_code == 403
    fisher.refresh_from_db()
    assert fisher.status == S.AWAITING_VERIFICATION


def test_a_visitor_who_is_not_logged_in_is_sent_to_the_log_in_page(client: Client, reference: None) -> None:
    response = client.get(QUEUE)
    assert response.status_code == 302 and response["Location"].startswith(reverse("core:login"))


def test_a_verifier_of_another_funder_does_not_see_balikpapans_work(
    register: Callable[..., Application],
    bpn_2026: Programme,
    registration_officer: User,
    make_officer: Callable[..., User],
    samarinda: object,
    client_for: Callable[[User], Client],
) -> None:
    from jaring.core.models import Agency, AgencyKind, Role

    fisher = register(bpn_2026, registration_officer, sector="nelayan")
    their_dppp = Agency.objects.filter(funder=samarinda, kind=AgencyKind.DPPP).first()
    assert their_dppp is not None
    verifier = make_officer("smd_dppp", Role.VERIFIER, samarinda, agency=their_dppp)
    assert not queue_for(verifier).exists()
    assert client_for(verifier).get(detail(fisher.number)).status_code == 404


# -- personal data ---------------------------------------------------------------------------------------


def test_the_queue_shows_masked_niks_and_only_the_application_page_the_full_nik_which_is_logged(
    register: Callable[..., Application],
    bpn_2026: Programme,
    registration_officer: User,
    dppp_verifier: User,
    client_for: Callable[[User], Client],
) -> None:
    fisher = register(bpn_2026, registration_officer, sector="nelayan")
    nik = fisher.person.nik
    client = client_for(dppp_verifier)

    queue = client.get(QUEUE)
    assert queue["Cache-Control"].startswith("max-age=0")
    html = queue.content.decode()
    assert nik not in html and fisher.person.nik_masked in html
    assert not AccessLog.objects.filter(actor=dppp_verifier).exists()

    page = client.get(detail(fisher.number))
    assert page["Cache-Control"].startswith("max-age=0")
    assert f'id="nik">{nik}<' in page.content.decode()
    log = AccessLog.objects.get(actor=dppp_verifier)
    assert log.person_ref == str(fisher.person.pk) and log.what == "verification_detail"
    assert log.path == detail(fisher.number) and log.funder == bpn_2026.funder


def test_the_application_page_shows_rule_results_documents_and_warnings_beside_the_data(
    register: Callable[..., Application],
    bpn_2026: Programme,
    registration_officer: User,
    dppp_verifier: User,
    client_for: Callable[[User], Client],
) -> None:
    fisher = register(bpn_2026, registration_officer, sector="nelayan", name="Syamsul Nelayan")
    Application.objects.filter(pk=fisher.pk).update(warnings=[{"field": "nama", "message": "Nama mirip orang lain"}])
    html = html_of(client_for(dppp_verifier), detail(fisher.number))
    eligibility = html.split('id="eligibility"', 1)[1].split("</table>", 1)[0]
    assert "Batas penghasilan" in eligibility and "Terpenuhi" in eligibility
    assert f">{fisher.rule_version.version}<" in eligibility  # type: ignore[union-attr]
    ktp, kk = fisher.documents.get(kind="ktp"), fisher.documents.get(kind="kk")
    documents = html.split('id="documents"', 1)[1].split("</ul>", 1)[0]
    # The photo is previewed through the registry's document view (which checks scope and logs).
    assert f'<img src="{reverse("registry:document", args=[fisher.number, ktp.pk])}"' in documents
    assert f'href="{reverse("registry:document", args=[fisher.number, kk.pk])}"' in documents
    assert "(PDF)" in documents
    assert "Nama mirip orang lain" in html.split('id="warnings"', 1)[1]
    assert 'id="decision-form"' in html and "Syamsul Nelayan" in html


# -- order, filters, flags --------------------------------------------------------------------------------


def test_the_oldest_due_comes_first_and_overdue_work_is_flagged_in_words(
    register: Callable[..., Application],
    bpn_2026: Programme,
    registration_officer: User,
    dppp_verifier: User,
    client_for: Callable[[User], Client],
) -> None:
    recent = register(bpn_2026, registration_officer, sector="nelayan", name="Baru Nelayan")
    late = register(bpn_2026, registration_officer, sector="petani", name="Lama Petani")
    today = timezone.localdate()
    Application.objects.filter(pk=late.pk).update(verification_due=today - timedelta(days=3))
    Application.objects.filter(pk=recent.pk).update(verification_due=today + timedelta(days=4))

    assert [a.number for a in queue_for(dppp_verifier)] == [late.number, recent.number]
    assert [a.number for a in queue_for(dppp_verifier, status="overdue")] == [late.number]
    assert queue_counts(dppp_verifier) == {"waiting": 2, "overdue": 1, "returned": 0}

    client = client_for(dppp_verifier)
    html = html_of(client, QUEUE)
    assert html.index(late.number) < html.index(recent.number)
    late_row = html.split(f'id="row-{late.number}"', 1)[1].split("</tr>", 1)[0]
    recent_row = html.split(f'id="row-{recent.number}"', 1)[1].split("</tr>", 1)[0]
    assert "Terlambat" in late_row and "Terlambat" not in recent_row
    assert 'id="count-overdue">1<' in html
    assert 'id="overdue"' in html_of(client, detail(late.number))
    assert 'id="overdue"' not in html_of(client, detail(recent.number))


def test_filters_by_kelurahan_sector_programme_and_status(
    register: Callable[..., Application],
    bpn_2026: Programme,
    registration_officer: User,
    dppp_verifier: User,
    client_for: Callable[[User], Client],
) -> None:
    manggar_fisher = register(bpn_2026, registration_officer, sector="nelayan", name="Manggar Nelayan")
    lamaru_farmer = register(bpn_2026, registration_officer, sector="petani", kelurahan=LAMARU, name="Lamaru Petani")
    client = client_for(dppp_verifier)

    by_kelurahan = html_of(client, QUEUE, kelurahan=LAMARU)
    assert "Lamaru Petani" in by_kelurahan and "Manggar Nelayan" not in by_kelurahan
    by_sector = html_of(client, QUEUE, sector="nelayan")
    assert "Manggar Nelayan" in by_sector and "Lamaru Petani" not in by_sector
    assert "Manggar Nelayan" in html_of(client, QUEUE, programme="BPN-2026")

    application_decide(application=lamaru_farmer, decision=DecisionInput(outcome=Outcome.APPROVE), actor=dppp_verifier)
    waiting = html_of(client, QUEUE)
    assert "Manggar Nelayan" in waiting and "Lamaru Petani" not in waiting
    decided = html_of(client, QUEUE, status="decided")
    assert "Lamaru Petani" in decided and "Manggar Nelayan" not in decided
    assert 'id="bulk-approve"' not in decided
    everything = html_of(client, QUEUE, status="all")
    assert "Lamaru Petani" in everything and "Manggar Nelayan" in everything
    # The filters travel to the application page and back.
    assert f"{detail(manggar_fisher.number)}?sector=nelayan" in by_sector


@pytest.mark.parametrize(
    "params",
    [
        {"status": "nonsense"},
        {"kelurahan": "64.72.01.1001"},  # Samarinda's, not Balikpapan's
        {"kelurahan": "'; drop table x"},
        {"sector": "astronaut"},
        {"programme": "SMD-2026"},
        {"page": "-1"},
        {"page": "abc"},
    ],
)
def test_a_bad_filter_is_shown_and_ignored_never_a_500(
    params: dict[str, str],
    register: Callable[..., Application],
    bpn_2026: Programme,
    smd_2026: Programme,
    registration_officer: User,
    dppp_verifier: User,
    client_for: Callable[[User], Client],
) -> None:
    register(bpn_2026, registration_officer, sector="nelayan", name="Syamsul Nelayan")
    html = html_of(client_for(dppp_verifier), QUEUE, **params)
    assert "Syamsul Nelayan" in html
    if "page" not in params:
        assert 'id="filter-errors"' in html


def test_a_nul_in_a_filter_is_a_400_not_a_500(
    bpn_2026: Programme, dppp_verifier: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(dppp_verifier).get(QUEUE, {"kelurahan": "64.71.01.1001\x00"})
    assert response.status_code == 400


def test_the_kelurahan_filter_offers_the_funders_kelurahan_only(
    bpn_2026: Programme, dppp_verifier: User, client_for: Callable[[User], Client]
) -> None:
    html = html_of(client_for(dppp_verifier), QUEUE)
    options = html.split('id="id_kelurahan"', 1)[1].split("</select>", 1)[0]
    assert 'value="64.71.01.1001"' in options and 'value="64.72.' not in options


def test_the_queue_is_paged(
    register: Callable[..., Application],
    bpn_2026: Programme,
    registration_officer: User,
    dppp_verifier: User,
    client_for: Callable[[User], Client],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    made = [register(bpn_2026, registration_officer, sector="nelayan", name=f"Nelayan {chr(65 + n)}") for n in range(3)]
    client = client_for(dppp_verifier)
    first = html_of(client, QUEUE)
    assert made[0].number in first and made[2].number not in first and 'rel="next"' in first
    second = html_of(client, QUEUE, page="2")
    assert made[2].number in second and made[0].number not in second


def test_an_empty_queue_says_so(bpn_2026: Programme, dppp_verifier: User, client_for: Callable[[User], Client]) -> None:
    html = html_of(client_for(dppp_verifier), QUEUE)
    assert 'id="empty"' in html and 'id="bulk-form"' not in html


def test_the_menu_offers_the_queue_to_verifiers_only(
    bpn_2026: Programme,
    dppp_verifier: User,
    registration_officer: User,
    client_for: Callable[[User], Client],
) -> None:
    home = reverse("home")
    assert f'href="{QUEUE}"' in client_for(dppp_verifier).get(home).content.decode()
    assert f'href="{QUEUE}"' not in client_for(registration_officer).get(home).content.decode()


def test_the_system_administrator_sees_every_agencys_queue_without_an_error(
    register: Callable[..., Application],
    bpn_2026: Programme,
    registration_officer: User,
    system_administrator: User,
    client_for: Callable[[User], Client],
) -> None:
    fisher = register(bpn_2026, registration_officer, sector="nelayan", name="Syamsul Nelayan")
    ojek = register(bpn_2026, registration_officer, sector="ojek_pangkalan", name="Agus Ojek")
    client = client_for(system_administrator)
    html = html_of(client, QUEUE, kelurahan="64.71.01.1001")
    assert fisher.number in html and ojek.number in html
    assert f'id="nik">{ojek.person.nik}<' in html_of(client, detail(ojek.number))


# -- searching the queue ---------------------------------------------------------------------------------


def search(client: Client, text: str, **filters: str) -> str:
    """Post the queue's search as the page does, and follow the redirect to the queue naming it by a key."""
    posted = client.post(QUEUE, {"q": text, **filters})
    assert posted.status_code == 302
    assert text not in posted["Location"]  # a NIK never travels in a URL
    return html_of(client, posted["Location"])


@pytest.mark.parametrize("how", ["name", "nik", "number"])
def test_a_verifier_searches_the_queue_by_name_nik_or_number(
    how: str,
    register: Callable[..., Application],
    bpn_2026: Programme,
    registration_officer: User,
    dppp_verifier: User,
    client_for: Callable[[User], Client],
) -> None:
    wanted = register(bpn_2026, registration_officer, sector="nelayan", name="Syamsul Bahri")
    other = register(bpn_2026, registration_officer, sector="nelayan", name="Andi Saputra")
    nik = wanted.person.nik
    text = {
        "name": "syamsul",
        "nik": f"{nik[:6]}.{nik[6:12]}.{nik[12:]}",
        "number": wanted.number.lower().replace("-00000", "-"),
    }[how]
    html = search(client_for(dppp_verifier), text)
    assert f'id="row-{wanted.number}"' in html
    assert f'id="row-{other.number}"' not in html


def test_a_search_finds_nothing_outside_the_verifiers_own_queue(
    register: Callable[..., Application],
    bpn_2026: Programme,
    registration_officer: User,
    dishub_verifier: User,
    client_for: Callable[[User], Client],
) -> None:
    fisher = register(bpn_2026, registration_officer, sector="nelayan", name="Syamsul Bahri")
    for text in ("Syamsul", fisher.person.nik, fisher.number):
        html = search(client_for(dishub_verifier), text)
        assert f'id="row-{fisher.number}"' not in html and 'id="empty"' in html
