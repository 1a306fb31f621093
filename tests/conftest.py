"""Personas and shared fixtures. Tests read like a specification of what each officer may do."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client

from jaring.core.actors import Actor
from jaring.core.models import Agency, AgencyKind, Funder, Region, Role, Sector, User
from jaring.core.reference import seed_reference
from jaring.demo.data import seed_migration_tables
from jaring.eligibility.models import DocumentKind
from jaring.programmes.models import Programme
from jaring.programmes.selectors import programme_verifying_agency
from jaring.registry.intake import ReferenceIndex, parse_applicant
from jaring.registry.models import Application, Channel, Sex
from jaring.registry.services import (
    Upload,
    applicant_register,
    application_create,
    application_transition,
    person_upsert,
)
from jaring.registry.states import Transition
from jaring.verification.models import Outcome
from jaring.verification.services import DecisionInput, application_decide
from tests.helpers.applicants import EVIDENCE, TODAY, applicant_values
from tests.helpers.documents import PDF, PNG
from tests.helpers.reference import MANGGAR, PASSWORD, TESTS, _agency, programme_for

WITA = ZoneInfo("Asia/Makassar")


def morning_of(day: str) -> datetime:
    """09:00 WITA of a `YYYY-MM-DD` day: when an office opens."""
    return datetime.combine(date.fromisoformat(day), time(9, 0), tzinfo=WITA)


def pytest_configure(config: pytest.Config) -> None:
    """`JARING_TEST_TODAY=YYYY-MM-DD` runs the whole suite as if it were that day (CI runs it on other days of
    the programme year): a test that passes on one date and fails on another is a defect."""
    config.addinivalue_line("markers", "today(day): the test means this day (YYYY-MM-DD); the clock is set to it")
    day = os.environ.get("JARING_TEST_TODAY")
    if day:
        time_machine.travel(morning_of(day), tick=True).start()


@pytest.fixture(autouse=True)
def _the_day_the_test_means(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test (or module, with `pytestmark`) that depends on the day says which with `@pytest.mark.today`."""
    marker = request.node.get_closest_marker("today")
    if marker is None:
        yield
        return
    with time_machine.travel(morning_of(marker.args[0]), tick=True):
        yield


@pytest.fixture(autouse=True)
def default_sigterm() -> Iterator[None]:
    """A worker run in-process (by any test) leaves its own SIGTERM handler behind; each test starts from the
    default, so a test that signals itself meets only the handler it means."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    yield
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL: run under scripts/with_postgres.py")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_pg)


@pytest.fixture
def reference(db: None) -> None:
    """Regions of Kalimantan Timur, the four funders with their offices, sectors, UMK and holidays."""
    if not Region.objects.exists():
        seed_reference()
    seed_migration_tables()  # a transactional test before this one flushed them


@pytest.fixture
def balikpapan(reference: None) -> Funder:
    return Funder.objects.get(code="balikpapan")


@pytest.fixture
def samarinda(reference: None) -> Funder:
    return Funder.objects.get(code="samarinda")


@pytest.fixture
def bpn_2026(balikpapan: Funder) -> Programme:
    # Balikpapan's programme moved from Disnaker to Dinas Sosial in 2026.
    name = "Jaminan Sosial Pekerja Rentan Kota Balikpapan 2026"
    return programme_for(balikpapan, code="BPN-2026", name=name, owner=AgencyKind.DINSOS, quota=7100)


@pytest.fixture
def smd_2026(samarinda: Funder) -> Programme:
    name = "Perlindungan Pekerja Rentan Kota Samarinda 2026"
    return programme_for(samarinda, code="SMD-2026", name=name, owner=AgencyKind.DISNAKER, quota=19000)


@pytest.fixture
def make_officer(reference: None) -> Callable[..., User]:
    def make(username: str, role: str, funder: Funder | None, **extra: object) -> User:
        user = User(username=username, role=role, funder=funder, full_name=username.replace("_", " ").title(), **extra)
        user.set_password(PASSWORD)
        user.save()
        return user

    return make


@pytest.fixture
def registration_officer(make_officer: Callable[..., User], balikpapan: Funder) -> User:
    return make_officer(
        "registration_officer", Role.REGISTRATION_OFFICER, balikpapan, agency=_agency(balikpapan, "dinsos")
    )


@pytest.fixture
def kelurahan_operator_manggar(make_officer: Callable[..., User], balikpapan: Funder) -> User:
    return make_officer(
        "kelurahan_operator_manggar",
        Role.KELURAHAN_OPERATOR,
        balikpapan,
        kelurahan=Region.objects.get(code=MANGGAR),
        agency=Agency.objects.get(funder=balikpapan, region_id=MANGGAR),
    )


@pytest.fixture
def dppp_verifier(make_officer: Callable[..., User], balikpapan: Funder) -> User:
    return make_officer("dppp_verifier", Role.VERIFIER, balikpapan, agency=_agency(balikpapan, AgencyKind.DPPP))


@pytest.fixture
def dishub_verifier(make_officer: Callable[..., User], balikpapan: Funder) -> User:
    return make_officer("dishub_verifier", Role.VERIFIER, balikpapan, agency=_agency(balikpapan, AgencyKind.DISHUB))


@pytest.fixture
def programme_manager(make_officer: Callable[..., User], balikpapan: Funder) -> User:
    return make_officer("programme_manager", Role.PROGRAMME_MANAGER, balikpapan)


@pytest.fixture
def bpjs_liaison(make_officer: Callable[..., User], balikpapan: Funder) -> User:
    return make_officer("bpjs_liaison", Role.BPJS_LIAISON, balikpapan)


@pytest.fixture
def leadership(make_officer: Callable[..., User], balikpapan: Funder) -> User:
    return make_officer("wali_kota_office", Role.LEADERSHIP, balikpapan)


@pytest.fixture
def auditor(make_officer: Callable[..., User], balikpapan: Funder) -> User:
    return make_officer("auditor", Role.AUDITOR, balikpapan)


@pytest.fixture
def administrator(make_officer: Callable[..., User], balikpapan: Funder) -> User:
    return make_officer("administrator_bpn", Role.ADMINISTRATOR, balikpapan, is_staff=True)


@pytest.fixture
def system_administrator(make_officer: Callable[..., User]) -> User:
    return make_officer("system_admin", Role.ADMINISTRATOR, None, is_staff=True, is_superuser=True)


@pytest.fixture
def samarinda_officer(make_officer: Callable[..., User], samarinda: Funder) -> User:
    """An officer of another funder: an outsider to everything of Balikpapan."""
    return make_officer("samarinda_officer", Role.REGISTRATION_OFFICER, samarinda)


@pytest.fixture
def outsider(make_officer: Callable[..., User]) -> User:
    """A log-in with no role and no funder (for example a deactivated post)."""
    return make_officer("outsider", "", None)


@pytest.fixture
def client_for() -> Callable[[User], Client]:
    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def make_application(reference: None) -> Callable[..., Application]:
    """An application in a given state, made through the services, with the verifying agency of its sector."""
    serial = iter(range(1, 10_000))
    paths = {
        "draft": [],
        "submitted": [Transition.SUBMIT],
        "awaiting_verification": [Transition.SUBMIT, Transition.SEND_TO_VERIFICATION],
        "approved": [Transition.SUBMIT, Transition.SEND_TO_VERIFICATION, Transition.APPROVE],
    }

    def make(
        programme: Programme,
        *,
        sector: str = "ojol",
        kelurahan: str = MANGGAR,
        status: str = "awaiting_verification",
        name: str = "Budi Santoso",
        actor: Actor | User = TESTS,
    ) -> Application:
        n = next(serial)
        region = Region.objects.get(code=kelurahan)
        sector_row = Sector.objects.get(code=sector)
        person = person_upsert(
            nik=f"{region.plain_code[:6]}150890{n:04d}",
            name=name,
            birth_date=date(1990, 8, 15),
            sex=Sex.MALE,
            address="Jl. Mulawarman No. 1",
            kelurahan=region,
            domicile_since=date(2015, 1, 1),
            sector=sector_row,
            monthly_income=2_500_000,
            aplikator="Gojek" if sector == "ojol" else "",
            actor=actor,
        )
        application = application_create(person=person, programme=programme, channel=Channel.COUNTER, actor=actor)
        agency = programme_verifying_agency(programme=programme, sector=sector_row)
        for transition in paths[status]:
            application = application_transition(
                application=application,
                transition=transition,
                actor=actor,
                verifying_agency=agency if transition == Transition.SEND_TO_VERIFICATION else None,
            )
        return application

    return make


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"


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


NAMES = ("Ahmad", "Budi", "Citra", "Dedi", "Eka", "Fajar", "Gita", "Hadi", "Indah", "Joko")


@pytest.fixture
def approved(register, registration_officer, dppp_verifier, bpn_2026) -> Callable[..., list[Application]]:
    """approved(n) -> n fishers of BPN-2026 approved by DPPP, each holding a place."""

    def make(count: int, *, names: tuple[str, ...] = ()) -> list[Application]:
        made = []
        for i in range(count):
            name = names[i] if i < len(names) else f"Nelayan {NAMES[i % len(NAMES)]}"
            application = register(bpn_2026, registration_officer, name=name)
            application_decide(application=application, decision=DecisionInput(Outcome.APPROVE), actor=dppp_verifier)
            application.refresh_from_db()
            made.append(application)
        return made

    return make
