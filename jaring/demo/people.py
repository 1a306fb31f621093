"""Synthetic people for the demo: common Indonesian names, NIKs structurally valid for the kelurahan's
kecamatan but belonging to nobody, grey stand-in documents, and the verifier deciding their applications."""

from __future__ import annotations

import functools
import io
import random
import struct
import zlib
from datetime import date, timedelta

from reportlab.lib.pagesizes import A5
from reportlab.pdfgen import canvas

from jaring.core import clock
from jaring.core.actors import Actor
from jaring.core.models import Funder, Region, Role, Sector, User
from jaring.eligibility.models import DocumentKind
from jaring.programmes.selectors import rejection_reasons_of
from jaring.registry.intake import ApplicantData
from jaring.registry.models import Application, Sex
from jaring.registry.services import Upload
from jaring.registry.states import ApplicationStatus, Transition
from jaring.verification.models import Outcome
from jaring.verification.services import DecisionInput, application_decide

# The demo writes as the system under its own name, so its rows are told apart in the audit trail.
DEMO = Actor.system("demo")

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


def nik_of(kelurahan: Region, birth: date, sex: str, serial: int) -> str:
    district = kelurahan.plain_code[:6]
    day = birth.day + (40 if sex == Sex.FEMALE else 0)
    return f"{district}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"


def demo_village(funder: Funder) -> Region | None:
    """The kelurahan whose demo operator registers its own people (none for the province)."""
    if funder.code == "kaltim":
        return None
    if funder.code == "balikpapan":
        return Region.objects.get(code="64.71.01.1001")  # Manggar, Balikpapan Timur
    return (
        Region.objects.filter(code__startswith=funder.region.code + ".", level=Region.Level.VILLAGE)
        .order_by("code")
        .first()
    )


def villages_of(funder: Funder) -> list[Region]:
    return list(Region.objects.filter(code__startswith=funder.region.code + ".", level=Region.Level.VILLAGE))


def applicant_data(
    rng: random.Random, *, village: Region, sector: Sector, serial: int, on: date, recent: bool = False
) -> ApplicantData:
    """One synthetic person living in `village`, as registered on `on`; `recent`: moved in four months before,
    so refused for the six months of domicile."""
    sex = Sex.FEMALE if rng.random() < 0.35 else Sex.MALE
    first = rng.choice(FIRST_NAMES_F if sex == Sex.FEMALE else FIRST_NAMES_M)
    birth = date(rng.randint(1965, 2005), rng.randint(1, 12), rng.randint(1, 28))
    domicile = on - timedelta(days=rng.randint(100, 130) if recent else rng.randint(200, 9000))
    return ApplicantData(
        nik=nik_of(village, birth, sex, serial),
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


def demo_pdf(title: str) -> bytes:
    """A one-page PDF standing in for a paper (a death certificate, a bank book), marked as an example."""
    return _demo_pdf(title)


def demo_uploads(sector: Sector, *, leave_out: str = "") -> list[Upload]:
    uploads = [
        Upload(DocumentKind.KTP, _demo_png(), "ktp.png"),
        Upload(DocumentKind.KK, _demo_pdf("Kartu Keluarga (contoh)"), "kk.pdf"),
    ]
    if sector.code == "ojol":
        uploads.append(Upload(DocumentKind.APLIKATOR_LETTER, _demo_pdf("Surat keterangan mitra (contoh)"), "mitra.pdf"))
    else:
        uploads.append(Upload(DocumentKind.SECTOR_EVIDENCE, _demo_pdf("Surat keterangan usaha (contoh)"), "usaha.pdf"))
    return [upload for upload in uploads if upload.kind != leave_out]


def verifier_of(application: Application) -> User:
    """Every demo agency that verifies has a demo verifier (data.seed_users), so nothing is approved without
    its place."""
    return User.objects.get(role=Role.VERIFIER, agency=application.verifying_agency)


def verifier_decides(application: Application, status: str) -> None:
    """The agency's verifier approves or rejects, today: an application registered weeks ago (`registered_on`)
    is decided after its deadline, so the overview has figures."""
    verifier = verifier_of(application)
    if status == ApplicationStatus.REJECTED:
        reason = rejection_reasons_of(application.programme).first()
        decision = DecisionInput(Outcome.REJECT, reason=reason, note=REASONS[Transition.REJECT])
    else:
        decision = DecisionInput(Outcome.APPROVE)
    application_decide(application=application, decision=decision, actor=verifier)


def registered_on(rng: random.Random) -> date:
    """The day an applicant whose work waits past its deadline was registered: two to four weeks ago. The whole
    registration happens on that day (clock.pinned), so its submission, its arrival in the queue and the deadline
    counted from it in working days agree, as they would have."""
    return clock.today() - timedelta(days=rng.randint(14, 28))
