"""The public welcome page tells applicants what to bring, from each open programme's rules: every applicant their
KTP and KK, fishers, fish farmers, farmers and livestock keepers their sector evidence, ojol drivers their
aplikator's letter (issue 20)."""

from __future__ import annotations

import pytest
from django.test import Client

from jaring.eligibility.selectors import documents_to_prepare
from jaring.eligibility.services import rule_version_create
from tests.helpers.reference import TESTS

pytestmark = pytest.mark.today("2026-03-02")


def test_the_documents_come_from_the_rules_with_the_sectors_that_need_the_same_named_together(bpn_2026) -> None:  # type: ignore[no-untyped-def]
    rows = dict(documents_to_prepare(programme=bpn_2026))

    assert rows["Semua pemohon"] == "Foto KTP, Kartu Keluarga"
    assert rows["Nelayan, Pembudidaya ikan, Petani, Peternak"].startswith("Bukti sektor")
    assert rows["Pengemudi ojek daring (ojol)"] == "Surat keterangan aplikator (ojol)"


def test_a_rule_change_changes_what_the_welcome_page_asks_for(bpn_2026) -> None:  # type: ignore[no-untyped-def]
    rule_version_create(
        programme=bpn_2026,
        actor=TESTS,
        note="Buruh sawit juga membawa bukti sektor",
        required_documents={"*": ["ktp", "kk"], "buruh_sawit": ["sector_evidence"]},
    )

    page = Client().get("/").content.decode()

    assert "Dokumen yang perlu disiapkan" in page
    assert "Buruh sawit non-perusahaan" in page and "Nelayan" not in page
