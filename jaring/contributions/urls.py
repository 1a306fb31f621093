"""Pages: contributions, invoices, payments, arrears and the budget (issue 16), mounted at /iuran/."""

from __future__ import annotations

from django.urls import path

from jaring.contributions import views

app_name = "contributions"

urlpatterns = [
    path("", views.programmes, name="programmes"),
    path("<slug:code>/", views.overview, name="overview"),
    path("<slug:code>/tagihan/<int:pk>/", views.invoice, name="invoice"),
    path("<slug:code>/tagihan/<int:pk>/kemajuan/", views.invoice_progress, name="invoice_progress"),
    path("<slug:code>/tagihan/<int:pk>/hasil/", views.invoice_result, name="invoice_result"),
    path("<slug:code>/tunggakan/", views.arrears, name="arrears"),
    path("<slug:code>/anggaran/", views.budget, name="budget"),
    path("<slug:code>/ketentuan/", views.terms, name="terms"),
]
