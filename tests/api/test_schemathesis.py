"""Schemathesis against the OpenAPI document the API serves, on a demo database: every operation, called with
a partner token of each scope and with another funder's token. No answer may be a 5xx, and every answer must
be one the document declares: its status code, its content type and its body's schema.

Bounded so it runs in every `make test`: a fixed seed, derandomized, a few examples per operation (plus
schemathesis' explicit examples and its boundary "coverage" cases), no deadline. Path parameters and bodies
are sometimes drawn from the demo's real rows (application numbers, programme codes, decree and document ids,
a valid applicant), so the checks reach past the 404 and 422 answers into the handlers themselves.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import Client
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.generation.meta import TestPhase

from jaring.allocation.models import Decree
from jaring.core import clock
from jaring.core.models import Agency, ApiScope, Funder
from jaring.core.services import api_token_create
from jaring.demo.data import demo_seed
from jaring.enrolment.models import Membership
from jaring.registry.models import Application, Document
from tests.helpers.reference import TESTS

# The checks that make an answer wrong whatever the input: a server error, or an answer the document does not
# describe. (Schemathesis' opinions on which inputs should be accepted are left out: the handlers refuse, with
# a 422 the document declares, values the schema cannot express, such as an unknown programme code.)
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
]
CONFIG = schemathesis.config.SchemathesisConfig.from_dict(
    {
        "seed": 2026,
        "generation": {
            "max-examples": 8,
            "deterministic": True,
            "database": "none",
            # The test sends each token itself, and once none.
            "with-security-parameters": False,
        },
        "phases": {"stateful": {"enabled": False}},
        "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
    }
)
HYPOTHESIS = settings(
    deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck), print_blob=False
)

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler(), config=CONFIG)


@dataclass
class Demo:
    """The demo database's tokens and the real values the generated requests may use."""

    tokens: dict[str, str] = field(default_factory=dict)
    path_values: dict[str, list[Any]] = field(default_factory=dict)
    status_bodies: list[dict[str, str]] = field(default_factory=list)
    lookup_bodies: list[dict[str, str]] = field(default_factory=list)
    programme: str = ""


DEMO = Demo()


def _seed(demo: Demo) -> None:
    demo_seed(per_programme=4)
    balikpapan = Funder.objects.get(code="balikpapan")
    samarinda = Funder.objects.get(code="samarinda")
    dppp = Agency.objects.get(funder=balikpapan, code="dppp")
    for scope in ApiScope.values:
        agency = dppp if scope == ApiScope.VERIFICATION else None
        _, demo.tokens[scope] = api_token_create(
            name=f"Mitra {scope}", funder=balikpapan, scopes=[scope], actor=TESTS, agency=agency
        )
    _, demo.tokens["other funder"] = api_token_create(
        name="Mitra Samarinda", funder=samarinda, scopes=list(ApiScope.values), actor=TESTS
    )
    year = clock.today().year
    demo.programme = f"BPN-{year}"
    # Two applications of the registration token itself (returned: the ojol letter is missing), so adding a
    # document and sending one in again reach their services.
    partner = Client(HTTP_AUTHORIZATION=f"Bearer {demo.tokens[ApiScope.REGISTRATION]}")
    for serial in (9001, 9002):
        answer = partner.post("/api/v1/applications", _applicant(serial), content_type="application/json")
        assert answer.status_code == 201, answer.content
    applications = Application.objects.filter(programme__funder__in=[balikpapan, samarinda]).order_by("number")
    numbers = [
        *applications.filter(api_token__isnull=False).values_list("number", flat=True)[:2],
        *applications.filter(verifying_agency=dppp, status="awaiting_verification").values_list("number", flat=True)[
            :2
        ],
        *applications.filter(programme__funder=balikpapan, status="enrolled").values_list("number", flat=True)[:1],
        *applications.filter(programme__funder=samarinda).values_list("number", flat=True)[:1],
    ]
    demo.path_values = {
        "number": numbers,
        "code": [demo.programme, f"SMD-{year}", f"BPN-{year - 1}"],
        "decree_id": list(Decree.objects.values_list("pk", flat=True)[:4]),
        "document_id": list(
            Document.objects.filter(application__verifying_agency=dppp).values_list("pk", flat=True)[:4]
        ),
    }
    demo.status_bodies = [
        {"number": a.number, "nik": a.person.nik} for a in applications.select_related("person")[:10:3]
    ]
    demo.lookup_bodies = [
        body
        for m in Membership.objects.select_related("person").exclude(kpj="")[:3]
        for body in ({"kpj": m.kpj}, {"nik": m.person.nik})
    ]


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[Demo]:
    """Seeded once for the module, inside a transaction rolled back at its end; each operation's test runs in
    a savepoint of it (pytest-django's `db`)."""
    with django_db_blocker.unblock(), transaction.atomic():
        _seed(DEMO)
        yield DEMO
        transaction.set_rollback(True)


@pytest.fixture
def wsgi_in_test_transaction() -> Iterator[None]:
    # Django closes an unusable database connection when a request starts and finishes; inside the test's
    # transaction (not in autocommit) it would close the test's own. Its test client disconnects the same.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


_serials = itertools.count(1)
_turns = itertools.count()


def _applicant(serial: int) -> dict[str, str]:
    """A valid ojol driver of Manggar, Balikpapan (NIK: kecamatan, birth date DDMMYY, serial)."""
    return {
        "programme": DEMO.programme,
        "nik": f"647101150890{serial:04d}",
        "no_kk": f"647101010110{serial:04d}",
        "nama": "Budi Santoso",
        "tempat_lahir": "Balikpapan",
        "tanggal_lahir": "1990-08-15",
        "jenis_kelamin": "L",
        "nama_ibu_kandung": "Siti Aminah",
        "alamat": "Jl. Mulawarman No. 12",
        "rt": "5",
        "rw": "2",
        "kode_kelurahan": "64.71.01.1001",
        "domisili_sejak": "2015-01-01",
        "no_hp": "0812-3456-7890",
        "sektor": "ojol",
        "penghasilan_bulanan": "2500000",
        "aplikator": "Gojek",
    }


def _real_or_generated(generated: Any, real: list[Any]) -> Any:
    return st.one_of(st.sampled_from(real), st.just(generated)) if real else st.just(generated)


@schema.hook
def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any]) -> Any:
    names = [name for name in path_parameters or {} if DEMO.path_values.get(name)]
    if not names:
        return st.just(path_parameters)
    real = st.fixed_dictionaries({name: st.sampled_from(DEMO.path_values[name]) for name in names}).map(
        lambda values: {**path_parameters, **values}
    )
    return st.one_of(real, st.just(path_parameters))


@schema.hook
def flatmap_body(context: Any, body: Any) -> Any:
    operation = context.operation
    if operation is None or operation.method.upper() != "POST":
        return st.just(body)
    if operation.path == "/api/v1/applications":
        # A new NIK each time: the same person twice is a (declared) 409, not what this case is after.
        return st.one_of(st.builds(lambda: _applicant(next(_serials))), st.just(body))
    if operation.path == "/api/v1/status":
        return _real_or_generated(body, DEMO.status_bodies)
    if operation.path == "/api/v1/members/lookup":
        return _real_or_generated(body, DEMO.lookup_bodies)
    return st.just(body)


@schema.hook
def flatmap_headers(context: Any, headers: dict[str, Any] | None) -> Any:
    if not headers or "Idempotency-Key" not in headers:
        return st.just(headers)
    # Generated keys repeat across cases (a 409, declared, for every later body): give each case its own,
    # or none. The same case sent with each token in turn still replays under its own token.
    without = {k: v for k, v in headers.items() if k != "Idempotency-Key"}
    unique = st.builds(lambda: {**headers, "Idempotency-Key": f"{headers['Idempotency-Key']}-{next(_serials)}"})
    return st.one_of(st.just(without), unique)


@schema.parametrize()
@HYPOTHESIS
def test_every_answer_is_one_the_openapi_document_declares(
    case: Any, demo: Demo, db: None, wsgi_in_test_transaction: None
) -> None:
    identities: list[str | None] = [*demo.tokens.values(), None]
    if case.meta is not None and case.meta.phase.name == TestPhase.COVERAGE:
        # Schemathesis' boundary cases are many (every field too long, of the wrong type, missing, ...) and
        # mostly about parsing: each goes with one identity in turn, the generated cases with all of them.
        identities = [identities[next(_turns) % len(identities)]]
    for secret in identities:
        case.call_and_validate(headers={"Authorization": f"Bearer {secret}"} if secret else {})
