"""Officers' report pages: the dashboard, its monthly PDF, a refresh of the figures, and the list exports."""

from __future__ import annotations

from django.urls import path

from jaring.reports import dashboard_views, export_views

app_name = "reports"

urlpatterns = [
    path("dasbor/", dashboard_views.dashboard, name="dashboard"),
    path("dasbor/hitung-ulang/", dashboard_views.refresh, name="refresh"),
    path("dasbor/<str:code>/<str:month>/laporan-bulanan.pdf", dashboard_views.monthly_report, name="monthly"),
    path("ekspor/<slug:kind>/", export_views.export, name="export"),
]
