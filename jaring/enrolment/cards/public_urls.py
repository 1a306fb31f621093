"""Pages: card_check (issue 6), mounted at /kartu/: what a card's QR opens, for anyone."""

from __future__ import annotations

from django.urls import URLPattern, path

from jaring.enrolment.cards import views

app_name = "card_check"

urlpatterns: list[URLPattern] = [
    path("<str:token>/", views.check, name="check"),
]
