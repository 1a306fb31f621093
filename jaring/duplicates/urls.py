from django.urls import path

from jaring.duplicates import views

app_name = "duplicates"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.pair_detail, name="pair"),
    path("<int:pk>/sama/", views.pair_same, name="same"),
    path("<int:pk>/berbeda/", views.pair_different, name="different"),
    path("penggabungan/", views.merge_list, name="merges"),
    path("penggabungan/<int:pk>/", views.merge_detail, name="merge"),
    path("penggabungan/<int:pk>/batalkan/", views.merge_undo, name="undo"),
    path("pindai/", views.scan_start, name="scan_start"),
    path("pindai/<int:pk>/", views.scan_detail, name="scan"),
    path("berkas/", views.file_check, name="file_check"),
    path("berkas/<int:pk>/", views.file_result, name="file_result"),
    path("loket/", views.counter_suggest, name="suggest"),
]
