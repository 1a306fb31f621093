"""Demo data for the programme cycle of the day it runs (`clock.today()`, year Y): Balikpapan, Samarinda,
Kutai Timur and the province running Y with members and cards, and Balikpapan's in-kind aid (food packages,
prosthetic legs: jaring/demo/aid.py); Balikpapan's Y-1 signed and closed, whose
members were re-verified into Y; from 1 October Balikpapan's Y+1 open for registration. Officers of every
role, a partner token, and synthetic applicants in every state, made through the same services the
application uses (the earlier years' steps with the clock pinned to their days: jaring/demo/years.py).

Everything is synthetic: names are common Indonesian names, NIKs are structurally valid for the
kelurahan's kecamatan but belong to nobody.
"""

from __future__ import annotations

import random
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction

from jaring.allocation.decrees.services import decree_generate
from jaring.claims.services import benefit_table_seed
from jaring.core import clock
from jaring.core.actors import Actor
from jaring.core.models import Agency, AgencyKind, ApiToken, Funder, Region, Role, Sector, User
from jaring.core.reference import seed_reference
from jaring.core.services import audit_record, token_hash
from jaring.demo.aid import seed_aid
from jaring.demo.claims import seed_claims
from jaring.demo.contributions import seed_contributions
from jaring.demo.people import (
    DEMO,
    REASONS,
    applicant_data,
    demo_uploads,
    demo_village,
    registered_on,
    verifier_decides,
    villages_of,
)
from jaring.demo.schemes import seed_plantation_workers, seed_rt_heads
from jaring.demo.years import Cycle, seed_last_year, seed_next_year
from jaring.eligibility.models import DocumentKind
from jaring.eligibility.participants import participant_list_import
from jaring.eligibility.services import rule_version_create, rule_version_ensure
from jaring.enrolment.models import Membership
from jaring.enrolment.services import Answer, batch_answers_apply, batch_create, cards_issue, places_ready_for_batch
from jaring.programmes.models import Programme
from jaring.programmes.services import contribution_rate_seed, rejection_reasons_seed
from jaring.registry.intake import ApplicantData, ReferenceIndex, parse_applicant
from jaring.registry.models import Application, Channel, Sex
from jaring.registry.services import applicant_register, application_transition
from jaring.registry.states import ApplicationStatus, Transition

# Published demo credentials: the demo runs on 127.0.0.1 with synthetic people only.
DEMO_PASSWORD = "jaring-demo-2026"  # noqa: S105
DEMO_TOKEN = "jrg_demo-balikpapan-ojol-partner-token-2026"  # noqa: S105
DEMO_TOKEN_NAME = "Mitra aplikator (demo)"  # noqa: S105 - a name, not a secret

# DOMAIN "Yearly cycle": data collection in the autumn for cover from January. The demo opens Balikpapan's
# next-year programme on this day of the year.
NEXT_YEAR_OPENS = (10, 1)


@dataclass(frozen=True)
class ProgrammeSeed:
    code: str
    funder: str
    year: int
    name: str
    owner: str
    quota: int
    status: str
    short: str  # used in demo usernames, which carry no year
    cover_start: date
    cover_end: date
    scheme: str = "pekerja-rentan"


def _balikpapan(year: int, status: str) -> ProgrammeSeed:
    return ProgrammeSeed(
        f"BPN-{year}",
        "balikpapan",
        year,
        f"Jaminan Sosial Pekerja Rentan Kota Balikpapan {year}",
        # Balikpapan moved the programme from Disnaker to Dinas Sosial in 2026.
        "disnaker" if year < 2026 else "dinsos",
        7100,
        status,
        "bpn",
        # Balikpapan's 2025 programme ran from April 2025 (DOMAIN); every other year from January.
        date(year, 4, 1) if year == 2025 else date(year, 1, 1),
        date(year, 12, 31),
    )


def programme_seeds(today: date) -> list[ProgrammeSeed]:
    """The programmes of the cycle `today` is in: last year's Balikpapan (closed; its registration is opened
    and closed again in its own time by seed_last_year), the four of this year, and from October Balikpapan's
    next year."""
    y = today.year

    def this_year(code: str, funder: str, name: str, quota: int) -> ProgrammeSeed:
        short = code.lower()
        return ProgrammeSeed(
            f"{code}-{y}", funder, y, f"{name} {y}", "disnaker", quota, "open", short, date(y, 1, 1), date(y, 12, 31)
        )

    seeds = [
        _balikpapan(y - 1, "closed"),
        _balikpapan(y, "open"),
        this_year("SMD", "samarinda", "Perlindungan Pekerja Rentan Kota Samarinda", 19000),
        this_year("KUTIM", "kutim", "Jamsostek Pekerja Rentan Kutai Timur", 150000),
        this_year("KALTIM", "kaltim", "Perlindungan Pekerja Rentan Provinsi Kalimantan Timur", 12000),
    ]
    # Samarinda's second scheme: its RT heads, from the list of the office that appoints them (issue 20). Which
    # office owns it and how many places it has are not in the sources read: the demo assumes Disnaker and 2,000.
    seeds.append(
        ProgrammeSeed(
            f"SMD-RT-{y}",
            "samarinda",
            y,
            f"Perlindungan Ketua RT Kota Samarinda {y}",
            "disnaker",
            2000,
            "open",
            "smd-rt",
            date(y, 1, 1),
            date(y, 12, 31),
            scheme="ketua-rt",
        )
    )
    if today >= date(y, *NEXT_YEAR_OPENS):
        seeds.append(_balikpapan(y + 1, "open"))
    return seeds


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    scope: str


def seed_programmes(today: date) -> Cycle:
    programmes: dict[str, Programme] = {}
    for seed in programme_seeds(today):
        funder = Funder.objects.get(code=seed.funder)
        owner = Agency.objects.get(funder=funder, code=seed.owner)
        programme, created = Programme.objects.get_or_create(
            code=seed.code,
            defaults={
                "name": seed.name,
                "funder": funder,
                "year": seed.year,
                "scheme": seed.scheme,
                "owning_agency": owner,
                "cover_start": seed.cover_start,
                "cover_end": seed.cover_end,
                "quota": seed.quota,
                "status": seed.status,
            },
        )
        if created:
            audit_record(actor=DEMO, action="programme.seed", target=programme)
        rejection_reasons_seed(programme=programme, actor=DEMO)
        programmes[seed.code] = programme
    y = today.year
    return Cycle(
        year=y,
        past=programmes[f"BPN-{y - 1}"],
        current={
            code.split("-")[0].lower(): p
            for code, p in programmes.items()
            if p.year == y and p.scheme == "pekerja-rentan"
        },
        next=programmes.get(f"BPN-{y + 1}"),
        schemes={s.short: programmes[s.code] for s in programme_seeds(today) if s.scheme != "pekerja-rentan"},
    )


def seed_users(cycle: Cycle) -> list[DemoLogin]:
    """The same usernames whatever the year (petugas.bpn, manajer.bpn, ...), working this year's programme."""
    logins: list[DemoLogin] = []

    def make(username: str, role: str, funder: Funder | None, label: str, **extra: object) -> None:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"role": role, "funder": funder, "full_name": label, **extra},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
            audit_record(actor=DEMO, action="user.seed", target=user, data={"role": role})
        logins.append(DemoLogin(username, str(Role(role).label) if role else "Administrator sistem", label))

    make(
        "admin", Role.ADMINISTRATOR, None, "Administrator sistem (semua pemberi dana)", is_staff=True, is_superuser=True
    )
    for s, programme in cycle.current.items():
        funder = programme.funder
        owner = programme.owning_agency
        place = funder.region.name
        make(f"petugas.{s}", Role.REGISTRATION_OFFICER, funder, f"Petugas loket {owner.name}", agency=owner)
        make(f"manajer.{s}", Role.PROGRAMME_MANAGER, funder, f"Pengelola program {place}", agency=owner)
        make(f"bpjs.{s}", Role.BPJS_LIAISON, funder, f"Penghubung BPJS Ketenagakerjaan {place}")
        make(f"pimpinan.{s}", Role.LEADERSHIP, funder, f"Pimpinan daerah {place}")
        make(f"auditor.{s}", Role.AUDITOR, funder, f"Auditor {place}")
        make(f"bendahara.{s}", Role.FINANCE_OFFICER, funder, f"Bendahara {owner.name}")
        make(f"admin.{s}", Role.ADMINISTRATOR, funder, f"Administrator {place}", is_staff=True)
        # Verifiers of the sector agencies and of every office that owned one of the funder's demo programmes
        # (Balikpapan's Disnaker verified 2025 before Dinas Sosial took the programme over).
        owners = [p.owning_agency.kind for p in cycle.programmes() if p.funder_id == funder.pk]
        for kind in dict.fromkeys([AgencyKind.DPPP, AgencyKind.DISHUB, owner.kind, *owners]):
            agency = Agency.objects.filter(funder=funder, code=kind).first()
            if agency is None:
                continue  # the province has no DPPP (core.reference.OFFICES)
            make(f"verifikator.{kind}.{s}", Role.VERIFIER, funder, f"Verifikator {agency.name}", agency=agency)
        village = demo_village(funder)
        if village is not None:
            office = Agency.objects.get(funder=funder, kind=AgencyKind.KELURAHAN, region=village)
            slug = village.name.lower().replace(" ", "")
            make(
                f"operator.{slug}.{s}",
                Role.KELURAHAN_OPERATOR,
                funder,
                f"Operator {office.name}",
                agency=office,
                kelurahan=village,
            )
    return logins


def seed_token() -> str:
    funder = Funder.objects.get(code="balikpapan")
    if not ApiToken.objects.filter(token_hash=token_hash(DEMO_TOKEN)).exists():
        token = ApiToken.objects.create(
            name=DEMO_TOKEN_NAME,
            funder=funder,
            scopes=["registration", "reports", "membership", "claims"],
            prefix=DEMO_TOKEN[:10],
            token_hash=token_hash(DEMO_TOKEN),
        )
        audit_record(actor=DEMO, action="api_token.seed", target=token)
    return DEMO_TOKEN


# After assessment (submit), what the owning office does to an awaiting application to reach its demo state.
AFTER_VERIFICATION: dict[str, list[str]] = {
    ApplicationStatus.WITHDRAWN: [Transition.WITHDRAW],
}
# Not seeded: a waitlist only forms when a programme's places are all taken, and the demo's have thousands free
# (free places admit the waitlist by themselves: allocation.services.waitlists_admit).
NOT_SEEDED = frozenset({ApplicationStatus.WAITLISTED})


# The states a verifier reaches by deciding (approval takes a place); enrolled ones are then sent to BPJS in
# a batch (seed_enrolment).
VERIFIER_DECIDES = frozenset({ApplicationStatus.APPROVED, ApplicationStatus.ENROLLED, ApplicationStatus.REJECTED})


def seed_applicants(cycle: Cycle, *, per_programme: int = 40, seed: int = 2026) -> int:
    """This year's applicants registered today through the same service as every channel, so their
    eligibility outcomes, documents and routing are real; then moved on to later states the way officers
    would."""
    rng = random.Random(seed)
    sectors = list(Sector.objects.all())
    # Every state in turn, the funded ones first so that even a few applicants per programme make members.
    funded = [ApplicationStatus.ENROLLED, ApplicationStatus.AWAITING_VERIFICATION, ApplicationStatus.APPROVED]
    statuses = [*funded, *(s for s in ApplicationStatus.values if s not in funded and s not in NOT_SEEDED)]
    today = clock.today()
    made = 0
    serial = 1
    waiting = 0  # applicants left waiting for verification so far: every third one waits past its deadline
    for short, programme in cycle.current.items():
        rule_version_ensure(programme=programme, actor=DEMO)
        funder = programme.funder
        villages = villages_of(funder)
        own_village = demo_village(funder)
        officer = User.objects.filter(role=Role.REGISTRATION_OFFICER, funder=funder).first()
        count = per_programme + (20 if short == "bpn" else 0)
        for i in range(count):
            status = statuses[i % len(statuses)]
            # A quarter of each city's applicants live in the demo kelurahan, so its operator has work.
            village = own_village if own_village is not None and i % 4 == 0 else rng.choice(villages)
            sector = rng.choice(sectors)
            channel = rng.choice([Channel.ONLINE, Channel.COUNTER, Channel.KELURAHAN, Channel.API])
            actor: Actor | User = officer if channel == Channel.COUNTER and officer else Actor.system(f"demo:{channel}")
            # Not eligible: moved in four months ago. Returned: the KTP photo is missing.
            recent = status == ApplicationStatus.NOT_ELIGIBLE
            data = applicant_data(rng, village=village, sector=sector, serial=serial, on=today, recent=recent)
            serial += 1
            leave_out = DocumentKind.KTP if status == ApplicationStatus.RETURNED else ""
            # Some of the work waits past its deadline (still waiting, or decided late): registered weeks ago.
            if status == ApplicationStatus.AWAITING_VERIFICATION:
                waiting += 1
            late = (status in VERIFIER_DECIDES and rng.random() < 0.4) or (
                status == ApplicationStatus.AWAITING_VERIFICATION and waiting % 3 == 1
            )
            with clock.pinned(registered_on(rng)) if late else nullcontext():
                application = applicant_register(
                    data=data,
                    programme=programme,
                    channel=channel,
                    actor=actor,
                    uploads=demo_uploads(sector, leave_out=leave_out),
                    submit=status != ApplicationStatus.DRAFT,
                )
            if status in VERIFIER_DECIDES and application.status == ApplicationStatus.AWAITING_VERIFICATION:
                verifier_decides(application, status)
                application.refresh_from_db()
            for transition in AFTER_VERIFICATION.get(status, []):
                application = application_transition(
                    application=application,
                    transition=transition,
                    actor=officer or DEMO,
                    reason=REASONS.get(Transition(transition), ""),
                )
            made += 1
    return made


# The note of each funder's first rule version: its legal basis as far as DOMAIN.md knows it. Only Balikpapan's
# values are checked against its regulation; the others start from Balikpapan's as the demo's example and say so.
RULE_NOTES: dict[str, str] = {
    "balikpapan": "Perwali Balikpapan 3/2025",
    "kaltim": (
        "Dasar hukum: Pergub Kaltim 19/2023 dan 40/2025. Nilai syarat di demo mengikuti skema acuan Balikpapan; "
        "belum diperiksa terhadap Pergub."
    ),
    "kutim": (
        "Dasar hukum: Perda Kutai Timur 1/2022 dan Perbup 29/2024. Nilai syarat di demo mengikuti skema acuan "
        "Balikpapan; belum diperiksa terhadap Perbup."
    ),
    "samarinda": (
        "Peraturan Samarinda untuk skema ini belum tercatat di Jaring. Nilai syarat di demo mengikuti skema acuan "
        "Balikpapan sebagai contoh."
    ),
}


def seed_rules(cycle: Cycle) -> None:
    """Version 1 from the reference scheme for every programme of the year, each noting its own legal basis as far
    as it is known; Balikpapan's also shows a change."""
    for programme in cycle.current.values():
        rule_version_create(programme=programme, actor=DEMO, note=RULE_NOTES[programme.funder.code])
    rule_version_create(
        programme=cycle.bpn,
        actor=DEMO,
        note=f"Rapat koordinasi {cycle.year}: usia minimal 18 tahun",
        min_age=18,
    )


def seed_identity_doubt(cycle: Cycle) -> int:
    """A fisher registered at the counter whose NIK says a woman born on another day than the form: the officer
    confirmed it against the KTP, and DPPP's verifier sees it flagged in the queue and on the decision page."""
    officer = User.objects.filter(role=Role.REGISTRATION_OFFICER, funder=cycle.bpn.funder).first()
    if officer is None:
        return 0
    values = {
        "nik": "6471014107880009",  # born 01-07-1988, a woman (41 = 1 + 40)
        "nama": "Andi Rahman",
        "tanggal_lahir": "02-07-1988",
        "jenis_kelamin": "L",
        "alamat": "Jl. Pantai Manggar No. 21",
        "kode_kelurahan": "64.71.01.1001",
        "domisili_sejak": "01-06-2010",
        "sektor": "nelayan",
        "penghasilan_bulanan": "2.100.000",
    }
    parsed = parse_applicant(
        values, index=ReferenceIndex.load(), region_code=cycle.bpn.funder.region_id, today=clock.today()
    )
    assert parsed.data is not None and parsed.data.warnings, parsed.errors
    nelayan = Sector.objects.get(code="nelayan")
    application = applicant_register(
        data=parsed.data, programme=cycle.bpn, channel=Channel.COUNTER, actor=officer, uploads=demo_uploads(nelayan)
    )
    audit_record(
        actor=officer,
        action="application.identity_confirm",
        target=application,
        data={"warnings": [w.message for w in parsed.data.warnings]},
    )
    return 1


def seed_cover_elsewhere(cycle: Cycle) -> int:
    """Two people refused for cover they already have: one in BPJS's own list, one funded by the province."""
    balikpapan, kaltim = cycle.bpn, cycle.current["kaltim"]
    manggar = Region.objects.get(code="64.71.01.1001")
    ojol = Sector.objects.get(code="ojol")
    people = [
        ("6471012003880011", "Rahmat Hidayat", date(1988, 3, 20)),
        ("6471012507910012", "Yusuf Ramadhan", date(1991, 7, 25)),
    ]
    bpjs_nik, province_nik = people[0][0], people[1][0]
    csv = f"nik;kpj;segmen;status\n{bpjs_nik};12345678901;BPU;aktif\n".encode()
    participant_list_import(
        funder=balikpapan.funder, file_name="peserta-bpjs-demo.csv", content=csv, actor=DEMO, apply_sound_rows=True
    )
    province_officer = User.objects.filter(role=Role.REGISTRATION_OFFICER, funder=kaltim.funder).first()
    made = 0
    for nik, name, birth in people:
        data = ApplicantData(
            nik=nik,
            name=name,
            birth_date=birth,
            sex=Sex.MALE,
            address="Jl. Mulawarman No. 7",
            kelurahan_code=manggar.code,
            domicile_since=date(2012, 1, 1),
            sector_code=ojol.code,
            monthly_income=2_800_000,
            aplikator="Gojek",
        )
        if nik == province_nik:
            funded = applicant_register(
                data=data,
                programme=kaltim,
                channel=Channel.COUNTER,
                actor=province_officer or DEMO,
                uploads=demo_uploads(ojol),
            )
            verifier_decides(funded, ApplicationStatus.APPROVED)  # takes a province place
            made += 1
        applicant_register(
            data=data,
            programme=balikpapan,
            channel=Channel.ONLINE,
            actor=Actor.system("demo:online"),
            uploads=demo_uploads(ojol),
        )
        made += 1
    return made


def seed_enrolment(cycle: Cycle) -> int:
    """Each programme's approved places sent to BPJS in one batch and answered, so all four run with members
    and cards. Balikpapan's batch (new people and last year's members who passed re-verification) shows the
    branch's other answers too: one refused for a Dukcapil mismatch, the last not answered yet. Balikpapan's
    SK is drafted and, compared with last year's signed one, shows who continues, who is new and who was
    dropped and why."""
    accepted = 0
    for short, programme in cycle.current.items():
        accepted += _enrol(programme, cycle.year, all_answered=short != "bpn")
    manager = User.objects.filter(role=Role.PROGRAMME_MANAGER, funder=cycle.bpn.funder).first()
    decree_generate(
        programme=cycle.bpn,
        number=f"100.3.3.2/071/HK/{cycle.year}",
        decree_date=clock.today(),
        title=f"Penetapan Peserta Jaminan Sosial Pekerja Rentan Kota Balikpapan Tahun {cycle.year}",
        actor=manager or DEMO,
    )
    return accepted


def _enrol(programme: Programme, year: int, *, all_answered: bool) -> int:
    manager = User.objects.filter(role=Role.PROGRAMME_MANAGER, funder=programme.funder).first()
    if manager is None or not places_ready_for_batch(programme).exists():
        return 0
    batch = batch_create(programme=programme, actor=manager)
    members = list(batch.members.order_by("position"))
    # A KPJ is the person's for life: a member renewed keeps the number BPJS gave them last year.
    kpj_of = dict(
        Membership.objects.filter(person_id__in=[m.person_id for m in members])
        .order_by("starts")
        .values_list("person_id", "kpj")
    )
    region = programme.funder.region.plain_code[-2:]  # 71 Balikpapan, 72 Samarinda, 08 Kutai Timur, 64 Kaltim
    refused = 0 if all_answered else 3
    answered = members if all_answered or len(members) <= 2 else members[:-1]
    answers = [
        Answer(
            row_number=i,
            nik=member.nik,
            accepted=i != refused,
            kpj=kpj_of.get(member.person_id, f"{year % 100:02d}0{region}{i:06d}") if i != refused else "",
            reason="" if i != refused else "NIK tidak padan dengan data Dukcapil",
            starts=programme.cover_start,
        )
        for i, member in enumerate(answered, start=2)
    ]
    result = batch_answers_apply(programme=programme, answers=answers, actor=manager)
    cards_issue(memberships=list(Membership.objects.filter(programme=programme)), actor=manager)
    return result.accepted


def seed_migration_tables() -> None:
    """The lowest contribution bracket and the PP 82/2019 benefit table are seeded by migrations; a database
    flushed since (`jaring flush`, a test that flushes) lacks them. Both seeds leave an existing row alone."""
    seeder = Actor.system("seed-reference")  # regulations' numbers, as the migrations seed them
    contribution_rate_seed(actor=seeder)
    benefit_table_seed(actor=seeder)


def statistics_refresh() -> None:
    """On PostgreSQL, ANALYZE after the people are in: the planner otherwise judges the next joins (places with
    their persons and four levels of region) by the statistics of the empty or earlier database, and a plan made
    for one row per table took minutes in the test suite. ANALYZE counts the rows of this very transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def demo_seed(*, per_programme: int = 40) -> dict[str, object]:
    """Seed the cycle of today. Applicants are seeded into an empty database only: `jaring demo --reset`
    starts afresh, for instance a database seeded in an earlier programme year."""
    today = clock.today()
    with transaction.atomic():
        reference = seed_reference()
        seed_migration_tables()
        cycle = seed_programmes(today)
        logins = seed_users(cycle)
        token = seed_token()
        applicants = 0
        if not Application.objects.exists():
            seed_rules(cycle)
            # Last year first: its members, re-verified in its autumn, are part of this year's list.
            applicants = seed_last_year(cycle)
            applicants += seed_applicants(cycle, per_programme=per_programme)
            applicants += seed_rt_heads(cycle)
            applicants += seed_plantation_workers(cycle)
            applicants += seed_cover_elsewhere(cycle)
            applicants += seed_identity_doubt(cycle)
            statistics_refresh()
            seed_enrolment(cycle)
            # Invoices and payments first: a claim's cover on its day reads the months paid.
            seed_contributions(cycle.bpn)
            seed_claims(cycle)
            # Balikpapan's in-kind aid beside its BPJS scheme: food packages monthly, prosthetic legs once.
            applicants += seed_aid(cycle.year)
            applicants += seed_next_year(cycle, today=today)
    return {"reference": reference, "logins": logins, "token": token, "applicants": applicants}
