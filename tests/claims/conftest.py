"""Members of BPN-2026 to report cases for (made directly: their enrolment is not the subject here), the heirs
and children of the reference family, and small valid documents."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from jaring.allocation.models import Place
from jaring.claims.services import ChildIn, HeirIn, benefit_table_seed
from jaring.contributions.models import BillingTerms
from jaring.core.models import Region, Sector
from jaring.enrolment.models import Membership, MembershipEvent
from jaring.programmes.models import Programme
from jaring.registry.models import Application, Channel, Person, Sex
from jaring.registry.services import Upload
from jaring.registry.states import ApplicationStatus
from tests.helpers.reference import LAMARU, MANGGAR, TESTS

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32 + b"IEND\xaeB`\x82"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PDF_WITH_SCRIPT = b"%PDF-1.4\n1 0 obj<</OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj\n%%EOF\n"

DEATH = date(2026, 10, 2)  # a Friday

# The reference family: the widow and three children (claims-api.md's example heir).
SITI = HeirIn(name="Siti Aminah", nik="6471014507880002", relationship="istri")
ANISA = ChildIn(name="Anisa", birth_date=date(2012, 5, 1), level="smp")
RAFI = ChildIn(name="Rafi", birth_date=date(2015, 4, 1), level="sd")
DINA = ChildIn(name="Dina", birth_date=date(2019, 9, 9), level="tk")

# What a JKM case with a widow needs, every one of them.
JKM_PAPERS = (
    "kartu_peserta",
    "ktp_peserta",
    "akta_kematian",
    "kartu_keluarga",
    "surat_keterangan_ahli_waris",
    "ktp_ahli_waris",
    "buku_nikah",
    "buku_tabungan",
)


def upload(kind: str, content: bytes = PDF) -> Upload:
    return Upload(kind=kind, content=content, name=f"{kind}.pdf")


@pytest.fixture
def member(bpn_2026: Programme) -> Callable[..., Membership]:
    """member(name, bpjs_since=None, kelurahan=MANGGAR, starts=None) -> an active member of BPN-2026 (cover for
    the year), holding a place, with the event the BPJS answer leaves."""
    benefit_table_seed(actor=TESTS)  # seeded by the migration; a transactional test elsewhere may have flushed it
    serial = iter(range(1, 1000))

    def make(
        name: str = "Ahmad Nelayan",
        *,
        bpjs_since: date | None = None,
        kelurahan: str = MANGGAR,
        starts: date | None = None,
        programme: Programme = bpn_2026,
    ) -> Membership:
        n = next(serial)
        starts = starts or programme.cover_start
        region = Region.objects.get(code=kelurahan)
        sector = Sector.objects.get(code="nelayan")
        person = Person.objects.create(
            nik=f"{region.plain_code[:6]}150885{n:04d}",
            name=name,
            birth_date=date(1985, 8, 15),
            sex=Sex.MALE,
            address="Jl. Pantai Manggar No. 3",
            kelurahan=region,
            domicile_since=date(2010, 1, 1),
            sector=sector,
            monthly_income=2_000_000,
        )
        application = Application.objects.create(
            number=f"{programme.code}-9{n:05d}",  # clear of the numbers the registry hands out
            programme=programme,
            person=person,
            channel=Channel.COUNTER,
            status=ApplicationStatus.ENROLLED,
            kelurahan=region,
            sector=sector,
        )
        place = Place.objects.create(
            programme=programme, application=application, person=person, starts=starts, ends=programme.cover_end
        )
        membership = Membership.objects.create(
            programme=programme,
            person=person,
            application=application,
            place=place,
            kpj=f"{26_071_000_000 + n:011d}",
            starts=starts,
            ends=place.ends,
            status_since=starts,
            bpjs_since=bpjs_since or starts,
        )
        MembershipEvent.objects.create(
            membership=membership,
            to_status=Membership.Status.ACTIVE,
            effective=starts,
            reason="bpjs_accepted",
            actor_label="test",
        )
        return membership

    return make


@pytest.fixture
def lamaru_member(member: Callable[..., Membership]) -> Membership:
    return member("Lukman Lamaru", kelurahan=LAMARU)


@pytest.fixture
def payments_followed(bpn_2026: Programme) -> BillingTerms:
    """BPN-2026 follows its members' payments from January, due by the 15th (nothing paid yet)."""
    return BillingTerms.objects.create(programme=bpn_2026, tracked_from=date(2026, 1, 1))
