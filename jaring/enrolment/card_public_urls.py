"""Pages: card_check (issue 6), mounted at /kartu/: what a card's QR opens, for anyone."""

from __future__ import annotations

from django.urls import URLPattern, path

from jaring.enrolment import card_views

app_name = "card_check"

urlpatterns: list[URLPattern] = [
    path("<str:token>/", card_views.check, name="check"),
]
