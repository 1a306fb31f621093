"""Pages: memberships, a member's history and lifecycle, the yearly re-verification (issue 6)."""

from __future__ import annotations

from django.urls import path

from jaring.enrolment import views

app_name = "enrolment"

urlpatterns = [
    path("", views.programme_list, name="programmes"),
    path("peserta/<int:pk>/", views.member_detail, name="member"),
    path("<slug:code>/", views.member_list, name="members"),
    path("<slug:code>/verifikasi-ulang/", views.reverification, name="reverification"),
]
