"""Balikpapan's in-kind aid in the demo: monthly food packages for poor elderly people for the whole year, and
prosthetic legs given once to people with disabilities (the scale of both, 80 and 13 people, is from the news
coverage the issue cites; the goods' contents and the age rule are the demo's assumptions). Recipients are
registered and approved in January like any applicant; every month so far is delivered, except one month one
recipient missed."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date

from jaring.aid.months import add_months
from jaring.aid.services import deliveries_record, delivery_correct
from jaring.allocation.models import Place
from jaring.core import clock
from jaring.core.models import Agency, AgencyKind, Funder, Region, Role, Sector, User
from jaring.core.services import audit_record
from jaring.demo.people import DEMO, applicant_data, demo_uploads, nik_of, verifier_decides
from jaring.eligibility.services import rule_version_create
from jaring.programmes.models import BenefitKind, Programme
from jaring.programmes.services import rejection_reasons_seed
from jaring.registry.models import Channel
from jaring.registry.services import applicant_register
from jaring.registry.states import ApplicationStatus

FOOD_RECIPIENTS = 8
LEG_RECIPIENTS = 3


def _programme(
    funder: Funder, year: int, *, code: str, name: str, kind: str, goods: str, unit: str, quota: int
) -> Programme:
    programme, created = Programme.objects.get_or_create(
        code=code,
        defaults={
            "name": name,
            "funder": funder,
            "year": year,
            "scheme": code.lower().removesuffix(f"-{year}"),  # a scheme of its own beside the workers'
            "owning_agency": Agency.objects.get(funder=funder, code=AgencyKind.DINSOS),
            "cover_start": date(year, 1, 1),
            "cover_end": date(year, 12, 31),
            "quota": quota,
            "status": Programme.Status.OPEN,
            "benefit_kind": kind,
            "goods_description": goods,
            "goods_unit": unit,
        },
    )
    if created:
        audit_record(actor=DEMO, action="programme.seed", target=programme)
    rejection_reasons_seed(programme=programme, actor=DEMO)
    return programme


def _recipients(
    programme: Programme, count: int, *, serial: int, born: tuple[int, int], rng: random.Random
) -> list[Place]:
    officer = User.objects.filter(role=Role.REGISTRATION_OFFICER, funder=programme.funder).first()
    villages = list(Region.objects.filter(level=4, code__startswith="64.71.")[:12])
    other = Sector.objects.get(code="lainnya")
    places = []
    for i in range(count):
        village = rng.choice(villages)
        data = applicant_data(rng, village=village, sector=other, serial=serial + i, on=clock.today())
        birth = date(rng.randint(*born), rng.randint(1, 12), rng.randint(1, 28))
        data = replace(data, birth_date=birth, nik=nik_of(village, birth, data.sex, serial + i))
        application = applicant_register(
            data=data,
            programme=programme,
            channel=Channel.COUNTER,
            actor=officer or DEMO,
            uploads=demo_uploads(other),
        )
        if application.status == ApplicationStatus.AWAITING_VERIFICATION:
            verifier_decides(application, ApplicationStatus.APPROVED)
        place = Place.objects.filter(application=application).first()
        if place is not None:
            places.append(place)
    return places


def seed_aid(year: int, *, seed: int = 20) -> int:
    """Balikpapan's food aid and prosthetic legs of `year`, with recipients and deliveries; how many recipients."""
    funder = Funder.objects.get(code="balikpapan")
    today = clock.today()
    rng = random.Random(seed)
    food = _programme(
        funder,
        year,
        code=f"BPN-SEMBAKO-{year}",
        name=f"Bantuan Paket Sembako Lansia Miskin Kota Balikpapan {year}",
        kind=BenefitKind.GOODS_MONTHLY,
        goods="Paket sembako (beras 10 kg, minyak goreng 2 L, gula 1 kg, telur 1 kg)",
        unit="paket",
        quota=80,
    )
    legs = _programme(
        funder,
        year,
        code=f"BPN-KAKIPALSU-{year}",
        name=f"Bantuan Kaki Palsu Penyandang Disabilitas Kota Balikpapan {year}",
        kind=BenefitKind.GOODS_ONCE,
        goods="Kaki palsu",
        unit="unit",
        quota=13,
    )
    # The demo's assumption: poor elderly people are 60 or older; the workers' age ceiling does not apply.
    rule_version_create(
        programme=food, actor=DEMO, note="Asumsi demo: lansia 60 tahun ke atas", min_age=60, max_age=None
    )
    rule_version_create(programme=legs, actor=DEMO, note="Asumsi demo: tanpa batas usia atas", max_age=None)
    january = min(today, date(year, 1, 6))
    with clock.pinned(january):
        elderly = _recipients(food, FOOD_RECIPIENTS, serial=9100, born=(year - 85, year - 61), rng=rng)
        disabled = _recipients(legs, LEG_RECIPIENTS, serial=9200, born=(year - 60, year - 20), rng=rng)
    officer = User.objects.filter(role=Role.REGISTRATION_OFFICER, funder=funder).first()
    if officer is None:
        return len(elderly) + len(disabled)
    # Every month before this one is delivered on the 10th, signed; the second recipient missed the second month.
    month = date(year, 1, 1)
    while month < today.replace(day=1):
        chosen = [p.pk for i, p in enumerate(elderly) if not (i == 1 and month == date(year, 2, 1))]
        if chosen:
            deliveries_record(
                programme=food,
                period=month,
                place_ids=chosen,
                delivered_on=month.replace(day=10),
                signed=True,
                actor=officer,
                handed_over_by="Petugas Dinas Sosial",
            )
        month = add_months(month, 1)
    # One package was collected by a daughter for her bedridden mother: recorded, then corrected.
    first = food.deliveries.order_by("period", "pk").first()
    if first is not None:
        delivery_correct(
            delivery=first,
            actor=officer,
            delivered_on=first.delivered_on,
            received_by="representative",
            representative_name="Nur Aini",
            representative_relation="anak",
            signed=True,
            handed_over_by=first.handed_over_by,
            notes="Penerima sakit, diambil anaknya",
        )
    # Two of the prosthetic legs are fitted; the third waits for the workshop.
    if disabled and today >= date(year, 3, 1):
        deliveries_record(
            programme=legs,
            period=date(year, 1, 1),
            place_ids=[p.pk for p in disabled[:2]],
            delivered_on=date(year, 2, 20),
            signed=True,
            actor=officer,
            handed_over_by="Petugas Dinas Sosial",
        )
    return len(elderly) + len(disabled)
