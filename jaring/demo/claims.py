"""Demo claims of Balikpapan, one in every state, made through the claims services on the days they happened
(`clock.pinned`), so dates, deadlines and flags are real on whatever day the demo is seeded:

- paid and handed over: last year's member who died (a JKM death after more than three years as a BPJS
  participant: Rp42 jt, handed to his widow at a ceremony at the Balai Kota), with the children's scholarship:
  the elder's first year paid, the younger's first yearly claim due (on the reminder list), a third child refused;
- submitted to BPJS and overdue: a JKM death late last year, sent three weeks ago and still unpaid;
- rejected: a work accident of last year's member made non-active, not covered that day;
- documents incomplete: a work-accident death this week, reported by the office, papers coming in;
- reported: a family's report from the public form today, waiting to be taken up;
- withdrawn: a report made by mistake and withdrawn.
"""

from __future__ import annotations

from datetime import date, timedelta

from jaring.claims.bpjs_services import (
    Handover,
    claim_hand_over,
    claim_record_payment,
    claim_reject,
    claim_submit,
    claim_withdraw,
)
from jaring.claims.document_services import claim_document_add
from jaring.claims.models import Claim, ClaimDocumentKind
from jaring.claims.scholarship import scholarship_year_claim, scholarship_year_paid
from jaring.claims.services import PUBLIC_ACTOR, ChildIn, HeirIn, claim_report
from jaring.core import clock
from jaring.core.models import Role, User
from jaring.demo.people import demo_pdf
from jaring.demo.years import Cycle
from jaring.enrolment.models import Membership
from jaring.registry.models import Application, Channel, Person
from jaring.registry.services import Upload
from jaring.registry.states import ApplicationStatus

JKM_PAPERS = (
    ClaimDocumentKind.KARTU_PESERTA,
    ClaimDocumentKind.KTP_PESERTA,
    ClaimDocumentKind.AKTA_KEMATIAN,
    ClaimDocumentKind.KARTU_KELUARGA,
    ClaimDocumentKind.SURAT_KETERANGAN_AHLI_WARIS,
    ClaimDocumentKind.KTP_AHLI_WARIS,
    ClaimDocumentKind.BUKU_NIKAH,
    ClaimDocumentKind.BUKU_TABUNGAN,
)


def _nik(person: Person, *, day: int, month: int, year: int, serial: int, female: bool) -> str:
    """A synthetic NIK of the member's kecamatan for a relative: valid in structure, nobody's."""
    return f"{person.nik[:6]}{day + (40 if female else 0):02d}{month:02d}{year % 100:02d}{9000 + serial:04d}"


def _papers(claim: Claim, kinds: tuple[str, ...], actor: User) -> None:
    for kind in kinds:
        title = f"{ClaimDocumentKind(kind).label} (contoh)"
        claim_document_add(claim=claim, upload=Upload(kind, demo_pdf(title), f"{kind}.pdf"), actor=actor)


def _family(person: Person, year: int) -> tuple[list[HeirIn], list[ChildIn]]:
    """A widow and three children: the first two take the scholarship, the third is refused (two at most)."""
    surname = person.name.split()[-1]
    heirs = [
        HeirIn(f"Siti {surname}", _nik(person, day=5, month=7, year=1988, serial=1, female=True), "istri"),
        HeirIn(f"Anisa {surname}", _nik(person, day=1, month=5, year=year - 13, serial=2, female=True), "anak"),
        HeirIn(f"Rafi {surname}", _nik(person, day=1, month=4, year=year - 10, serial=3, female=False), "anak"),
    ]
    children = [
        ChildIn(f"Anisa {surname}", date(year - 13, 5, 1), "smp"),
        ChildIn(f"Rafi {surname}", date(year - 10, 4, 1), "sd"),
        ChildIn(f"Dina {surname}", date(year - 6, 9, 9), "tk"),
    ]
    return heirs, children


def seed_claims(cycle: Cycle) -> int:
    """The cases of the module docstring; returns how many were made."""
    past, current = cycle.past, cycle.bpn
    officer = User.objects.filter(role=Role.REGISTRATION_OFFICER, funder=current.funder).order_by("pk").first()
    liaison = User.objects.filter(role=Role.BPJS_LIAISON, funder=current.funder).order_by("pk").first()
    operator = User.objects.filter(role=Role.KELURAHAN_OPERATOR, funder=current.funder).order_by("pk").first()
    if officer is None or liaison is None:
        return 0
    today = clock.today()
    made = 0
    past_members = list(Membership.objects.filter(programme=past).select_related("person").order_by("pk"))

    # Paid and handed over: last year's member who died (his membership ended then, by the manager).
    died = next((m for m in past_members if m.end_reason == "died"), None)
    if died is not None:
        death = died.status_since
        heirs, children = _family(died.person, past.year)
        with clock.pinned(death + timedelta(days=3)):
            claim = claim_report(
                membership=died,
                kind="jkm",
                event_date=death,
                reported_by=f"{heirs[0].name} (istri)",
                reporter_phone="+6281250001001",
                heirs=heirs,
                children=children,
                actor=officer,
                channel="officer",
            )
            _papers(claim, JKM_PAPERS, officer)
        with clock.pinned(death + timedelta(days=6)):
            claim = claim_submit(claim=claim, actor=officer)
            anisa = claim.children.get(position=0)
            proof = Upload(
                ClaimDocumentKind.BUKTI_SEKOLAH, demo_pdf("Surat keterangan aktif sekolah (contoh)"), "sk.pdf"
            )
            claim_document_add(claim=claim, upload=proof, child=anisa, actor=officer)
            year_claim = scholarship_year_claim(
                child=anisa, school_year=death.year - (death.month < 7), level="smp", actor=officer
            )
        paid_on = claim.bpjs_pays_by or death + timedelta(days=8)
        with clock.pinned(paid_on):
            claim = claim_record_payment(
                claim=claim, amount=42_000_000, paid_on=paid_on, reference=f"JKM/BPN/{past.year}/0417", actor=liaison
            )
            scholarship_year_paid(year_claim=year_claim, paid_on=paid_on, actor=liaison)
        ceremony = paid_on + timedelta(days=7)
        with clock.pinned(ceremony):
            claim_hand_over(
                claim=claim,
                handover=Handover(
                    handed_on=ceremony,
                    place="Balai Kota Balikpapan",
                    handed_by="Wali Kota Balikpapan",
                    received_by=heirs[0].name,
                    note="Penyerahan simbolis santunan JKM bersama BPJS Ketenagakerjaan Cabang Balikpapan",
                ),
                actor=officer,
            )
        made += 1

    # Rejected: an accident of last year's member while his membership was non-active (out of reach).
    unreachable = next((m for m in past_members if m.status == Membership.Status.NON_ACTIVE), None)
    if unreachable is not None:
        accident = min(unreachable.status_since + timedelta(days=20), past.cover_end)
        with clock.pinned(accident + timedelta(days=2)):
            claim = claim_report(
                membership=unreachable,
                kind="jkk_injury",
                event_date=accident,
                reported_by="Keluarga (kakak kandung)",
                actor=officer,
                channel="officer",
            )
        with clock.pinned(accident + timedelta(days=4)):
            claim_reject(
                claim=claim,
                reason="Kepesertaan nonaktif pada tanggal kecelakaan; BPJS tidak menanggung.",
                actor=officer,
            )
        made += 1

    # Submitted and overdue: the member whose renewal was refused died in December; sent three weeks ago, unpaid.
    refused = Application.objects.filter(
        programme=current, channel=Channel.RENEWAL, status=ApplicationStatus.REJECTED
    ).values_list("person_id", flat=True)
    late = next((m for m in past_members if m.person_id in set(refused)), None)
    if late is not None:
        death = min(date(past.year, 12, 2), past.cover_end)
        heirs = [HeirIn("Rahmawati", _nik(late.person, day=12, month=3, year=1990, serial=4, female=True), "istri")]
        with clock.pinned(death + timedelta(days=2)):
            claim = claim_report(
                membership=late,
                kind="jkm",
                event_date=death,
                reported_by="Rahmawati (istri)",
                heirs=heirs,
                actor=officer,
                channel="officer",
            )
            _papers(claim, JKM_PAPERS, officer)
        with clock.pinned(max(today - timedelta(days=21), death + timedelta(days=3))):
            claim_submit(claim=claim, actor=officer)
        made += 1

    # This year's cases: this week's, on any day of the year.
    running = list(
        Membership.objects.filter(programme=current, status=Membership.Status.ACTIVE)
        .select_related("person", "application")
        .order_by("pk")
    )
    recent = max(today - timedelta(days=2), current.cover_start)
    if running:
        # A work-accident death this week, reported by the kelurahan operator when the member lived there.
        mine = [m for m in running if operator is not None and m.application.kelurahan_id == operator.kelurahan_id]
        accident_member = mine[0] if mine else running[0]
        reporter = operator if mine and operator is not None else officer
        mother = _nik(accident_member.person, day=20, month=3, year=1958, serial=5, female=True)
        with clock.pinned(today):
            claim = claim_report(
                membership=accident_member,
                kind="jkk_death",
                event_date=recent,
                reported_by=str(reporter),
                heirs=[HeirIn("Sumiati", mother, "orang_tua")],
                actor=reporter,
                channel="officer",
            )
            _papers(claim, (ClaimDocumentKind.KARTU_PESERTA, ClaimDocumentKind.LAPORAN_KECELAKAAN), reporter)
        made += 1
    if len(running) > 2:
        with clock.pinned(today):
            claim_report(
                membership=running[1],
                kind="jkm",
                event_date=max(today - timedelta(days=1), current.cover_start),
                reported_by="Hasanah (Anak)",
                reporter_phone="+6281250002002",
                actor=PUBLIC_ACTOR,
                channel="public",
            )
            mistaken = claim_report(
                membership=running[2],
                kind="jkm",
                event_date=today,
                reported_by="Operator kelurahan",
                actor=officer,
                channel="officer",
            )
            claim_withdraw(
                claim=mistaken,
                reason="Salah lapor: yang meninggal ayah peserta, bukan peserta.",
                actor=officer,
            )
        made += 2
    return made
