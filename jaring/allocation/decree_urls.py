"""Pages of the decree (SK) list, mounted at /program/."""

from __future__ import annotations

from django.urls import path

from jaring.allocation import decree_views

app_name = "decrees"

urlpatterns = [
    path("sk/", decree_views.index, name="index"),
    path("<str:code>/sk/", decree_views.decree_list, name="list"),
    path("<str:code>/sk/<int:pk>/", decree_views.decree_detail, name="detail"),
    path("<str:code>/sk/<int:pk>/susun-ulang/", decree_views.regenerate, name="regenerate"),
    path("<str:code>/sk/<int:pk>/tandatangani/", decree_views.sign, name="sign"),
    path("<str:code>/sk/<int:pk>/xlsx/", decree_views.download_xlsx, name="xlsx"),
    path("<str:code>/sk/<int:pk>/pdf/", decree_views.download_pdf, name="pdf"),
]
