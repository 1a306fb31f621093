"""Programme managers' verification pages and the outbox, mounted at the site root: the programme pages sit
beside the rules pages under /program/<code>/ (jaring.registry.rules_urls), the outbox at /notifikasi/."""

from django.urls import path

from jaring.verification import manage_views

app_name = "verification_manage"

urlpatterns = [
    path("program/verifikasi/", manage_views.index, name="index"),
    path("program/<str:code>/verifikasi/", manage_views.overview, name="overview"),
    path("program/<str:code>/rute/", manage_views.routes, name="routes"),
    path("program/<str:code>/alasan-penolakan/", manage_views.rejection_reasons, name="reasons"),
    path("notifikasi/", manage_views.outbox, name="outbox"),
    path("notifikasi/<int:pk>/", manage_views.outbox_detail, name="outbox_detail"),
]
