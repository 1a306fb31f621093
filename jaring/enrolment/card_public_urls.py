"""Pages: card_check (issue 6)."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "card_check"

urlpatterns: list[URLPattern] = []
