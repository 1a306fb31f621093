"""Open data, for anyone (mounted at /data-terbuka/): each programme's published figures as a page, CSV and
JSON, and a catalogue for the city's open-data portal."""

from __future__ import annotations

from django.urls import path

from jaring.reports import open_data_views

app_name = "open_data"

urlpatterns = [
    path("", open_data_views.index, name="index"),
    path("katalog.json", open_data_views.catalogue, name="catalogue"),
    path("<str:code>.csv", open_data_views.programme_csv, name="csv"),
    path("<str:code>.json", open_data_views.programme_json, name="json"),
]
