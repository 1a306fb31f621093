from django.urls import path

from jaring.registry import views

app_name = "registry"

urlpatterns = [
    path("", views.application_list, name="list"),
    path("<str:number>/", views.application_detail, name="detail"),
]
