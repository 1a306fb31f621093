"""A case per event, judged at once: coverage, the benefit reference, the scholarship, the heirs' legal order;
then its documents, its way to BPJS, the payment and the hand-over. Through the services, with the personas."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from jaring.allocation.models import EndReason, Place
from jaring.claims.bpjs_services import Handover, claim_hand_over, claim_record_payment, claim_submit, claim_withdraw
from jaring.claims.document_services import claim_document_add
from jaring.claims.models import Claim, ClaimDocument, ScholarshipChild
from jaring.claims.selectors import documents_missing, flags_of
from jaring.claims.services import DuplicateClaim, HeirIn, claim_report
from jaring.claims.states import ClaimStatus
from jaring.core.errors import Conflict, DomainError, PermissionDenied
from jaring.core.models import AuditRecord, User
from jaring.enrolment.models import Membership
from jaring.programmes.models import Programme
from jaring.registry.states import ApplicationStatus, Transition
from tests.claims.conftest import ANISA, DEATH, DINA, JKM_PAPERS, PDF_WITH_SCRIPT, RAFI, SITI, upload
from tests.helpers.reference import TESTS, partner_of

pytestmark = pytest.mark.today("2026-11-03")

S = ClaimStatus


def report(membership: Membership, actor: User | str, **given: object) -> Claim:
    values: dict[str, object] = {
        "kind": "jkm",
        "event_date": DEATH,
        "reported_by": "ahli waris",
        "channel": "officer",
        "heirs": [SITI],
        "children": [ANISA, RAFI],
    }
    values.update(given)
    return claim_report(membership=membership, actor=actor, **values)  # type: ignore[arg-type]


def items(claim: Claim) -> dict[str, int | None]:
    return {item.item: item.amount for item in claim.items.all()}


def eligible_children(claim: Claim) -> list[str]:
    return list(claim.children.filter(eligible=True).order_by("position").values_list("name", flat=True))


# -- the Done-when cases -------------------------------------------------------------------------------------


def test_a_jkm_death_after_four_years_is_forty_two_million_with_a_scholarship_for_two_children(
    member: Callable[..., Membership], registration_officer: User
) -> None:
    membership = member("Ahmad Nelayan", bpjs_since=date(2022, 9, 1))
    claim = report(membership, registration_officer, children=[ANISA, RAFI, DINA])

    assert claim.number == "KLM-BPN-2026-000001"
    assert claim.status == S.DOCUMENTS_INCOMPLETE
    assert claim.covered, claim.coverage_reason
    assert "dalam perlindungan pada 02-10-2026" in claim.coverage_reason
    assert items(claim) == {
        "santunan_sekaligus": 20_000_000,
        "santunan_berkala": 12_000_000,
        "biaya_pemakaman": 10_000_000,
    }
    assert sum(items(claim).values()) == 42_000_000  # type: ignore[arg-type]

    assert claim.scholarship_eligible
    assert "49 bulan" in claim.scholarship_reason and "paling sedikit 36 bulan" in claim.scholarship_reason
    assert eligible_children(claim) == ["Anisa", "Rafi"]
    dina = claim.children.get(name="Dina")
    assert not dina.eligible
    assert "paling banyak untuk 2 anak" in dina.reason and "anak ke-3" in dina.reason
    # The first school year is claimed with the case; nothing is due for the child passed over.
    assert claim.children.get(name="Anisa").next_claim_due == date(2026, 11, 3)
    assert dina.next_claim_due is None


def test_a_jkm_death_after_two_years_gives_no_scholarship_and_says_why(
    member: Callable[..., Membership], registration_officer: User
) -> None:
    membership = member(bpjs_since=date(2024, 9, 1))
    claim = report(membership, registration_officer)
    assert claim.covered and sum(items(claim).values()) == 42_000_000  # type: ignore[arg-type]
    assert not claim.scholarship_eligible
    assert "Peserta BPJS sejak 01-09-2024: 25 bulan (2 tahun 1 bulan)" in claim.scholarship_reason
    assert "paling sedikit 36 bulan (3 tahun)" in claim.scholarship_reason
    assert eligible_children(claim) == []


def test_member_since_counts_from_the_earliest_the_branch_said(
    member: Callable[..., Membership], registration_officer: User
) -> None:
    """The answer of this year's batch says 2026, but the branch's participant list knows the person since 2021."""
    from jaring.core.models import Funder
    from jaring.eligibility.models import ExistingParticipant, ParticipantList

    membership = member()
    source = ParticipantList.objects.create(
        funder=Funder.objects.get(code="balikpapan"), file_name="x", file_sha256="x"
    )
    ExistingParticipant.objects.create(
        nik=membership.person.nik, kpj=membership.kpj, status="nonaktif", member_since=date(2021, 3, 1), source=source
    )
    claim = report(membership, registration_officer)
    assert claim.member_since == date(2021, 3, 1) and claim.scholarship_eligible


def test_a_work_accident_death_is_forty_eight_times_the_basis_and_its_scholarship_needs_no_three_years(
    member: Callable[..., Membership], registration_officer: User
) -> None:
    membership = member(bpjs_since=date(2026, 1, 1))  # ten months a member
    claim = report(membership, registration_officer, kind="jkk_death", heirs=[SITI])
    assert claim.covered and claim.income_basis == 1_000_000
    assert items(claim) == {
        "santunan_kematian": 48_000_000,
        "santunan_berkala": 12_000_000,
        "biaya_pemakaman": 10_000_000,
    }
    assert claim.scholarship_eligible and "tanpa syarat masa iuran" in claim.scholarship_reason
    assert eligible_children(claim) == ["Anisa", "Rafi"]
    assert claim.jkk_lapses_on == date(2031, 10, 2)
    # Over Rp50 jt: the heir's NPWP; a work accident: the accident report and the doctor's statement.
    assert {"npwp", "laporan_kecelakaan", "surat_keterangan_dokter"} <= set(documents_missing(claim))


def test_a_death_in_a_month_not_covered_has_no_benefit_and_says_why(
    member: Callable[..., Membership], registration_officer: User, payments_followed: object
) -> None:
    """Nothing paid since January: three months unpaid made the membership non-active on 16 March."""
    membership = member(bpjs_since=date(2020, 1, 1))
    claim = report(membership, registration_officer, event_date=date(2026, 5, 10))
    assert not claim.covered
    assert "tidak dalam perlindungan pada 10-05-2026" in claim.coverage_reason
    assert "Nonaktif sejak 16-03-2026" in claim.coverage_reason and "belum dibayar" in claim.coverage_reason
    assert items(claim) == {}
    assert not claim.scholarship_eligible and "tidak termasuk perlindungan" in claim.scholarship_reason
    # It cannot go to BPJS, whatever papers come.
    for kind in JKM_PAPERS:
        claim_document_add(claim=claim, upload=upload(kind), actor=registration_officer)
    with pytest.raises(DomainError) as refused:
        claim_submit(claim=claim, actor=registration_officer)
    assert refused.value.field == "covered" and "Nonaktif sejak 16-03-2026" in refused.value.message


def test_a_death_before_the_cover_began_is_not_covered(
    member: Callable[..., Membership], registration_officer: User
) -> None:
    membership = member(starts=date(2026, 11, 1))
    claim = report(membership, registration_officer)
    assert not claim.covered and "belum mulai" in claim.coverage_reason


def test_heirs_are_kept_in_the_legal_order(member: Callable[..., Membership], registration_officer: User) -> None:
    heirs = [
        HeirIn("Sumiati", "6471016003550001", "orang_tua"),
        HeirIn("Andi", "6471011204900003", "saudara_kandung"),
        HeirIn("Rafi", "6471010104150004", "anak"),
        HeirIn("Harun", "6471010101500005", "mertua"),
        SITI,
    ]
    claim = report(member(), registration_officer, heirs=heirs)
    ordered = list(claim.heirs.values_list("name", "rank"))
    assert ordered == [("Rafi", 1), ("Siti Aminah", 1), ("Sumiati", 2), ("Andi", 3), ("Harun", 4)]


def test_an_heir_with_a_wrong_nik_is_refused_naming_the_field(
    member: Callable[..., Membership], registration_officer: User
) -> None:
    membership = member()
    bad = [SITI, HeirIn("Rafi", "6471013204150004", "anak"), HeirIn("Budi", membership.person.nik, "saudara_kandung")]
    with pytest.raises(DomainError) as refused:
        report(membership, registration_officer, heirs=bad)
    assert set(refused.value.errors) == {"heirs.1.nik", "heirs.2.nik"}
    assert "tanggal lahir" in refused.value.errors["heirs.1.nik"][0]
    assert "sama dengan NIK peserta" in refused.value.errors["heirs.2.nik"][0]
    assert not Claim.objects.exists()


def test_a_missing_document_keeps_the_case_from_bpjs_until_it_comes(
    member: Callable[..., Membership], registration_officer: User
) -> None:
    claim = report(member(), registration_officer)
    for kind in JKM_PAPERS:
        if kind != "surat_keterangan_ahli_waris":
            claim_document_add(claim=claim, upload=upload(kind), actor=registration_officer)
    assert documents_missing(claim) == ["surat_keterangan_ahli_waris"]
    with pytest.raises(DomainError) as refused:
        claim_submit(claim=claim, actor=registration_officer)
    assert refused.value.message == "Dokumen belum lengkap: Surat keterangan ahli waris."
    claim_document_add(claim=claim, upload=upload("surat_keterangan_ahli_waris"), actor=registration_officer)
    claim = claim_submit(claim=claim, actor=registration_officer)
    assert claim.status == S.SUBMITTED_TO_BPJS
    # Tuesday 3 November: Wednesday, Thursday, Friday.
    assert claim.bpjs_pays_by == date(2026, 11, 6)


def test_a_document_is_checked_by_its_bytes_like_an_applications(
    member: Callable[..., Membership], registration_officer: User
) -> None:
    claim = report(member(), registration_officer)
    with pytest.raises(DomainError) as refused:
        claim_document_add(claim=claim, upload=upload("akta_kematian", PDF_WITH_SCRIPT), actor=registration_officer)
    assert refused.value.field == "file" and "JavaScript" in refused.value.message
    with pytest.raises(DomainError):
        claim_document_add(claim=claim, upload=upload("akta_kematian", b"<html>"), actor=registration_officer)
    assert not ClaimDocument.objects.exists()


@pytest.mark.today("2031-11-03")
def test_a_jkk_claim_lapses_five_years_after_the_accident(
    member: Callable[..., Membership], registration_officer: User
) -> None:
    membership = member()
    with pytest.raises(DomainError) as refused:
        report(membership, registration_officer, kind="jkk_injury", event_date=date(2026, 10, 2), heirs=[], children=[])
    assert refused.value.field == "event_date"
    assert "gugur 5 tahun sesudah kecelakaan" in refused.value.message and "02-10-2031" in refused.value.message
    # A later accident is still within its five years.
    claim = report(
        membership, registration_officer, kind="jkk_injury", event_date=date(2026, 11, 4), heirs=[], children=[]
    )
    assert claim.jkk_lapses_on == date(2031, 11, 4)
    assert flags_of(claim).jkk_lapsing and not flags_of(claim).jkk_lapsed


@pytest.mark.today("2026-11-03")
def test_a_jkk_case_prepared_past_its_lapse_is_flagged_and_cannot_go_to_bpjs(
    member: Callable[..., Membership], registration_officer: User
) -> None:
    import time_machine

    from tests.conftest import morning_of

    claim = report(member(), registration_officer, kind="jkk_injury", heirs=[], children=[])
    for kind in ("kartu_peserta", "ktp_peserta", "laporan_kecelakaan", "surat_keterangan_dokter", "buku_tabungan"):
        claim_document_add(claim=claim, upload=upload(kind), actor=registration_officer)
    with time_machine.travel(morning_of("2031-10-05"), tick=True):
        assert flags_of(claim).jkk_lapsed
        with pytest.raises(DomainError) as refused:
            claim_submit(claim=claim, actor=registration_officer)
        assert "sudah gugur pada 02-10-2031" in refused.value.message


def test_a_repeated_report_is_the_same_case(member: Callable[..., Membership], registration_officer: User) -> None:
    membership = member()
    first = report(membership, registration_officer)
    with pytest.raises(DuplicateClaim) as again:
        report(
            membership, partner_of(membership.programme.funder, "Kelurahan Manggar", "claims"), heirs=[], children=[]
        )
    assert again.value.number == first.number and again.value.status_code == 409
    # Another kind of case for the same day is another case; a withdrawn report does not block a new one.
    report(membership, registration_officer, kind="jkk_death")
    claim_withdraw(claim=first, reason="Salah lapor: jenis klaimnya JKK", actor=registration_officer)
    assert report(membership, registration_officer).number == "KLM-BPN-2026-000003"


# -- the death ends the membership, once -------------------------------------------------------------------


def test_the_death_certificate_ends_the_membership_once_and_frees_the_place_for_the_waitlist(
    member: Callable[..., Membership],
    registration_officer: User,
    bpn_2026: Programme,
    make_application: Callable[..., object],
) -> None:
    from jaring.registry.services import application_transition

    membership = member()
    bpn_2026.quota = Place.objects.filter(programme=bpn_2026, status=Place.Status.ACTIVE).count()
    bpn_2026.save()
    waiting = make_application(bpn_2026, status="awaiting_verification", name="Dewi Menunggu")
    waiting = application_transition(application=waiting, transition=Transition.WAITLIST, actor=TESTS)

    claim = report(membership, registration_officer)
    claim_document_add(claim=claim, upload=upload("kartu_peserta"), actor=registration_officer)
    membership.refresh_from_db()
    assert membership.status == Membership.Status.ACTIVE  # a report alone ends nothing

    claim_document_add(claim=claim, upload=upload("akta_kematian"), actor=registration_officer)
    membership.refresh_from_db()
    assert membership.status == Membership.Status.ENDED and membership.end_reason == EndReason.DIED
    assert membership.status_since == DEATH and membership.ends == date(2026, 10, 31)
    waiting.refresh_from_db()  # type: ignore[attr-defined]
    assert waiting.status == ApplicationStatus.APPROVED  # type: ignore[attr-defined]

    # A second certificate (a clearer scan) ends nothing again.
    claim_document_add(
        claim=claim, upload=upload("akta_kematian", b"%PDF-1.4\nclearer\n%%EOF\n"), actor=registration_officer
    )
    assert membership.events.filter(to_status=Membership.Status.ENDED).count() == 1
    assert AuditRecord.objects.filter(action="claim.membership_end").count() == 1
    ended = AuditRecord.objects.get(action="membership.ended")
    assert claim.number in ended.actor_label and "registration_officer" in ended.actor_label


# -- BPJS pays; the benefit is handed over ------------------------------------------------------------------


def submitted(claim: Claim, actor: User) -> Claim:
    for kind in JKM_PAPERS:
        claim_document_add(claim=claim, upload=upload(kind), actor=actor)
    return claim_submit(claim=claim, actor=actor)


def test_what_bpjs_paid_and_the_ceremony_at_the_balai_kota(
    member: Callable[..., Membership], registration_officer: User, bpjs_liaison: User
) -> None:
    claim = submitted(report(member(), registration_officer), registration_officer)
    with pytest.raises(Conflict):
        claim_hand_over(
            claim=claim,
            handover=Handover(date(2026, 11, 3), "Balai Kota Balikpapan", "Wali Kota Balikpapan", "Siti Aminah"),
            actor=registration_officer,
        )
    claim = claim_record_payment(
        claim=claim, amount=42_000_000, paid_on=date(2026, 11, 3), reference="JKM/BPN/2026/771", actor=bpjs_liaison
    )
    assert claim.status == S.PAID and claim.paid_amount == 42_000_000
    claim = claim_hand_over(
        claim=claim,
        handover=Handover(date(2026, 11, 3), "Balai Kota Balikpapan", "Wali Kota Balikpapan", "Siti Aminah"),
        actor=registration_officer,
    )
    assert (claim.handed_at_place, claim.received_by) == ("Balai Kota Balikpapan", "Siti Aminah")
    with pytest.raises(Conflict):
        claim_hand_over(
            claim=claim,
            handover=Handover(date(2026, 11, 3), "Balai Kota Balikpapan", "Wali Kota", "Siti"),
            actor=registration_officer,
        )
    actions = list(
        AuditRecord.objects.filter(target_id=str(claim.pk), target_type="claims.claim").values_list(
            "action", "actor_label"
        )
    )
    assert ("claim.record_payment", "bpjs_liaison") in actions and (
        "claim.hand_over",
        "registration_officer",
    ) in actions


def test_a_complete_jkm_claim_unpaid_after_three_working_days_is_overdue(
    member: Callable[..., Membership], registration_officer: User
) -> None:
    import time_machine

    from tests.conftest import morning_of

    claim = submitted(report(member(), registration_officer), registration_officer)
    assert not flags_of(claim).overdue
    with time_machine.travel(morning_of("2026-11-06"), tick=True):
        assert not flags_of(claim).bpjs_late
    with time_machine.travel(morning_of("2026-11-09"), tick=True):
        assert flags_of(claim).bpjs_late and flags_of(claim).overdue


# -- who may ------------------------------------------------------------------------------------------------


def test_the_kelurahan_operator_reports_for_their_own_kelurahan_only(
    member: Callable[..., Membership], lamaru_member: Membership, kelurahan_operator_manggar: User
) -> None:
    claim = report(member(), kelurahan_operator_manggar)
    assert claim.created_by == kelurahan_operator_manggar
    with pytest.raises(PermissionDenied):
        report(lamaru_member, kelurahan_operator_manggar)
    # Reporting is theirs; taking the case to BPJS is the office's.
    with pytest.raises(PermissionDenied):
        claim_submit(claim=claim, actor=kelurahan_operator_manggar)


def test_officers_of_another_funder_and_roles_without_claims_are_refused(
    member: Callable[..., Membership],
    registration_officer: User,
    samarinda_officer: User,
    outsider: User,
    dppp_verifier: User,
    leadership: User,
) -> None:
    membership = member()
    for stranger in (samarinda_officer, outsider, dppp_verifier, leadership):
        with pytest.raises(PermissionDenied):
            report(membership, stranger)
    claim = report(membership, registration_officer)
    for stranger in (samarinda_officer, outsider, dppp_verifier):
        with pytest.raises(PermissionDenied):
            claim_document_add(claim=claim, upload=upload("kartu_peserta"), actor=stranger)
    assert not ScholarshipChild.objects.filter(claim__created_by=samarinda_officer).exists()
