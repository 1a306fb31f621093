"""The officer pages of claims and the family's public report: what each persona sees and may do, and that every
page showing a member's or heir's data is in the access log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from jaring.claims.bpjs_services import claim_record_payment, claim_submit
from jaring.claims.document_services import claim_document_add
from jaring.claims.models import Claim
from jaring.claims.services import claim_report
from jaring.claims.states import ClaimStatus
from jaring.core.models import AccessLog, User
from jaring.enrolment.models import Membership
from tests.claims.conftest import ANISA, DEATH, DINA, JKM_PAPERS, PDF, RAFI, SITI, upload
from tests.helpers.reference import partner_of

pytestmark = pytest.mark.today("2026-11-03")

LIST = "/klaim/"
REPORT = "/klaim/lapor/"
PUBLIC = "/lapor-klaim/"


def page(claim: Claim) -> str:
    return f"/klaim/{claim.number}/"


def a_case(membership: Membership, actor: User | str, **given: object) -> Claim:
    values: dict[str, object] = {
        "kind": "jkm",
        "event_date": DEATH,
        "reported_by": "Siti Aminah (istri)",
        "channel": "officer",
        "heirs": [SITI],
        "children": [ANISA, RAFI, DINA],
    }
    values.update(given)
    return claim_report(membership=membership, actor=actor, **values)  # type: ignore[arg-type]


# -- the list -------------------------------------------------------------------------------------------------


def test_the_office_lists_its_cases_with_the_overdue_flag_and_the_list_is_logged(
    member: Callable[..., Membership], registration_officer: User, client_for: Callable[[User], Client]
) -> None:
    import time_machine

    from tests.conftest import morning_of

    claim = a_case(member("Ahmad Nelayan", bpjs_since=date(2022, 1, 1)), registration_officer)
    for kind in JKM_PAPERS:
        claim_document_add(claim=claim, upload=upload(kind), actor=registration_officer)
    claim_submit(claim=claim, actor=registration_officer)
    other = a_case(member("Budi Nelayan"), registration_officer, kind="jkk_injury", heirs=[], children=[])
    client = client_for(registration_officer)

    html = client.get(LIST).content.decode()
    assert claim.number in html and other.number in html and "Ahmad Nelayan" in html
    assert "BPJS bayar paling lambat 6 Nov 2026" in html
    assert AccessLog.objects.filter(what="claim_list", actor=registration_officer).count() == 2

    with time_machine.travel(morning_of("2026-11-10"), tick=True):
        client = client_for(registration_officer)  # a session lasts a working day
        late = client.get(LIST, {"terlambat": "1"}).content.decode()
    assert claim.number in late and other.number not in late
    assert "BPJS terlambat membayar" in late


def test_a_search_by_nik_is_posted_never_put_in_the_address(
    member: Callable[..., Membership], registration_officer: User, client_for: Callable[[User], Client]
) -> None:
    membership = member()
    claim = a_case(membership, registration_officer)
    client = client_for(registration_officer)
    answer = client.post(LIST, {"q": membership.person.nik})
    assert answer.status_code == 302 and membership.person.nik not in answer["Location"]
    assert claim.number in client.get(answer["Location"]).content.decode()


def test_the_kelurahan_operator_sees_the_cases_of_their_kelurahan_only(
    member: Callable[..., Membership],
    lamaru_member: Membership,
    registration_officer: User,
    kelurahan_operator_manggar: User,
    client_for: Callable[[User], Client],
) -> None:
    mine = a_case(member(), registration_officer)
    theirs = a_case(lamaru_member, registration_officer)
    client = client_for(kelurahan_operator_manggar)
    html = client.get(LIST).content.decode()
    assert mine.number in html and theirs.number not in html
    assert client.get(page(theirs)).status_code == 404


def test_outsiders_are_refused(
    member: Callable[..., Membership],
    registration_officer: User,
    samarinda_officer: User,
    outsider: User,
    dppp_verifier: User,
    client_for: Callable[[User], Client],
) -> None:
    claim = a_case(member(), registration_officer)
    samarinda = client_for(samarinda_officer)
    assert claim.number not in samarinda.get(LIST).content.decode()
    assert samarinda.get(page(claim)).status_code == 404
    assert client_for(outsider).get(LIST).status_code == 403
    assert client_for(dppp_verifier).get(page(claim)).status_code == 403
    assert not AccessLog.objects.filter(actor__in=[samarinda_officer, outsider, dppp_verifier]).exists()
    assert Client().get(LIST).status_code == 302  # to the log-in


# -- reporting from the pages ----------------------------------------------------------------------------------


def test_an_officer_finds_the_member_by_kpj_and_reports_the_case(
    member: Callable[..., Membership], registration_officer: User, client_for: Callable[[User], Client]
) -> None:
    membership = member("Ahmad Nelayan", bpjs_since=date(2022, 1, 1))
    client = client_for(registration_officer)
    found = client.get(client.post(REPORT, {"q": membership.kpj})["Location"]).content.decode()
    assert "Ahmad Nelayan" in found and f"/klaim/lapor/{membership.pk}/" in found

    form = f"/klaim/lapor/{membership.pk}/"
    assert client.get(form).status_code == 200
    answer = client.post(
        form,
        {
            "kind": "jkm",
            "event_date": "2026-10-02",
            "reported_by": "Siti Aminah (istri)",
            "heirs_0_nama": "Siti Aminah",
            "heirs_0_nik": "6471014507880002",
            "heirs_0_hubungan": "istri",
            "children_0_nama": "Rafi",
            "children_0_tanggal_lahir": "2015-04-01",
            "children_0_jenjang": "sd",
        },
    )
    claim = Claim.objects.get()
    assert answer.status_code == 302 and answer["Location"] == page(claim)
    assert claim.heirs.get().name == "Siti Aminah" and claim.children.get().eligible
    assert AccessLog.objects.filter(what="claim_report_form", person_ref=str(membership.person_id)).exists()


def test_a_report_form_with_a_wrong_heir_nik_says_so_beside_that_row(
    member: Callable[..., Membership], registration_officer: User, client_for: Callable[[User], Client]
) -> None:
    membership = member()
    answer = client_for(registration_officer).post(
        f"/klaim/lapor/{membership.pk}/",
        {
            "kind": "jkm",
            "event_date": "2026-10-02",
            "reported_by": "ahli waris",
            # The first row is left empty: the error must land on the third row, where the NIK was typed.
            "heirs_1_nama": "Siti Aminah",
            "heirs_1_nik": "6471014507880002",
            "heirs_1_hubungan": "istri",
            "heirs_2_nama": "Rafi",
            "heirs_2_nik": "6471013204150004",
            "heirs_2_hubungan": "anak",
        },
    )
    assert answer.status_code == 400
    errors = answer.context["form"].errors
    assert list(errors) == ["heirs_2_nik"] and "tanggal lahir" in errors["heirs_2_nik"][0]
    assert not Claim.objects.exists()


def test_the_same_case_reported_again_from_the_page_links_to_the_first(
    member: Callable[..., Membership], registration_officer: User, client_for: Callable[[User], Client]
) -> None:
    membership = member()
    first = a_case(membership, partner_of(membership.programme.funder, "Kelurahan", "claims"))
    answer = client_for(registration_officer).post(
        f"/klaim/lapor/{membership.pk}/", {"kind": "jkm", "event_date": "2026-10-02", "reported_by": "Disnaker"}
    )
    assert answer.status_code == 409 and page(first) in answer.content.decode()


# -- the case page --------------------------------------------------------------------------------------------


def test_the_case_page_shows_each_benefit_item_the_heirs_in_order_and_the_children_and_is_logged(
    member: Callable[..., Membership], registration_officer: User, client_for: Callable[[User], Client]
) -> None:
    from jaring.claims.services import HeirIn

    membership = member("Ahmad Nelayan", bpjs_since=date(2022, 1, 1))
    heirs = [HeirIn("Sumiati", "6471016003550001", "orang_tua"), SITI]
    claim = a_case(membership, registration_officer, heirs=heirs)
    html = client_for(registration_officer).get(page(claim)).content.decode()
    for text in ("Santunan sekaligus", "20000000", "Biaya pemakaman", "42000000", "Dalam perlindungan."):
        assert text in html, text
    assert html.index("Siti Aminah") < html.index("Sumiati")
    assert "Tidak, ada golongan sebelumnya" in html
    assert "paling banyak untuk 2 anak" in html  # Dina's reason
    assert membership.person.nik in html and "6471014507880002" in html
    assert AccessLog.objects.filter(what="claim_detail", person_ref=str(membership.person_id)).count() == 1


def test_documents_are_uploaded_on_the_page_and_served_sandboxed_each_opening_logged(
    member: Callable[..., Membership], registration_officer: User, client_for: Callable[[User], Client]
) -> None:
    claim = a_case(member(), registration_officer)
    client = client_for(registration_officer)
    answer = client.post(
        f"/klaim/{claim.number}/dokumen/",
        {"dokumen-kind": "akta_kematian", "dokumen-file": SimpleUploadedFile("akta.pdf", PDF, "application/pdf")},
    )
    assert answer.status_code == 302
    document = claim.documents.get()
    served = client.get(f"/klaim/{claim.number}/dokumen/{document.pk}/")
    assert served.status_code == 200 and b"".join(served.streaming_content) == PDF  # type: ignore[attr-defined]
    assert served["Content-Security-Policy"].startswith("sandbox") and "attachment" in served["Content-Disposition"]
    assert AccessLog.objects.filter(what="claim_document:akta_kematian").count() == 1
    refused = client.post(
        f"/klaim/{claim.number}/dokumen/",
        {"dokumen-kind": "kartu_keluarga", "dokumen-file": SimpleUploadedFile("kk.html", b"<script>", "text/html")},
        follow=True,
    )
    assert "Jenis berkas tidak diterima" in refused.content.decode() and claim.documents.count() == 1


def test_the_office_takes_the_case_to_bpjs_records_the_payment_and_the_ceremony_from_the_page(
    member: Callable[..., Membership], registration_officer: User, client_for: Callable[[User], Client]
) -> None:
    claim = a_case(member(), registration_officer)
    client = client_for(registration_officer)
    refused = client.post(page(claim), {"tindakan": "ajukan"}, follow=True).content.decode()
    assert "Dokumen belum lengkap" in refused
    for kind in JKM_PAPERS:
        claim_document_add(claim=claim, upload=upload(kind), actor=registration_officer)
    client.post(page(claim), {"tindakan": "ajukan"})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED_TO_BPJS and claim.bpjs_pays_by == date(2026, 11, 6)
    client.post(page(claim), {"tindakan": "bayar", "bayar-amount": "42000000", "bayar-paid_on": "2026-11-03"})
    client.post(
        page(claim),
        {
            "tindakan": "serahkan",
            "serahkan-handed_on": "2026-11-03",
            "serahkan-place": "Balai Kota Balikpapan",
            "serahkan-handed_by": "Wali Kota Balikpapan",
            "serahkan-received_by": "Siti Aminah",
        },
    )
    claim.refresh_from_db()
    assert (claim.status, claim.paid_amount, claim.handed_at_place) == (
        ClaimStatus.PAID,
        42_000_000,
        "Balai Kota Balikpapan",
    )


def test_the_kelurahan_operator_adds_papers_but_cannot_send_the_case_to_bpjs(
    member: Callable[..., Membership], kelurahan_operator_manggar: User, client_for: Callable[[User], Client]
) -> None:
    claim = a_case(member(), kelurahan_operator_manggar)
    client = client_for(kelurahan_operator_manggar)
    html = client.get(page(claim)).content.decode()
    assert 'value="ajukan"' not in html and 'id="upload"' in html
    assert client.post(page(claim), {"tindakan": "ajukan"}).status_code == 403


def test_children_whose_yearly_scholarship_claim_is_due_are_listed(
    member: Callable[..., Membership],
    registration_officer: User,
    bpjs_liaison: User,
    client_for: Callable[[User], Client],
) -> None:
    from jaring.claims.scholarship import scholarship_year_claim

    claim = a_case(member(bpjs_since=date(2022, 1, 1)), registration_officer)
    for kind in JKM_PAPERS:
        claim_document_add(claim=claim, upload=upload(kind), actor=registration_officer)
    claim = claim_submit(claim=claim, actor=registration_officer)
    claim_record_payment(claim=claim, amount=42_000_000, paid_on=date(2026, 11, 3), actor=bpjs_liaison)
    due = client_for(registration_officer).get("/klaim/beasiswa/").content.decode()
    assert "Anisa" in due and "Rafi" in due and "Dina" not in due

    anisa = claim.children.get(name="Anisa")
    with pytest.raises(Exception, match="bukti masih sekolah"):
        scholarship_year_claim(child=anisa, school_year=2026, level="smp", actor=registration_officer)
    claim_document_add(claim=claim, upload=upload("bukti_sekolah"), child=anisa, actor=registration_officer)
    year = scholarship_year_claim(child=anisa, school_year=2026, level="smp", actor=registration_officer)
    assert year.amount == 2_000_000
    anisa.refresh_from_db()
    assert anisa.next_claim_due == date(2027, 11, 3)
    due = client_for(registration_officer).get("/klaim/beasiswa/").content.decode()
    assert "Anisa" not in due and "Rafi" in due


# -- the family's report ---------------------------------------------------------------------------------------


def public_form(membership: Membership, **given: str) -> dict[str, str]:
    values = {
        "kpj": membership.kpj,
        "nik": membership.person.nik,
        "kind": "jkm",
        "event_date": "2026-10-02",
        "reporter_name": "Siti Aminah",
        "relationship": "istri",
        "reporter_phone": "0812-5555-0101",
    }
    values.update(given)
    return values


def test_a_family_reports_a_death_with_the_kpj_and_the_nik_and_an_officer_takes_it_up(
    member: Callable[..., Membership], registration_officer: User, client_for: Callable[[User], Client]
) -> None:
    membership = member()
    client = Client()
    answer = client.post(PUBLIC, public_form(membership))
    assert answer.status_code == 302
    done = client.get(answer["Location"]).content.decode()
    claim = Claim.objects.get()
    assert claim.number in done and "Akta kematian" in done
    assert "42000000" not in done and "perlindungan" not in done  # cover and benefit are the officer's to tell
    assert claim.status == ClaimStatus.REPORTED and claim.reported_by == "Siti Aminah (Istri)"
    assert claim.reporter_phone == "+6281255550101"

    officer = client_for(registration_officer)
    officer.post(page(claim), {"tindakan": "terima"})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DOCUMENTS_INCOMPLETE


def test_a_kpj_with_someone_elses_nik_is_refused_without_saying_which_is_wrong(
    member: Callable[..., Membership],
) -> None:
    membership, other = member(), member("Budi")
    answer = Client().post(PUBLIC, public_form(membership, nik=other.person.nik))
    assert answer.status_code == 404 and "tidak cocok" in answer.content.decode()
    assert not Claim.objects.exists()


def test_a_family_reporting_again_is_told_the_number_already_given(member: Callable[..., Membership]) -> None:
    membership = member()
    first = a_case(membership, partner_of(membership.programme.funder, "Kelurahan", "claims"))
    answer = Client().post(PUBLIC, public_form(membership))
    assert answer.status_code == 409 and first.number in answer.content.decode()


def test_the_public_form_refuses_bots_and_floods(member: Callable[..., Membership], settings: object) -> None:
    membership = member()
    assert Client().post(PUBLIC, {**public_form(membership), "situs_web": "http://spam"}).status_code == 400
    settings.PUBLIC_SUBMISSIONS_PER_HOUR = 2  # type: ignore[attr-defined]
    client = Client()
    codes = [client.post(PUBLIC, public_form(membership, kpj="1")).status_code for _ in range(3)]
    assert codes == [400, 400, 429]
