from django.urls import path

from jaring.registry import registration_views, views

app_name = "registry"

urlpatterns = [
    path("", views.application_list, name="list"),
    # Before "<number>/": "baru" is a page, not an application number.
    path("baru/", registration_views.application_new, name="new"),
    path("baru/cari/", registration_views.registration_search, name="search"),
    path("<str:number>/", views.application_detail, name="detail"),
    path("<str:number>/perbaiki/", registration_views.application_correct, name="correct"),
    path("<str:number>/dokumen/", views.document_upload, name="document_add"),
    path("<str:number>/dokumen/<int:document_id>/", views.document_view, name="document"),
]
