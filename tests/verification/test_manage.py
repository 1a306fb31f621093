"""A programme manager's verification pages: routing, owning office, deadline, rejection reasons, the per-agency
overview, and the outbox of messages to applicants."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from jaring.core.errors import NotFound, PermissionDenied
from jaring.core.models import AccessLog, Agency, AgencyKind, AuditRecord, Notification, Role, Sector
from jaring.programmes.models import RejectionReason, SectorRoute
from jaring.registry.models import Application
from jaring.registry.states import ApplicationStatus
from jaring.verification.models import Decision, Fix, Outcome
from jaring.verification.overview import mask_recipient, outbox_for, verification_overview
from jaring.verification.services import DecisionInput, application_decide

# BPN-2026 is running and takes places: these cases mean a day of its year (places start the month approved).
pytestmark = pytest.mark.today("2026-11-03")

S = ApplicationStatus
OPEN = (S.AWAITING_VERIFICATION, S.RETURNED)


def url(name: str, programme=None) -> str:
    if programme is None:
        return reverse(f"verification_manage:{name}")
    return reverse(f"verification_manage:{name}", kwargs={"code": programme.code})


def route_post(sector: str, *, to: str, was: str) -> dict[str, str]:
    """What the routing form sends for one changed select: the new value and the value it was shown with."""
    return {"aksi": "rute", f"sektor_{sector}": to, f"initial-sektor_{sector}": was}


def agency(funder, kind: str) -> Agency:
    return Agency.objects.get(funder=funder, code=kind)


@pytest.fixture
def manager(client_for, programme_manager) -> Client:
    return client_for(programme_manager)


# -- routing ----------------------------------------------------------------------------------------------


def test_the_routing_page_lists_every_sector_with_its_agency_and_the_catalogue_default(bpn_2026, manager, dppp, dishub):
    response = manager.get(url("routes", bpn_2026))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="route-nelayan"' in content and 'id="route-ojek_pangkalan"' in content and 'id="route-ojol"' in content
    assert f'<option value="{dppp.pk}" selected>' in content  # fishers go to DPPP by default
    assert "Instansi pengelola program (sekarang Dinas Sosial" in content
    assert "Tidak, diubah program" not in content  # nothing changed yet


def test_changing_the_fishers_route_moves_the_open_fisher_application_with_an_audit_record(
    bpn_2026, manager, registration_officer, register, dppp, dishub
):
    fisher = register(bpn_2026, registration_officer, sector="nelayan")
    assert fisher.verifying_agency == dppp
    response = manager.post(url("routes", bpn_2026), route_post("nelayan", to=str(dishub.pk), was=str(dppp.pk)))
    assert response.status_code == 302
    fisher.refresh_from_db()
    assert fisher.verifying_agency == dishub
    assert fisher.status == S.AWAITING_VERIFICATION
    record = AuditRecord.objects.get(action="application.reroute", target_id=str(fisher.pk))
    assert record.data["from_agency"] == dppp.name and record.data["to_agency"] == dishub.name
    assert AuditRecord.objects.filter(action="programme.route_set", actor__username="programme_manager").count() == 1
    page = manager.get(response["Location"]).content.decode()
    assert "1 rute diubah; 1 pendaftaran terbuka dipindahkan." in page
    assert "Tidak, diubah program" in page


def test_sending_the_same_routing_form_twice_changes_nothing_the_second_time(bpn_2026, manager, dppp, dishub):
    data = route_post("nelayan", to=str(dishub.pk), was=str(dppp.pk))
    manager.post(url("routes", bpn_2026), data)
    response = manager.post(url("routes", bpn_2026), data, follow=True)
    assert "Tidak ada rute yang berubah." in response.content.decode()
    assert AuditRecord.objects.filter(action="programme.route_set").count() == 1


def test_a_sector_routed_to_the_owning_office_follows_it(bpn_2026, manager, dppp):
    manager.post(url("routes", bpn_2026), route_post("nelayan", to="", was=str(dppp.pk)))
    route = SectorRoute.objects.get(programme=bpn_2026, sector__code="nelayan")
    assert route.agency is None


def test_a_route_to_another_funders_agency_is_refused_next_to_its_field(
    bpn_2026, manager, registration_officer, register, dppp, samarinda
):
    fisher = register(bpn_2026, registration_officer, sector="nelayan")
    foreign = agency(samarinda, AgencyKind.DISHUB)
    response = manager.post(url("routes", bpn_2026), route_post("nelayan", to=str(foreign.pk), was=str(dppp.pk)))
    assert response.status_code == 400
    assert "Pilih instansi dari daftar instansi pemberi dana program ini." in response.content.decode()
    fisher.refresh_from_db()
    assert fisher.verifying_agency == dppp
    assert not SectorRoute.objects.filter(programme=bpn_2026).exists()
    # Nonsense and unknown sectors do not break the page either.
    for data in ({"aksi": "rute", "sektor_nelayan": "abc", "initial-sektor_nelayan": "x"}, {"aksi": "?"}):
        assert manager.post(url("routes", bpn_2026), data).status_code == 400
    assert manager.post(url("routes", bpn_2026), {"aksi": "rute", "sektor_tidak_ada": "1"}).status_code == 302


def test_changing_the_owning_office_moves_ojol_and_leaves_the_fisher_nothing_lost(
    bpn_2026, manager, registration_officer, register, dppp, balikpapan
):
    dinsos, disnaker = agency(balikpapan, AgencyKind.DINSOS), agency(balikpapan, AgencyKind.DISNAKER)
    ojol = register(bpn_2026, registration_officer, sector="ojol", name="Budi Ojol")
    fisher = register(bpn_2026, registration_officer, sector="nelayan")
    assert ojol.verifying_agency == dinsos
    open_before = Application.objects.filter(programme=bpn_2026, status__in=OPEN).count()

    # Without the confirmation nothing moves.
    response = manager.post(url("routes", bpn_2026), {"aksi": "pengelola", "agency": str(disnaker.pk)})
    assert response.status_code == 400
    assert "Centang konfirmasi ini" in response.content.decode()
    ojol.refresh_from_db()
    assert ojol.verifying_agency == dinsos

    response = manager.post(
        url("routes", bpn_2026), {"aksi": "pengelola", "agency": str(disnaker.pk), "confirm": "on"}, follow=True
    )
    assert response.status_code == 200
    assert "1 pendaftaran terbuka dipindahkan" in response.content.decode()
    bpn_2026.refresh_from_db()
    ojol.refresh_from_db()
    fisher.refresh_from_db()
    assert bpn_2026.owning_agency == disnaker
    assert ojol.verifying_agency == disnaker
    assert fisher.verifying_agency == dppp
    assert Application.objects.filter(programme=bpn_2026, status__in=OPEN).count() == open_before
    assert AuditRecord.objects.filter(action="application.reroute", target_id=str(ojol.pk)).exists()
    assert AuditRecord.objects.filter(action="programme.owning_agency_change").count() == 1


def test_an_owning_office_of_another_funder_is_refused(bpn_2026, manager, samarinda):
    foreign = agency(samarinda, AgencyKind.DISNAKER)
    response = manager.post(url("routes", bpn_2026), {"aksi": "pengelola", "agency": str(foreign.pk), "confirm": "on"})
    assert response.status_code == 400
    assert "Pilih instansi dari daftar instansi pemberi dana program ini." in response.content.decode()
    bpn_2026.refresh_from_db()
    assert bpn_2026.owning_agency.code == AgencyKind.DINSOS


@pytest.mark.parametrize("days", ["0", "61", "-3", "abc", "", "99999999999999999999"])
def test_working_days_out_of_range_are_refused_next_to_the_field(bpn_2026, manager, days):
    response = manager.post(url("routes", bpn_2026), {"aksi": "hari", "verification_days": days})
    assert response.status_code == 400
    content = response.content.decode()
    assert 'id="field-verification_days"' in content and "errorlist" in content
    bpn_2026.refresh_from_db()
    assert bpn_2026.verification_days == 5


def test_working_days_are_saved_and_audited(bpn_2026, manager):
    response = manager.post(url("routes", bpn_2026), {"aksi": "hari", "verification_days": "10"}, follow=True)
    assert "kini 10 hari kerja" in response.content.decode()
    bpn_2026.refresh_from_db()
    assert bpn_2026.verification_days == 10
    record = AuditRecord.objects.get(action="programme.verification_days_set")
    assert record.data == {"from": 5, "to": 10}
    overview = manager.get(url("overview", bpn_2026)).content.decode()
    assert "10 hari kerja" in overview


def test_posting_without_a_csrf_token_is_refused(bpn_2026, programme_manager):
    client = Client(enforce_csrf_checks=True)
    client.force_login(programme_manager)
    response = client.post(url("routes", bpn_2026), {"aksi": "hari", "verification_days": "10"})
    assert response.status_code == 403
    bpn_2026.refresh_from_db()
    assert bpn_2026.verification_days == 5


# -- rejection reasons ------------------------------------------------------------------------------------


def test_reasons_can_be_added_and_retired(bpn_2026, manager):
    page = url("reasons", bpn_2026)
    assert "Sudah menjadi peserta BPJS Ketenagakerjaan" in manager.get(page).content.decode()
    response = manager.post(page, {"aksi": "tambah", "label": "  Tidak  ditemui saat  kunjungan lapangan "})
    assert response.status_code == 302
    reason = RejectionReason.objects.get(programme=bpn_2026, label="Tidak ditemui saat kunjungan lapangan")
    assert reason.active

    response = manager.post(page, {"aksi": "cabut", "reason": str(reason.pk)}, follow=True)
    assert "dicabut" in response.content.decode()
    reason.refresh_from_db()
    assert not reason.active
    assert "Alasan yang sudah dicabut" in response.content.decode()

    # Adding the same words again brings it back rather than making a second one.
    manager.post(page, {"aksi": "tambah", "label": "tidak ditemui saat kunjungan lapangan"})
    reason.refresh_from_db()
    assert reason.active
    assert RejectionReason.objects.filter(programme=bpn_2026, label__iexact=reason.label).count() == 1


@pytest.mark.parametrize(
    ("label", "message"),
    [
        ("Meninggal dunia", "sudah ada"),
        ("meninggal   DUNIA", "sudah ada"),
        ("", "wajib diisi"),
        ("   ", "wajib diisi"),
        ("x" * 201, "paling banyak 200"),
    ],
)
def test_bad_reasons_are_refused_next_to_the_field(bpn_2026, manager, label, message):
    before = RejectionReason.objects.filter(programme=bpn_2026).count()
    response = manager.post(url("reasons", bpn_2026), {"aksi": "tambah", "label": label})
    assert response.status_code == 400
    content = response.content.decode()
    assert message in content
    assert 'id="field-label"' in content
    assert RejectionReason.objects.filter(programme=bpn_2026).count() == before


def test_a_reason_of_another_programme_cannot_be_retired(bpn_2026, smd_2026, manager):
    foreign = RejectionReason.objects.filter(programme=smd_2026).first()
    assert foreign is not None
    for forged in (str(foreign.pk), "abc", "999999"):
        response = manager.post(url("reasons", bpn_2026), {"aksi": "cabut", "reason": forged})
        assert response.status_code == 400
        assert "tidak ada dalam daftar program" in response.content.decode()
    foreign.refresh_from_db()
    assert foreign.active


def test_a_programme_without_reasons_gets_the_default_list(bpn_2026, manager):
    RejectionReason.objects.filter(programme=bpn_2026).delete()
    page = url("reasons", bpn_2026)
    assert 'id="reasons-seed"' in manager.get(page).content.decode()
    response = manager.post(page, {"aksi": "isi-bawaan"}, follow=True)
    assert "8 alasan bawaan dimuat." in response.content.decode()
    assert 'id="reasons-seed"' not in response.content.decode()
    assert RejectionReason.objects.filter(programme=bpn_2026, active=True).count() == 8
    # A second click adds nothing.
    manager.post(page, {"aksi": "isi-bawaan"})
    assert RejectionReason.objects.filter(programme=bpn_2026).count() == 8


# -- the overview -----------------------------------------------------------------------------------------


@pytest.fixture
def decided_work(bpn_2026, registration_officer, register, dppp_verifier):
    """DPPP: one fisher overdue, three decided (one of them late, one returned); Dinas Sosial: one ojol open."""
    overdue = register(bpn_2026, registration_officer, sector="nelayan", name="Ahmad Terlambat")
    Application.objects.filter(pk=overdue.pk).update(verification_due=date(2026, 1, 5))
    decided = [register(bpn_2026, registration_officer, sector="nelayan") for _ in range(3)]
    Application.objects.filter(pk=decided[2].pk).update(verification_due=date(2026, 2, 2))
    reason = RejectionReason.objects.filter(programme=bpn_2026, active=True).first()
    inputs = [
        DecisionInput(outcome=Outcome.APPROVE),
        DecisionInput(outcome=Outcome.REJECT, reason=reason),
        DecisionInput(outcome=Outcome.RETURN, fixes=(Fix.KTP,)),
    ]
    for application, decision in zip(decided, inputs, strict=True):
        application.refresh_from_db()
        application_decide(application=application, decision=decision, actor=dppp_verifier)
    # Decided today they all took 0 working days; give them a spread to take the median of.
    for row, days in zip(Decision.objects.order_by("pk"), (2, 9, 4), strict=True):
        Decision.objects.filter(pk=row.pk).update(working_days=days)
    register(bpn_2026, registration_officer, sector="ojol", name="Budi Ojol")


def test_the_overview_counts_open_overdue_returned_and_the_median_per_agency(
    bpn_2026, programme_manager, decided_work, dppp, balikpapan
):
    rows = {row.agency.code: row for row in verification_overview(programme_manager, programme=bpn_2026)}
    # Dinas Perhubungan verifies ojek pangkalan and drivers: listed, with nothing to do.
    assert set(rows) == {AgencyKind.DPPP, AgencyKind.DINSOS, AgencyKind.DISHUB}
    transport = rows[AgencyKind.DISHUB]
    assert (transport.open, transport.decided, transport.median_days, transport.oldest_due) == (0, 0, None, None)
    fishery = rows[AgencyKind.DPPP]
    assert (fishery.open, fishery.overdue, fishery.returned, fishery.decided, fishery.late) == (1, 1, 1, 3, 1)
    assert fishery.median_days == 4
    assert fishery.oldest_due == date(2026, 1, 5)
    social = rows[AgencyKind.DINSOS]
    assert (social.open, social.overdue, social.returned, social.decided, social.late) == (1, 0, 0, 0, 0)
    assert social.median_days is None


def test_the_overview_page_flags_overdue_work_in_words(bpn_2026, manager, decided_work):
    response = manager.get(url("overview", bpn_2026))
    assert response.status_code == 200
    content = response.content.decode()
    assert "1 pendaftaran lewat batas waktu verifikasi." in content
    assert "1 lewat batas" in content
    assert "5 hari kerja" in content
    index = manager.get(url("index")).content.decode()
    assert "BPN-2026" in index and "1 lewat batas" in index


def test_the_overview_asks_the_same_few_queries_for_many_agencies(
    bpn_2026, programme_manager, registration_officer, register, balikpapan, django_assert_max_num_queries
):
    dkumkm = agency(balikpapan, AgencyKind.DKUMKM)
    SectorRoute.objects.create(programme=bpn_2026, sector=Sector.objects.get(code="pedagang"), agency=dkumkm)
    for sector in ("nelayan", "ojek_pangkalan", "ojol", "petani", "pedagang"):
        register(bpn_2026, registration_officer, sector=sector)
    with django_assert_max_num_queries(8):
        rows = verification_overview(programme_manager, programme=bpn_2026)
    assert len(rows) == 4


def test_leadership_reads_the_overview_but_cannot_change_routes(bpn_2026, client_for, leadership):
    client = client_for(leadership)
    assert client.get(url("overview", bpn_2026)).status_code == 200
    assert client.get(url("routes", bpn_2026)).status_code == 403
    assert client.get(url("reasons", bpn_2026)).status_code == 403


def test_another_funders_manager_cannot_see_or_probe_the_programme(
    bpn_2026, smd_2026, make_officer, samarinda, client_for
):
    smd_manager = make_officer("smd_manager", Role.PROGRAMME_MANAGER, samarinda)
    client = client_for(smd_manager)
    for name in ("overview", "routes", "reasons"):
        assert client.get(url(name, bpn_2026)).status_code == 404
        assert client.get(url(name, smd_2026)).status_code == 200
    assert client.post(url("routes", bpn_2026), {"aksi": "hari", "verification_days": "9"}).status_code == 404
    with pytest.raises(NotFound):
        verification_overview(smd_manager, programme=bpn_2026)
    assert "BPN-2026" not in client.get(url("index")).content.decode()


@pytest.mark.parametrize("persona", ["dppp_verifier", "samarinda_officer", "outsider", "registration_officer"])
def test_every_programme_page_is_refused_to_those_without_the_role(request, bpn_2026, client_for, persona):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    pages = [url("index"), url("overview", bpn_2026), url("routes", bpn_2026), url("reasons", bpn_2026)]
    for page in pages:
        assert client.get(page).status_code in (403, 404), page
    assert client.post(url("routes", bpn_2026), {"aksi": "hari", "verification_days": "9"}).status_code in (403, 404)
    assert client.post(url("reasons", bpn_2026), {"aksi": "isi-bawaan"}).status_code in (403, 404)
    bpn_2026.refresh_from_db()
    assert bpn_2026.verification_days == 5
    with pytest.raises(PermissionDenied):
        verification_overview(user, programme=bpn_2026)


def test_anonymous_visitors_are_sent_to_log_in(bpn_2026, client):
    for page in (url("overview", bpn_2026), url("routes", bpn_2026), url("outbox")):
        response = client.get(page)
        assert response.status_code == 302 and "/masuk/" in response["Location"]


# -- the outbox -------------------------------------------------------------------------------------------


@pytest.fixture
def approved_message(bpn_2026, registration_officer, register, dppp_verifier) -> Notification:
    fisher = register(bpn_2026, registration_officer, sector="nelayan", name="Ahmad Pesan")
    application_decide(application=fisher, decision=DecisionInput(outcome=Outcome.APPROVE), actor=dppp_verifier)
    return Notification.objects.get(target_id=str(fisher.pk))


def test_the_outbox_lists_a_decisions_message_with_the_phone_masked(manager, approved_message):
    phone = approved_message.recipient
    assert phone
    response = manager.get(url("outbox"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    content = response.content.decode()
    assert "Pendaftaran Anda disetujui" in content
    assert approved_message.target_label in content
    assert phone not in content
    assert mask_recipient(phone) in content and mask_recipient(phone).endswith(phone[-4:])
    assert "Ahmad Pesan" not in content  # the body, with the name, is on the detail page only


def test_the_outbox_filters_by_status_and_channel(manager, approved_message):
    status, channel = approved_message.status, approved_message.channel
    assert "Pendaftaran Anda disetujui" in manager.get(url("outbox"), {"status": status}).content.decode()
    assert "Pendaftaran Anda disetujui" not in manager.get(url("outbox"), {"status": "failed"}).content.decode()
    assert "Pendaftaran Anda disetujui" in manager.get(url("outbox"), {"channel": channel}).content.decode()
    other = "email" if channel != "email" else "sms"
    assert "Pendaftaran Anda disetujui" not in manager.get(url("outbox"), {"channel": other}).content.decode()
    # Nonsense filters are shown as errors, never a 500.
    response = manager.get(url("outbox"), {"status": "bogus", "channel": "<x>", "page": "abc"})
    assert response.status_code == 200


def test_the_outbox_detail_shows_the_whole_body_and_logs_the_reading(manager, programme_manager, approved_message):
    response = manager.get(reverse("verification_manage:outbox_detail", kwargs={"pk": approved_message.pk}))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Yth. Ahmad Pesan" in content and approved_message.target_label in content
    assert approved_message.recipient not in content
    log = AccessLog.objects.get(actor=programme_manager, what="notification")
    assert log.person_label == "Ahmad Pesan"
    assert manager.get(reverse("verification_manage:outbox_detail", kwargs={"pk": 999999})).status_code == 404


def test_another_funders_officer_does_not_see_balikpapans_messages(client_for, samarinda_officer, approved_message):
    client = client_for(samarinda_officer)
    response = client.get(url("outbox"))
    assert response.status_code == 200
    assert "Pendaftaran Anda disetujui" not in response.content.decode()
    detail = reverse("verification_manage:outbox_detail", kwargs={"pk": approved_message.pk})
    assert client.get(detail).status_code == 404
    assert not outbox_for(samarinda_officer).exists()


def test_a_verifier_reads_the_messages_about_their_own_queue_only(
    client_for, dppp_verifier, dishub_verifier, approved_message
):
    detail = reverse("verification_manage:outbox_detail", kwargs={"pk": approved_message.pk})
    assert client_for(dppp_verifier).get(detail).status_code == 200
    assert list(outbox_for(dppp_verifier)) == [approved_message]
    assert client_for(dishub_verifier).get(detail).status_code == 404
    assert "Pendaftaran Anda disetujui" not in client_for(dishub_verifier).get(url("outbox")).content.decode()


def test_the_system_operator_sees_every_funders_messages_and_the_outsider_none(
    client_for, system_administrator, outsider, leadership, approved_message
):
    assert list(outbox_for(system_administrator)) == [approved_message]
    assert client_for(outsider).get(url("outbox")).status_code == 403
    assert client_for(leadership).get(url("outbox")).status_code == 403  # dashboards only, no personal data


@pytest.mark.parametrize(
    ("recipient", "masked"),
    [
        ("+6281234560001", "+•••••••••0001"),
        ("0812-3456-7890", "••••-••••-7890"),
        ("budi@example.org", "b•••@example.org"),
        ("", ""),
        ("123", "123"),
    ],
)
def test_recipients_are_masked(recipient, masked):
    assert mask_recipient(recipient) == masked
