"""Who may open what, in one table: every officer page and every API path against every role.

The pages and paths come from the URL resolver, so a new page without a row here fails
`test_every_page_and_api_path_has_a_row`. Each row names the roles that may open it; every other role must be
refused (403, 404, or for the anonymous a redirect to the log-in), among them the outsiders: another funder's
officers and tokens, another kelurahan's operator, another agency's verifier. The subject of every page is a
Balikpapan thing (an application of a Manggar fisher waiting at DPPP, Balikpapan's programme, its decree, its
batch, ...), seeded on the demo's data. Each request runs in a savepoint rolled back afterwards, so a POST that
is allowed changes nothing for the next role.
"""

from __future__ import annotations

import io
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import openpyxl
import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from jaring.allocation.models import Decree, Place
from jaring.core import clock
from jaring.core.models import (
    Agency,
    AgencyKind,
    ApiScope,
    ApiToken,
    Funder,
    Holiday,
    Job,
    Notification,
    Region,
    Role,
    Sector,
    User,
)
from jaring.core.services import api_token_create
from jaring.demo.data import demo_seed
from jaring.demo.people import applicant_data, demo_uploads
from jaring.duplicates.checks import registry_records
from jaring.duplicates.comparisons import levels_of
from jaring.duplicates.engine import Match, prepare
from jaring.duplicates.models import MatchPair, PersonMerge
from jaring.duplicates.services import pairs_record
from jaring.duplicates.tasks import FILE_CHECK, SCAN
from jaring.enrolment.models import Batch, Card, CardPrint, Membership, ResponseImport
from jaring.enrolment.services import card_token
from jaring.programmes.models import Programme
from jaring.registry.models import Application, Channel, Document, ImportBatch, Person
from jaring.registry.services import applicant_register
from tests.conftest import morning_of
from tests.helpers.reference import TESTS


@dataclass
class World:
    values: dict[str, Any] = field(default_factory=dict)
    users: dict[str, User | None] = field(default_factory=dict)
    tokens: dict[str, str | None] = field(default_factory=dict)


ROLES = {
    "anonymous": None,
    "operator": "operator.manggar.bpn",
    "other_operator": "operator.lamaru.bpn",
    "counter": "petugas.bpn",
    "dppp": "verifikator.dppp.bpn",
    "dishub": "verifikator.dishub.bpn",
    "manager": "manajer.bpn",
    "bpjs": "bpjs.bpn",
    "leader": "pimpinan.bpn",
    "auditor": "auditor.bpn",
    "finance": "bendahara.bpn",
    "admin": "admin.bpn",
    "sysadmin": "admin",
    "smd_manager": "manajer.smd",
    "smd_admin": "admin.smd",
}


def _seed() -> World:
    demo_seed(per_programme=4)
    world = World()
    year = clock.today().year
    balikpapan = Funder.objects.get(code="balikpapan")
    samarinda = Funder.objects.get(code="samarinda")
    programme = Programme.objects.get(code=f"BPN-{year}")
    lamaru = Region.objects.get(code="64.71.01.1002")
    User.objects.create(
        username="operator.lamaru.bpn",
        role=Role.KELURAHAN_OPERATOR,
        funder=balikpapan,
        kelurahan=lamaru,
        agency=Agency.objects.filter(funder=balikpapan, kind=AgencyKind.KELURAHAN, region=lamaru).first(),
    )
    for key, username in ROLES.items():
        world.users[key] = User.objects.get(username=username) if username else None
    counter = world.users["counter"]
    # The subject: a fisher of Manggar, registered at the counter, waiting at DPPP.
    manggar = Region.objects.get(code="64.71.01.1001")
    fisher = Sector.objects.get(code="nelayan")
    data = applicant_data(random.Random(14), village=manggar, sector=fisher, serial=7777, on=clock.today())
    application = applicant_register(
        data=data, programme=programme, channel=Channel.COUNTER, actor=counter, uploads=demo_uploads(fisher)
    )
    assert application.status == "awaiting_verification" and application.verifying_agency.code == "dppp"
    manager = world.users["manager"]
    media = settings.MEDIA_ROOT
    (media / "access").mkdir(parents=True, exist_ok=True)
    (media / "access" / "file.xlsx").write_bytes(b"PK")
    job = Job.objects.create(
        kind="audit_export",
        label="Ekspor",
        status=Job.Status.DONE,
        result={"file": "access/file.xlsx"},
        created_by=world.users["auditor"],
        funder=balikpapan,
    )
    import_batch = ImportBatch.objects.create(
        programme=programme,
        created_by=counter,
        actor_label=counter.username,
        file_name="daftar.xlsx",
        file_sha256="0" * 64,
        file_size=2,
        file_kind="xlsx",
        stored_file="access/file.xlsx",
        status=ImportBatch.Status.DONE,
        result_file="access/file.xlsx",
    )
    answer = ResponseImport.objects.create(
        programme=programme,
        file_name="jawaban.xlsx",
        file_sha256="0" * 64,
        status=ResponseImport.Status.APPLIED,
        created_by=manager,
    )
    print_job = Job.objects.create(
        kind="card_print",
        label="Kartu",
        status=Job.Status.DONE,
        result={"file": "access/file.xlsx"},
        created_by=manager,
        funder=balikpapan,
    )
    card_print = CardPrint.objects.create(programme=programme, job=print_job, file="access/file.xlsx")
    membership = Membership.objects.filter(programme=programme, person__kelurahan=manggar).first()
    card = Card.objects.filter(membership__programme=programme).first()
    # Duplicates: the subject's person and another Balikpapan applicant found alike (open), a third merged into the
    # subject's person (its record), a registry scan and a list check of Balikpapan's.
    others = list(
        Person.objects.filter(applications__programme=programme).exclude(pk=application.person_id).order_by("pk")[:2]
    )
    a, b = sorted((application.person_id, others[0].pk))
    first, second = prepare([record for record in registry_records(funder_id=balikpapan.pk) if record.key in (a, b)])
    pairs_record(matches=[Match(a, b, False, 0.97, levels_of(first, second), 0)])
    pair = MatchPair.objects.get(person_a_id=a, person_b_id=b)
    merge = PersonMerge.objects.create(
        survivor_id=application.person_id, merged=others[1], created_by=manager, actor_label=manager.username
    )
    scan = Job.objects.create(kind=SCAN, label="Pindai", status=Job.Status.DONE, created_by=manager, funder=balikpapan)
    checked = Job.objects.create(
        kind=FILE_CHECK, label="Periksa", status=Job.Status.DONE, created_by=counter, funder=balikpapan
    )
    world.values = {
        "number": application.number,
        "document_id": Document.objects.filter(application=application).first().pk,
        "code": programme.code,
        "holiday": Holiday.objects.first().pk,
        "api_token": ApiToken.objects.filter(funder=balikpapan).first().pk,
        "job": job.pk,
        "import_batch": import_batch.pk,
        "notification": Notification.objects.create(
            funder=balikpapan,
            channel=Notification.Channel.SMS,
            recipient="+6281234567890",
            template="decision",
            body="Pendaftaran Anda sedang diverifikasi.",
            target_type=Application._meta.label_lower,
            target_id=str(application.pk),
            target_label=application.number,
        ).pk,
        "place": Place.objects.filter(programme=programme).first().pk,
        "decree": Decree.objects.filter(programme=programme).first().pk,
        "membership": membership.pk,
        "batch": Batch.objects.filter(programme=programme).first().number,
        "answer": answer.pk,
        "card_print": card_print.pk,
        "card_token": card_token(card),
        "status_body": {"number": application.number, "nik": application.person.nik},
        "kpj": membership.kpj,
        "match_pair": pair.pk,
        "person_merge": merge.pk,
        "scan": scan.pk,
        "file_check": checked.pk,
    }
    _seed_aid(world, year=year)
    _seed_money_and_claims(world, programme=programme, manggar=manggar)
    _seed_tokens(world, balikpapan=balikpapan, samarinda=samarinda)
    return world


def _seed_aid(world: World, *, year: int) -> None:
    """The demo's food aid of Balikpapan: a recipient, a delivery of theirs and a scan of a signed list."""
    from jaring.aid.models import Delivery
    from jaring.aid.services import delivery_scan_add
    from tests.helpers.documents import PDF

    food = Programme.objects.get(code=f"BPN-SEMBAKO-{year}")
    delivery = Delivery.objects.filter(programme=food).select_related("place").first()
    scan = delivery_scan_add(
        programme=food, period=delivery.period, content=PDF, name="daftar.pdf", actor=world.users["counter"]
    )
    world.values.update(
        {
            "aid_code": food.code,
            "aid_month": f"{clock.today():%Y-%m}",
            "aid_place": delivery.place_id,
            "aid_delivery": delivery.pk,
            "aid_scan": scan.pk,
        }
    )


def _seed_money_and_claims(world: World, *, programme: Programme, manggar: Region) -> None:
    """The demo's contributions and claims of Balikpapan: a reconciled invoice, a case of a Manggar member with a
    paper, a member to report a case for, Balikpapan's logo and its programme's open data."""
    from jaring.claims.models import Claim
    from jaring.contributions.models import Invoice
    from jaring.core.services import funder_logo_set
    from jaring.reports.services import publication_refresh

    invoice = Invoice.objects.filter(programme=programme, status=Invoice.Status.CURRENT).first()
    claim = Claim.objects.filter(programme=programme, membership__application__kelurahan=manggar).first()
    assert invoice is not None and claim is not None
    document = claim.documents.first()
    assert document is not None
    funder_logo_set(funder=programme.funder, content=_png(), file_name="logo.png", actor=world.users["sysadmin"])
    assert publication_refresh(programme=programme) is not None
    world.values.update(
        {
            "invoice": invoice.pk,
            "claim": claim.number,
            "claim_document": document.pk,
            "funder": programme.funder.code,
            "report_month": f"{clock.today():%Y-%m}",
        }
    )


def _seed_tokens(world: World, *, balikpapan: Funder, samarinda: Funder) -> None:
    """A token of each scope of Balikpapan (verification: one of DPPP, one of Dishub), and one of Samarinda with
    every scope; an application and an import of the registration token itself."""
    world.tokens["none"] = None
    for scope in ApiScope.values:
        agency = Agency.objects.get(funder=balikpapan, code="dppp") if scope == ApiScope.VERIFICATION else None
        _, world.tokens[scope] = api_token_create(
            name=f"Mitra {scope}", funder=balikpapan, scopes=[scope], actor=TESTS, agency=agency
        )
    _, world.tokens["dishub_verification"] = api_token_create(
        name="Sistem Dishub",
        funder=balikpapan,
        scopes=[ApiScope.VERIFICATION],
        actor=TESTS,
        agency=Agency.objects.get(funder=balikpapan, code="dishub"),
    )
    _, world.tokens["other_funder"] = api_token_create(
        name="Mitra Samarinda", funder=samarinda, scopes=list(ApiScope.values), actor=TESTS
    )
    partner = Client(HTTP_AUTHORIZATION=f"Bearer {world.tokens['registration']}")
    code = world.values["code"]
    created = partner.post("/api/v1/applications", _applicant(code, 1), content_type="application/json")
    assert created.status_code == 201, created.content
    world.values["token_application"] = created.json()["number"]
    world.values["applicant"] = _applicant(code, 2)
    imported = partner.post("/api/v1/imports", {"programme": code, "file": SimpleUploadedFile("a.xlsx", _xlsx())})
    assert imported.status_code in (201, 202), imported.content
    world.values["token_import"] = imported.json()["id"]


def _applicant(programme: str, serial: int) -> dict[str, str]:
    """A valid ojol driver of Manggar (his aplikator letter still to come: returned)."""
    return {
        "programme": programme,
        "nik": f"647101150890{serial:04d}",
        "no_kk": f"647101010110{serial:04d}",
        "nama": "Budi Santoso",
        "tanggal_lahir": "1990-08-15",
        "jenis_kelamin": "L",
        "alamat": "Jl. Mulawarman No. 12",
        "kode_kelurahan": "64.71.01.1001",
        "domisili_sejak": "2015-01-01",
        "sektor": "ojol",
        "penghasilan_bulanan": "2500000",
        "aplikator": "Gojek",
    }


ACCESS_DAY = "2026-06-15"


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """The demo's world on a day in the middle of a programme year, when every kind of record exists (invoices,
    claims, deliveries; early in January there are none yet). Access does not depend on the day: the whole table
    means this one."""
    with time_machine.travel(morning_of(ACCESS_DAY), tick=True), django_db_blocker.unblock(), transaction.atomic():
        yield _seed()
        transaction.set_rollback(True)


def _patterns(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace + (f"{p.namespace}:" if p.namespace else "")
            yield from _patterns(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield namespace + (p.name or ""), prefix + str(p.pattern)


def page_names() -> list[str]:
    return sorted(
        {name for name, route in _patterns(get_resolver().url_patterns) if not route.startswith(("admin/", "api/"))}
        # The Django admin's own pages are gated by its staff flag and model permissions: its index stands
        # for them.
        | {"admin_login", "admin:index"}
    )


KWARGS = {
    "core:holiday_delete": {"pk": "holiday"},
    "core:token_revoke": {"pk": "api_token"},
    "core:job": {"pk": "job"},
    "core:job_download": {"pk": "job"},
    "imports:batch": {"pk": "import_batch"},
    "imports:progress": {"pk": "import_batch"},
    "imports:resume": {"pk": "import_batch"},
    "imports:result": {"pk": "import_batch"},
    "verification_manage:outbox_detail": {"pk": "notification"},
    "allocation:place_end": {"code": "code", "pk": "place"},
    "decrees:detail": {"code": "code", "pk": "decree"},
    "decrees:regenerate": {"code": "code", "pk": "decree"},
    "decrees:sign": {"code": "code", "pk": "decree"},
    "decrees:xlsx": {"code": "code", "pk": "decree"},
    "decrees:pdf": {"code": "code", "pk": "decree"},
    "enrolment:member": {"pk": "membership"},
    "batches:detail": {"code": "code", "number": "batch"},
    "batches:download": {"code": "code", "number": "batch", "fmt": "=xlsx"},
    "batches:answer_result": {"code": "code", "pk": "answer"},
    "cards:print": {"code": "code", "pk": "card_print"},
    "cards:download": {"code": "code", "pk": "card_print"},
    "card_check:check": {"token": "card_token"},
    "public:register_step": {"step": "=program"},
    "registry:document": {"number": "number", "document_id": "document_id"},
    "aid:programme": {"code": "aid_code"},
    "aid:month": {"code": "aid_code", "month": "aid_month"},
    "aid:print": {"code": "aid_code", "month": "aid_month"},
    "aid:xlsx": {"code": "aid_code", "month": "aid_month"},
    "aid:recipient": {"code": "aid_code", "pk": "aid_place"},
    "aid:correct": {"code": "aid_code", "pk": "aid_delivery"},
    "aid:scan": {"code": "aid_code", "pk": "aid_scan"},
    "duplicates:pair": {"pk": "match_pair"},
    "duplicates:same": {"pk": "match_pair"},
    "duplicates:different": {"pk": "match_pair"},
    "duplicates:merge": {"pk": "person_merge"},
    "duplicates:undo": {"pk": "person_merge"},
    "duplicates:scan": {"pk": "scan"},
    "duplicates:file_result": {"pk": "file_check"},
    "claims:detail": {"number": "claim"},
    "claims:document": {"number": "claim", "document_id": "claim_document"},
    "claims:document_upload": {"number": "claim"},
    "claims:report_form": {"membership_id": "membership"},
    "contributions:invoice": {"code": "code", "pk": "invoice"},
    "contributions:invoice_progress": {"code": "code", "pk": "invoice"},
    "contributions:invoice_result": {"code": "code", "pk": "invoice"},
    "core:funder_logo": {"code": "funder"},
    "reports:monthly": {"code": "code", "month": "report_month"},
    "reports:export": {"kind": "=pendaftaran"},
}


def post_data(name: str, world: World) -> dict[str, Any]:
    """What a page's POST carries where an empty one would be refused for being empty, not for who posts it."""
    if name == "claims:document_upload":
        return {"dokumen-kind": "akta_kematian", "dokumen-file": SimpleUploadedFile("akta.png", _png())}
    if name == "reports:refresh":
        return {"program": world.values["code"]}
    return {}


def url_of(name: str, world: World) -> str:
    pattern_kwargs = KWARGS.get(name)
    if pattern_kwargs is None:
        route = dict(_patterns(get_resolver().url_patterns)).get(name, "")
        pattern_kwargs = {}
        for part in ("number", "code"):
            if f"<str:{part}>" in route or f"<slug:{part}>" in route:
                pattern_kwargs[part] = part
    kwargs = {k: (v[1:] if v.startswith("=") else world.values[v]) for k, v in pattern_kwargs.items()}
    return reverse(name, kwargs=kwargs)


# -- pages ------------------------------------------------------------------------------------------------

EVERYONE = frozenset(ROLES)
OFFICERS = EVERYONE - {"anonymous"}
# Pages of the public and of the session itself: the same for every role, never refused.
PUBLIC = {
    "home",
    "core:login",
    "core:logout",
    "set_language",
    "admin_login",
    "card_check:check",
    "public:register",
    "public:register_restart",
    "public:register_done",
    "public:register_kelurahan",
    "public:register_step",
    "public:status",
    "public:status_result",
    "public:status_correct",
    "claims_public:report",  # the family's report of a death or an accident
    "claims_public:report_done",
    "core:favicon",
    "core:funder_logo",  # printed on cards and shown on public pages
    "open_data:index",
    "open_data:catalogue",
    "open_data:csv",
    "open_data:json",
}


def roles(*keys: str) -> frozenset[str]:
    unknown = set(keys) - set(ROLES)
    assert not unknown, unknown
    return frozenset(keys)


MANAGE = roles("manager", "sysadmin")
EXCHANGE = roles("manager", "bpjs", "sysadmin")
AUDIT = roles("auditor", "admin", "sysadmin", "smd_admin")
FIGURES = roles("manager", "leader", "auditor", "finance", "sysadmin")
SEES_SUBJECT = roles("operator", "counter", "dppp", "manager", "bpjs", "auditor", "admin", "sysadmin")
REGISTERS = roles("operator", "other_operator", "counter", "sysadmin")
# In-kind aid: the counter and the manager record deliveries; leadership and the auditor read them.
AID_RECORDS = roles("counter", "manager", "sysadmin")
AID_READS = AID_RECORDS | roles("leader", "auditor")
# Who reviews duplicates (and checks a list for them): the counter and the manager; another funder's manager sees
# the queue and the lists of their own funder, never a Balikpapan pair, merge or job.
DUPLICATES = roles("counter", "manager", "sysadmin")
# Claims: the kelurahan operator (their own kelurahan's members), the counter and the manager report and follow
# cases; the BPJS liaison takes them to the branch; the auditor reads them.
CLAIMS = roles("operator", "counter", "manager", "bpjs", "auditor", "sysadmin")
REPORTS_CLAIMS = roles("operator", "counter", "manager", "sysadmin")
# Contributions: who reads the programme's bill, payments, arrears and budget; who reconciles an invoice (the
# bendahara pays the bill, so reads and checks it, and reads the figures; never an applicant's record).
MONEY = roles("manager", "bpjs", "leader", "auditor", "finance", "sysadmin")
RECONCILES = roles("manager", "bpjs", "finance", "sysadmin")
# Who counts the dashboard's figures again and prints the monthly report of their own programme.
SIGNS_REPORTS = roles("manager", "leader", "auditor", "finance", "sysadmin")

# (method, the roles that may). Subjects are Balikpapan's: outsiders of another funder are refused the
# subject pages and see only their own in the lists.
PAGES: dict[str, tuple[str, frozenset[str]]] = {
    "admin:index": ("GET", roles("admin", "sysadmin", "smd_admin")),
    "core:reference": ("GET", OFFICERS),
    "core:regions": ("GET", OFFICERS),
    "core:holidays": ("GET", OFFICERS),
    "core:holiday_delete": ("POST", roles("sysadmin")),
    "wages": ("GET", roles("admin", "sysadmin", "smd_admin")),
    "core:audit": ("GET", AUDIT),
    "core:audit_export": ("POST", AUDIT),
    "core:access_log": ("GET", AUDIT),
    "core:users": ("GET", roles("admin", "sysadmin", "smd_admin")),
    "core:token_revoke": ("POST", roles("admin", "sysadmin")),
    # The subject job is an audit export of Balikpapan: whoever may read Balikpapan's audit log.
    "core:job": ("GET", roles("auditor", "admin", "sysadmin")),
    "core:job_download": ("GET", roles("auditor", "admin", "sysadmin")),
    "registry:list": ("GET", OFFICERS - roles("leader", "finance")),
    "registry:new": ("GET", REGISTERS),
    "registry:search": ("POST", REGISTERS),
    "registry:detail": ("GET", SEES_SUBJECT),
    "registry:document": ("GET", SEES_SUBJECT),
    "registry:correct": ("GET", roles("operator", "counter", "sysadmin")),
    "registry:document_add": ("POST", roles("operator", "counter", "sysadmin")),
    "imports:index": ("GET", roles("counter", "manager", "sysadmin", "smd_manager")),
    "imports:template": ("GET", OFFICERS),
    "imports:batch": ("GET", roles("counter", "manager", "sysadmin")),
    "imports:progress": ("GET", roles("counter", "manager", "sysadmin")),
    "imports:resume": ("POST", roles("counter", "manager", "sysadmin")),
    "imports:result": ("GET", roles("counter", "manager", "sysadmin")),
    "eligibility:programmes": ("GET", roles("manager", "sysadmin", "smd_manager")),
    "eligibility:participants": ("GET", roles("manager", "bpjs", "sysadmin", "smd_manager")),
    "eligibility:rules": ("GET", MANAGE),
    "eligibility:reassess": ("POST", MANAGE),
    "eligibility:target_list": ("GET", MANAGE),
    "verification_manage:index": ("GET", FIGURES | {"smd_manager"}),
    "verification_manage:overview": ("GET", FIGURES),
    "verification_manage:routes": ("GET", MANAGE),
    "verification_manage:reasons": ("GET", MANAGE),
    "verification_manage:outbox": ("GET", OFFICERS - roles("leader", "finance")),
    "verification_manage:outbox_detail": ("GET", SEES_SUBJECT),
    "verification:queue": ("GET", roles("dppp", "dishub", "sysadmin")),
    "verification:bulk_approve": ("POST", roles("dppp", "dishub", "sysadmin")),
    "verification:detail": ("GET", roles("dppp", "sysadmin")),
    "allocation:quota_list": ("GET", FIGURES | {"smd_manager"}),
    "allocation:planner": ("GET", FIGURES | roles("admin", "smd_manager", "smd_admin")),
    "allocation:rates": ("GET", FIGURES | roles("admin", "smd_manager", "smd_admin")),
    "allocation:quota": ("GET", FIGURES),
    "allocation:waitlist": ("GET", MANAGE),
    "allocation:conflicts": ("GET", MANAGE),
    "allocation:places": ("GET", MANAGE),
    "allocation:place_end": ("GET", MANAGE),
    "decrees:index": ("GET", MANAGE | {"smd_manager"}),
    "decrees:list": ("GET", MANAGE),
    "decrees:detail": ("GET", MANAGE),
    "decrees:regenerate": ("POST", MANAGE),
    "decrees:sign": ("POST", MANAGE),
    "decrees:xlsx": ("GET", MANAGE),
    "decrees:pdf": ("GET", MANAGE),
    "enrolment:programmes": ("GET", OFFICERS - roles("dppp", "dishub", "leader", "finance")),
    "enrolment:members": ("GET", SEES_SUBJECT - {"dppp"} | {"other_operator"}),
    "enrolment:member": ("GET", SEES_SUBJECT - {"dppp"}),
    "enrolment:reverification": ("GET", SEES_SUBJECT - {"dppp"} | {"other_operator"}),
    "batches:index": ("GET", EXCHANGE),
    "batches:create": ("POST", EXCHANGE),
    "batches:columns": ("POST", EXCHANGE),
    "batches:detail": ("GET", EXCHANGE),
    "batches:download": ("GET", EXCHANGE),
    "batches:answer": ("GET", EXCHANGE),
    "batches:answer_result": ("GET", EXCHANGE),
    "cards:index": ("GET", EXCHANGE),
    "cards:handover": ("GET", EXCHANGE),
    "cards:report": ("GET", EXCHANGE),
    "cards:print": ("GET", EXCHANGE),
    "cards:download": ("GET", EXCHANGE),
    "aid:index": ("GET", AID_READS | {"smd_manager"}),  # each their own funder's aid programmes
    "aid:programme": ("GET", AID_READS),
    "aid:month": ("GET", AID_READS),
    "aid:print": ("GET", AID_READS),
    "aid:xlsx": ("GET", AID_READS),
    "aid:recipient": ("GET", AID_READS),
    "aid:scan": ("GET", AID_READS),
    "aid:correct": ("GET", AID_RECORDS),
    "duplicates:queue": ("GET", DUPLICATES | {"smd_manager"}),
    "duplicates:pair": ("GET", DUPLICATES),
    "duplicates:same": ("POST", DUPLICATES),
    "duplicates:different": ("POST", DUPLICATES),
    "duplicates:merges": ("GET", DUPLICATES | {"smd_manager"}),
    "duplicates:merge": ("GET", DUPLICATES),
    "duplicates:undo": ("POST", DUPLICATES),
    "duplicates:scan_start": ("POST", DUPLICATES | {"smd_manager"}),
    "duplicates:scan": ("GET", DUPLICATES),
    "duplicates:file_check": ("GET", DUPLICATES | {"smd_manager"}),
    "duplicates:file_result": ("GET", DUPLICATES),
    # The counter's likely matches while typing: whoever registers applicants (a fragment, no subject).
    "duplicates:suggest": ("POST", REGISTERS),
    # Lists of cases: each their own funder's and kelurahan's (another kelurahan's operator sees none of Manggar).
    "claims:list": ("GET", CLAIMS | roles("other_operator", "smd_manager")),
    "claims:scholarship_due": ("GET", CLAIMS | roles("other_operator", "smd_manager")),
    "claims:report": ("GET", REPORTS_CLAIMS | roles("other_operator", "smd_manager")),
    "claims:report_form": ("GET", REPORTS_CLAIMS),  # a Manggar member
    "claims:detail": ("GET", CLAIMS),  # a case of a Manggar member
    "claims:document": ("GET", CLAIMS),
    "claims:document_upload": ("POST", CLAIMS - {"auditor"}),
    "contributions:programmes": ("GET", MONEY | {"smd_manager"}),  # each their own funder's
    "contributions:overview": ("GET", MONEY),
    "contributions:invoice": ("GET", MONEY),
    "contributions:invoice_progress": ("GET", MONEY),
    "contributions:invoice_result": ("GET", RECONCILES),
    "contributions:arrears": ("GET", MONEY),
    "contributions:budget": ("GET", MONEY),
    "contributions:terms": ("GET", MANAGE),
    "core:funder_logos": ("GET", roles("admin", "sysadmin", "smd_admin")),  # each their own funder's
    "reports:dashboard": ("GET", OFFICERS),  # each their own funder's figures
    "reports:refresh": ("POST", SIGNS_REPORTS),
    "reports:monthly": ("GET", SIGNS_REPORTS),
    "reports:export": ("POST", OFFICERS - roles("leader", "finance")),  # the applications list: each their own
}

# Roles that may not see the subject application: on any page they may open, its number must not show.
NOT_TO_SEE_SUBJECT = EVERYONE - SEES_SUBJECT - {"anonymous"}


def refused(response: Any) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    # The admin sends those it refuses to its log-in, which is ours (admin_login).
    logins = (reverse("core:login"), reverse("admin_login"))
    return response.status_code == 302 and response["Location"].startswith(logins)


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def answer(client: Client, method: str, url: str, **kwargs: Any) -> Any:
    """The answer to one request, made in a savepoint that is rolled back: an allowed POST changes nothing
    for the next role."""
    with transaction.atomic():
        response = client.get(url, **kwargs) if method == "GET" else client.post(url, **kwargs)
        transaction.set_rollback(True)
    return response


def test_every_page_and_api_path_has_a_row() -> None:
    pages = set(page_names())
    apis = set(api_names())
    assert pages - PUBLIC - set(PAGES) == set(), "a new page needs a row in PAGES (or PUBLIC)"
    assert set(PAGES) | PUBLIC <= pages, "a row for a page that no longer exists"
    assert apis - set(API) == set(), "a new API path needs a row in API"
    assert set(API) <= apis


@pytest.mark.parametrize("name", sorted(PAGES))
def test_each_role_opens_exactly_the_pages_its_row_allows(name: str, world: World, db: None) -> None:
    method, allowed = PAGES[name]
    url = url_of(name, world)
    wrong = []
    for role, user in world.users.items():
        data = {"data": post_data(name, world)} if method == "POST" else {}
        response = answer(client_for(user), method, url, **data)
        assert response.status_code < 500
        if refused(response) == (role in allowed):
            wrong.append(f"{role}: {response.status_code} {response.get('Location', '')}")
        elif role in NOT_TO_SEE_SUBJECT and not refused(response) and method == "GET":
            body = b"".join(response.streaming_content) if response.streaming else response.content
            assert world.values["number"] not in body.decode(errors="replace"), f"{role} sees the subject on {url}"
    assert wrong == [], f"{method} {url}"


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_public_pages_answer_everyone(name: str, world: World, db: None) -> None:
    url = url_of(name, world)
    for user in world.users.values():
        response = answer(client_for(user), "GET", url)
        if response.status_code == 405:
            response = answer(client_for(user), "POST", url)
        assert response.status_code < 500 and response.status_code not in (401, 403, 404), (url, user)


# -- the API ----------------------------------------------------------------------------------------------

TOKENS = (
    "none",
    "registration",
    "reports",
    "membership",
    "verification",
    "dishub_verification",
    "claims",
    "contributions",
    "other_funder",
)


def api_names() -> list[str]:
    names = {name for name, route in _patterns(get_resolver().url_patterns) if route.startswith("api/")}
    return sorted(names - {"api:openapi-json", "api:openapi-view", "api:api-root"})


def _png() -> bytes:
    from jaring.demo.people import _demo_png

    return _demo_png()


def _xlsx() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    row = _applicant("", 3)
    del row["programme"]
    sheet.append(list(row))
    sheet.append(list(row.values()))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def api_request(name: str, world: World) -> tuple[str, str, dict[str, Any]]:
    v = world.values
    own, subject, code = v["token_application"], v["number"], v["code"]
    json = "application/json"
    requests: dict[str, tuple[str, str, dict[str, Any]]] = {
        "api:health": ("GET", "/api/v1/health", {}),
        "api:token_info": ("GET", "/api/v1/token", {}),
        "api:regions": ("GET", "/api/v1/regions", {"data": {"q": "Manggar"}}),
        "api:sectors": ("GET", "/api/v1/sectors", {}),
        "api:status_check": ("POST", "/api/v1/status", {"data": v["status_body"], "content_type": json}),
        "api:application_create": ("POST", "/api/v1/applications", {"data": v["applicant"], "content_type": json}),
        "api:application_list": ("GET", "/api/v1/applications", {}),
        "api:application_detail": ("GET", f"/api/v1/applications/{own}", {}),
        "api:document_upload": (
            "POST",
            f"/api/v1/applications/{own}/documents",
            {"data": {"kind": "aplikator_letter", "file": SimpleUploadedFile("surat.png", _png())}},
        ),
        "api:application_send_again": ("POST", f"/api/v1/applications/{own}/submit", {}),
        "api:verification_queue": ("GET", "/api/v1/verification/queue", {}),
        "api:verification_application": ("GET", f"/api/v1/verification/applications/{subject}", {}),
        "api:verification_document": (
            "GET",
            f"/api/v1/verification/applications/{subject}/documents/{v['document_id']}",
            {},
        ),
        "api:verification_decide": (
            "POST",
            f"/api/v1/verification/applications/{subject}/decision",
            {"data": {"outcome": "approve"}, "content_type": json},
        ),
        "api:verification_approve": (
            "POST",
            "/api/v1/verification/approve",
            {"data": {"numbers": [subject]}, "content_type": json},
        ),
        "api:verification_rejection_reasons": (
            "GET",
            "/api/v1/verification/rejection-reasons",
            {"data": {"programme": code}},
        ),
        "api:contribution": ("GET", "/api/v1/programmes/contribution", {"data": {"income": "2500000"}}),
        "api:planner": ("GET", "/api/v1/programmes/planner", {"data": {"budget": "1000000000"}}),
        "api:programme_list": ("GET", "/api/v1/programmes", {}),
        "api:programme_detail": ("GET", f"/api/v1/programmes/{code}", {}),
        "api:programme_quota": ("GET", f"/api/v1/programmes/{code}/quota", {}),
        "api:programme_waitlist": ("GET", f"/api/v1/programmes/{code}/waitlist", {}),
        "api:decree_list": ("GET", "/api/v1/decrees", {}),
        "api:decree_detail": ("GET", f"/api/v1/decrees/{v['decree']}", {}),
        "api:decree_file": ("GET", f"/api/v1/decrees/{v['decree']}/xlsx", {}),
        "api:member_lookup": ("POST", "/api/v1/members/lookup", {"data": {"kpj": v["kpj"]}, "content_type": json}),
        "api:import_create": (
            "POST",
            "/api/v1/imports",
            {"data": {"programme": code, "file": SimpleUploadedFile("daftar.xlsx", _xlsx())}},
        ),
        "api:import_detail": ("GET", f"/api/v1/imports/{v['token_import']}", {}),
        "api:import_result": ("GET", f"/api/v1/imports/{v['token_import']}/result", {}),
        "api:aid_deliveries": ("GET", f"/api/v1/aid/{v['aid_code']}/deliveries", {"data": {"month": v["aid_month"]}}),
        "api:claim_create": (
            "POST",
            "/api/v1/claims",
            {
                "data": {"kpj": v["kpj"], "kind": "jkm", "event_date": f"{clock.today()}", "reported_by": "ahli waris"},
                "content_type": json,
            },
        ),
        "api:claim_detail": ("GET", f"/api/v1/claims/{v['claim']}", {}),
        "api:coverage": ("GET", "/api/v1/reports/coverage", {"data": {"programme": code, "month": v["report_month"]}}),
        "api:contributions": (
            "GET",
            f"/api/v1/programmes/{code}/contributions",
            {"data": {"month": v["report_month"]}},
        ),
        "api:members": ("GET", f"/api/v1/programmes/{code}/members", {}),
        "api:invoice_create": (
            "POST",
            f"/api/v1/programmes/{code}/invoices",
            {"data": {"file": SimpleUploadedFile("tagihan.xlsx", _xlsx())}},
        ),
        "api:invoice_detail": ("GET", f"/api/v1/programmes/{code}/invoices/{v['invoice']}", {}),
        "api:invoice_result": ("GET", f"/api/v1/programmes/{code}/invoices/{v['invoice']}/result", {}),
    }
    return requests[name]


ANY_TOKEN = frozenset(TOKENS) - {"none"}
VERIFIES = frozenset({"verification"})
READS = frozenset({"registration", "reports"})

# The tokens that may, for a subject of Balikpapan (another funder's token with every scope is an outsider).
API: dict[str, frozenset[str]] = {
    "api:health": frozenset(TOKENS),
    "api:status_check": frozenset(TOKENS),  # public: the number and the NIK are the key
    "api:token_info": ANY_TOKEN,
    "api:regions": ANY_TOKEN,
    "api:sectors": ANY_TOKEN,
    "api:programme_list": ANY_TOKEN,  # the token's own funder's programmes
    "api:application_create": frozenset({"registration"}),
    "api:application_list": READS | {"other_funder"},  # its own (none)
    "api:application_detail": READS,
    "api:document_upload": frozenset({"registration"}),
    "api:application_send_again": frozenset({"registration"}),
    "api:verification_queue": VERIFIES | {"dishub_verification"},  # each its own agency's queue
    "api:verification_application": VERIFIES,
    "api:verification_document": VERIFIES,
    "api:verification_decide": VERIFIES,
    "api:verification_approve": VERIFIES | {"dishub_verification"},  # answered 200 with the subject skipped
    "api:verification_rejection_reasons": VERIFIES | {"dishub_verification"},
    "api:contribution": frozenset({"reports", "other_funder"}),  # the national BPU table
    "api:planner": frozenset({"reports", "other_funder"}),
    "api:programme_detail": frozenset({"reports"}),
    "api:programme_quota": frozenset({"reports"}),
    "api:programme_waitlist": frozenset({"reports"}),
    "api:decree_list": frozenset({"reports", "other_funder"}),  # its own (none)
    "api:decree_detail": frozenset({"reports"}),
    "api:decree_file": frozenset({"reports"}),
    "api:member_lookup": frozenset({"membership"}),
    "api:import_create": frozenset({"registration"}),
    "api:import_detail": frozenset({"registration"}),
    "api:import_result": frozenset({"registration"}),
    "api:aid_deliveries": frozenset({"reports"}),
    "api:claim_create": frozenset({"claims"}),  # a Balikpapan member's KPJ
    "api:claim_detail": frozenset({"claims"}),
    "api:coverage": frozenset({"reports"}),
    "api:contributions": frozenset({"reports", "contributions"}),
    "api:members": frozenset({"membership"}),
    "api:invoice_create": frozenset({"contributions"}),  # answered 422: not an invoice file
    "api:invoice_detail": frozenset({"reports", "contributions"}),
    "api:invoice_result": frozenset({"contributions"}),
}


@pytest.mark.parametrize("name", sorted(API))
def test_each_token_reaches_exactly_the_api_paths_its_row_allows(name: str, world: World, db: None) -> None:
    method, path, kwargs = api_request(name, world)
    wrong = []
    for token in TOKENS:
        secret = world.tokens[token]
        headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if secret else {}
        files = {k: v for k, v in kwargs.get("data", {}).items() if isinstance(v, SimpleUploadedFile)}
        for upload in files.values():
            upload.seek(0)
        response = answer(Client(), method, path, **kwargs, **headers)
        assert response.status_code < 500
        if refused(response) == (token in API[name]):
            wrong.append(f"{token}: {response.status_code} {response.content[:150]!r}")
        elif token == "other_funder" and response.status_code == 200 and name != "api:status_check":
            assert world.values["number"] not in response.content.decode(errors="replace")
    assert wrong == [], f"{method} {path}"
