"""Applicants registered through the real services, waiting in the queues of Balikpapan's agencies."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from jaring.core.actors import Actor
from jaring.core.models import Agency, AgencyKind, Funder, User
from jaring.eligibility.models import DocumentKind
from jaring.programmes.models import Programme
from jaring.registry.intake import ReferenceIndex, parse_applicant
from jaring.registry.models import Application, Channel
from jaring.registry.services import Upload, applicant_register

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32 + b"IEND\xaeB`\x82"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TODAY = date(2026, 11, 3)

EVIDENCE = {
    "ojol": DocumentKind.APLIKATOR_LETTER,
    "nelayan": DocumentKind.SECTOR_EVIDENCE,
    "pembudidaya_ikan": DocumentKind.SECTOR_EVIDENCE,
    "petani": DocumentKind.SECTOR_EVIDENCE,
    "peternak": DocumentKind.SECTOR_EVIDENCE,
}


def applicant_values(serial: int, *, sector: str, kelurahan: str, name: str) -> dict[str, object]:
    return {
        "nik": f"647101150890{serial:04d}",
        "no_kk": f"647101010110{serial:04d}",
        "nama": name,
        "tempat_lahir": "Balikpapan",
        "tanggal_lahir": "15-08-1990",
        "jenis_kelamin": "L",
        "nama_ibu_kandung": "Siti Aminah",
        "alamat": "Jl. Mulawarman No. 12",
        "rt": "5",
        "rw": "2",
        "kode_kelurahan": kelurahan,
        "domisili_sejak": "2015-01-01",
        "no_hp": f"0812-3456-{serial:04d}",
        "sektor": sector,
        "penghasilan_bulanan": "Rp2.500.000",
        "aplikator": "Gojek" if sector == "ojol" else "",
    }


@pytest.fixture
def register(reference: None) -> Callable[..., Application]:
    """register(programme, actor, sector="nelayan", channel=COUNTER, kelurahan=MANGGAR, name=...) -> an
    application registered with every document its sector needs: eligible, complete, in its agency's queue."""
    serial = iter(range(1, 10_000))
    index = ReferenceIndex.load()

    def make(
        programme: Programme,
        actor: Actor | User,
        *,
        sector: str = "nelayan",
        channel: str = Channel.COUNTER,
        kelurahan: str = "64.71.01.1001",
        name: str = "Ahmad Nelayan",
        documents: bool = True,
    ) -> Application:
        values = applicant_values(next(serial), sector=sector, kelurahan=kelurahan, name=name)
        result = parse_applicant(values, index=index, region_code="64.71", today=TODAY)
        assert result.data is not None, result.errors
        uploads = [Upload(DocumentKind.KTP, PNG, "ktp.png"), Upload(DocumentKind.KK, PDF, "kk.pdf")]
        if sector in EVIDENCE:
            uploads.append(Upload(EVIDENCE[sector], PDF, "bukti.pdf"))
        return applicant_register(
            data=result.data,
            programme=programme,
            channel=channel,
            actor=actor,
            uploads=uploads if documents else [],
        )

    return make


@pytest.fixture
def dppp(balikpapan: Funder) -> Agency:
    return Agency.objects.get(funder=balikpapan, code=AgencyKind.DPPP)


@pytest.fixture
def dishub(balikpapan: Funder) -> Agency:
    return Agency.objects.get(funder=balikpapan, code=AgencyKind.DISHUB)
