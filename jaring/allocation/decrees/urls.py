"""Pages of the decree (SK) list, mounted at /program/."""

from __future__ import annotations

from django.urls import path

from jaring.allocation.decrees import views

app_name = "decrees"

urlpatterns = [
    path("sk/", views.index, name="index"),
    path("<str:code>/sk/", views.decree_list, name="list"),
    path("<str:code>/sk/<int:pk>/", views.decree_detail, name="detail"),
    path("<str:code>/sk/<int:pk>/susun-ulang/", views.regenerate, name="regenerate"),
    path("<str:code>/sk/<int:pk>/tandatangani/", views.sign, name="sign"),
    path("<str:code>/sk/<int:pk>/xlsx/", views.download_xlsx, name="xlsx"),
    path("<str:code>/sk/<int:pk>/pdf/", views.download_pdf, name="pdf"),
]
