"""The benefit table is national (a government regulation), so the system operator keeps it, in the admin."""

from django.contrib import admin

from jaring.claims.models import BenefitTable
from jaring.core.admin import AuditedAdmin


@admin.register(BenefitTable)
class BenefitTableAdmin(AuditedAdmin):
    list_display = ["effective_from", "legal_basis", "jkm_lump_sum", "jkk_death_factor", "scholarship_max_total"]
