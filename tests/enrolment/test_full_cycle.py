"""Issue 6, done when: a full cycle runs in one test. Approved places, the batch file, the branch's answer with
accepted, rejected and unknown rows, active members with their KPJ, the card PDF and its hand-over, a death that
ends a membership and frees the place for the next on the waitlist, the yearly re-verification into next year's
programme, and next year's SK list showing who continues and who is dropped, with the reason for each."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from jaring.allocation.decrees.services import decree_generate, decree_sign
from jaring.allocation.models import DecreeEntry, EndReason, Place
from jaring.allocation.services import programme_quota_set, waitlist_of
from jaring.core.models import AccessLog, Funder, MinimumWage, User
from jaring.eligibility.models import DocumentKind
from jaring.eligibility.services import rule_version_create
from jaring.enrolment.answers import answer_import
from jaring.enrolment.batches.files import batch_xlsx
from jaring.enrolment.cards.pdf import cards_pdf
from jaring.enrolment.models import Batch, Card, Membership, ResponseImport
from jaring.enrolment.selectors import member_history
from jaring.enrolment.services import (
    Handover,
    batch_create,
    cards_hand_over,
    cards_issue,
    membership_end,
    reverification_run,
    reverification_start,
)
from jaring.programmes.models import Programme, RejectionReason
from jaring.registry.intake import ReferenceIndex, parse_applicant
from jaring.registry.models import Application, Channel
from jaring.registry.services import Upload, applicant_register
from jaring.registry.states import ApplicationStatus
from jaring.verification.models import Outcome
from jaring.verification.services import DecisionInput, application_decide
from tests.helpers.applicants import TODAY, applicant_values
from tests.helpers.documents import PDF, PNG
from tests.helpers.reference import programme_for

# BPN-2026 is running and takes places: these cases mean a day of its year (places start the month approved).
pytestmark = pytest.mark.today("2026-11-03")

S = ApplicationStatus
UNKNOWN_NIK = "6471011508909999"  # a well-formed NIK nobody sent
SK_2026 = "100.3.3.2/145/2026"
SK_2027 = "100.3.3.2/012/2027"


def older_fisher(programme: Programme, actor: User) -> Application:
    """Fajar, 62: within this year's age limit (64), beyond next year's (60)."""
    values = applicant_values(900, sector="nelayan", kelurahan="64.71.01.1001", name="Fajar Nelayan Tua")
    values.update(nik="6471011005640001", tanggal_lahir="10-05-1964")
    result = parse_applicant(values, index=ReferenceIndex.load(), region_code="64.71", today=TODAY)
    assert result.data is not None, result.errors
    uploads = [
        Upload(DocumentKind.KTP, PNG, "ktp.png"),
        Upload(DocumentKind.KK, PDF, "kk.pdf"),
        Upload(DocumentKind.SECTOR_EVIDENCE, PDF, "bukti.pdf"),
    ]
    return applicant_register(
        data=result.data, programme=programme, channel=Channel.COUNTER, actor=actor, uploads=uploads
    )


def test_a_full_year_of_membership_ends_in_next_years_sk_list(
    approved: Callable[..., list[Application]],
    bpn_2026: Programme,
    balikpapan: Funder,
    registration_officer: User,
    dppp_verifier: User,
    programme_manager: User,
    bpjs_liaison: User,
) -> None:
    today = timezone.localdate()

    # -- approved places ----------------------------------------------------------------------------------
    ahmad, budi, citra, dedi = approved(4, names=("Ahmad Nelayan", "Budi Nelayan", "Citra Nelayan", "Dedi Nelayan"))
    fajar = older_fisher(bpn_2026, registration_officer)
    application_decide(application=fajar, decision=DecisionInput(Outcome.APPROVE), actor=dppp_verifier)
    fajar.refresh_from_db()
    people = {"ahmad": ahmad, "budi": budi, "citra": citra, "dedi": dedi, "fajar": fajar}
    assert all(a.status == S.APPROVED for a in people.values())
    assert Place.objects.filter(programme=bpn_2026, status=Place.Status.ACTIVE).count() == 5
    nik = {name: a.person.nik for name, a in people.items()}

    # -- the batch file for the BPJS branch ---------------------------------------------------------------
    batch = batch_create(programme=bpn_2026, actor=bpjs_liaison)
    sheet = load_workbook(io.BytesIO(batch_xlsx(batch)), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + 5
    sent = {str(value) for row in rows[1:] for value in row}
    assert set(nik.values()) <= sent  # NIKs whole, as text

    # -- the branch's answer: four accepted, one rejected, one row about somebody nobody sent -------------
    answer = "\n".join(
        [
            "NIK;KPJ;STATUS;ALASAN;TANGGAL MULAI",
            f"{nik['ahmad']};26110000001;Diterima;;01-11-2026",
            f"{nik['budi']};26110000002;Diterima;;01-11-2026",
            f"{nik['citra']};26110000003;Diterima;;01-11-2026",
            f"{nik['fajar']};26110000005;Diterima;;01-11-2026",
            f"{nik['dedi']};;Ditolak;NIK tidak padan dengan data Dukcapil;",
            f"{UNKNOWN_NIK};26110000009;Diterima;;01-11-2026",
        ]
    )
    imported = answer_import(
        programme=bpn_2026, file_name="jawaban-BPN-2026-K001.csv", content=answer.encode(), actor=bpjs_liaison
    )
    assert imported.status == ResponseImport.Status.APPLIED
    assert (imported.counts["accepted"], imported.counts["rejected"], imported.counts["unknown"]) == (4, 1, 1)
    assert [p["nik"] for p in imported.problems if p["kind"] == "unknown"] == [UNKNOWN_NIK]
    batch.refresh_from_db()
    assert batch.status == Batch.Status.CLOSED
    dedi.refresh_from_db()
    assert dedi.status == S.APPROVED and "Dukcapil" in dedi.status_reason

    # -- active members with their KPJ -------------------------------------------------------------------
    member = {name: Membership.objects.get(application=people[name]) for name in ("ahmad", "budi", "citra", "fajar")}
    assert {name: m.kpj for name, m in member.items()} == {
        "ahmad": "26110000001",
        "budi": "26110000002",
        "citra": "26110000003",
        "fajar": "26110000005",
    }
    assert all(m.status == Membership.Status.ACTIVE for m in member.values())
    assert not Membership.objects.filter(application=dedi).exists()

    # -- the cards: printed as a PDF and handed over at a ceremony ----------------------------------------
    cards_issue(memberships=list(member.values()), actor=bpjs_liaison)
    cards = list(
        Card.objects.filter(membership__programme=bpn_2026).select_related(
            "membership__person", "membership__programme__funder"
        )
    )
    pdf = cards_pdf(cards, base_url="https://jaring.balikpapan.go.id")
    assert pdf.startswith(b"%PDF") and len(cards) == 4
    handover = Handover(handed_on=today, place="Kantor Kelurahan Manggar", handed_by="Lurah Manggar")
    assert cards_hand_over(cards=cards, handover=handover, actor=bpjs_liaison) == 4

    # -- this year's SK, signed ---------------------------------------------------------------------------
    sk_2026 = decree_generate(
        programme=bpn_2026, number=SK_2026, decree_date=date(2026, 11, 2), actor=programme_manager
    )
    sk_2026 = decree_sign(decree=sk_2026, actor=programme_manager)
    assert sk_2026.totals["participants"] == 5

    # -- a death ends a membership and frees the place for the next on the waitlist -----------------------
    programme_quota_set(programme=bpn_2026, quota=5, actor=programme_manager)
    (eka,) = approved(1, names=("Eka Menunggu",))
    assert eka.status == S.WAITLISTED
    membership_end(
        membership=member["ahmad"],
        reason=EndReason.DIED,
        effective=today,
        actor=programme_manager,
        note="Akta kematian dari Disdukcapil",
    )
    member["ahmad"].refresh_from_db()
    assert member["ahmad"].status == Membership.Status.ENDED and member["ahmad"].end_reason == EndReason.DIED
    assert Place.objects.get(application=ahmad).status == Place.Status.ENDED
    eka.refresh_from_db()
    assert eka.status == S.APPROVED and not waitlist_of(bpn_2026).exists()

    # -- the yearly re-verification into 2027 -------------------------------------------------------------
    bpn_2027 = programme_for(balikpapan, code="BPN-2027", name="Balikpapan 2027", owner="dinsos", quota=7100, year=2027)
    MinimumWage.objects.create(region=balikpapan.region, year=2027, amount=4_050_000)  # an operator enters the UMK
    rule_version_create(
        programme=bpn_2027, actor=programme_manager, note="Perwali 2027: usia paling tinggi 60", max_age=60
    )
    campaign = reverification_start(source=bpn_2026, target=bpn_2027, actor=programme_manager)
    counts = reverification_run(campaign=campaign, actor=programme_manager)
    assert counts == {
        "members": 3,  # Budi, Citra, Fajar: Ahmad died, Dedi never became a member
        "created": 3,
        "skipped": 0,
        "to_verification": 2,
        "not_eligible": 1,  # Fajar, 62, beyond 2027's age limit
        "returned": 0,
    }
    renewal = {
        name: Application.objects.get(programme=bpn_2027, person=people[name].person)
        for name in ("budi", "citra", "fajar")
    }
    assert renewal["fajar"].status == S.NOT_ELIGIBLE and "60 tahun" in renewal["fajar"].status_reason
    assert renewal["budi"].verifying_agency == renewal["citra"].verifying_agency == dppp_verifier.agency
    assert renewal["budi"].verification_due is not None

    # The sector agency confirms Budi and finds that Citra stopped fishing.
    application_decide(application=renewal["budi"], decision=DecisionInput(Outcome.APPROVE), actor=dppp_verifier)
    stopped = RejectionReason.objects.get(programme=bpn_2027, label="Tidak bekerja di sektor yang dinyatakan")
    application_decide(
        application=renewal["citra"],
        decision=DecisionInput(Outcome.REJECT, reason=stopped, note="Sudah berhenti melaut sejak Juli"),
        actor=dppp_verifier,
    )
    renewal["budi"].refresh_from_db()
    assert renewal["budi"].status == S.APPROVED
    assert Place.objects.get(application=renewal["budi"]).starts == date(2027, 1, 1)

    # -- the member's page tells the whole story ----------------------------------------------------------
    titles = " | ".join(step.title for step in member_history(member["budi"]))
    for text in ("BPN-2026-K001", "BPJS menerima: KPJ 26110000002", "Kartu diserahkan", renewal["budi"].number):
        assert text in titles
    ahmad_story = member_history(member["ahmad"])
    assert any("Meninggal dunia" in line for step in ahmad_story for line in step.details)
    assert not AccessLog.objects.exists()  # the services read nobody's data on a page

    # -- next year's SK: who continues, who is dropped and why --------------------------------------------
    sk_2027 = decree_generate(
        programme=bpn_2027, number=SK_2027, decree_date=date(2026, 12, 20), actor=programme_manager
    )
    assert sk_2027.previous == sk_2026
    entries = {e.nik: e for e in DecreeEntry.objects.filter(decree=sk_2027)}
    assert entries[nik["budi"]].category == DecreeEntry.Category.CONTINUING
    assert sk_2027.totals == {"participants": 1, "new": 0, "continuing": 1, "dropped": 4}
    dropped = {name: entries[nik[name]] for name in ("ahmad", "citra", "dedi", "fajar")}
    assert all(e.category == DecreeEntry.Category.DROPPED for e in dropped.values())
    assert "Tidak bekerja di sektor yang dinyatakan" in dropped["citra"].reason
    assert "batas usia maksimal 60 tahun" in dropped["fajar"].reason
    assert dropped["dedi"].reason  # on the 2026 list with a place, never a member, not taken into 2027
    # Died before re-verification: no 2027 application, the reason comes from last year's ended place.
    assert "Meninggal dunia" in dropped["ahmad"].reason
