from django.urls import path

from jaring.registry import import_views

app_name = "imports"

urlpatterns = [
    path("", import_views.index, name="index"),
    path("template.xlsx", import_views.template_download, name="template"),
    path("<int:pk>/", import_views.batch_detail, name="batch"),
    path("<int:pk>/kemajuan/", import_views.batch_progress, name="progress"),
    path("<int:pk>/lanjutkan/", import_views.batch_resume, name="resume"),
    path("<int:pk>/hasil.xlsx", import_views.batch_result, name="result"),
]
