"""Membership cards: the PDF (its QR codes read back with a real decoder), the public check page, printing in
the worker with progress, the hand-over ceremony and its report per kelurahan, and who may do what."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pypdfium2
import pytest
import zxingcpp
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone

from jaring.allocation.models import EndReason
from jaring.core.actors import Actor
from jaring.core.errors import DomainError, PermissionDenied
from jaring.core.models import AccessLog, AuditRecord, Job, Role, User
from jaring.enrolment.cards import services as card_services
from jaring.enrolment.cards import views as card_views
from jaring.enrolment.cards.pdf import card_check_url, cards_pdf
from jaring.enrolment.cards.reports import handover_report
from jaring.enrolment.cards.selectors import (
    active_member_kelurahans,
    card_kelurahans,
    cards_to_hand_over,
    selection_memberships,
)
from jaring.enrolment.cards.services import card_print_run, card_print_start
from jaring.enrolment.models import Card, CardPrint
from jaring.enrolment.selectors import kelurahan_choices
from jaring.enrolment.services import (
    Handover,
    card_from_token,
    card_token,
    cards_hand_over,
    cards_issue,
    membership_end,
)
from jaring.programmes.models import Programme
from jaring.registry.models import Person, mask_nik
from tests.helpers.reference import LAMARU, MANGGAR

# BPN-2026 is running and takes places: these cases mean a day of its year (places start the month approved).
pytestmark = pytest.mark.today("2026-11-03")

BASE = "https://jaring.balikpapan.go.id"
IN_COVER = date(2026, 12, 10)  # inside BPN-2026's cover, after the members' places start


THREE = (("Ahmad Fauzi", MANGGAR), ("Budi Santoso", MANGGAR), ("Citra Lestari", LAMARU))


def _with_faces(cards: list[Card]) -> list[Card]:
    return list(
        Card.objects.filter(pk__in=[c.pk for c in cards])
        .select_related("membership__person", "membership__programme__funder")
        .order_by("pk")
    )


def _decode(pdf: bytes) -> list[list[str]]:
    """Every QR code on every page, as a real phone would read it: the page rasterised at 200 dpi."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        pages = []
        for page in document:
            image = page.render(scale=200 / 72).to_pil()
            pages.append(sorted(result.text for result in zxingcpp.read_barcodes(image)))
        return pages
    finally:
        document.close()


def _text(pdf: bytes) -> str:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> date:
    """The check page's today, inside the cover period whatever the machine's clock says."""
    monkeypatch.setattr(card_views, "_today", lambda: IN_COVER)
    return IN_COVER


# -- the PDF -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_qr_codes_on_the_rendered_page_decode_to_each_cards_check_page(members, programme_manager) -> None:
    memberships = members(*THREE)
    cards = _with_faces(cards_issue(memberships=memberships, actor=programme_manager))
    pdf = cards_pdf(cards, base_url=BASE + "/")

    (decoded,) = _decode(pdf)
    assert len(decoded) == 3  # tokens carry their signing time, so compare what they resolve to
    pattern = re.compile(rf"^{re.escape(BASE)}/kartu/([^/]+)/$")
    resolved = set()
    for url in decoded:
        match = pattern.match(url)
        assert match, url
        card = card_from_token(match.group(1))
        assert card is not None
        resolved.add(card.pk)
        assert card.membership.person.nik not in url and card.membership.kpj not in url
    assert resolved == {card.pk for card in cards}

    text = _text(pdf)
    for membership in memberships:
        assert membership.person.name.upper() in text
        assert mask_nik(membership.person.nik) in text
        assert membership.kpj in text
        assert membership.person.nik not in text  # the PDF never holds a full NIK
    assert "Kartu Peserta Jaminan Sosial Ketenagakerjaan" in text
    assert "PEMERINTAH KOTA BALIKPAPAN" in text.upper()
    assert "Berlaku s.d. 31-12-2026" in text


@pytest.mark.django_db
def test_eight_cards_fill_a_page_and_the_ninth_starts_the_next(members, programme_manager) -> None:
    cards = _with_faces(cards_issue(memberships=members(*THREE), actor=programme_manager))
    nine = (cards * 3)[:9]
    progress: list[int] = []
    pdf = cards_pdf(nine, base_url=BASE, on_progress=progress.append)
    assert progress == list(range(1, 10))
    pages = _decode(pdf)
    assert [len(page) for page in pages] == [8, 1]
    assert len(_decode(cards_pdf(nine[:8], base_url=BASE))) == 1


# -- the public check page ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_check_page_tells_validity_and_the_programme_and_nothing_personal(
    members, programme_manager, today, bpn_2026: Programme
) -> None:
    (membership,) = members(("Ahmad Fauzi", MANGGAR))
    (card,) = cards_issue(memberships=[membership], actor=programme_manager)
    url = f"/kartu/{card_token(card)}/"
    response = Client().get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Kartu berlaku" in page and "Kartu tidak berlaku" not in page
    assert bpn_2026.name in page and "Pemerintah Kota Balikpapan" in page
    assert "31-12-2026" in page
    person = membership.person
    for secret in (person.nik, mask_nik(person.nik), person.name, membership.kpj, person.address):
        assert secret not in page
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert response["X-Robots-Tag"].startswith("noindex")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]

    membership_end(
        membership=membership, reason=EndReason.MOVED_OUT, effective=date(2026, 12, 5), actor=Actor.system("test")
    )
    ended = Client().get(url)
    assert ended.status_code == 200
    page = ended.content.decode()
    assert "Kartu tidak berlaku" in page and bpn_2026.name in page
    assert person.name not in page and membership.kpj not in page and person.nik not in page


@pytest.mark.django_db
def test_a_card_before_its_cover_starts_is_not_valid(members, programme_manager, monkeypatch) -> None:
    (membership,) = members(("Ahmad Fauzi", MANGGAR))
    (card,) = cards_issue(memberships=[membership], actor=programme_manager)
    monkeypatch.setattr(card_views, "_today", lambda: date(2026, 1, 2))
    assert "Kartu tidak berlaku" in Client().get(f"/kartu/{card_token(card)}/").content.decode()


@pytest.mark.django_db
def test_a_forged_or_broken_token_is_an_unknown_card(members, programme_manager, today) -> None:
    (membership,) = members(("Ahmad Fauzi", MANGGAR))
    (card,) = cards_issue(memberships=[membership], actor=programme_manager)
    token = card_token(card)
    for bad in (token[:-3] + "abc", "garbage", "x" * 500, "eyJjIjoxfQ:1abc:zzz", "..", "ümlaut"):
        response = Client().get(f"/kartu/{bad}/")
        assert response.status_code == 404, bad
        page = response.content.decode()
        assert "Kartu tidak dikenal" in page and "Kartu berlaku" not in page
    assert Client().get("/kartu/%00/").status_code == 400  # Django refuses a NUL in the path itself


@pytest.mark.django_db
@override_settings(PUBLIC_CARD_CHECKS_PER_HOUR=2)
def test_the_check_page_is_rate_limited_per_address(members, programme_manager, today) -> None:
    (membership,) = members(("Ahmad Fauzi", MANGGAR))
    (card,) = cards_issue(memberships=[membership], actor=programme_manager)
    url = f"/kartu/{card_token(card)}/"
    client = Client(REMOTE_ADDR="10.1.2.3")
    assert client.get(url).status_code == 200
    assert client.get("/kartu/forged/").status_code == 404  # probing counts too
    limited = client.get(url)
    assert limited.status_code == 429
    assert "Kartu berlaku" not in limited.content.decode()
    assert Client(REMOTE_ADDR="10.9.9.9").get(url).status_code == 200


# -- printing ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_print_for_a_kelurahan_issues_cards_and_the_task_reports_progress(
    members, programme_manager, bpn_2026, monkeypatch, settings
) -> None:
    memberships = members(*THREE)
    membership_end(
        membership=memberships[1], reason=EndReason.DIED, effective=date(2026, 12, 5), actor=Actor.system("test")
    )
    card_print = card_print_start(programme=bpn_2026, selection={"kelurahan": MANGGAR}, actor=programme_manager)
    assert card_print.selection == {"kelurahan": MANGGAR}
    assert [c.membership_id for c in card_print.cards.all()] == [memberships[0].pk]  # only active members
    job = card_print.job
    assert (job.kind, job.status, job.total) == ("card_print", Job.Status.QUEUED, 1)
    assert AuditRecord.objects.filter(action="programme.card_print", target_id=str(bpn_2026.pk)).exists()

    second = card_print_start(
        programme=bpn_2026, selection={"ids": [m.pk for m in memberships]}, actor=programme_manager
    )
    reported: list[int] = []
    real_progress = card_services.job_progress

    def spy(*, job: Job, done: int, **kwargs: object) -> None:
        reported.append(done)
        real_progress(job=job, done=done, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(card_services, "PROGRESS_EVERY", 1)
    monkeypatch.setattr(card_services, "job_progress", spy)
    path = card_print_run(second)
    assert reported == [1, 2]
    second.refresh_from_db()
    second.job.refresh_from_db()
    assert second.job.status == Job.Status.DONE
    assert second.job.result == {"cards": 2, "pages": 1, "print": second.pk}
    assert "file" not in second.job.result  # never the unlogged core download
    assert second.file == f"cards/{second.pk}.pdf"
    assert path == Path(settings.MEDIA_ROOT) / second.file
    assert len(_decode(path.read_bytes())[0]) == 2
    assert Card.objects.filter(membership=memberships[0]).count() == 2  # a reprint is a new card


@pytest.mark.django_db
def test_a_print_by_batch_and_the_refused_selections(members, programme_manager, bpn_2026) -> None:
    memberships = members(*THREE)
    number = memberships[0].application.batch_members.get().batch.number
    card_print = card_print_start(programme=bpn_2026, selection={"batch": number}, actor=programme_manager)
    assert card_print.cards.count() == 3
    for selection in (
        {},
        {"batch": number, "kelurahan": MANGGAR},
        {"batch": "BPN-2026-K999"},
        {"kelurahan": "64.71.06.1001"},
        {"ids": ["1"]},
        {"ids": [True]},
        {"ids": [999_999]},
        {"kelurahan": 64},
    ):
        with pytest.raises(DomainError):
            card_print_start(programme=bpn_2026, selection=selection, actor=programme_manager)


# The worker closes its database connections between tasks, as it must in production; so this test
# commits for real instead of running inside a rolled-back transaction.
@pytest.mark.django_db(transaction=True)
def test_the_page_starts_a_print_the_worker_renders_and_the_download_is_logged(
    members, programme_manager, bpn_2026, client_for: Callable[[User], Client]
) -> None:
    members(*THREE)
    client = client_for(programme_manager)
    index = client.get("/kepesertaan/BPN-2026/kartu/")
    assert index.status_code == 200
    assert MANGGAR in index.content.decode()
    response = client.post("/kepesertaan/BPN-2026/kartu/", {"by": "kelurahan", "kelurahan": MANGGAR})
    card_print = CardPrint.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/kepesertaan/BPN-2026/kartu/{card_print.pk}/"
    detail = client.get(response["Location"]).content.decode()
    assert 'id="job-progress"' in detail and "every 1s" in detail  # the shared progress fragment
    assert "card-pdf" not in detail
    assert client.get(f"/kepesertaan/BPN-2026/kartu/{card_print.pk}/unduh/").status_code == 404  # not yet

    call_command("worker", batch=True, interval=0.1)

    card_print.job.refresh_from_db()
    assert card_print.job.status == Job.Status.DONE, card_print.job.message
    fragment = client.get(f"/kepesertaan/BPN-2026/kartu/{card_print.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'id="card-pdf"' in fragment and "every 2s" not in fragment
    listing = client.get("/kepesertaan/BPN-2026/kartu/").content.decode()
    assert f"/kepesertaan/BPN-2026/kartu/{card_print.pk}/unduh/" in listing
    download = client.get(f"/kepesertaan/BPN-2026/kartu/{card_print.pk}/unduh/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    pdf = b"".join(download.streaming_content)  # type: ignore[attr-defined]
    assert len(_decode(pdf)[0]) == 2
    log = AccessLog.objects.get(what="card_print")
    assert log.actor == programme_manager and log.person_ref == f"card_print:{card_print.pk}"
    # The core job download is not a way around the log: the job names no file.
    assert client.get(f"/pekerjaan/{card_print.job_id}/unduh/").status_code == 404


@pytest.mark.django_db
def test_the_print_form_refuses_bad_input_without_a_server_error(
    members, programme_manager, client_for: Callable[[User], Client]
) -> None:
    memberships = members(*THREE)
    client = client_for(programme_manager)
    url = "/kepesertaan/BPN-2026/kartu/"
    for data in (
        {},
        {"by": "kelurahan"},
        {"by": "kelurahan", "kelurahan": "64.71.06.1001"},
        {"by": "batch", "batch": "nope"},
        {"by": "members", "kpj": ""},
        {"by": "members", "kpj": "99999999999"},
        {"by": "members", "kpj": "x" * 80_000},
        {"by": "teleport"},
    ):
        assert client.post(url, data).status_code == 400, data
    assert not CardPrint.objects.exists()
    chosen = f"{memberships[0].kpj}\n{memberships[2].kpj}, {memberships[0].kpj}"
    response = client.post(url, {"by": "members", "kpj": chosen})
    assert response.status_code == 302
    card_print = CardPrint.objects.get()
    assert {c.membership_id for c in card_print.cards.all()} == {memberships[0].pk, memberships[2].pk}
    # A double submission while the first is still queued follows the first print; no second set of cards.
    again = client.post(url, {"by": "members", "kpj": f"{memberships[2].kpj} {memberships[0].kpj}"})
    assert again.status_code == 302 and again["Location"] == f"{url}{card_print.pk}/"
    assert CardPrint.objects.count() == 1 and Card.objects.count() == 2
    assert client.get("/kepesertaan/BPN-2026/kartu/999999/").status_code == 404
    assert client.get("/kepesertaan/BPN-2026/kartu/999999/unduh/").status_code == 404
    assert client.get("/kepesertaan/NOPE-2026/kartu/").status_code == 404


# -- hand-over and the report ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_ceremony_hands_over_a_kelurahans_cards_once_and_the_report_counts_them(
    members, programme_manager, bpn_2026, client_for: Callable[[User], Client]
) -> None:
    memberships = members(*THREE)
    cards_issue(memberships=memberships, actor=programme_manager)
    cards_issue(memberships=memberships[:1], actor=programme_manager)  # Ahmad lost his card: a reprint
    client = client_for(programme_manager)
    url = "/kepesertaan/BPN-2026/kartu/serah-terima/"
    page = client.get(url).content.decode()
    assert "Manggar" in page and "Lamaru" in page
    ceremony = {
        "by": "kelurahan",
        "kelurahan": MANGGAR,
        "handed_on": timezone.localdate().isoformat(),
        "place": "Kantor Kelurahan Manggar",
        "handed_by": "Lurah Manggar",
        "received_by": "",
    }
    response = client.post(url, ceremony, follow=True)
    assert "Penyerahan 2 kartu dicatat; 0 kartu sudah diserahkan sebelumnya." in response.content.decode()
    again = client.post(url, ceremony, follow=True)
    assert "Penyerahan 0 kartu dicatat; 2 kartu sudah diserahkan sebelumnya." in again.content.decode()
    handed = Card.objects.filter(handed_on__isnull=False).select_related("membership__person")
    assert {c.membership_id for c in handed} == {memberships[0].pk, memberships[1].pk}
    assert all(c.received_by == c.membership.person.name and c.handed_by == "Lurah Manggar" for c in handed)
    newest = Card.objects.filter(membership=memberships[0]).order_by("-id").first()
    assert newest is not None and newest.handed_on is not None  # the reprint, not the lost card

    rows = {row.code: row for row in handover_report(bpn_2026)}
    assert (rows[MANGGAR].members, rows[MANGGAR].printed, rows[MANGGAR].handed, rows[MANGGAR].waiting) == (2, 3, 2, 1)
    assert (rows[LAMARU].printed, rows[LAMARU].handed, rows[LAMARU].waiting) == (1, 0, 1)
    report = client.get("/kepesertaan/BPN-2026/kartu/laporan/")
    assert report.status_code == 200
    html = report.content.decode()
    assert "Manggar" in html and "Lamaru" in html and 'id="totals"' in html
    for membership in memberships:
        assert membership.person.name not in html


@pytest.mark.django_db
def test_a_hand_over_by_card_number_with_someone_receiving_for_the_member(
    members, bpjs_liaison, programme_manager, client_for: Callable[[User], Client]
) -> None:
    memberships = members(*THREE)
    cards = cards_issue(memberships=memberships, actor=programme_manager)
    client = client_for(bpjs_liaison)  # BPJS liaisons hand cards over too
    response = client.post(
        "/kepesertaan/BPN-2026/kartu/serah-terima/",
        {
            "by": "cards",
            "cards": f"{cards[2].pk}",
            "handed_on": timezone.localdate().strftime("%d-%m-%Y"),
            "place": "Kantor Dinas Sosial",
            "handed_by": "Petugas Dinsos",
            "received_by": "Siti (istri)",
        },
    )
    assert response.status_code == 302
    cards[2].refresh_from_db()
    assert cards[2].received_by == "Siti (istri)" and cards[2].handover_recorded_by == bpjs_liaison
    assert not Card.objects.filter(pk__in=[cards[0].pk, cards[1].pk], handed_on__isnull=False).exists()


@pytest.mark.django_db
def test_the_hand_over_form_refuses_bad_input_without_a_server_error(
    members, programme_manager, client_for: Callable[[User], Client]
) -> None:
    memberships = members(*THREE)
    (card,) = cards_issue(memberships=memberships[2:], actor=programme_manager)
    client = client_for(programme_manager)
    url = "/kepesertaan/BPN-2026/kartu/serah-terima/"
    good = {
        "by": "cards",
        "cards": str(card.pk),
        "handed_on": timezone.localdate().isoformat(),
        "place": "Balai Kelurahan",
        "handed_by": "Lurah",
    }
    for change in (
        {"handed_on": "2999-01-01"},
        {"handed_on": "31-02-2026"},
        {"place": ""},
        {"place": "   "},
        {"handed_by": ""},
        {"cards": ""},
        {"cards": "12a"},
        {"cards": "999999"},
        {"cards": "9" * 40},
        {"by": "kelurahan", "kelurahan": MANGGAR},  # no card printed there yet
        {"by": "kelurahan", "kelurahan": "nowhere"},
        {"by": ""},
    ):
        response = client.post(url, {**good, **change})
        assert response.status_code == 400, change
    card.refresh_from_db()
    assert card.handed_on is None


# -- who may -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_only_the_funders_bpjs_and_programme_officers_reach_the_card_pages(
    members,
    programme_manager,
    bpn_2026,
    dppp_verifier,
    samarinda_officer,
    outsider,
    make_officer,
    samarinda,
    client_for: Callable[[User], Client],
) -> None:
    memberships = members(("Ahmad Fauzi", MANGGAR))
    card_print = card_print_start(programme=bpn_2026, selection={"kelurahan": MANGGAR}, actor=programme_manager)
    card_print_run(card_print)
    base = "/kepesertaan/BPN-2026/kartu/"
    urls = [base, f"{base}serah-terima/", f"{base}laporan/", f"{base}{card_print.pk}/", f"{base}{card_print.pk}/unduh/"]
    for officer in (dppp_verifier, samarinda_officer, outsider):
        client = client_for(officer)
        for url in urls:
            assert client.get(url).status_code == 403, (officer.username, url)
        assert client.post(base, {"by": "kelurahan", "kelurahan": MANGGAR}).status_code == 403
        assert client.post(f"{base}serah-terima/", {"by": "kelurahan", "kelurahan": MANGGAR}).status_code == 403
    other_manager = make_officer("smd_manager", Role.PROGRAMME_MANAGER, samarinda)
    for url in urls:
        assert client_for(other_manager).get(url).status_code == 404, url
    anonymous = Client()
    for url in urls:
        response = anonymous.get(url)
        assert response.status_code == 302, url
    assert CardPrint.objects.count() == 1
    assert not AccessLog.objects.filter(what="card_print").exists()
    with pytest.raises(DomainError):
        card_print_start(programme=bpn_2026, selection={"kelurahan": MANGGAR}, actor=dppp_verifier)
    assert memberships[0].cards.count() == 1


@pytest.mark.today("2026-11-24")
def test_cards_are_issued_and_handed_over_only_by_officers_of_the_programmes_funder(
    members,
    make_officer,
    samarinda,
    programme_manager,
    dppp_verifier,
):
    (membership,) = members(("Ahmad Fauzi", MANGGAR))
    other_manager = make_officer("smd_manager", Role.PROGRAMME_MANAGER, samarinda)
    for actor in (other_manager, dppp_verifier):
        with pytest.raises(PermissionDenied):
            cards_issue(memberships=[membership], actor=actor)
    (card,) = cards_issue(memberships=[membership], actor=programme_manager)
    handover = Handover(date(2026, 11, 20), "Kantor Kelurahan Manggar", "Lurah")
    for actor in (other_manager, dppp_verifier):
        with pytest.raises(PermissionDenied):
            cards_hand_over(cards=[card], handover=handover, actor=actor)
    card.refresh_from_db()
    assert card.handed_on is None
    assert cards_hand_over(cards=[card], handover=handover, actor=programme_manager) == 1


@pytest.mark.today("2026-11-24")
def test_the_card_url_is_the_public_check_page(members) -> None:
    (membership,) = members(("Ahmad Fauzi", MANGGAR))
    (card,) = cards_issue(memberships=[membership], actor=Actor.system("sistem"))
    url = card_check_url(card, base_url="https://jaring.example/")
    assert url.startswith("https://jaring.example/kartu/") and url.endswith("/")
    assert card_from_token(url.removeprefix("https://jaring.example/kartu/").rstrip("/")) == card


@pytest.mark.today("2026-11-24")
def test_a_member_who_moved_stays_in_the_kelurahan_of_their_application(
    members,
    bpn_2026,
    programme_manager,
):
    ahmad, citra = members(("Ahmad Fauzi", MANGGAR), ("Citra Lestari", LAMARU))
    Person.objects.filter(pk=ahmad.person_id).update(kelurahan_id=LAMARU)  # moved after joining
    assert [k.code for k in active_member_kelurahans(bpn_2026)] == [LAMARU, MANGGAR]
    assert {k.code: k.count for k in active_member_kelurahans(bpn_2026)} == {MANGGAR: 1, LAMARU: 1}
    assert dict(kelurahan_choices(bpn_2026, programme_manager)).keys() == {MANGGAR, LAMARU}
    assert list(selection_memberships(bpn_2026, {"kelurahan": MANGGAR})) == [ahmad]
    cards_issue(memberships=[ahmad, citra], actor=programme_manager)
    assert {k.code: k.count for k in card_kelurahans(bpn_2026)} == {MANGGAR: 1, LAMARU: 1}
    cards, _unknown = cards_to_hand_over(bpn_2026, kelurahan=MANGGAR)
    assert [c.membership_id for c in cards] == [ahmad.pk]
    report = {row.code: (row.members, row.printed) for row in handover_report(bpn_2026)}
    assert report == {MANGGAR: (1, 1), LAMARU: (1, 1)}
