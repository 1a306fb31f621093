"""Pages: batches to the BPJS branch and its answers (issue 6), mounted at /kepesertaan/."""

from __future__ import annotations

from django.urls import path

from jaring.enrolment.batches import views

app_name = "batches"

urlpatterns = [
    path("<str:code>/batch/", views.index, name="index"),
    path("<str:code>/batch/buat/", views.create, name="create"),
    path("<str:code>/batch/kolom/", views.columns, name="columns"),
    path("<str:code>/batch/<str:number>/", views.detail, name="detail"),
    path("<str:code>/batch/<str:number>/unduh/<str:fmt>/", views.download, name="download"),
    path("<str:code>/jawaban-bpjs/", views.answer, name="answer"),
    path("<str:code>/jawaban-bpjs/<int:pk>/", views.answer_result, name="answer_result"),
]
