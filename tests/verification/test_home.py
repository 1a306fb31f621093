"""A verifier's home page opens on their queue's figures."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from jaring.registry.models import Application


def test_the_verifier_home_shows_waiting_and_overdue(
    bpn_2026, registration_officer, register, dppp_verifier, client_for
):
    late = register(bpn_2026, registration_officer)
    register(bpn_2026, registration_officer, name="Tepat Waktu")
    Application.objects.filter(pk=late.pk).update(verification_due=timezone.localdate() - timedelta(days=1))
    page = client_for(dppp_verifier).get("/").content.decode()
    assert 'id="queue-figures"' in page
    assert "Menunggu keputusan: <strong>2</strong>" in page
    assert "Terlambat: <strong>1</strong>" in page


def test_other_roles_have_no_queue_figures(bpn_2026, registration_officer, client_for):
    assert 'id="queue-figures"' not in client_for(registration_officer).get("/").content.decode()
