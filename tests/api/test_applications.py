"""POST/GET /api/v1/applications: a partner registers applicants of its funder and reads them back."""

from __future__ import annotations

import json
from typing import Any

import pytest

from jaring.core.models import AccessLog, AuditRecord, IdempotencyRecord
from jaring.core.services import request_hash
from jaring.programmes.models import Programme
from jaring.registry.intake import COLUMNS
from jaring.registry.models import Application, Channel
from tests.helpers.api import URL, Partner, assert_error_shape, body
from tests.helpers.applicants import applicant

pytestmark = pytest.mark.django_db

APPLICATION_KEYS = {
    "number",
    "programme",
    "status",
    "eligible",
    "complete",
    "eligibility",
    "verifying_agency",
    "submitted_at",
    "reasons",
    "warnings",
}


# -- creating ---------------------------------------------------------------------------------------------


def test_a_partner_registers_an_ojol_driver_and_gets_the_application(gojek: Partner, bpn_2026: Programme) -> None:
    response = gojek.post(URL, body())
    assert response.status_code == 201, response.content
    answer = response.json()
    assert set(answer) == APPLICATION_KEYS
    assert answer["number"].startswith("BPN-2026-")
    assert answer["programme"] == "BPN-2026"
    # Eligible, but an ojol driver's documents are still to come: returned, with what is missing.
    assert answer["status"] == "returned"
    assert answer["eligible"] is True and answer["complete"] is False
    assert answer["reasons"] and "Surat keterangan aplikator" in answer["reasons"][0]
    assert answer["verifying_agency"] is None
    assert answer["submitted_at"].endswith("+08:00")
    rules = {o["rule"]: o for o in answer["eligibility"]}
    assert {"region", "domicile_months", "income_ceiling", "age"} <= set(rules)
    assert all(set(o) == {"rule", "passed", "reason"} for o in answer["eligibility"])
    assert rules["domicile_months"]["passed"] is True and rules["domicile_months"]["reason"]
    # The application shape carries no personal data.
    assert "6471011508900001" not in response.content.decode() and "Budi" not in response.content.decode()

    application = Application.objects.get(number=answer["number"])
    assert application.channel == Channel.API
    assert application.api_token is not None and application.api_token.name == "Gojek"
    assert AuditRecord.objects.filter(action="application.create", actor_label="api:Gojek").exists()


def test_the_nik_doubts_come_back_as_warnings_without_refusing(gojek: Partner, bpn_2026: Programme) -> None:
    # The NIK says born 15-08-1990; the stated birth date is another day.
    response = gojek.post(URL, body(tanggal_lahir="16-08-1990"))
    assert response.status_code == 201
    assert response.json()["warnings"]


def test_the_kelurahan_may_be_given_by_name_with_its_kecamatan(gojek: Partner, bpn_2026: Programme) -> None:
    response = gojek.post(URL, body(kode_kelurahan=None, kelurahan="Manggar", kecamatan="Balikpapan Timur"))
    assert response.status_code == 201, response.content


def test_income_may_be_a_json_integer(gojek: Partner, bpn_2026: Programme) -> None:
    assert gojek.post(URL, body(penghasilan_bulanan=2_500_000, rt=5, rw=2)).status_code == 201


def test_the_same_person_again_is_409_with_the_existing_number_and_no_name(
    gojek: Partner, grab: Partner, bpn_2026: Programme
) -> None:
    first = gojek.post(URL, body()).json()
    again = grab.post(URL, body(nama="Budi S."))
    answer = assert_error_shape(again, 409)
    assert answer["number"] == first["number"]
    assert "nik" in answer["errors"]
    # A partner that only knows a NIK must not learn whose it is.
    assert "Budi" not in again.content.decode()
    assert Application.objects.count() == 1


def test_every_problem_of_the_body_comes_back_at_once_per_column(gojek: Partner, bpn_2026: Programme) -> None:
    response = gojek.post(
        URL,
        body(
            nik=6471011508900001,
            penghasilan_bulanan=[2_500_000],
            tanggal_lahir="kemarin sore",
            domisili_sejak="31-02-2015",
            jenis_kelamin=True,
            alamat={"jalan": "Mulawarman"},
            sektor="astronot",
        ),
    )
    answer = assert_error_shape(response, 422)
    assert answer["detail"] == "Data tidak valid."
    wrong = {"nik", "penghasilan_bulanan", "tanggal_lahir", "domisili_sejak", "jenis_kelamin", "alamat", "sektor"}
    assert set(answer["errors"]) == wrong
    for column in wrong:
        assert len(answer["errors"][column]) == 1
        assert answer["errors"][column][0].startswith(f"Kolom {column}:")
    assert Application.objects.count() == 0


def test_missing_required_columns_are_named(gojek: Partner, bpn_2026: Programme) -> None:
    answer = assert_error_shape(gojek.post(URL, {"programme": "BPN-2026"}), 422)
    assert {"nik", "nama", "tanggal_lahir", "jenis_kelamin", "alamat", "kode_kelurahan", "domisili_sejak"} <= set(
        answer["errors"]
    )
    assert {"sektor", "penghasilan_bulanan"} <= set(answer["errors"])


def test_a_missing_programme_is_a_field_error_with_the_others(gojek: Partner, bpn_2026: Programme) -> None:
    answer = assert_error_shape(gojek.post(URL, {**applicant(), "nik": "123"}), 422)
    assert set(answer["errors"]) == {"programme", "nik"}
    answer = assert_error_shape(gojek.post(URL, {**applicant(), "programme": 2026}), 422)
    assert set(answer["errors"]) == {"programme"}


def test_an_unknown_programme_is_404(gojek: Partner, bpn_2026: Programme) -> None:
    answer = assert_error_shape(gojek.post(URL, body(programme="BPN-2099") | {"programme": "BPN-2099"}), 404)
    assert "programme" in answer["errors"]


def test_a_programme_code_is_matched_in_any_case(gojek: Partner, bpn_2026: Programme) -> None:
    assert gojek.post(URL, {**applicant(), "programme": "bpn-2026"}).status_code == 201


def test_another_funders_programme_is_403(samarinda_partner: Partner, bpn_2026: Programme) -> None:
    answer = assert_error_shape(samarinda_partner.post(URL, body()), 403)
    assert "programme" in answer["errors"]
    assert Application.objects.count() == 0


def test_a_closed_programme_is_409_naming_the_programme(gojek: Partner, bpn_2026: Programme) -> None:
    Programme.objects.filter(pk=bpn_2026.pk).update(status=Programme.Status.CLOSED)
    answer = assert_error_shape(gojek.post(URL, body()), 409)
    assert "programme" in answer["errors"] and "number" not in answer


@pytest.mark.parametrize(
    "raw",
    [
        "{",
        "not json",
        '{"programme": "BPN-2026",}',
        "[1, 2, 3]",
        '"a string"',
        "null",
        "",
        '{"nik": NaN}',
        '{"penghasilan_bulanan": Infinity}',
        "[" * 100_000 + "]" * 100_000,
        b"\xff\xfe\x00garbage",
        '{"penghasilan_bulanan": 1' + "0" * 5000 + "}",
    ],
)
def test_a_body_that_is_not_a_json_object_is_422_never_500(gojek: Partner, bpn_2026: Programme, raw: Any) -> None:
    answer = assert_error_shape(gojek.post(URL, raw=raw), 422)
    assert "body" in answer["errors"] or answer["errors"]


ODD_VALUES: list[object] = [True, False, [], {}, [1], {"a": 1}, 0, -1, 1e308, 12.5, "", " ", "x" * 5000, "\x00", "🙂"]


def test_no_value_of_any_column_makes_a_500(gojek: Partner, bpn_2026: Programme) -> None:
    for column in ("programme", *COLUMNS):
        for value in ODD_VALUES:
            response = gojek.post(URL, {**body(), column: value})
            assert response.status_code in {201, 404, 409, 422}, (column, value, response.content)
            if response.status_code == 201:
                Application.objects.all().delete()


def test_huge_numbers_in_number_columns_are_refused(gojek: Partner, bpn_2026: Programme) -> None:
    answer = assert_error_shape(gojek.post(URL, raw=json.dumps(body()).replace('"Rp2.500.000"', "1e400")), 422)
    assert "penghasilan_bulanan" in answer["errors"]


# -- tokens and scopes ------------------------------------------------------------------------------------


@pytest.mark.parametrize("header", ["", "Bearer ", "Bearer jrg_wrong", "Token abc"])
def test_a_missing_or_bad_token_is_401(gojek: Partner, bpn_2026: Programme, header: str) -> None:
    response = gojek.client.post(
        URL, data=json.dumps(body()), content_type="application/json", HTTP_AUTHORIZATION=header
    )
    assert set(assert_error_shape(response, 401)) == {"detail", "errors"}
    assert gojek.client.get(f"{URL}/BPN-2026-000001", HTTP_AUTHORIZATION=header).status_code == 401


def test_a_token_without_the_registration_scope_cannot_register(dashboard: Partner, bpn_2026: Programme) -> None:
    answer = assert_error_shape(dashboard.post(URL, body()), 403)
    assert "registration" in answer["detail"]
    assert Application.objects.count() == 0


def test_a_token_with_neither_scope_cannot_read(partner_for: Any, balikpapan: Any, gojek: Partner, bpn_2026: Programme):
    number = gojek.post(URL, body()).json()["number"]
    bpjs = partner_for(balikpapan, name="BPJS", scopes=("membership",))
    assert_error_shape(bpjs.get(f"{URL}/{number}"), 403)
    assert_error_shape(bpjs.get(URL), 403)


def test_english_is_answered_when_asked(gojek: Partner, bpn_2026: Programme) -> None:
    response = gojek.post(URL, body(nik="12"), HTTP_ACCEPT_LANGUAGE="en")
    answer = assert_error_shape(response, 422)
    assert list(answer["errors"]) == ["nik"]
    assert_error_shape(gojek.post(URL, raw="{", HTTP_ACCEPT_LANGUAGE="en"), 422)
    assert_error_shape(gojek.get(f"{URL}/BPN-2026-999999", HTTP_ACCEPT_LANGUAGE="en"), 404)


# -- Idempotency-Key ----------------------------------------------------------------------------------------


def test_a_retry_with_the_same_key_and_body_replays_the_first_answer(gojek: Partner, bpn_2026: Programme) -> None:
    raw = json.dumps(body())
    first = gojek.post(URL, raw=raw, HTTP_IDEMPOTENCY_KEY="driver-0001")
    again = gojek.post(URL, raw=raw, HTTP_IDEMPOTENCY_KEY="driver-0001")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Application.objects.count() == 1


def test_the_same_key_with_another_body_is_409(gojek: Partner, bpn_2026: Programme) -> None:
    assert gojek.post(URL, body(), HTTP_IDEMPOTENCY_KEY="k1").status_code == 201
    answer = assert_error_shape(gojek.post(URL, body(nik="6471011508900002"), HTTP_IDEMPOTENCY_KEY="k1"), 409)
    assert "Idempotency-Key" in answer["errors"]
    assert Application.objects.count() == 1


def test_keys_belong_to_their_token(gojek: Partner, grab: Partner, bpn_2026: Programme) -> None:
    assert gojek.post(URL, body(), HTTP_IDEMPOTENCY_KEY="k1").status_code == 201
    response = grab.post(URL, body(nik="6471011508900002"), HTTP_IDEMPOTENCY_KEY="k1")
    assert response.status_code == 201


def test_a_key_whose_first_request_is_still_running_is_409(gojek: Partner, bpn_2026: Programme) -> None:
    raw = json.dumps(body())
    token = gojek_token_row()
    digest = request_hash(b"POST " + URL.encode() + b"\n" + raw.encode())
    IdempotencyRecord.objects.create(token=token, key="slow", request_hash=digest)
    answer = assert_error_shape(gojek.post(URL, raw=raw, HTTP_IDEMPOTENCY_KEY="slow"), 409)
    assert "Idempotency-Key" in answer["errors"]
    assert Application.objects.count() == 0


def gojek_token_row() -> Any:
    from jaring.core.models import ApiToken

    return ApiToken.objects.get(name="Gojek")


def test_an_invalid_body_is_answered_the_same_on_retry(gojek: Partner, bpn_2026: Programme) -> None:
    raw = json.dumps(body(nik="12"))
    first = gojek.post(URL, raw=raw, HTTP_IDEMPOTENCY_KEY="bad")
    again = gojek.post(URL, raw=raw, HTTP_IDEMPOTENCY_KEY="bad")
    assert first.status_code == again.status_code == 422
    assert first.json() == again.json()


def test_a_duplicate_answer_is_replayed_too(gojek: Partner, bpn_2026: Programme) -> None:
    number = gojek.post(URL, body()).json()["number"]
    raw = json.dumps(body())
    first = gojek.post(URL, raw=raw, HTTP_IDEMPOTENCY_KEY="dup")
    again = gojek.post(URL, raw=raw, HTTP_IDEMPOTENCY_KEY="dup")
    assert first.status_code == again.status_code == 409
    assert again.json()["number"] == number


def test_a_refusal_of_the_programme_is_not_kept_so_the_key_works_once_it_opens(
    gojek: Partner, bpn_2026: Programme
) -> None:
    Programme.objects.filter(pk=bpn_2026.pk).update(status=Programme.Status.CLOSED)
    raw = json.dumps(body())
    assert gojek.post(URL, raw=raw, HTTP_IDEMPOTENCY_KEY="early").status_code == 409
    Programme.objects.filter(pk=bpn_2026.pk).update(status=Programme.Status.OPEN)
    assert gojek.post(URL, raw=raw, HTTP_IDEMPOTENCY_KEY="early").status_code == 201


def test_an_overlong_key_is_422(gojek: Partner, bpn_2026: Programme) -> None:
    answer = assert_error_shape(gojek.post(URL, body(), HTTP_IDEMPOTENCY_KEY="k" * 201), 422)
    assert "Idempotency-Key" in answer["errors"]


# -- reading ----------------------------------------------------------------------------------------------


def test_a_partner_reads_an_application_back(gojek: Partner, bpn_2026: Programme) -> None:
    created = gojek.post(URL, body()).json()
    response = gojek.get(f"{URL}/{created['number']}")
    assert response.status_code == 200
    assert response.json() == created
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    log = AccessLog.objects.get()
    assert log.actor_label == "api:Gojek" and log.what == "api_application_detail"


def test_any_application_of_the_funder_is_readable_with_the_reports_scope(
    gojek: Partner, dashboard: Partner, bpn_2026: Programme, make_application: Any
) -> None:
    counter = make_application(bpn_2026, sector="nelayan")
    response = dashboard.get(f"{URL}/{counter.number}")
    assert response.status_code == 200
    assert response.json()["verifying_agency"] == "DPPP"
    assert response.json()["status"] == "awaiting_verification"


def test_another_funders_application_is_404_not_403(
    gojek: Partner, samarinda_partner: Partner, bpn_2026: Programme
) -> None:
    number = gojek.post(URL, body()).json()["number"]
    theirs = samarinda_partner.get(f"{URL}/{number}")
    missing = samarinda_partner.get(f"{URL}/BPN-2026-999999")
    assert_error_shape(theirs, 404)
    assert theirs.json()["detail"].replace(number, "#") == missing.json()["detail"].replace("BPN-2026-999999", "#")


def test_a_partner_lists_only_the_applications_its_token_created(
    gojek: Partner, grab: Partner, bpn_2026: Programme, make_application: Any
) -> None:
    mine = gojek.post(URL, body(nik="6471011508900091")).json()["number"]
    grab.post(URL, body(nik="6471011508900092"))
    make_application(bpn_2026)  # at the counter
    page = gojek.get(URL).json()
    assert page["count"] == 1 and page["next"] is None
    assert [a["number"] for a in page["results"]] == [mine]
    assert set(page["results"][0]) == APPLICATION_KEYS


def test_the_list_is_paginated_and_filtered_by_status(gojek: Partner, bpn_2026: Programme) -> None:
    numbers = [gojek.post(URL, body(nik=f"647101150890000{n}")).json()["number"] for n in range(1, 4)]
    first = gojek.get(URL, {"page_size": 2}).json()
    assert first["count"] == 3
    assert [a["number"] for a in first["results"]] == numbers[::-1][:2]
    assert first["next"].startswith("http") and "page=2" in first["next"]
    second = gojek.client.get(first["next"], **gojek.headers()).json()
    assert [a["number"] for a in second["results"]] == numbers[:1] and second["next"] is None
    assert gojek.get(URL, {"page": 99}).json() == {"count": 3, "next": None, "results": []}
    assert gojek.get(URL, {"status": "returned"}).json()["count"] == 3
    assert gojek.get(URL, {"status": "approved"}).json()["count"] == 0


@pytest.mark.parametrize(
    "params, field",
    [
        ({"page_size": 501}, "page_size"),
        ({"page_size": 0}, "page_size"),
        ({"page": 0}, "page"),
        ({"page": "x"}, "page"),
        ({"page": "9" * 40}, "page"),
        ({"status": "happy"}, "status"),
    ],
)
def test_bad_list_parameters_are_422(gojek: Partner, bpn_2026: Programme, params: dict[str, Any], field: str) -> None:
    answer = assert_error_shape(gojek.get(URL, params), 422)
    assert field in answer["errors"]


# -- the document -----------------------------------------------------------------------------------------


def test_the_paths_are_in_the_openapi_document_with_their_answers(db: None) -> None:
    from django.test import Client

    spec = Client().get("/api/v1/openapi.json").json()
    paths = spec["paths"]
    expected = {
        ("/api/v1/applications", "post"): {"201", "401", "403", "404", "409", "422"},
        ("/api/v1/applications", "get"): {"200", "401", "403", "422"},
        ("/api/v1/applications/{number}", "get"): {"200", "401", "403", "404"},
        ("/api/v1/applications/{number}/documents", "post"): {"201", "401", "403", "404", "409", "422"},
        ("/api/v1/applications/{number}/submit", "post"): {"200", "401", "403", "404", "409"},
        ("/api/v1/status", "post"): {"200", "404", "422", "429"},
    }
    for (path, method), codes in expected.items():
        operation = paths[path][method]
        assert codes <= set(operation["responses"]), (path, method)
        for code in codes:
            assert " / " in operation["responses"][code]["description"], (path, method, code)
        assert " / " in operation["summary"]
    create = paths["/api/v1/applications"]["post"]
    schema = create["requestBody"]["content"]["application/json"]["schema"]
    assert {"programme", "nik", "tanggal_lahir", "penghasilan_bulanan"} <= set(schema["properties"])
    assert any(p["name"] == "Idempotency-Key" for p in create["parameters"])
    assert "security" not in paths["/api/v1/status"]["post"]
    # A NIK never travels in a URL.
    for path, operations in paths.items():
        assert "nik" not in path.lower()
        for operation in operations.values():
            assert all(p["name"] != "nik" for p in operation.get("parameters", []) if p["in"] in ("query", "path"))


def test_a_body_over_the_size_limit_is_413_in_the_error_shape(
    gojek: Partner, bpn_2026: Programme, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = gojek.post(URL, body(keterangan="x" * 2000))
    assert_error_shape(response, 413)
    assert Application.objects.count() == 0


@pytest.mark.parametrize("field", ["programme", "nama", "alamat", "sektor", "keterangan"])
def test_a_text_longer_than_the_schema_allows_is_422_on_its_field_never_a_500(
    gojek: Partner, bpn_2026: Programme, field: str
) -> None:
    answer = assert_error_shape(gojek.post(URL, body(**{field: "B" * 50_001})), 422)
    assert field in answer["errors"]
    assert "paling banyak" in answer["errors"][field][0]


def test_the_openapi_document_gives_each_applicant_text_its_maximum_length(gojek: Partner) -> None:
    schema = gojek.client.get("/api/v1/openapi.json").json()
    body_schema = schema["paths"]["/api/v1/applications"]["post"]["requestBody"]["content"]["application/json"]
    assert body_schema["schema"]["properties"]["programme"]["maxLength"] == 40
