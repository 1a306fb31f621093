"""Pages: cards (issue 6), mounted at /kepesertaan/."""

from __future__ import annotations

from django.urls import URLPattern, path

from jaring.enrolment import card_views

app_name = "cards"

urlpatterns: list[URLPattern] = [
    path("<slug:code>/kartu/", card_views.index, name="index"),
    path("<slug:code>/kartu/serah-terima/", card_views.handover, name="handover"),
    path("<slug:code>/kartu/laporan/", card_views.report, name="report"),
    path("<slug:code>/kartu/<int:pk>/", card_views.print_detail, name="print"),
    path("<slug:code>/kartu/<int:pk>/unduh/", card_views.print_download, name="download"),
]
