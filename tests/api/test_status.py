"""POST /api/v1/status: anyone with the number AND the NIK learns the status and its reasons, nothing else."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client, override_settings

from jaring.programmes.models import Programme
from tests.helpers.api import URL, Partner, assert_error_shape, body

pytestmark = pytest.mark.django_db

STATUS_URL = "/api/v1/status"
NIK = "6471011508900001"


def check(payload: Any, client: Client | None = None, **headers: str) -> Any:
    data = payload if isinstance(payload, str) else json.dumps(payload)
    return (client or Client()).post(STATUS_URL, data=data, content_type="application/json", **headers)


@pytest.fixture
def number(gojek: Partner, bpn_2026: Programme) -> str:
    return str(gojek.post(URL, body()).json()["number"])


def test_the_right_pair_gives_the_status_and_the_reasons_only(number: str) -> None:
    response = check({"number": number, "nik": NIK})
    assert response.status_code == 200
    answer = response.json()
    assert set(answer) == {"number", "status", "reasons"}
    assert answer["number"] == number and answer["status"] == "returned"
    assert answer["reasons"] and "Kartu Keluarga" in answer["reasons"][0]
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_the_number_may_be_typed_in_lower_case_and_the_nik_with_spaces(number: str) -> None:
    assert check({"number": number.lower(), "nik": "6471 0115 0890 0001"}).status_code == 200


def test_a_wrong_nik_and_a_wrong_number_give_the_same_404(number: str) -> None:
    wrong_nik = check({"number": number, "nik": "6471011508900002"})
    wrong_number = check({"number": "BPN-2026-999999", "nik": NIK})
    assert wrong_nik.status_code == wrong_number.status_code == 404
    assert wrong_nik.content == wrong_number.content
    assert set(wrong_nik.json()) == {"detail", "errors"}


def test_no_token_is_needed_and_a_token_changes_nothing(gojek: Partner, number: str) -> None:
    assert check({"number": number, "nik": NIK}, **gojek.headers()).status_code == 200


@pytest.mark.parametrize(
    "payload, field",
    [
        ("{", "body"),
        ("[]", "number"),
        ("[1, 2]", "number"),
        ('"text"', "number"),
        ("", "body"),
        ('{"nik": NaN, "number": "x"}', "body"),
        ({"number": "BPN-2026-000001"}, "nik"),
        ({"number": "BPN-2026-000001", "nik": 6471011508900001}, "nik"),
        ({"number": ["BPN-2026-000001"], "nik": NIK}, "number"),
        ({"number": "B" * 41, "nik": NIK}, "number"),
    ],
)
def test_bad_input_is_422_never_500(db: None, payload: Any, field: str) -> None:
    answer = assert_error_shape(check(payload), 422)
    assert field in answer["errors"]


def test_too_many_checks_from_one_address_are_429(number: str) -> None:
    client = Client(REMOTE_ADDR="203.0.113.7")
    with override_settings(PUBLIC_STATUS_CHECKS_PER_HOUR=3):
        for _ in range(3):
            assert check({"number": "BPN-2026-999999", "nik": NIK}, client).status_code == 404
        refused = check({"number": number, "nik": NIK}, client)
        answer = assert_error_shape(refused, 429)
        assert refused["Retry-After"] == "3600"
        assert answer["errors"] == {}
        # Another address is counted on its own.
        assert check({"number": number, "nik": NIK}, Client(REMOTE_ADDR="203.0.113.8")).status_code == 200


def test_english_is_answered_when_asked(number: str) -> None:
    assert_error_shape(check({"number": number, "nik": "6471011508900002"}, HTTP_ACCEPT_LANGUAGE="en"), 404)
