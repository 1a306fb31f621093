"""Deciding from the verifier's pages: approve, return with what to fix, reject with the programme's reason;
every bad input shown next to its field with nothing changed; a decision taken once however often it is
sent; many approved at once, each on record; and a returned application back in the queue once corrected."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from jaring.allocation.services import programme_quota_set
from jaring.core.actors import Actor
from jaring.core.models import AuditRecord, User
from jaring.programmes.models import Programme, RejectionReason
from jaring.programmes.selectors import rejection_reasons_of
from jaring.registry.intake import ReferenceIndex, parse_applicant
from jaring.registry.models import Application, Channel
from jaring.registry.services import applicant_correct
from jaring.registry.states import ApplicationStatus
from jaring.verification import views
from jaring.verification.models import Decision, Fix, Outcome
from jaring.verification.selectors import queue_for
from jaring.verification.services import DecisionInput, application_decide
from tests.helpers.applicants import TODAY, applicant_values

# BPN-2026 is running and takes places: these cases mean a day of its year (places start the month approved).
pytestmark = pytest.mark.today("2026-11-03")

S = ApplicationStatus
QUEUE = reverse("verification:queue")
BULK = reverse("verification:bulk_approve")


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def detail(number: str) -> str:
    return reverse("verification:detail", args=[number])


def decide(client: Client, application: Application, **data: Any) -> Any:
    return client.post(detail(application.number), data)


def messages_of(client: Client, url: str = QUEUE) -> str:
    return client.get(url).content.decode().split('class="messages"', 1)[-1].split("</div>", 1)[0]


def first_reason(programme: Programme) -> RejectionReason:
    reason = rejection_reasons_of(programme).first()
    assert reason is not None
    return reason


@pytest.fixture
def fisher(register: Callable[..., Application], bpn_2026: Programme, registration_officer: User) -> Application:
    return register(bpn_2026, registration_officer, sector="nelayan", name="Syamsul Nelayan")


@pytest.fixture
def dppp(dppp_verifier: User, client_for: Callable[[User], Client]) -> Client:
    return client_for(dppp_verifier)


# -- the three decisions ---------------------------------------------------------------------------------


def test_approving_records_the_decision_and_opens_the_next_waiting_application(
    register: Callable[..., Application],
    bpn_2026: Programme,
    registration_officer: User,
    dppp_verifier: User,
    dppp: Client,
) -> None:
    first = register(bpn_2026, registration_officer, sector="nelayan", name="Pertama Nelayan")
    second = register(bpn_2026, registration_officer, sector="petani", name="Kedua Petani")
    response = decide(dppp, first, outcome="approve", note="Dokumen cocok dengan KTP asli")
    assert response.status_code == 302 and response["Location"] == detail(second.number)
    first.refresh_from_db()
    assert first.status == S.APPROVED
    decision = Decision.objects.get(application=first)
    assert decision.outcome == Outcome.APPROVE and decision.decided_by == dppp_verifier
    assert decision.agency_id == dppp_verifier.agency_id and decision.note == "Dokumen cocok dengan KTP asli"
    assert f"Pendaftaran {first.number} disetujui." in messages_of(dppp, response["Location"])

    # The last one leads back to the (now empty) queue.
    response = decide(dppp, second, outcome="approve")
    assert response.status_code == 302 and response["Location"] == QUEUE
    assert 'id="empty"' in dppp.get(QUEUE).content.decode()


def test_an_approval_with_the_quota_full_says_it_went_to_the_waiting_list(
    register: Callable[..., Application],
    bpn_2026: Programme,
    registration_officer: User,
    programme_manager: User,
    dppp: Client,
) -> None:
    programme_quota_set(programme=bpn_2026, quota=1, actor=programme_manager)
    first, second = (register(bpn_2026, registration_officer, sector="nelayan", name=f"Nelayan {c}") for c in "AB")
    response = decide(dppp, first, outcome="approve")
    assert f"Pendaftaran {first.number} disetujui." in messages_of(dppp, response["Location"])
    response = decide(dppp, second, outcome="approve")
    second.refresh_from_db()
    assert second.status == S.WAITLISTED
    text = messages_of(dppp, response["Location"])
    assert f"Pendaftaran {second.number} disetujui dan masuk daftar tunggu (kuota penuh)." in text
    assert f"Pendaftaran {second.number} disetujui." not in text


def test_the_next_application_is_chosen_within_the_filters_the_verifier_came_with(
    register: Callable[..., Application],
    bpn_2026: Programme,
    registration_officer: User,
    dppp: Client,
) -> None:
    fish = register(bpn_2026, registration_officer, sector="nelayan", name="Satu Nelayan")
    register(bpn_2026, registration_officer, sector="petani", name="Dua Petani")
    other_fish = register(bpn_2026, registration_officer, sector="nelayan", name="Tiga Nelayan")
    response = decide(dppp, fish, outcome="approve", sector="nelayan")
    assert response["Location"] == f"{detail(other_fish.number)}?sector=nelayan"


def test_returning_with_fixes_and_a_note_tells_what_to_fix(fisher: Application, dppp: Client) -> None:
    response = decide(
        dppp, fisher, outcome="return", fixes=[Fix.KTP, Fix.PHONE], note="Foto KTP buram,\r\nnomor HP tidak aktif"
    )
    assert response.status_code == 302
    fisher.refresh_from_db()
    assert fisher.status == S.RETURNED
    lines = fisher.status_reason.splitlines()
    assert str(Fix.KTP.label) in lines and str(Fix.PHONE.label) in lines
    assert lines[-1] == "Catatan verifikator: Foto KTP buram, nomor HP tidak aktif"
    decision = Decision.objects.get(application=fisher)
    assert decision.fixes == [Fix.KTP, Fix.PHONE] and decision.reason is None

    page = dppp.get(detail(fisher.number)).content.decode()
    assert 'id="decision-form"' not in page and 'id="read-only"' in page
    history = page.split('id="decisions"', 1)[1].split("</table>", 1)[0]
    assert "Kembalikan untuk perbaikan" in history and str(Fix.KTP.label) in history and "buram" in history


def test_rejecting_takes_a_reason_from_the_programme_list_and_a_note(
    fisher: Application, bpn_2026: Programme, dppp: Client
) -> None:
    reason = first_reason(bpn_2026)
    response = decide(dppp, fisher, outcome="reject", reason=str(reason.pk), note="Sudah bekerja tetap")
    assert response.status_code == 302
    fisher.refresh_from_db()
    assert fisher.status == S.REJECTED
    assert fisher.status_reason.splitlines() == [reason.label, "Catatan verifikator: Sudah bekerja tetap"]
    assert Decision.objects.get(application=fisher).reason == reason


def test_the_decision_form_offers_the_programmes_reasons_and_the_fix_list(
    fisher: Application, bpn_2026: Programme, dppp: Client
) -> None:
    html = dppp.get(detail(fisher.number)).content.decode()
    form = html.split('id="decision-form"', 1)[1].split("</form>", 1)[0]
    for reason in rejection_reasons_of(bpn_2026):
        assert f'value="{reason.pk}"' in form
    for code in Fix.values:
        assert f'value="{code}"' in form
    for label in ("Setujui", "Kembalikan untuk perbaikan", "Tolak"):
        assert label in form


# -- bad input: shown next to the field, nothing changed ----------------------------------------------------


@pytest.fixture
def other_programmes_reason(smd_2026: Programme) -> RejectionReason:
    return first_reason(smd_2026)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"outcome": "reject", "note": "tanpa alasan"}, "reason"),
        ({"outcome": "return"}, "fixes"),
        ({"outcome": "return", "note": "   "}, "fixes"),
        ({"outcome": "return", "fixes": ["ktp", "passport"]}, "fixes"),
        ({"outcome": "approve", "note": "x" * 3000}, "note"),
        ({"outcome": "enrol"}, "outcome"),
        ({"outcome": ""}, "outcome"),
        ({}, "outcome"),
        ({"outcome": "reject", "reason": "other-programme"}, "reason"),
        ({"outcome": "reject", "reason": "abc"}, "reason"),
        ({"outcome": "reject", "reason": "99999999999999999999999"}, "reason"),
    ],
)
def test_a_bad_decision_is_shown_next_to_its_field_and_changes_nothing(
    data: dict[str, Any],
    field: str,
    fisher: Application,
    other_programmes_reason: RejectionReason,
    dppp: Client,
) -> None:
    if data.get("reason") == "other-programme":
        data = {**data, "reason": str(other_programmes_reason.pk)}
    response = decide(dppp, fisher, **data)
    assert response.status_code == 400
    html = response.content.decode()
    part = html.split(f'id="field-{field}"', 1)[1].split("</fieldset>" if field in ("outcome", "fixes") else "</div>\n")
    assert 'class="errorlist' in part[0], html.split('id="decision-form"', 1)[1][:3000]
    fisher.refresh_from_db()
    assert fisher.status == S.AWAITING_VERIFICATION
    assert not Decision.objects.exists()
    # What was typed is kept for the next try.
    if data.get("note") and len(data["note"]) < 100:
        assert data["note"] in html


def test_a_nul_in_the_note_is_a_400_and_changes_nothing(fisher: Application, dppp: Client) -> None:
    assert decide(dppp, fisher, outcome="approve", note="a\x00b").status_code == 400
    assert not Decision.objects.exists()


def test_a_second_post_of_the_same_decision_gets_a_message_and_one_decision_stands(
    fisher: Application, dppp: Client
) -> None:
    first = decide(dppp, fisher, outcome="return", fixes=[Fix.KK], note="KK buram")
    again = decide(dppp, fisher, outcome="approve")
    assert first.status_code == again.status_code == 302
    assert again["Location"] == QUEUE
    assert "sudah diputuskan" in messages_of(dppp)
    assert Decision.objects.filter(application=fisher).count() == 1
    fisher.refresh_from_db()
    assert fisher.status == S.RETURNED


def test_a_colleague_deciding_first_is_reported_not_overwritten(
    fisher: Application, dppp: Client, make_officer: Callable[..., User], dppp_verifier: User
) -> None:
    from jaring.core.models import Role

    colleague = make_officer("dppp_2", Role.VERIFIER, dppp_verifier.funder, agency=dppp_verifier.agency)
    page = dppp.get(detail(fisher.number))
    assert 'id="decision-form"' in page.content.decode()
    application_decide(application=fisher, decision=DecisionInput(outcome=Outcome.APPROVE), actor=colleague)
    response = decide(dppp, fisher, outcome="reject", reason="1")
    assert response.status_code == 302 and response["Location"] == QUEUE
    assert Decision.objects.get(application=fisher).decided_by == colleague


def test_the_transport_verifier_cannot_decide_on_a_fisher(
    fisher: Application, dishub_verifier: User, client_for: Callable[[User], Client]
) -> None:
    assert decide(client_for(dishub_verifier), fisher, outcome="approve").status_code == 404
    assert not Decision.objects.exists()


# -- many at once --------------------------------------------------------------------------------------------


def test_approving_several_at_once_records_each_and_reports_what_was_skipped(
    register: Callable[..., Application],
    bpn_2026: Programme,
    registration_officer: User,
    dppp_verifier: User,
    dppp: Client,
) -> None:
    waiting = [register(bpn_2026, registration_officer, sector="nelayan", name=f"Nelayan {c}") for c in "ABC"]
    decided = register(bpn_2026, registration_officer, sector="petani", name="Sudah Petani")
    ojek = register(bpn_2026, registration_officer, sector="ojek_pangkalan", name="Agus Ojek")
    application_decide(
        application=decided, decision=DecisionInput(outcome=Outcome.RETURN, note="KK buram"), actor=dppp_verifier
    )
    ids = [str(a.pk) for a in waiting] + [str(decided.pk), "abc", str(ojek.pk), "99999"]
    response = dppp.post(BULK, {"ids": ids, "sector": "nelayan"})
    assert response.status_code == 302 and response["Location"] == f"{QUEUE}?sector=nelayan"
    for application in waiting:
        application.refresh_from_db()
        assert application.status == S.APPROVED
        assert Decision.objects.filter(application=application, outcome=Outcome.APPROVE).count() == 1
        assert AuditRecord.objects.filter(action="application.approve", target_id=str(application.pk)).count() == 1
    ojek.refresh_from_db()
    assert ojek.status == S.AWAITING_VERIFICATION  # another agency's: untouched
    text = messages_of(dppp)
    assert "3 disetujui" in text and "3 dilewati" in text
    assert decided.number in text and "Dikembalikan untuk perbaikan" in text
    assert "1 pilihan tidak dikenali" in text and "2 tidak ditemukan" in text
    assert ojek.number not in text  # another agency's number is not given away


def test_a_bulk_approval_beyond_the_quota_says_how_many_went_to_the_waiting_list(
    register: Callable[..., Application],
    bpn_2026: Programme,
    registration_officer: User,
    programme_manager: User,
    dppp: Client,
) -> None:
    programme_quota_set(programme=bpn_2026, quota=1, actor=programme_manager)
    made = [register(bpn_2026, registration_officer, sector="nelayan", name=f"Nelayan {c}") for c in "AB"]
    decided = register(bpn_2026, registration_officer, sector="nelayan", name="Sudah Nelayan")
    assert decide(dppp, decided, outcome="return", fixes=[Fix.KK]).status_code == 302
    dppp.get(QUEUE)  # the return's own message is read
    assert dppp.post(BULK, {"ids": [a.pk for a in (*made, decided)]}).status_code == 302
    statuses = [Application.objects.get(pk=a.pk).status for a in made]
    assert statuses == [S.APPROVED, S.WAITLISTED]
    text = messages_of(dppp)
    assert "1 disetujui, 1 masuk daftar tunggu (kuota penuh), 1 dilewati" in text
    assert 'class="flash flash-warning"' in text


def test_approving_the_same_selection_twice_approves_once(
    fisher: Application, dppp: Client, dppp_verifier: User
) -> None:
    assert dppp.post(BULK, {"ids": [fisher.pk]}).status_code == 302
    assert dppp.post(BULK, {"ids": [fisher.pk]}).status_code == 302
    assert Decision.objects.filter(application=fisher).count() == 1
    assert "0 disetujui, 1 dilewati" in messages_of(dppp)


@pytest.mark.parametrize("ids", [[], ["abc"], ["²"], ["-1"], ["1" * 40]])
def test_a_bulk_approval_without_a_usable_id_is_a_message_not_an_error(
    ids: list[str], fisher: Application, dppp: Client
) -> None:
    response = dppp.post(BULK, {"ids": ids})
    assert response.status_code == 302 and response["Location"] == QUEUE
    assert 'class="flash flash-error"' in messages_of(dppp)
    fisher.refresh_from_db()
    assert fisher.status == S.AWAITING_VERIFICATION


def test_a_bulk_approval_over_the_limit_is_refused_with_a_message(
    register: Callable[..., Application],
    bpn_2026: Programme,
    registration_officer: User,
    dppp: Client,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(views, "BULK_MAX", 1)
    made = [register(bpn_2026, registration_officer, sector="nelayan", name=f"Nelayan {c}") for c in "AB"]
    response = dppp.post(BULK, {"ids": [a.pk for a in made]})
    assert response.status_code == 302
    assert "Paling banyak 1 pendaftaran" in messages_of(dppp)
    assert not Decision.objects.exists()


def test_the_bulk_approval_answers_only_posts(fisher: Application, dppp: Client) -> None:
    assert dppp.get(BULK).status_code == 405


def test_the_queue_has_a_checkbox_per_waiting_application_and_the_approve_button(
    fisher: Application, dppp: Client
) -> None:
    html = dppp.get(QUEUE).content.decode()
    form = html.split('id="bulk-form"', 1)[1].split("</form>", 1)[0]
    assert f'name="ids" value="{fisher.pk}"' in form and "Setujui yang dipilih" in form


# -- back to the applicant or the officer, and back into the queue ------------------------------------------------


def test_a_returned_online_application_shows_the_applicant_what_to_fix_on_the_status_page(
    register: Callable[..., Application], bpn_2026: Programme, dppp: Client
) -> None:
    application = register(bpn_2026, Actor.applicant(), sector="nelayan", channel=Channel.ONLINE, name="Budi Nelayan")
    decide(dppp, application, outcome="return", fixes=[Fix.KTP, Fix.ADDRESS], note="Alamat beda dengan KTP")
    applicant = Client()
    response = applicant.post(reverse("public:status"), {"nomor": application.number, "nik": application.person.nik})
    assert response.status_code == 302
    html = applicant.get(response["Location"]).content.decode()
    reasons = html.split('id="reasons"', 1)[1].split("</ul>", 1)[0]
    assert str(Fix.KTP.label) in reasons and str(Fix.ADDRESS.label) in reasons
    assert "Catatan verifikator: Alamat beda dengan KTP" in reasons
    assert "Budi Nelayan" not in html


def test_a_returned_counter_application_goes_back_to_the_officer_and_once_corrected_to_the_same_queue(
    fisher: Application,
    registration_officer: User,
    dppp_verifier: User,
    dppp: Client,
    client_for: Callable[[User], Client],
) -> None:
    decide(dppp, fisher, outcome="return", fixes=[Fix.PHONE], note="Nomor HP tidak aktif")
    fisher.refresh_from_db()
    officer = client_for(registration_officer)
    listing = officer.get(reverse("registry:list"), {"status": S.RETURNED}).content.decode()
    assert fisher.number in listing and "Dikembalikan untuk perbaikan" in listing
    assert "Nomor HP tidak aktif" in officer.get(reverse("registry:detail", args=[fisher.number])).content.decode()
    assert fisher not in queue_for(dppp_verifier)
    assert fisher in queue_for(dppp_verifier, status="returned")

    values = applicant_values(1, sector="nelayan", kelurahan="64.71.01.1001", name="Syamsul Nelayan")
    values["no_hp"] = "0813-1111-2222"
    parsed = parse_applicant(values, index=ReferenceIndex.load(), region_code="64.71", today=TODAY)
    assert parsed.data is not None and parsed.data.nik == fisher.person.nik
    applicant_correct(application=fisher, data=parsed.data, actor=registration_officer)
    fisher.refresh_from_db()
    assert fisher.status == S.AWAITING_VERIFICATION
    assert fisher.verifying_agency_id == dppp_verifier.agency_id
    assert fisher in queue_for(dppp_verifier)
    actions = list(
        AuditRecord.objects.filter(target_type="registry.application", target_id=str(fisher.pk))
        .order_by("at", "id")
        .values_list("action", flat=True)
    )
    assert "application.return_for_correction" in actions and "application.resubmit" in actions
    assert actions.index("application.return_for_correction") < actions.index("application.resubmit")
    # The verifier sees the earlier return in the history of the application, and may decide again.
    page = dppp.get(detail(fisher.number)).content.decode()
    assert "Nomor HP tidak aktif" in page.split('id="decisions"', 1)[1] and 'id="decision-form"' in page
