from django.contrib import admin

from jaring.core.admin import AuditedAdmin
from jaring.registry.models import Application, Person


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    list_display = ["name", "kelurahan", "sector"]
    search_fields = ["name"]
    readonly_fields = ["nik"]
    raw_id_fields = ["kelurahan"]


@admin.register(Application)
class ApplicationAdmin(AuditedAdmin):
    list_display = ["number", "programme", "status", "channel", "created_at"]
    list_filter = ["programme", "status", "channel"]
    search_fields = ["number"]
    # State changes go through the services and the state machine, never through the admin form.
    readonly_fields = ["number", "programme", "person", "status", "status_reason", "submitted_at", "status_changed_at"]
    raw_id_fields = ["kelurahan", "person"]
