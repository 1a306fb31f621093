from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from jaring.api.auth import PartnerToken
from jaring.api.urls import api
from jaring.core.models import ApiScope
from jaring.core.views import admin_login
from jaring.registry.wage_views import wages
from jaring.reports.api import router as reports_router
from jaring.reports.views import home

# `reports` and `api` both end the import chain: the project joins them here (GET /api/v1/reports/coverage).
api.add_router("/reports", reports_router, auth=PartnerToken(ApiScope.REPORTS))

urlpatterns = [
    path("", home, name="home"),
    path("", include("jaring.core.urls")),
    path("rujukan/umk/", wages, name="wages"),
    path("", include("jaring.registry.public_urls")),
    path("pendaftaran/", include("jaring.registry.urls")),
    path("impor/", include("jaring.registry.import_urls")),
    path("program/", include("jaring.registry.rules_urls")),
    path("", include("jaring.verification.manage_urls")),
    path("verifikasi/", include("jaring.verification.urls")),
    path("program/", include("jaring.allocation.urls")),
    path("program/", include("jaring.allocation.decrees.urls")),
    path("kepesertaan/", include("jaring.enrolment.urls")),
    path("kepesertaan/", include("jaring.enrolment.batches.urls")),
    path("kepesertaan/", include("jaring.enrolment.cards.urls")),
    path("kartu/", include("jaring.enrolment.cards.public_urls")),
    path("", include("jaring.reports.urls")),
    path("data-terbuka/", include("jaring.reports.open_data_urls")),
    path("klaim/", include("jaring.claims.urls")),
    path("", include("jaring.claims.public_urls")),
    path("iuran/", include("jaring.contributions.urls")),
    path("bantuan/", include("jaring.aid.urls")),
    path("duplikat/", include("jaring.duplicates.urls")),
    path("bahasa/", set_language, name="set_language"),
    path("api/v1/", api.urls),
    # Before the admin's own: its log-in form would skip our throttle, lock-out and audit record.
    path("admin/login/", admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
]

handler400 = "jaring.core.views.bad_request"
handler403 = "jaring.core.views.forbidden"
handler404 = "jaring.core.views.not_found"
handler500 = "jaring.core.views.server_error"
