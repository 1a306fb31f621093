"""The dashboard per role: each figure for a chosen programme and month within the viewer's scope, a chart with
a table of its numbers, and the monthly report ready to sign. Read like a specification per persona."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

import pypdfium2
import pytest
from django.test import Client
from django.utils import timezone

from jaring.allocation.models import Place
from jaring.core.models import Job, User
from jaring.enrolment.models import Card, Membership
from jaring.programmes.models import Programme
from jaring.registry.models import Sex
from jaring.reports.models import Snapshot
from jaring.reports.services import snapshot_refresh
from jaring.reports.tasks import KIND
from tests.reports.conftest import LAMARU, MANGGAR, M, Make

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-03-16")]

ClientFor = Callable[[User], Client]


@pytest.fixture
def bpn_members(bpn_2026: Programme, members: Make) -> list[Membership]:
    made = members(
        bpn_2026,
        [
            M(MANGGAR, "nelayan", Sex.MALE, date(1990, 1, 1)),
            M(MANGGAR, "nelayan", Sex.FEMALE, date(1980, 1, 1)),
            M(MANGGAR, "ojol", Sex.MALE, date(2003, 1, 1)),
            M(LAMARU, "ojol", Sex.MALE, date(1970, 1, 1)),
            M(LAMARU, "petani", Sex.FEMALE, date(1960, 1, 1)),
        ],
    )
    Card.objects.create(membership=made[0], valid_until=date(2026, 12, 31), handed_on=date(2026, 3, 2))
    Card.objects.create(membership=made[3], valid_until=date(2026, 12, 31))
    return made


def figure(html: str, name: str) -> str:
    found = re.search(rf'id="figure-{name}"[^>]*><span class="count">([\d.]+)</span>', html)
    assert found, f"figure {name} not on the page"
    return found.group(1)


def table_rows(html: str, table: str) -> dict[str, str]:
    start = html.index(f'id="table-{table}"')
    end = html.index("</table>", start)
    body = html[start : min(end, html.index("</tbody>", start))]
    return dict(re.findall(r'<th scope="row">([^<]+)</th><td class="num">([\d.]+)</td>', body))


def test_leadership_reads_every_breakdown_as_a_chart_with_its_table(
    leadership: User, client_for: ClientFor, bpn_members: list[Membership]
) -> None:
    response = client_for(leadership).get("/dasbor/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "BPN-2026" in html and "Maret 2026" in html
    assert figure(html, "members") == "5"
    for name in ("sector", "kecamatan", "kelurahan", "sex", "age_band"):
        assert f'id="chart-{name}"' in html
        assert sum(int(n) for n in table_rows(html, name).values()) == 5, name
    assert table_rows(html, "sector") == {"Nelayan": "2", "Pengemudi ojek daring (ojol)": "2", "Petani": "1"}
    assert table_rows(html, "age_band") == {
        "di bawah 25 tahun": "1",
        "25-34 tahun": "0",
        "35-44 tahun": "1",
        "45-54 tahun": "1",
        "55-64 tahun": "1",
        "65 tahun ke atas": "1",
    }
    for chart in ("chart-trend", "chart-quota", "chart-cards", "chart-decisions", "chart-status"):
        assert f'id="{chart}"' in html, chart
    # Every chart is an image with a title, drawn on the server, without a style attribute.
    assert html.count('<svg class="chart') == html.count('role="img"') >= 10
    assert "style=" not in html[html.index("<main") :]
    assert figure(html, "cards") == "1"  # handed over, of two printed


def test_the_trend_shows_the_months_so_far(
    leadership: User, client_for: ClientFor, bpn_members: list[Membership]
) -> None:
    html = client_for(leadership).get("/dasbor/?program=BPN-2026&bulan=2026-02").content.decode()
    start = html.index('id="table-trend"')
    months = re.findall(r'<th scope="row">([^<]+)</th>', html[start : html.index("</table>", start)])
    assert months == ["Januari 2026", "Februari 2026", "Maret 2026"]


def test_a_month_outside_the_programme_is_refused_naming_the_field(
    leadership: User, client_for: ClientFor, bpn_members: list[Membership]
) -> None:
    for wanted, words in (("2031-01", "di luar masa program"), ("maret", "TTTT-BB")):
        response = client_for(leadership).get(f"/dasbor/?program=BPN-2026&bulan={wanted}")
        assert response.status_code == 400
        html = response.content.decode()
        assert 'id="month-error"' in html and words in html
        assert figure(html, "members") == "5"  # the default month is shown meanwhile


def test_the_outsider_is_refused(outsider: User, client_for: ClientFor) -> None:
    assert client_for(outsider).get("/dasbor/").status_code == 403
    assert Client().get("/dasbor/").status_code == 302  # to the log-in page


def test_another_funders_officer_cannot_open_balikpapans_programme(
    samarinda_officer: User, client_for: ClientFor, bpn_members: list[Membership], smd_2026: Programme
) -> None:
    client = client_for(samarinda_officer)
    assert client.get("/dasbor/?program=BPN-2026").status_code == 404
    html = client.get("/dasbor/").content.decode()
    assert "SMD-2026" in html and "BPN-2026" not in html


def test_a_kelurahan_operator_sees_the_figures_of_their_kelurahan_only(
    kelurahan_operator_manggar: User, client_for: ClientFor, bpn_members: list[Membership]
) -> None:
    html = client_for(kelurahan_operator_manggar).get("/dasbor/").content.decode()
    assert figure(html, "members") == "3"
    assert table_rows(html, "sector") == {"Nelayan": "2", "Pengemudi ojek daring (ojol)": "1"}
    assert 'id="chart-kecamatan"' not in html and 'id="chart-kelurahan"' not in html
    assert 'id="table-agencies"' not in html  # the agencies' workload is not theirs
    assert "laporan-bulanan.pdf" not in html


def test_a_verifier_sees_their_agencys_verification_only(
    dppp_verifier: User,
    client_for: ClientFor,
    bpn_members: list[Membership],
    make_application,  # type: ignore[no-untyped-def]
) -> None:
    bpn = bpn_members[0].programme
    make_application(bpn, sector="nelayan")  # to DPPP
    make_application(bpn, sector="ojek_pangkalan")  # to Dishub
    snapshot_refresh(programme=bpn)
    html = client_for(dppp_verifier).get("/dasbor/").content.decode()
    assert 'id="figure-members"' not in html  # members are not a verifier's business
    start = html.index('id="table-agencies"')
    agencies = html[start : html.index("</table>", start)]
    assert "Dinas Pangan, Pertanian dan Perikanan" in agencies
    assert "Perhubungan" not in agencies


def test_the_province_sees_city_programmes_as_aggregates_and_people_funded_twice(
    province_leadership: User,
    client_for: ClientFor,
    bpn_members: list[Membership],
    kaltim_2026: Programme,
    members: Make,
) -> None:
    # One Balikpapan member also holds a province place for the same months (a list loaded before the check).
    members(kaltim_2026, [M(MANGGAR)], person_of=[bpn_members[1].person])
    members(kaltim_2026, [M(LAMARU), M(LAMARU)])
    client = client_for(province_leadership)
    html = client.get("/dasbor/").content.decode()
    assert "KALTIM-2026" in html
    start = html.index('id="table-across"')
    across = html[start : html.index("</table>", start)]
    assert 'id="across-BPN-2026"' in across and 'id="across-KALTIM-2026"' in across
    # Balikpapan's programme is counted too, though the province has not opened it yet.
    assert re.search(r'id="across-BPN-2026".*?<td class="num">5</td>', across, re.S)
    assert re.search(r'id="across-KALTIM-2026".*?<td class="num overdue">1</td>', across, re.S)
    assert figure(html, "double") == "1"
    # Balikpapan's programme as aggregates: figures, and no way to its people or its signed report.
    city = client.get("/dasbor/?program=BPN-2026").content.decode()
    assert figure(city, "members") == "5"
    assert "hanya angka agregat" in city
    assert "laporan-bulanan.pdf" not in city and 'id="refresh"' not in city
    assert client.get("/dasbor/BPN-2026/2026-03/laporan-bulanan.pdf").status_code == 403


def test_a_citys_leadership_sees_no_province_programme(
    leadership: User, client_for: ClientFor, bpn_members: list[Membership], kaltim_2026: Programme
) -> None:
    client = client_for(leadership)
    assert "KALTIM-2026" not in client.get("/dasbor/").content.decode()
    assert client.get("/dasbor/?program=KALTIM-2026").status_code == 404


def test_the_manager_downloads_the_monthly_report_ready_to_sign(
    programme_manager: User, client_for: ClientFor, bpn_members: list[Membership]
) -> None:
    client = client_for(programme_manager)
    html = client.get("/dasbor/").content.decode()
    assert "/dasbor/BPN-2026/2026-03/laporan-bulanan.pdf" in html
    response = client.get("/dasbor/BPN-2026/2026-03/laporan-bulanan.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "laporan-bulanan-BPN-2026-2026-03.pdf" in response["Content-Disposition"]
    pdf = pypdfium2.PdfDocument(response.content)
    text = "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert "LAPORAN BULANAN" in text
    assert "Maret 2026" in text
    assert "KEPALA DINAS SOSIAL KOTA BALIKPAPAN" in text
    assert re.search(r"Peserta terlindungi pada bulan ini\s*5", text)
    for membership in bpn_members:
        assert membership.person.nik not in text and membership.person.name not in text


def test_the_monthly_report_of_an_unknown_month_is_not_found(
    programme_manager: User, client_for: ClientFor, bpn_members: list[Membership]
) -> None:
    assert client_for(programme_manager).get("/dasbor/BPN-2026/2031-01/laporan-bulanan.pdf").status_code == 404


def test_a_kelurahan_operator_gets_no_monthly_report(
    kelurahan_operator_manggar: User, client_for: ClientFor, bpn_members: list[Membership]
) -> None:
    assert client_for(kelurahan_operator_manggar).get("/dasbor/BPN-2026/2026-03/laporan-bulanan.pdf").status_code == 403


def test_figures_older_than_the_maximum_age_queue_one_refresh(
    leadership: User,
    client_for: ClientFor,
    bpn_members: list[Membership],
    settings,  # type: ignore[no-untyped-def]
) -> None:
    client = client_for(leadership)
    client.get("/dasbor/")  # counted on the spot the first time
    assert not Job.objects.filter(kind=KIND).exists()
    Snapshot.objects.update(computed_at=timezone.now() - timedelta(minutes=settings.REPORTS_MAX_AGE_MINUTES + 1))
    client.get("/dasbor/")
    client.get("/dasbor/")
    assert Job.objects.filter(kind=KIND, status=Job.Status.QUEUED).count() == 1


def test_the_manager_asks_for_a_new_count(
    programme_manager: User, auditor: User, client_for: ClientFor, bpn_members: list[Membership]
) -> None:
    response = client_for(programme_manager).post("/dasbor/hitung-ulang/", {"program": "BPN-2026", "bulan": "2026-02"})
    assert response.status_code == 302
    assert response["Location"] == "/dasbor/?program=BPN-2026&bulan=2026-02"
    job = Job.objects.get(kind=KIND)
    assert job.created_by == programme_manager and job.params == {"codes": ["BPN-2026"]}


def test_places_of_the_month_and_the_quota(
    leadership: User, client_for: ClientFor, bpn_members: list[Membership]
) -> None:
    Place.objects.filter(pk=bpn_members[0].place_id).update(starts=date(2026, 4, 1))
    html = client_for(leadership).get("/dasbor/").content.decode()
    assert figure(html, "places") == "4"
    assert figure(html, "free") == "7.096"  # written the Indonesian way
