"""The years around the demo's: Balikpapan's last year, lived through with its own dates, and next year's
registration from October.

Last year's steps are done by the same services as this year's, with `clock.pinned` moving Jaring's clock to
the day each happened (registration, verification, the SK, BPJS, a death, the re-verification campaign in the
autumn), so places, memberships, decisions and the rows' own timestamps carry last year's dates.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from jaring.allocation.decrees.services import decree_generate, decree_sign
from jaring.allocation.models import EndReason
from jaring.core import clock
from jaring.core.actors import Actor
from jaring.core.models import Role, Sector, User
from jaring.core.services import audit_record
from jaring.demo.people import DEMO, applicant_data, demo_uploads, verifier_decides, verifier_of, villages_of
from jaring.eligibility.services import rule_version_create
from jaring.enrolment.models import Membership
from jaring.enrolment.services import (
    Answer,
    batch_answers_apply,
    batch_create,
    cards_issue,
    membership_deactivate,
    membership_end,
    reverification_run,
    reverification_start,
)
from jaring.programmes.models import Programme
from jaring.programmes.selectors import rejection_reasons_of
from jaring.registry.models import Application, Channel
from jaring.registry.services import applicant_register
from jaring.registry.states import ApplicationStatus
from jaring.verification.models import Outcome
from jaring.verification.services import DecisionInput, application_decide

S = ApplicationStatus

LAST_YEAR_PEOPLE = 8  # members of last year: one dies, one is not re-registered, one is refused, five continue
NEXT_YEAR_PEOPLE = 6  # registered for next year this autumn: half approved, half awaiting verification


@dataclass(frozen=True)
class Cycle:
    """The demo's programmes on the day it runs (year `year`)."""

    year: int
    past: Programme  # BPN-(year-1), signed and closed
    current: dict[str, Programme]  # by the short name of the usernames: bpn, smd, kutim, kaltim
    next: Programme | None  # BPN-(year+1) from October, open for registration
    # A funder's other schemes of the year, by short name: smd-rt (Samarinda's RT heads).
    schemes: dict[str, Programme] = field(default_factory=dict)

    @property
    def bpn(self) -> Programme:
        return self.current["bpn"]

    def programmes(self) -> Iterator[Programme]:
        yield self.past
        yield from self.current.values()
        yield from self.schemes.values()
        if self.next is not None:
            yield self.next


def _registration(programme: Programme, status: str) -> None:
    """The programme's registration opened or closed by the system on the pinned day (the demo's own step;
    no service changes a programme's status)."""
    Programme.objects.filter(pk=programme.pk).update(status=status)
    programme.status = status
    action = "programme.open" if status == Programme.Status.OPEN else "programme.close"
    audit_record(actor=DEMO, action=action, target=programme, data={"on": clock.today().isoformat()})


def _register(programme: Programme, rng: random.Random, *, serial: int) -> Application:
    sector = rng.choice(list(Sector.objects.all()))
    village = rng.choice(villages_of(programme.funder))
    channel = rng.choice([Channel.ONLINE, Channel.KELURAHAN, Channel.API])
    data = applicant_data(rng, village=village, sector=sector, serial=serial, on=clock.today())
    application = applicant_register(
        data=data,
        programme=programme,
        channel=channel,
        actor=Actor.system(f"demo:{channel}"),
        uploads=demo_uploads(sector),
    )
    return application


def seed_last_year(cycle: Cycle, *, seed: int = 2025) -> int:
    """Balikpapan's last year, from its registration to this year's list: people registered before its cover,
    approved, listed in the SK (signed), enrolled with BPJS and carded; during the year one member dies and one
    is made non-active (out of reach); in its autumn the re-verification campaign takes the active members into
    this year's programme, where the verifiers approve all but one. This year's SK then shows them continuing,
    and the three others dropped, each with the reason."""
    past, target = cycle.past, cycle.bpn
    rng = random.Random(seed)
    manager = User.objects.filter(role=Role.PROGRAMME_MANAGER, funder=past.funder).order_by("pk").first()
    assert manager is not None, "seed_users makes the programme manager first"
    start = past.cover_start

    with clock.pinned(start - timedelta(days=60)):
        _registration(past, Programme.Status.OPEN)
        rule_version_create(programme=past, actor=DEMO, note="Perwali Balikpapan 3/2025 (aturan acuan)")
        applications = [_register(past, rng, serial=7001 + i) for i in range(LAST_YEAR_PEOPLE)]
    with clock.pinned(start - timedelta(days=45)):
        for application in applications:
            if application.status == S.AWAITING_VERIFICATION:
                verifier_decides(application, S.APPROVED)
    with clock.pinned(start - timedelta(days=20)):
        number = f"100.3.3.2/071/HK/{past.year}"
        decree = decree_generate(programme=past, number=number, decree_date=clock.today(), actor=manager)
        decree_sign(decree=decree, actor=manager, digest=decree.digest)
        _registration(past, Programme.Status.CLOSED)
    with clock.pinned(start - timedelta(days=10)):
        batch = batch_create(programme=past, actor=manager)
    with clock.pinned(start - timedelta(days=3)):
        # The first was a BPJS participant long before (a former employer registered him): the branch's answer
        # says since when, and his family's scholarship counts the years from then.
        answers = [
            Answer(
                row_number=i,
                nik=m.nik,
                accepted=True,
                kpj=f"{past.year % 100:02d}071{i:06d}",
                starts=start,
                member_since=date(past.year - 5, 3, 1) if i == 2 else None,
            )
            for i, m in enumerate(batch.members.order_by("position"), start=2)
        ]
        batch_answers_apply(programme=past, answers=answers, actor=manager)
        members = list(Membership.objects.filter(programme=past).order_by("pk"))
        cards_issue(memberships=members, actor=manager)

    # During the year, through the membership lifecycle.
    died, unreachable = members[0], members[1]
    with clock.pinned(start + timedelta(days=95)):
        note = "Meninggal karena sakit; akta kematian dari Disdukcapil"
        membership_end(membership=died, reason=EndReason.DIED, effective=clock.today(), note=note, actor=manager)
    with clock.pinned(start + timedelta(days=130)):
        note = "Tidak dapat dihubungi; menurut keluarga bekerja di luar daerah"
        membership_deactivate(membership=unreachable, effective=clock.today(), note=note, actor=manager)

    # The autumn: the active members re-verified into this year's programme, judged by its rules.
    with clock.pinned(date(past.year, 9, 15)):
        campaign = reverification_start(source=past, target=target, actor=manager)
        reverification_run(campaign=campaign, actor=manager)
    renewals = list(
        Application.objects.filter(programme=target, channel=Channel.RENEWAL, status=S.AWAITING_VERIFICATION)
        .select_related("programme", "verifying_agency")
        .order_by("pk")
    )
    with clock.pinned(date(past.year, 10, 6)):
        for i, renewal in enumerate(renewals):
            if i == 0:
                _refuse_renewal(renewal)
            else:
                verifier_decides(renewal, S.APPROVED)
    return len(applications)


def _refuse_renewal(application: Application) -> None:
    reason = rejection_reasons_of(application.programme).filter(label__startswith="Pekerja penerima upah").first()
    note = "Verifikasi ulang: sejak Agustus bekerja sebagai karyawan tetap sebuah toko."
    decision = DecisionInput(Outcome.REJECT, reason=reason, note=note)
    application_decide(application=application, decision=decision, actor=verifier_of(application))


def seed_next_year(cycle: Cycle, *, today: date, seed: int = 2027) -> int:
    """From October, Balikpapan's next-year programme takes registrations: people registered on days spread
    from its opening to today, half of them already approved by their agency (a place from 1 January), the
    others waiting for verification."""
    programme = cycle.next
    if programme is None:
        return 0
    rng = random.Random(seed)
    opened = date(programme.year - 1, 10, 1)
    with clock.pinned(opened):
        rule_version_create(programme=programme, actor=DEMO, note="Perwali Balikpapan 3/2025 (aturan acuan)")
    days = max((today - opened).days, 0)
    for i in range(NEXT_YEAR_PEOPLE):
        registered = opened + timedelta(days=days * i // NEXT_YEAR_PEOPLE)
        with clock.pinned(registered):
            application = _register(programme, rng, serial=8001 + i)
        if i % 2 == 0 and application.status == S.AWAITING_VERIFICATION:
            with clock.pinned(min(registered + timedelta(days=3), today)):
                verifier_decides(application, S.APPROVED)
    return NEXT_YEAR_PEOPLE
