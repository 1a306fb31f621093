"""Eligibility pages, mounted at /program/ (see rules_views for why they live in `registry`)."""

from django.urls import path

from jaring.registry import rules_views

app_name = "eligibility"

urlpatterns = [
    path("", rules_views.programme_list, name="programmes"),
    path("peserta-bpjs/", rules_views.participants, name="participants"),
    path("<str:code>/aturan/", rules_views.rules, name="rules"),
    path("<str:code>/aturan/nilai-ulang/", rules_views.reassess, name="reassess"),
    path("<str:code>/daftar-sasaran/", rules_views.target_list, name="target_list"),
]
