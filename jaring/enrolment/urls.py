"""Pages: enrolment (issue 6)."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "enrolment"

urlpatterns: list[URLPattern] = []
