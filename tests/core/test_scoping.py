"""Each role sees only its scope; the outsider is refused. Scoping is decided in selectors."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from jaring.core.errors import PermissionDenied
from jaring.core.models import User
from jaring.programmes.models import Programme
from jaring.registry.models import Application
from jaring.registry.selectors import applications_visible_to
from tests.helpers.reference import LAMARU, MANGGAR

pytestmark = pytest.mark.django_db


@pytest.fixture
def caseload(
    bpn_2026: Programme, smd_2026: Programme, make_application: Callable[..., Application]
) -> dict[str, Application]:
    """A fisher and an ojek driver in Manggar, an ojol driver in Lamaru, and a Samarinda fisher."""
    return {
        "fisher_manggar": make_application(bpn_2026, sector="nelayan", kelurahan=MANGGAR, name="Syamsul Nelayan"),
        "ojek_manggar": make_application(bpn_2026, sector="ojek_pangkalan", kelurahan=MANGGAR, name="Agus Ojek"),
        "ojol_lamaru": make_application(bpn_2026, sector="ojol", kelurahan=LAMARU, name="Rina Ojol"),
        "fisher_samarinda": make_application(smd_2026, sector="nelayan", kelurahan="64.72.01.1001", name="La Ode"),
    }


def visible(user: User) -> set[str]:
    return {a.person.name for a in applications_visible_to(user)}


def test_the_fishery_office_sees_only_fishers_routed_to_it(
    caseload: dict[str, Application], dppp_verifier: User
) -> None:
    assert visible(dppp_verifier) == {"Syamsul Nelayan"}


def test_the_transport_office_sees_only_base_ojek_drivers(
    caseload: dict[str, Application], dishub_verifier: User
) -> None:
    assert visible(dishub_verifier) == {"Agus Ojek"}


def test_a_kelurahan_operator_sees_only_their_own_kelurahan(
    caseload: dict[str, Application], kelurahan_operator_manggar: User
) -> None:
    assert visible(kelurahan_operator_manggar) == {"Syamsul Nelayan", "Agus Ojek"}


@pytest.mark.parametrize("persona", ["registration_officer", "programme_manager", "bpjs_liaison", "auditor"])
def test_funder_wide_roles_see_their_funder_and_not_another(
    caseload: dict[str, Application], persona: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(persona)
    assert visible(user) == {"Syamsul Nelayan", "Agus Ojek", "Rina Ojol"}


def test_the_system_administrator_sees_every_funder(
    caseload: dict[str, Application], system_administrator: User
) -> None:
    assert len(visible(system_administrator)) == 4


def test_leadership_sees_figures_but_not_the_list_of_people(
    caseload: dict[str, Application], leadership: User, client_for: Callable[[User], Client]
) -> None:
    with pytest.raises(PermissionDenied):
        applications_visible_to(leadership)
    client = client_for(leadership)
    home = client.get("/")
    assert home.status_code == 200
    assert client.get("/pendaftaran/").status_code == 403


def test_an_outsider_without_a_role_is_refused_everywhere(
    caseload: dict[str, Application], outsider: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(outsider)
    for url in ["/", "/pendaftaran/", "/audit/", "/rujukan/", "/pengguna/"]:
        assert client.get(url).status_code == 403, url
    with pytest.raises(PermissionDenied):
        applications_visible_to(outsider)


def test_anonymous_visitors_are_sent_to_log_in(caseload: dict[str, Application]) -> None:
    response = Client().get("/pendaftaran/")
    assert response.status_code == 302
    assert response["Location"].startswith("/masuk/")


def test_another_funders_officer_cannot_open_a_balikpapan_application(
    caseload: dict[str, Application], samarinda_officer: User, client_for: Callable[[User], Client]
) -> None:
    number = caseload["fisher_manggar"].number
    response = client_for(samarinda_officer).get(f"/pendaftaran/{number}/")
    # 404, not 403: an outsider cannot even learn that the number exists.
    assert response.status_code == 404
    assert visible(samarinda_officer) == {"La Ode"}


def test_the_transport_verifier_cannot_open_the_fishers_detail_page(
    caseload: dict[str, Application], dishub_verifier: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(dishub_verifier).get(f"/pendaftaran/{caseload['fisher_manggar'].number}/")
    assert response.status_code == 404


def test_lists_show_a_masked_nik_and_the_detail_page_shows_it_in_full(
    caseload: dict[str, Application], registration_officer: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(registration_officer)
    nik = caseload["fisher_manggar"].person.nik
    listing = client.get("/pendaftaran/").content.decode()
    assert nik not in listing
    assert nik[:4] + "*" * 10 + nik[-2:] in listing
    detail = client.get(f"/pendaftaran/{caseload['fisher_manggar'].number}/").content.decode()
    assert nik in detail


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("auditor", True),
        ("administrator", True),
        ("registration_officer", False),
        ("dppp_verifier", False),
        ("programme_manager", False),
        ("leadership", False),
    ],
)
def test_only_auditors_and_administrators_browse_the_audit_log(
    persona: str, allowed: bool, request: pytest.FixtureRequest, client_for: Callable[[User], Client]
) -> None:
    client = client_for(request.getfixturevalue(persona))
    assert client.get("/audit/").status_code == (200 if allowed else 403)
    assert client.get("/audit/akses/").status_code == (200 if allowed else 403)


def test_a_funders_auditor_sees_only_that_funders_audit_records(
    caseload: dict[str, Application], auditor: User, client_for: Callable[[User], Client]
) -> None:
    page = client_for(auditor).get("/audit/?action=application.create").content.decode()
    assert caseload["fisher_manggar"].number in page
    assert caseload["fisher_samarinda"].number not in page


def test_a_funders_administrator_manages_only_that_funders_officers(
    administrator: User, samarinda_officer: User, registration_officer: User, client_for: Callable[[User], Client]
) -> None:
    page = client_for(administrator).get("/pengguna/").content.decode()
    assert "registration_officer" in page
    assert "samarinda_officer" not in page


def test_each_role_gets_a_menu_of_only_what_it_may_do(
    dppp_verifier: User, auditor: User, administrator: User, client_for: Callable[[User], Client]
) -> None:
    verifier_home = client_for(dppp_verifier).get("/").content.decode()
    assert "/pendaftaran/" in verifier_home
    assert "/audit/" not in verifier_home
    assert "/audit/" in client_for(auditor).get("/").content.decode()
    assert "/pengguna/" in client_for(administrator).get("/").content.decode()
    assert "/pendaftaran/baru/" not in verifier_home


def test_the_bpjs_list_is_in_the_menu_of_the_liaison_and_the_manager_only(
    bpjs_liaison: User, programme_manager: User, registration_officer: User, client_for: Callable[[User], Client]
) -> None:
    assert "/program/peserta-bpjs/" in client_for(bpjs_liaison).get("/").content.decode()
    assert "/program/peserta-bpjs/" in client_for(programme_manager).get("/").content.decode()
    officer_home = client_for(registration_officer).get("/").content.decode()
    assert "/program/peserta-bpjs/" not in officer_home
    assert "/pendaftaran/baru/" in officer_home


@pytest.mark.parametrize(
    ("sector", "agency"), [("nelayan", "dppp"), ("petani", "dppp"), ("ojek_pangkalan", "dishub"), ("ojol", "dinsos")]
)
def test_each_sector_goes_to_its_default_agency_or_the_owning_office(
    bpn_2026: Programme, sector: str, agency: str
) -> None:
    from jaring.core.models import Sector
    from jaring.programmes.selectors import programme_verifying_agency

    routed = programme_verifying_agency(programme=bpn_2026, sector=Sector.objects.get(code=sector))
    assert routed.code == agency  # Balikpapan 2026: Dinas Sosial owns the programme and verifies ojol
