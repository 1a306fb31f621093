"""Pages: cards (issue 6), mounted at /kepesertaan/."""

from __future__ import annotations

from django.urls import URLPattern, path

from jaring.enrolment.cards import views

app_name = "cards"

urlpatterns: list[URLPattern] = [
    path("<slug:code>/kartu/", views.index, name="index"),
    path("<slug:code>/kartu/serah-terima/", views.handover, name="handover"),
    path("<slug:code>/kartu/laporan/", views.report, name="report"),
    path("<slug:code>/kartu/<int:pk>/", views.print_detail, name="print"),
    path("<slug:code>/kartu/<int:pk>/unduh/", views.print_download, name="download"),
]
