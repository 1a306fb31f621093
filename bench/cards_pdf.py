"""Benchmark of the card PDF (issue 6): N membership cards, eight to an A4 page, each with its QR code.

    .venv/bin/python bench/cards_pdf.py [--count 1000] [--runs 3] [--out /tmp/cards.pdf]

The cards are made in memory (unsaved rows with ids, names, NIKs and KPJs of realistic length), so the
figure is the rendering alone: what the worker spends after reading the rows. Prints seconds per run, the
PDF's size and the peak memory of the process (ru_maxrss).
"""

from __future__ import annotations

import argparse
import os
import resource
import secrets
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NAMES = ("Ahmad Fauzi", "Budi Santoso", "Citra Lestari", "Dedi Kurniawan", "Eka Putri Rahayu", "Muhammad Ridwan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None, help="keep the last PDF here")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jaring.settings")
    os.environ.setdefault("JARING_SECRET_KEY", secrets.token_urlsafe(48))
    os.environ.setdefault("JARING_DATA_DIR", tempfile.mkdtemp(prefix="jaring-bench-"))
    import django

    django.setup()
    from jaring.core.models import Funder
    from jaring.enrolment.cards.pdf import cards_pdf, pages_for
    from jaring.enrolment.models import Card, Membership
    from jaring.programmes.models import Programme
    from jaring.registry.models import Person

    funder = Funder(pk=1, code="balikpapan", name="Pemerintah Kota Balikpapan")
    programme = Programme(pk=1, code="BPN-2026", name="Perlindungan Pekerja Rentan Kota Balikpapan 2026")
    programme.funder = funder
    cards = []
    for i in range(args.count):
        person = Person(
            pk=i + 1, name=f"{NAMES[i % len(NAMES)]} {i}", nik=f"647101{150890 + i % 900000:06d}{i:04d}"[:16]
        )
        membership = Membership(pk=i + 1, kpj=f"{26000000000 + i * 7919:011d}", ends=date(2026, 12, 31))
        membership.person = person
        membership.programme = programme
        card = Card(pk=100_000 + i, valid_until=date(2026, 12, 31))
        card.membership = membership
        cards.append(card)

    memory_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    seconds = []
    pdf = b""
    for _ in range(args.runs):
        started = time.perf_counter()
        pdf = cards_pdf(cards, base_url="https://jaring.balikpapan.go.id")
        seconds.append(time.perf_counter() - started)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if args.out:
        args.out.write_bytes(pdf)
    print(f"cards          {args.count} ({pages_for(args.count)} A4 pages)")
    print(f"seconds        {statistics.median(seconds):.2f} median of {args.runs} (min {min(seconds):.2f})")
    print(f"pdf size       {len(pdf) / 1_048_576:.1f} MB")
    print(f"peak memory    {peak:.0f} MB (ru_maxrss; {memory_before:.0f} MB before rendering)")


if __name__ == "__main__":
    main()
