"""The SQL a partner registration and a public status check cost, pinned: bench/api_load.py measures them
under load (docs/operations.md, Load), and a new look-up per request must be a decision, not an accident."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jaring.programmes.models import Programme
from tests.api.conftest import Partner
from tests.api.test_applications import URL, body

pytestmark = pytest.mark.django_db

# Statements of one registration of a new person: token, programme, sector, rule version, person (look-up,
# insert), number (on SQLite an update and a read, on PostgreSQL one UPDATE ... RETURNING), application (the
# open-application constraint is the duplicate check), one locked read of it with person, programme, funder and
# region, assessment (UMK; documents; memberships; BPJS list; other funders' cover), one update for its submission and
# routing, its five audit records in one insert; the answer is built from the locked read. Before
# bench/api_load.py was profiled it was 35, each kelurahan, region, programme, funder and rule version read
# again; then 23, the application read four times, written twice and audited in five inserts.
REGISTRATION_STATEMENTS = {"sqlite": 17, "postgresql": 16}
# The rate limit's count and insert, and the look-up.
STATUS_STATEMENTS = 3


def statements(queries: CaptureQueriesContext) -> list[str]:
    # Savepoints are how the services nest their transactions (and here the test's own): not counted.
    return [q["sql"] for q in queries.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]


def test_a_registration_costs_a_fixed_number_of_statements(gojek: Partner, bpn_2026: Programme) -> None:
    assert gojek.post(URL, body(nik="6471011508900001")).status_code == 201  # rules written, caches warm
    with CaptureQueriesContext(connection) as queries:
        answer = gojek.post(URL, body(nik="6471011508900002", no_kk="6471010101100002"))
    assert answer.status_code == 201, answer.content
    assert len(statements(queries)) == REGISTRATION_STATEMENTS[connection.vendor], "\n".join(statements(queries))


def test_a_status_check_costs_three_statements(gojek: Partner, bpn_2026: Programme, client: Any) -> None:
    created = gojek.post(URL, body()).json()
    with CaptureQueriesContext(connection) as queries:
        answer = client.post(
            "/api/v1/status", {"number": created["number"], "nik": "6471011508900001"}, content_type="application/json"
        )
    assert answer.status_code == 200, answer.content
    assert len(statements(queries)) == STATUS_STATEMENTS, "\n".join(statements(queries))
