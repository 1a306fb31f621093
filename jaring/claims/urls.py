"""Officer pages of claims (issue 17), mounted at /klaim/."""

from django.urls import path

from jaring.claims import case_views, views

app_name = "claims"

urlpatterns = [
    path("", views.claim_list, name="list"),
    path("lapor/", views.report_search, name="report"),
    path("lapor/<int:membership_id>/", views.report_form, name="report_form"),
    path("beasiswa/", views.scholarship_reminders, name="scholarship_due"),
    path("<str:number>/", case_views.claim_detail, name="detail"),
    path("<str:number>/dokumen/", case_views.document_upload, name="document_upload"),
    path("<str:number>/dokumen/<int:document_id>/", case_views.document_view, name="document"),
]
