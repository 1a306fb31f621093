from django.urls import path

from jaring.aid import views

app_name = "aid"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:code>/", views.programme_page, name="programme"),
    path("<slug:code>/<str:month>/", views.month_page, name="month"),
    path("<slug:code>/<str:month>/cetak/", views.print_page, name="print"),
    path("<slug:code>/<str:month>/xlsx/", views.xlsx_download, name="xlsx"),
    path("<slug:code>/penerima/<int:pk>/", views.recipient_page, name="recipient"),
    path("<slug:code>/penyerahan/<int:pk>/ubah/", views.correct_page, name="correct"),
    path("<slug:code>/pindaian/<int:pk>/", views.scan_download, name="scan"),
]
