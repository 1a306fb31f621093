"""The OpenAPI document says what the API answers: every 4xx an operation can give is declared with the error
schema, a 409 promises only what it sends, and the member look-up's body says "exactly one of nik and kpj"."""

from __future__ import annotations

from typing import Any

import pytest

from jaring.programmes.models import Programme
from tests.helpers.api import URL, Partner, assert_error_shape, body

pytestmark = pytest.mark.django_db
ERROR = {"$ref": "#/components/schemas/ErrorOut"}


@pytest.fixture
def schema(gojek: Partner) -> dict[str, Any]:
    return dict(gojek.client.get("/api/v1/openapi.json").json())


def test_every_operation_declares_its_4xx_answers_with_the_error_shape(schema: dict[str, Any]) -> None:
    missing = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            expected = {"400", "422"}
            if operation.get("security"):
                expected |= {"401", "403"}
            if "{" in path:
                expected.add("404")
            if method == "post":
                expected.add("413")
            responses = operation["responses"]
            missing += [f"{method.upper()} {path} {code}" for code in sorted(expected - set(responses))]
            for code in expected & set(responses):
                content = responses[code].get("content", {}).get("application/json", {})
                ref = content.get("schema", {}).get("$ref", "")
                if not ref.endswith(("/ErrorOut", "/DuplicateOut")):
                    missing.append(f"{method.upper()} {path} {code} without the error schema")
    assert missing == []


def test_a_closed_programme_answers_a_409_its_schema_allows(
    gojek: Partner, bpn_2026: Programme, schema: dict[str, Any]
) -> None:
    Programme.objects.filter(pk=bpn_2026.pk).update(status=Programme.Status.CLOSED)
    answer = assert_error_shape(gojek.post(URL, body()), 409)
    declared = schema["paths"]["/api/v1/applications"]["post"]["responses"]["409"]
    name = declared["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    required = set(schema["components"]["schemas"][name].get("required", []))
    assert required <= set(answer)


def test_the_member_look_up_schema_says_exactly_one_of_nik_and_kpj(schema: dict[str, Any]) -> None:
    lookup = schema["components"]["schemas"]["LookupIn"]
    assert lookup["oneOf"] == [{"required": ["nik"]}, {"required": ["kpj"]}]


@pytest.mark.parametrize("sent", [{"nik": None, "kpj": "12345678901"}, {"nik": "6471011508900001", "kpj": None}])
def test_both_keys_sent_even_one_as_null_is_refused_as_the_schema_says(
    partner_for: Any, balikpapan: Any, sent: dict[str, Any]
) -> None:
    branch = partner_for(balikpapan, name="BPJS", scopes=("membership",))
    answer = assert_error_shape(branch.post("/api/v1/members/lookup", sent), 422)
    assert set(answer["errors"]) == {"nik", "kpj"}


FORM = b'--x\r\nContent-Disposition: form-data; name="number"\r\n\r\nBPN-2026-000001\r\n--x--\r\n'


@pytest.mark.parametrize("path", ["/api/v1/status", "/api/v1/members/lookup", URL])
def test_a_form_sent_to_a_json_endpoint_is_a_422_naming_the_body_not_a_500(
    partner_for: Any, balikpapan: Any, bpn_2026: Programme, path: str
) -> None:
    partner = partner_for(balikpapan, scopes=("registration", "membership"))
    answer = partner.post(path, raw=FORM, CONTENT_TYPE="multipart/form-data; boundary=x")
    assert_error_shape(answer, 422)


def test_a_multipart_body_without_a_boundary_is_a_400_in_the_error_shape(gojek: Partner) -> None:
    answer = gojek.client.post("/api/v1/status", data=b"{}", content_type="multipart/form-data", **gojek.headers())
    assert answer["Content-Type"].startswith("application/json")
    assert_error_shape(answer, 400)


def test_no_two_api_schemas_share_a_name() -> None:
    """The OpenAPI document keys schemas by class name: two `MemberOut`s in two modules would silently
    document one path with the other's fields."""
    import importlib
    import pkgutil

    from ninja import Schema

    import jaring.api

    seen: dict[str, str] = {}
    clashes = []
    for module_info in pkgutil.iter_modules(jaring.api.__path__):
        module = importlib.import_module(f"jaring.api.{module_info.name}")
        for name, value in vars(module).items():
            if isinstance(value, type) and issubclass(value, Schema) and value.__module__ == module.__name__:
                if name in seen and seen[name] != module.__name__:
                    clashes.append(f"{name}: {seen[name]} and {module.__name__}")
                seen[name] = module.__name__
    assert clashes == []
