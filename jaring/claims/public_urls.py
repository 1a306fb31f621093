"""The family's report of a death or an accident, without log-in (mounted at the site root)."""

from django.urls import path

from jaring.claims import public_views

app_name = "claims_public"

urlpatterns = [
    path("lapor-klaim/", public_views.report, name="report"),
    path("lapor-klaim/terkirim/", public_views.report_done, name="report_done"),
]
