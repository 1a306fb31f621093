"""Demo: Kutai Timur's plantation workers outside companies (*buruh sawit non-perusahaan*), a sector its scheme
covers; and Samarinda's second scheme of the year, its RT heads, eligible by standing on the list the appointing office
sent (no income test), beside its vulnerable workers' scheme; one RT head already funded by the workers' scheme is
refused a second place for the same months.

Everything is synthetic. Which office appoints Samarinda's RT heads and sends the list is assumed for the demo (the
city's government section); the sources read name the scheme, not its office.
"""

from __future__ import annotations

import io
import random

from jaring.core import clock, xlsx
from jaring.core.actors import Actor
from jaring.core.models import Role, Sector, User
from jaring.demo.people import DEMO, applicant_data, demo_uploads, demo_village, verifier_decides
from jaring.demo.years import Cycle
from jaring.eligibility.models import IncomeCeiling
from jaring.eligibility.services import rule_version_create
from jaring.eligibility.target_lists import target_list_import
from jaring.registry.models import Channel
from jaring.registry.services import applicant_register
from jaring.registry.states import ApplicationStatus

RT_OFFICE = "Bagian Pemerintahan Sekretariat Daerah Kota Samarinda (contoh demo)"
RT_HEADS = 6  # on the list: four registered and approved or waiting, one not registered yet, one also a worker


def _xlsx(rows: list[list[object]]) -> bytes:
    book = xlsx.workbook(write_only=False)
    sheet = book.active
    assert sheet is not None
    sheet.title = "daftar"
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def seed_rt_heads(cycle: Cycle, *, seed: int = 2072) -> int:
    """The RT heads' rules, the office's list, and applicants: on the list and approved, on the list and waiting,
    not on the list (not eligible), and one already funded by the workers' scheme (refused). Returns how many
    applications were made."""
    programme = cycle.schemes.get("smd-rt")
    if programme is None:
        return 0
    workers = cycle.current["smd"]
    rule_version_create(
        programme=programme,
        actor=DEMO,
        note="Skema ketua RT (contoh demo): tercantum dalam daftar instansi yang mengangkat, tanpa batas penghasilan",
        on_target_list=True,
        income_ceiling=IncomeCeiling.NONE,
        min_domicile_months=None,
    )
    rng = random.Random(seed)
    village = demo_village(programme.funder)
    assert village is not None
    sector = Sector.objects.get(code="lainnya")
    today = clock.today()
    people = [applicant_data(rng, village=village, sector=sector, serial=9000 + i, on=today) for i in range(8)]
    listed = people[:RT_HEADS]
    rows: list[list[object]] = [["NIK", "Nama", "Jabatan"]]
    rows += [[p.nik, p.name, f"Ketua RT {i:02d} {village.name}"] for i, p in enumerate(listed, start=1)]
    target_list_import(
        programme=programme,
        source=RT_OFFICE,
        list_date=today.replace(day=1),
        file_name="daftar-ketua-rt-contoh.xlsx",
        content=_xlsx(rows),
        actor=DEMO,
        apply_sound_rows=False,
    )
    officer = User.objects.filter(role=Role.REGISTRATION_OFFICER, funder=programme.funder).first()
    actor: Actor | User = officer or DEMO
    made = 0
    # The last person on the list is also a vulnerable worker already funded by the workers' scheme.
    worker = listed[-1]
    funded = applicant_register(
        data=worker, programme=workers, channel=Channel.COUNTER, actor=actor, uploads=demo_uploads(sector)
    )
    if funded.status == ApplicationStatus.AWAITING_VERIFICATION:
        verifier_decides(funded, ApplicationStatus.APPROVED)
    made += 1
    # Four RT heads on the list (two approved), the worker again, and two people not on the list.
    for i, data in enumerate([*listed[:4], worker, *people[RT_HEADS:]]):
        application = applicant_register(
            data=data, programme=programme, channel=Channel.COUNTER, actor=actor, uploads=demo_uploads(sector)
        )
        if i < 2 and application.status == ApplicationStatus.AWAITING_VERIFICATION:
            verifier_decides(application, ApplicationStatus.APPROVED)
        made += 1
    return made


def seed_plantation_workers(cycle: Cycle, *, seed: int = 6408) -> int:
    """Three plantation workers outside companies registered in Kutai Timur's scheme, two of them approved."""
    programme = cycle.current.get("kutim")
    if programme is None:
        return 0
    rng = random.Random(seed)
    sector = Sector.objects.get(code="buruh_sawit")
    village = demo_village(programme.funder)
    assert village is not None
    officer = User.objects.filter(role=Role.REGISTRATION_OFFICER, funder=programme.funder).first()
    today = clock.today()
    for i in range(3):
        data = applicant_data(rng, village=village, sector=sector, serial=9100 + i, on=today)
        application = applicant_register(
            data=data,
            programme=programme,
            channel=Channel.COUNTER,
            actor=officer or DEMO,
            uploads=demo_uploads(sector),
        )
        if i < 2 and application.status == ApplicationStatus.AWAITING_VERIFICATION:
            verifier_decides(application, ApplicationStatus.APPROVED)
    return 3
