"""The rules page: a programme manager reads the rules in plain words, writes the next version (audited, never
overwriting the old one), and re-assesses the open applications in a background job."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from django import forms
from django.core.management import call_command
from django.test import Client
from django.utils import timezone, translation

from jaring.core.actors import Actor
from jaring.core.models import AgencyKind, AuditRecord, Funder, Job, Role, Sector, User
from jaring.eligibility.forms import RuleVersionForm
from jaring.eligibility.models import IncomeCeiling, RuleVersion
from jaring.eligibility.selectors import rule_version_current
from jaring.eligibility.services import rule_version_create, rule_version_ensure
from jaring.programmes.models import Programme
from jaring.registry.intake import ReferenceIndex, parse_applicant
from jaring.registry.models import Application, Channel
from jaring.registry.reassess_tasks import KIND, reassess_applications
from jaring.registry.services import applicant_register
from jaring.registry.states import ApplicationStatus
from tests.helpers.applicants import ALL_DOCUMENTS, applicant
from tests.helpers.reference import programme_for

pytestmark = pytest.mark.django_db

S = ApplicationStatus
RULES = "/program/BPN-2026/aturan/"
REASSESS = "/program/BPN-2026/aturan/nilai-ulang/"


@pytest.fixture(autouse=True)
def _indonesian() -> Iterator[None]:
    with translation.override("id"):
        yield


def born_years_ago(years: int) -> date:
    # 1 January: the person is exactly `years` old on every day of this year.
    return date(timezone.localdate().year - years, 1, 1)


def register(programme: Programme, *, nik: str, age: int) -> Application:
    values = applicant(nik=nik, tanggal_lahir=born_years_ago(age).isoformat())
    result = parse_applicant(values, index=ReferenceIndex.load(), region_code="64.71", today=timezone.localdate())
    assert result.data is not None, result.errors
    return applicant_register(
        data=result.data,
        programme=programme,
        channel=Channel.COUNTER,
        actor=Actor.system("test"),
        uploads=ALL_DOCUMENTS,
    )


def form_data(programme: Programme, **changes: Any) -> dict[str, Any]:
    """What the page's form posts when the officer changes only `changes`."""
    sectors = list(Sector.objects.order_by("name").values_list("code", "name"))
    initial = RuleVersionForm.initial_for(rule_version_current(programme=programme))
    form = RuleVersionForm(initial=initial, sectors=sectors)
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = initial.get(name)
        if isinstance(field, forms.BooleanField):
            if value:
                data[name] = "on"
        elif isinstance(field, forms.MultipleChoiceField):
            data[name] = list(value or [])
        else:
            data[name] = "" if value is None else str(value)
    data["note"] = "Perwali Balikpapan 9/2026"
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


@pytest.fixture
def manager(programme_manager: User, client_for: Callable[[User], Client]) -> Client:
    return client_for(programme_manager)


@pytest.fixture
def rules_v1(bpn_2026: Programme) -> RuleVersion:
    return rule_version_ensure(programme=bpn_2026)


# -- reading ---------------------------------------------------------------------------------------------


def test_the_manager_reads_the_rules_in_plain_indonesian(manager: Client, rules_v1: RuleVersion) -> None:
    response = manager.get(RULES)
    html = response.content.decode()

    assert response.status_code == 200
    assert "Aturan yang berlaku: versi 1" in html
    assert "Alamat KTP di Kota Balikpapan (64.71)" in html
    assert "Minimal 6 bulan" in html
    assert "UMK Kota Balikpapan 2026 = Rp3.856.694" in html
    assert '<dd id="rule-min-age">Tidak dibatasi</dd>' in html
    assert '<dd id="rule-max-age">64 tahun</dd>' in html
    assert "<strong>Semua sektor:</strong> Foto KTP, Kartu Keluarga" in html
    assert "<strong>Pengemudi ojek daring (ojol):</strong> Surat keterangan aplikator (ojol)" in html
    assert "Diperiksa: pemohon yang sudah menjadi peserta aktif BPJS Ketenagakerjaan" in html
    assert 'id="history"' in html
    assert 'name="max_age" id="id_max_age"\n               value="64"' in html


def test_a_fixed_ceiling_and_a_sector_list_are_described(manager: Client, bpn_2026: Programme) -> None:
    rule_version_create(
        programme=bpn_2026,
        actor=Actor.system("test"),
        income_ceiling=IncomeCeiling.FIXED,
        income_ceiling_amount=3_000_000,
        eligible_sectors=["ojol", "nelayan"],
        min_age=18,
    )

    html = manager.get(RULES).content.decode()

    assert "Rp3.000.000 (jumlah tetap)" in html
    assert "<ul><li>Nelayan</li><li>Pengemudi ojek daring (ojol)</li></ul>" in html
    assert '<dd id="rule-min-age">18 tahun</dd>' in html


def test_a_year_whose_umk_is_not_yet_set_is_judged_by_the_latest_known_one_and_says_so(
    manager: Client, balikpapan: Funder
) -> None:
    programme_for(balikpapan, code="BPN-2030", name="Balikpapan 2030", owner=AgencyKind.DINSOS, quota=1, year=2030)

    response = manager.get("/program/BPN-2030/aturan/")

    assert response.status_code == 200
    assert "UMK 2030 belum ditetapkan; memakai UMK Kota Balikpapan 2026" in response.content.decode()


def test_a_region_without_any_umk_is_explained_not_a_server_error(manager: Client, balikpapan: Funder) -> None:
    programme_for(balikpapan, code="BPN-2020", name="Balikpapan 2020", owner=AgencyKind.DINSOS, quota=1, year=2020)

    response = manager.get("/program/BPN-2020/aturan/")

    assert response.status_code == 200
    assert "UMK Kota Balikpapan tahun 2020 belum diisi" in response.content.decode()


def test_a_programme_without_a_saved_version_shows_the_default_rules_without_writing_one(
    manager: Client, bpn_2026: Programme
) -> None:
    html = manager.get(RULES).content.decode()

    assert "Aturan yang berlaku: bawaan" in html
    assert '<dd id="rule-max-age">64 tahun</dd>' in html
    assert not RuleVersion.objects.exists()


def test_the_programme_list_links_to_each_programmes_rules(manager: Client, rules_v1: RuleVersion) -> None:
    html = manager.get("/program/").content.decode()

    assert 'href="/program/BPN-2026/aturan/"' in html
    assert "versi 1" in html


# -- writing a version -----------------------------------------------------------------------------------


def test_lowering_the_maximum_age_writes_an_audited_new_version_and_old_applications_keep_theirs(
    manager: Client, programme_manager: User, bpn_2026: Programme
) -> None:
    older = register(bpn_2026, nik="6471011508900001", age=62)
    assert older.rule_version is not None and older.rule_version.version == 1

    response = manager.post(RULES, form_data(bpn_2026, max_age="60"))

    assert response.status_code == 302
    assert response["Location"] == f"{RULES}?disimpan=2#nilai-ulang"
    version = rule_version_current(programme=bpn_2026)
    assert version is not None
    assert (version.version, version.max_age, version.created_by, version.note) == (
        2,
        60,
        programme_manager,
        "Perwali Balikpapan 9/2026",
    )
    assert RuleVersion.objects.get(programme=bpn_2026, version=1).max_age == 64  # never overwritten
    record = AuditRecord.objects.get(action="rules.change")
    assert record.actor == programme_manager
    assert record.data["changed"] == {"max_age": 60}
    older.refresh_from_db()
    assert older.rule_version is not None and older.rule_version.version == 1
    assert older.status == S.AWAITING_VERIFICATION

    html = manager.get(response["Location"]).content.decode()
    assert "Usia maksimal: 64 tahun → 60 tahun" in html
    assert "Perwali Balikpapan 9/2026" in html
    assert "1 di antaranya dinilai dengan versi aturan lain." in html
    assert "Nilai ulang pendaftaran terbuka" in html


@pytest.mark.parametrize("written", ["3000000", "3.000.000", "Rp3.000.000", "Rp 3.000.000,00"])
def test_a_fixed_ceiling_is_entered_as_officers_write_rupiah(
    manager: Client, bpn_2026: Programme, rules_v1: RuleVersion, written: str
) -> None:
    response = manager.post(RULES, form_data(bpn_2026, income_ceiling="fixed", income_ceiling_amount=written))

    assert response.status_code == 302
    version = rule_version_current(programme=bpn_2026)
    assert version is not None
    assert (version.income_ceiling, version.income_ceiling_amount) == (IncomeCeiling.FIXED, 3_000_000)
    html = manager.get(RULES).content.decode()
    assert 'value="3.000.000"' in html
    assert (
        "Batas penghasilan: UMK kabupaten/kota tempat tinggal pemohon pada tahun program"
        " → jumlah tetap Rp3.000.000 per bulan" in html
    )


def test_going_back_to_the_umk_drops_the_fixed_amount(manager: Client, bpn_2026: Programme) -> None:
    rule_version_create(
        programme=bpn_2026,
        actor=Actor.system("test"),
        income_ceiling=IncomeCeiling.FIXED,
        income_ceiling_amount=3_000_000,
    )

    assert manager.post(RULES, form_data(bpn_2026, income_ceiling="umk")).status_code == 302

    version = rule_version_current(programme=bpn_2026)
    assert version is not None
    assert (version.income_ceiling, version.income_ceiling_amount) == (IncomeCeiling.UMK, None)


def test_required_documents_are_edited_as_a_grid_and_sectors_as_a_list(
    manager: Client, bpn_2026: Programme, rules_v1: RuleVersion
) -> None:
    data = form_data(bpn_2026, sectors_mode="selected", eligible_sectors=["ojol", "nelayan"])
    data.pop("doc__ojol__aplikator_letter")
    data["doc__pedagang__sector_evidence"] = "on"

    assert manager.post(RULES, data).status_code == 302

    version = rule_version_current(programme=bpn_2026)
    assert version is not None
    assert version.eligible_sectors == ["nelayan", "ojol"]
    assert "ojol" not in version.required_documents
    assert version.required_documents["pedagang"] == ["sector_evidence"]
    assert version.required_documents["*"] == ["kk", "ktp"]
    html = manager.get(RULES).content.decode()
    assert "Sektor: semua sektor → Nelayan, Pengemudi ojek daring (ojol)" in html


def test_saving_without_a_change_writes_no_version(manager: Client, bpn_2026: Programme, rules_v1: RuleVersion) -> None:
    response = manager.post(RULES, form_data(bpn_2026), follow=True)

    assert "Tidak ada aturan yang berubah" in response.content.decode()
    assert RuleVersion.objects.filter(programme=bpn_2026).count() == 1


def test_a_double_submission_writes_one_version(manager: Client, bpn_2026: Programme, rules_v1: RuleVersion) -> None:
    data = form_data(bpn_2026, max_age="60")

    first = manager.post(RULES, data)
    second = manager.post(RULES, data)

    assert first.status_code == 302
    assert second.status_code == 409
    assert "baru saja diubah orang lain (sekarang versi 2)" in second.content.decode()
    assert RuleVersion.objects.filter(programme=bpn_2026).count() == 2


BAD_INPUT = [
    ({"min_age": "70", "max_age": "60"}, "Usia minimal tidak boleh lebih dari usia maksimal."),
    ({"income_ceiling": "fixed", "income_ceiling_amount": ""}, "Isi jumlah batas penghasilan tetap dalam Rupiah."),
    ({"income_ceiling": "fixed", "income_ceiling_amount": "tiga juta"}, "Tulis jumlah Rupiah utuh dengan angka"),
    ({"income_ceiling": "fixed", "income_ceiling_amount": "Rp2.500.000,50"}, "Tulis jumlah Rupiah utuh dengan angka"),
    ({"income_ceiling": "fixed", "income_ceiling_amount": "9" * 40}, "Jumlah Rupiah terlalu besar."),
    ({"income_ceiling": "umr"}, "Masukkan pilihan yang valid."),
    ({"min_domicile_months": "enam"}, "Tulis angka bulat, misalnya 6."),
    ({"min_domicile_months": "700"}, "Jumlah bulan domisili harus antara 0 dan 600."),
    ({"max_age": "6O"}, "Tulis angka bulat, misalnya 6."),
    ({"max_age": "99999999999999999999"}, "Usia harus antara 0 dan 120 tahun."),
    ({"min_age": "-1"}, "Usia harus antara 0 dan 120 tahun."),
    ({"sectors_mode": "selected", "eligible_sectors": []}, "Pilih paling sedikit satu sektor"),
    ({"sectors_mode": "selected", "eligible_sectors": ["astronaut"]}, "Masukkan pilihan yang valid."),
    ({"sectors_mode": None}, "Bidang ini tidak boleh kosong."),
    ({"note": ""}, "Tulis alasan perubahan, misalnya nomor Perwali."),
    ({"base_version": "x"}, "Muat ulang halaman lalu ulangi perubahan."),
    ({"base_version": None}, "Muat ulang halaman lalu ulangi perubahan."),
]


@pytest.mark.parametrize(("changes", "message"), BAD_INPUT, ids=[str(c) for c, _m in BAD_INPUT])
def test_bad_input_is_shown_next_to_the_field_and_writes_nothing(
    manager: Client, bpn_2026: Programme, rules_v1: RuleVersion, changes: dict[str, Any], message: str
) -> None:
    response = manager.post(RULES, form_data(bpn_2026, **changes))

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'id="form-errors"' in html
    assert RuleVersion.objects.filter(programme=bpn_2026).count() == 1
    assert not AuditRecord.objects.filter(action="rules.change").exists()


def test_an_error_from_the_rules_sits_under_its_field(
    manager: Client, bpn_2026: Programme, rules_v1: RuleVersion
) -> None:
    html = manager.post(RULES, form_data(bpn_2026, min_age="70", max_age="60")).content.decode()

    field = html.index('id="id_min_age"')
    error = html.index("Usia minimal tidak boleh lebih dari usia maksimal.")
    next_field = html.index('id="id_max_age"')
    assert field < error < next_field


# -- who may -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona", ["dppp_verifier", "registration_officer", "bpjs_liaison", "leadership", "auditor", "outsider"]
)
def test_other_roles_may_not_read_or_change_the_rules(
    persona: str,
    request: pytest.FixtureRequest,
    client_for: Callable[[User], Client],
    bpn_2026: Programme,
    rules_v1: RuleVersion,
) -> None:
    client = client_for(request.getfixturevalue(persona))

    assert client.get(RULES).status_code == 403
    assert client.post(RULES, form_data(bpn_2026, max_age="60")).status_code == 403
    assert client.post(REASSESS).status_code == 403
    assert client.get("/program/").status_code == 403
    assert RuleVersion.objects.filter(programme=bpn_2026).count() == 1
    assert not Job.objects.filter(kind=KIND).exists()


def test_another_funders_manager_does_not_find_the_programme(
    make_officer: Callable[..., User],
    samarinda: Funder,
    client_for: Callable[[User], Client],
    bpn_2026: Programme,
    rules_v1: RuleVersion,
) -> None:
    client = client_for(make_officer("samarinda_manager", Role.PROGRAMME_MANAGER, samarinda))

    assert client.get(RULES).status_code == 404
    assert client.post(RULES, form_data(bpn_2026, max_age="60")).status_code == 404
    assert client.post(REASSESS).status_code == 404
    assert "BPN-2026" not in client.get("/program/").content.decode()
    assert RuleVersion.objects.filter(programme=bpn_2026).count() == 1


def test_an_unknown_programme_is_not_found(manager: Client, bpn_2026: Programme) -> None:
    assert manager.get("/program/TIDAK-ADA/aturan/").status_code == 404


def test_the_system_operator_manages_every_funders_rules(
    system_administrator: User, client_for: Callable[[User], Client], bpn_2026: Programme, rules_v1: RuleVersion
) -> None:
    client = client_for(system_administrator)

    assert client.get(RULES).status_code == 200
    assert client.post(RULES, form_data(bpn_2026, max_age="60")).status_code == 302
    assert rule_version_current(programme=bpn_2026).created_by == system_administrator  # type: ignore[union-attr]


# -- re-assessing open applications ----------------------------------------------------------------------


def reassess_through_the_page(client: Client, django_capture_on_commit_callbacks: Any) -> Job:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(REASSESS)
    assert response.status_code == 302
    job = Job.objects.get(kind=KIND)
    assert job.status == Job.Status.QUEUED
    assert job.task_result_id  # enqueued once the request's transaction committed
    reassess_applications.call(job_id=job.pk)
    job.refresh_from_db()
    return job


def test_reassessment_moves_a_62_year_old_to_not_eligible_after_the_maximum_age_drops_to_60(
    manager: Client, programme_manager: User, bpn_2026: Programme, django_capture_on_commit_callbacks: Any
) -> None:
    older = register(bpn_2026, nik="6471011508900001", age=62)
    younger = register(bpn_2026, nik="6471011508900002", age=40)
    assert older.status == younger.status == S.AWAITING_VERIFICATION
    manager.post(RULES, form_data(bpn_2026, max_age="60"))

    job = reassess_through_the_page(manager, django_capture_on_commit_callbacks)

    assert job.status == Job.Status.DONE, job.message
    assert job.result == {
        "assessed": 2,
        "changed": 2,  # the younger one's age reason now names 60
        "moved": 1,
        "became_eligible": 0,
        "became_not_eligible": 1,
        "skipped": 0,
    }
    assert job.message == (
        "2 pendaftaran terbuka dinilai ulang; 2 berubah penilaiannya: 1 pindah status, 0 menjadi memenuhi syarat, "
        "1 menjadi tidak memenuhi syarat."
    )
    older.refresh_from_db()
    younger.refresh_from_db()
    assert older.status == S.NOT_ELIGIBLE
    assert "batas usia maksimal 60 tahun" in older.status_reason
    assert older.rule_version is not None and older.rule_version.version == 2
    assert younger.status == S.AWAITING_VERIFICATION
    assert AuditRecord.objects.filter(action="application.find_not_eligible", target_id=str(older.pk)).exists()
    assert AuditRecord.objects.get(action="programme.reassess").actor == programme_manager

    html = manager.get(RULES).content.decode()
    assert 'id="job-status"' in html
    assert "1 menjadi tidak memenuhi syarat" in html


def test_a_not_eligible_application_goes_to_verification_when_the_rule_relaxes(
    manager: Client, bpn_2026: Programme, django_capture_on_commit_callbacks: Any
) -> None:
    rule_version_create(programme=bpn_2026, actor=Actor.system("test"), note="batas 60", max_age=60)
    older = register(bpn_2026, nik="6471011508900001", age=62)
    assert older.status == S.NOT_ELIGIBLE
    manager.post(RULES, form_data(bpn_2026, max_age="64"))

    job = reassess_through_the_page(manager, django_capture_on_commit_callbacks)

    assert job.result["became_eligible"] == 1 and job.result["moved"] == 1
    older.refresh_from_db()
    assert older.status == S.AWAITING_VERIFICATION
    assert older.eligible is True
    assert older.verifying_agency == bpn_2026.owning_agency  # ojol: the owning office


def test_a_second_click_while_the_job_is_queued_starts_no_second_job(
    manager: Client, rules_v1: RuleVersion, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        manager.post(REASSESS)
        manager.post(REASSESS)

    assert Job.objects.filter(kind=KIND).count() == 1


def test_reassess_only_answers_post(manager: Client, rules_v1: RuleVersion) -> None:
    assert manager.get(REASSESS).status_code == 405
    assert not Job.objects.exists()


# The worker closes its database connections between tasks, as it must in production; so this test
# commits for real instead of running inside a rolled-back transaction.
@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_reassessment(
    programme_manager: User, client_for: Callable[[User], Client], bpn_2026: Programme
) -> None:
    older = register(bpn_2026, nik="6471011508900001", age=62)
    client = client_for(programme_manager)
    client.post(RULES, form_data(bpn_2026, max_age="60"))
    client.post(REASSESS)
    job = Job.objects.get(kind=KIND)
    assert job.status == Job.Status.QUEUED

    call_command("worker", batch=True, interval=0.1)

    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.message
    assert job.result["became_not_eligible"] == 1
    older.refresh_from_db()
    assert older.status == S.NOT_ELIGIBLE
    fragment = client.get(f"/pekerjaan/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "every 1s" not in fragment
    assert "1 menjadi tidak memenuhi syarat" in fragment
