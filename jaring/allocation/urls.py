"""Pages of allocation, mounted at /program/ beside the rules (aturan/), verification (verifikasi/, rute/,
alasan-penolakan/) and decree (sk/) pages of a programme."""

from __future__ import annotations

from django.urls import path

from jaring.allocation import views

app_name = "allocation"

urlpatterns = [
    path("kuota/", views.quota_list, name="quota_list"),
    path("perencana/", views.planner, name="planner"),
    path("tarif-iuran/", views.rates, name="rates"),
    path("<str:code>/kuota/", views.quota, name="quota"),
    path("<str:code>/daftar-tunggu/", views.waitlist, name="waitlist"),
    path("<str:code>/konflik/", views.conflicts, name="conflicts"),
    path("<str:code>/peserta/", views.places, name="places"),
    path("<str:code>/peserta/<int:pk>/akhiri/", views.place_end_view, name="place_end"),
]
