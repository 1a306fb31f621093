from django.contrib import admin

from jaring.core.admin import AuditedAdmin
from jaring.programmes.models import Programme


@admin.register(Programme)
class ProgrammeAdmin(AuditedAdmin):
    list_display = ["code", "name", "funder", "year", "owning_agency", "quota", "status"]
    list_filter = ["funder", "year", "status"]
