"""Demo data: programmes for 2026 (and Balikpapan's 2025), officers of every role, a partner token,
and synthetic applicants in every state, made through the same services the application uses.

Everything is synthetic: names are common Indonesian names, NIKs are structurally valid for the
kelurahan's kecamatan but belong to nobody.
"""

from __future__ import annotations

import functools
import io
import random
import struct
import zlib
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from reportlab.lib.pagesizes import A5
from reportlab.pdfgen import canvas

from jaring.allocation.decrees import decree_generate
from jaring.core import clock
from jaring.core.models import Agency, AgencyKind, ApiToken, Funder, Region, Role, Sector, User
from jaring.core.reference import seed_reference
from jaring.core.services import audit_record, token_hash
from jaring.eligibility.models import DocumentKind
from jaring.eligibility.participants import participant_list_import
from jaring.eligibility.services import rule_version_create, rule_version_ensure
from jaring.enrolment.models import Membership
from jaring.enrolment.services import Answer, batch_answers_apply, batch_create, cards_issue, places_ready_for_batch
from jaring.programmes.models import Programme
from jaring.programmes.selectors import rejection_reasons_of, verification_due
from jaring.programmes.services import rejection_reasons_seed
from jaring.registry.intake import ApplicantData
from jaring.registry.models import Application, Channel, Sex
from jaring.registry.services import Upload, applicant_register, application_transition
from jaring.registry.states import ApplicationStatus, Transition
from jaring.verification.models import Outcome
from jaring.verification.services import DecisionInput, application_decide

# Published demo credentials: the demo runs on 127.0.0.1 with synthetic people only.
DEMO_PASSWORD = "jaring-demo-2026"  # noqa: S105
DEMO_TOKEN = "jrg_demo-balikpapan-ojol-partner-token-2026"  # noqa: S105
DEMO_TOKEN_NAME = "Mitra aplikator (demo)"  # noqa: S105 - a name, not a secret


@dataclass(frozen=True)
class ProgrammeSeed:
    code: str
    funder: str
    year: int
    name: str
    owner: str
    quota: int
    status: str
    short: str  # used in demo usernames


PROGRAMMES = [
    ProgrammeSeed(
        "BPN-2025",
        "balikpapan",
        2025,
        "Jaminan Sosial Pekerja Rentan Kota Balikpapan 2025",
        "disnaker",
        7100,
        "closed",
        "bpn",
    ),
    # Balikpapan moved the programme from Disnaker to Dinas Sosial in 2026.
    ProgrammeSeed(
        "BPN-2026",
        "balikpapan",
        2026,
        "Jaminan Sosial Pekerja Rentan Kota Balikpapan 2026",
        "dinsos",
        7100,
        "open",
        "bpn",
    ),
    ProgrammeSeed(
        "SMD-2026",
        "samarinda",
        2026,
        "Perlindungan Pekerja Rentan Kota Samarinda 2026",
        "disnaker",
        19000,
        "open",
        "smd",
    ),
    ProgrammeSeed(
        "KUTIM-2026", "kutim", 2026, "Jamsostek Pekerja Rentan Kutai Timur 2026", "disnaker", 150000, "open", "kutim"
    ),
    ProgrammeSeed(
        "KALTIM-2026",
        "kaltim",
        2026,
        "Perlindungan Pekerja Rentan Provinsi Kalimantan Timur 2026",
        "disnaker",
        12000,
        "open",
        "kaltim",
    ),
]

FIRST_NAMES_M = [
    "Muhammad",
    "Ahmad",
    "Budi",
    "Agus",
    "Rudi",
    "Andi",
    "Hendra",
    "Syamsul",
    "Yusuf",
    "Rahmat",
    "Arif",
    "Darmawan",
    "Joko",
    "La Ode",
    "Abdul",
]
FIRST_NAMES_F = [
    "Siti",
    "Nur",
    "Sri",
    "Dewi",
    "Rina",
    "Fitri",
    "Wahyuni",
    "Hasanah",
    "Rahmawati",
    "Ani",
    "Yuliana",
    "Maria",
]
LAST_NAMES = [
    "Saputra",
    "Hidayat",
    "Rahman",
    "Sitorus",
    "Setiawan",
    "Pratama",
    "Santoso",
    "Nugroho",
    "Lestari",
    "Wijaya",
    "Hasibuan",
    "Ramadhan",
    "Aminah",
    "Pangaribuan",
    "",
]
APLIKATORS = ["Gojek", "Grab", "Maxim", "inDrive"]
STREETS = ["Mulawarman", "Sudirman", "Soekarno-Hatta", "Pangeran Antasari", "Ruhui Rahayu"]

REASONS = {
    Transition.REJECT: "Bukan nelayan aktif menurut data kelompok nelayan.",
    Transition.WAITLIST: "Kuota program penuh; masuk daftar tunggu.",
    Transition.WITHDRAW: "Pemohon membatalkan karena sudah menjadi pekerja penerima upah.",
}


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    scope: str


def _nik(rng: random.Random, kelurahan: Region, birth: date, sex: str, serial: int) -> str:
    district = kelurahan.plain_code[:6]
    day = birth.day + (40 if sex == Sex.FEMALE else 0)
    return f"{district}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"


def seed_programmes() -> dict[str, Programme]:
    programmes = {}
    for seed in PROGRAMMES:
        funder = Funder.objects.get(code=seed.funder)
        owner = Agency.objects.get(funder=funder, code=seed.owner)
        programme, created = Programme.objects.get_or_create(
            code=seed.code,
            defaults={
                "name": seed.name,
                "funder": funder,
                "year": seed.year,
                "owning_agency": owner,
                "cover_start": date(seed.year, 1, 1),
                "cover_end": date(seed.year, 12, 31),
                "quota": seed.quota,
                "status": seed.status,
            },
        )
        if created:
            audit_record(actor=None, action="programme.seed", target=programme)
        rejection_reasons_seed(programme=programme, actor="demo")
        programmes[seed.code] = programme
    return programmes


def seed_users(programmes: dict[str, Programme]) -> list[DemoLogin]:
    logins: list[DemoLogin] = []

    def make(username: str, role: str, funder: Funder | None, label: str, **extra: object) -> None:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"role": role, "funder": funder, "full_name": label, **extra},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
            audit_record(actor=None, action="user.seed", target=user, data={"role": role})
        logins.append(DemoLogin(username, str(Role(role).label) if role else "Administrator sistem", label))

    make(
        "admin", Role.ADMINISTRATOR, None, "Administrator sistem (semua pemberi dana)", is_staff=True, is_superuser=True
    )
    for seed in PROGRAMMES:
        if seed.year != 2026:
            continue
        programme = programmes[seed.code]
        funder = programme.funder
        owner = programme.owning_agency
        s = seed.short
        place = funder.region.name
        make(f"petugas.{s}", Role.REGISTRATION_OFFICER, funder, f"Petugas loket {owner.name}", agency=owner)
        make(f"manajer.{s}", Role.PROGRAMME_MANAGER, funder, f"Pengelola program {place}", agency=owner)
        make(f"bpjs.{s}", Role.BPJS_LIAISON, funder, f"Penghubung BPJS Ketenagakerjaan {place}")
        make(f"pimpinan.{s}", Role.LEADERSHIP, funder, f"Pimpinan daerah {place}")
        make(f"auditor.{s}", Role.AUDITOR, funder, f"Auditor {place}")
        make(f"admin.{s}", Role.ADMINISTRATOR, funder, f"Administrator {place}", is_staff=True)
        for kind in (AgencyKind.DPPP, AgencyKind.DISHUB, owner.kind):
            agency = Agency.objects.get(funder=funder, code=kind)
            make(f"verifikator.{kind}.{s}", Role.VERIFIER, funder, f"Verifikator {agency.name}", agency=agency)
        village = _demo_village(funder)
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


def _demo_village(funder: Funder) -> Region | None:
    if funder.code == "kaltim":
        return None
    if funder.code == "balikpapan":
        return Region.objects.get(code="64.71.01.1001")  # Manggar, Balikpapan Timur
    return (
        Region.objects.filter(code__startswith=funder.region.code + ".", level=Region.Level.VILLAGE)
        .order_by("code")
        .first()
    )


def seed_token() -> str:
    funder = Funder.objects.get(code="balikpapan")
    if not ApiToken.objects.filter(token_hash=token_hash(DEMO_TOKEN)).exists():
        token = ApiToken.objects.create(
            name=DEMO_TOKEN_NAME,
            funder=funder,
            scopes=["registration", "reports", "membership"],
            prefix=DEMO_TOKEN[:10],
            token_hash=token_hash(DEMO_TOKEN),
        )
        audit_record(actor=None, action="api_token.seed", target=token)
    return DEMO_TOKEN


@functools.cache
def _demo_png() -> bytes:
    """A small grey PNG standing in for a photographed KTP (synthetic, shows nothing)."""
    width, height = 64, 40
    raw = b"".join(b"\x00" + bytes([200, 200, 200]) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


@functools.cache
def _demo_pdf(title: str) -> bytes:
    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer, pagesize=A5, invariant=True)
    sheet.setFont("Helvetica-Bold", 14)
    sheet.drawString(40, 520, title)
    sheet.setFont("Helvetica", 10)
    sheet.drawString(40, 500, "Dokumen contoh untuk demo Jaring. Bukan dokumen asli.")
    sheet.showPage()
    sheet.save()
    return buffer.getvalue()


def _demo_uploads(sector: Sector, *, leave_out: str = "") -> list[Upload]:
    uploads = [
        Upload(DocumentKind.KTP, _demo_png(), "ktp.png"),
        Upload(DocumentKind.KK, _demo_pdf("Kartu Keluarga (contoh)"), "kk.pdf"),
    ]
    if sector.code == "ojol":
        uploads.append(Upload(DocumentKind.APLIKATOR_LETTER, _demo_pdf("Surat keterangan mitra (contoh)"), "mitra.pdf"))
    else:
        uploads.append(Upload(DocumentKind.SECTOR_EVIDENCE, _demo_pdf("Surat keterangan usaha (contoh)"), "usaha.pdf"))
    return [upload for upload in uploads if upload.kind != leave_out]


# After assessment (submit), what the owning office does to an awaiting application to reach its demo state.
AFTER_VERIFICATION: dict[str, list[str]] = {
    ApplicationStatus.WAITLISTED: [Transition.WAITLIST],
    ApplicationStatus.WITHDRAWN: [Transition.WITHDRAW],
}


# The states a verifier reaches by deciding (approval takes a place); enrolled ones are then sent to BPJS in
# a batch (seed_enrolment).
VERIFIER_DECIDES = frozenset({ApplicationStatus.APPROVED, ApplicationStatus.ENROLLED, ApplicationStatus.REJECTED})


def _verifier_decides(application: Application, status: str, rng: random.Random) -> None:
    """The agency's verifier decides, some of them after the deadline, so the overview has figures. Every demo
    agency that verifies has a demo verifier (seed_users), so nothing is approved without its place."""
    verifier = User.objects.get(role=Role.VERIFIER, agency=application.verifying_agency)
    if rng.random() < 0.4:
        _make_overdue(application, rng)
    if status == ApplicationStatus.REJECTED:
        reason = rejection_reasons_of(application.programme).first()
        decision = DecisionInput(Outcome.REJECT, reason=reason, note=REASONS[Transition.REJECT])
    else:
        decision = DecisionInput(Outcome.APPROVE)
    application_decide(application=application, decision=decision, actor=verifier)


def _make_overdue(application: Application, rng: random.Random) -> None:
    """Back-date its arrival in the queue by two to four weeks, as if it had waited there that long."""
    queued_at = clock.now() - timedelta(days=rng.randint(14, 28))
    Application.objects.filter(pk=application.pk).update(
        queued_at=queued_at,
        verification_due=verification_due(programme=application.programme, start=clock.localdate(queued_at)),
    )
    application.refresh_from_db()


def seed_applicants(programmes: dict[str, Programme], *, per_programme: int = 40, seed: int = 2026) -> int:
    """Applicants registered through the same service as every channel, so their eligibility outcomes,
    documents and routing are real; then moved on to later states the way officers would."""
    rng = random.Random(seed)
    sectors = list(Sector.objects.all())
    statuses = list(ApplicationStatus.values)
    today = clock.today()
    made = 0
    serial = 1
    for code, programme in programmes.items():
        if programme.year != 2026:
            continue
        rule_version_ensure(programme=programme, actor="demo")
        funder = programme.funder
        villages = list(Region.objects.filter(code__startswith=funder.region.code + ".", level=Region.Level.VILLAGE))
        demo_village = _demo_village(funder)
        officer = User.objects.filter(role=Role.REGISTRATION_OFFICER, funder=funder).first()
        count = per_programme + (20 if code == "BPN-2026" else 0)
        for i in range(count):
            status = statuses[i % len(statuses)]
            # A quarter of each city's applicants live in the demo kelurahan, so its operator has work.
            village = demo_village if demo_village is not None and i % 4 == 0 else rng.choice(villages)
            sex = Sex.FEMALE if rng.random() < 0.35 else Sex.MALE
            first = rng.choice(FIRST_NAMES_F if sex == Sex.FEMALE else FIRST_NAMES_M)
            birth = date(rng.randint(1965, 2005), rng.randint(1, 12), rng.randint(1, 28))
            sector = rng.choice(sectors)
            channel = rng.choice([Channel.ONLINE, Channel.COUNTER, Channel.KELURAHAN, Channel.API])
            actor: User | str = officer if channel == Channel.COUNTER and officer else f"demo:{channel}"
            # Not eligible: moved in four months ago. Returned: the KTP photo is missing.
            recent = status == ApplicationStatus.NOT_ELIGIBLE
            domicile = today - timedelta(days=rng.randint(100, 130) if recent else rng.randint(200, 9000))
            data = ApplicantData(
                nik=_nik(rng, village, birth, sex, serial),
                kk_number=f"{village.plain_code[:6]}{rng.randint(10**9, 10**10 - 1)}",
                name=f"{first} {rng.choice(LAST_NAMES)}".strip(),
                birth_place=rng.choice(["Balikpapan", "Samarinda", "Sangatta", "Makassar", "Surabaya", "Pare-Pare"]),
                birth_date=birth,
                sex=sex,
                mother_name=f"{rng.choice(FIRST_NAMES_F)} {rng.choice(LAST_NAMES)}".strip(),
                address=f"Jl. {rng.choice(STREETS)} No. {rng.randint(1, 200)}",
                rt=f"{rng.randint(1, 40):03d}",
                rw=f"{rng.randint(1, 12):03d}",
                kelurahan_code=village.code,
                domicile_since=domicile,
                phone=f"+62812{rng.randint(10**7, 10**8 - 1)}",
                sector_code=sector.code,
                monthly_income=rng.randrange(1_500_000, 3_700_000, 50_000),
                aplikator=rng.choice(APLIKATORS) if sector.code == "ojol" else "",
            )
            serial += 1
            leave_out = DocumentKind.KTP if status == ApplicationStatus.RETURNED else ""
            application = applicant_register(
                data=data,
                programme=programme,
                channel=channel,
                actor=actor,
                uploads=_demo_uploads(sector, leave_out=leave_out),
                submit=status != ApplicationStatus.DRAFT,
            )
            if status in VERIFIER_DECIDES and application.status == ApplicationStatus.AWAITING_VERIFICATION:
                _verifier_decides(application, status, rng)
                application.refresh_from_db()
            elif status == ApplicationStatus.AWAITING_VERIFICATION and i % 3 == 0:
                _make_overdue(application, rng)
            for transition in AFTER_VERIFICATION.get(status, []):
                application = application_transition(
                    application=application,
                    transition=transition,
                    actor=officer or "demo",
                    reason=REASONS.get(Transition(transition), ""),
                )
            made += 1
    return made


def seed_rules(programmes: dict[str, Programme]) -> None:
    """Version 1 from the reference scheme for every programme; Balikpapan 2026 also shows a change."""
    for programme in programmes.values():
        if programme.year == 2026:
            rule_version_create(programme=programme, actor="demo", note="Perwali Balikpapan 3/2025 (aturan acuan)")
    rule_version_create(
        programme=programmes["BPN-2026"], actor="demo", note="Rapat koordinasi 2026: usia minimal 18 tahun", min_age=18
    )


def seed_cover_elsewhere(programmes: dict[str, Programme]) -> int:
    """Two people refused for cover they already have: one in BPJS's own list, one funded by the province."""
    balikpapan, kaltim = programmes["BPN-2026"], programmes["KALTIM-2026"]
    manggar = Region.objects.get(code="64.71.01.1001")
    ojol = Sector.objects.get(code="ojol")
    people = [
        ("6471012003880011", "Rahmat Hidayat", date(1988, 3, 20)),
        ("6471012507910012", "Yusuf Ramadhan", date(1991, 7, 25)),
    ]
    bpjs_nik, province_nik = people[0][0], people[1][0]
    csv = f"nik;kpj;segmen;status\n{bpjs_nik};12345678901;BPU;aktif\n".encode()
    participant_list_import(
        funder=balikpapan.funder, file_name="peserta-bpjs-demo.csv", content=csv, actor="demo", apply_sound_rows=True
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
                actor=province_officer or "demo",
                uploads=_demo_uploads(ojol),
            )
            _verifier_decides(funded, ApplicationStatus.APPROVED, random.Random(0))  # takes a province place
            made += 1
        applicant_register(
            data=data, programme=balikpapan, channel=Channel.ONLINE, actor="demo:online", uploads=_demo_uploads(ojol)
        )
        made += 1
    return made


def seed_enrolment(programmes: dict[str, Programme]) -> int:
    """Balikpapan's approved places sent to BPJS in one batch; the branch accepts most (KPJ numbers), rejects
    one for a Dukcapil mismatch and has not yet answered the last. Members get cards; the year's SK is drafted."""
    programme = programmes["BPN-2026"]
    manager = User.objects.filter(role=Role.PROGRAMME_MANAGER, funder=programme.funder).first()
    if manager is None or not places_ready_for_batch(programme).exists():
        return 0
    batch = batch_create(programme=programme, actor=manager)
    members = list(batch.members.order_by("position"))
    answers = [
        Answer(
            row_number=i,
            nik=member.nik,
            accepted=i != 3,
            kpj=f"{26071000000 + i:011d}" if i != 3 else "",
            reason="" if i != 3 else "NIK tidak padan dengan data Dukcapil",
            starts=programme.cover_start,
        )
        for i, member in enumerate(members[:-1] if len(members) > 2 else members, start=2)
    ]
    result = batch_answers_apply(programme=programme, answers=answers, actor=manager)
    cards_issue(memberships=list(Membership.objects.filter(programme=programme)), actor=manager)
    decree_generate(
        programme=programme,
        number="100.3.3.2/071/HK/2026",
        decree_date=clock.today(),
        title="Penetapan Peserta Jaminan Sosial Pekerja Rentan Kota Balikpapan Tahun 2026",
        actor=manager,
    )
    return result.accepted


def demo_seed(*, per_programme: int = 40) -> dict[str, object]:
    with transaction.atomic():
        reference = seed_reference()
        programmes = seed_programmes()
        logins = seed_users(programmes)
        token = seed_token()
        applicants = 0
        if not Application.objects.exists():
            seed_rules(programmes)
            applicants = seed_applicants(programmes, per_programme=per_programme)
            applicants += seed_cover_elsewhere(programmes)
            seed_enrolment(programmes)
    return {"reference": reference, "logins": logins, "token": token, "applicants": applicants}
