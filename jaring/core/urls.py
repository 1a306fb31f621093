from django.urls import path

from jaring.core import views

app_name = "core"

urlpatterns = [
    path("favicon.ico", views.favicon, name="favicon"),
    path("masuk/", views.login_view, name="login"),
    path("keluar/", views.logout_view, name="logout"),
    path("rujukan/", views.reference, name="reference"),
    path("rujukan/wilayah/", views.regions, name="regions"),
    path("rujukan/libur/", views.holidays, name="holidays"),
    path("rujukan/libur/<int:pk>/hapus/", views.holiday_delete, name="holiday_delete"),
    path("audit/", views.audit, name="audit"),
    path("audit/ekspor/", views.audit_export, name="audit_export"),
    path("audit/akses/", views.access_log, name="access_log"),
    path("pengguna/", views.users, name="users"),
    path("pengguna/token/<int:pk>/cabut/", views.token_revoke, name="token_revoke"),
    path("pengguna/logo/", views.funder_logos, name="funder_logos"),
    path("pemberi-dana/<slug:code>/logo.png", views.funder_logo, name="funder_logo"),
    path("pekerjaan/<int:pk>/", views.job_detail, name="job"),
    path("pekerjaan/<int:pk>/unduh/", views.job_download, name="job_download"),
]
