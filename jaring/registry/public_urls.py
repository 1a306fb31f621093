"""Applicant pages, no log-in: self-registration and the status check (mounted at the site root)."""

from django.urls import path

from jaring.registry import public_views

app_name = "public"

urlpatterns = [
    path("daftar/", public_views.register, name="register"),
    path("daftar/mulai-ulang/", public_views.register_restart, name="register_restart"),
    path("daftar/selesai/", public_views.register_done, name="register_done"),
    path("daftar/kelurahan/", public_views.register_kelurahan, name="register_kelurahan"),
    path("daftar/<slug:step>/", public_views.register_step, name="register_step"),
    path("status/", public_views.status, name="status"),
    path("status/hasil/", public_views.status_result, name="status_result"),
    path("status/lengkapi/", public_views.status_correct, name="status_correct"),
]
