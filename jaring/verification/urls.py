from django.urls import path

from jaring.verification import views

app_name = "verification"

urlpatterns = [
    path("", views.queue, name="queue"),
    # Before "<number>/": "setujui" is an action, not an application number.
    path("setujui/", views.bulk_approve, name="bulk_approve"),
    path("<str:number>/", views.application_detail, name="detail"),
]
