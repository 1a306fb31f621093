"""Eligibility data in the admin: read-only. Rules change through the rules page (a new audited version each
time) and participant lists through their upload, never by editing rows here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from jaring.eligibility.models import ExistingParticipant, ParticipantList, RuleVersion


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RuleVersion)
class RuleVersionAdmin(ReadOnlyAdmin):
    list_display = ["programme", "version", "created_by", "created_at"]
    list_filter = ["programme"]


@admin.register(ParticipantList)
class ParticipantListAdmin(ReadOnlyAdmin):
    list_display = ["file_name", "funder", "uploaded_at", "rows_total", "rows_loaded", "rows_rejected"]
    list_filter = ["funder"]


@admin.register(ExistingParticipant)
class ExistingParticipantAdmin(ReadOnlyAdmin):
    list_display = ["kpj", "segment", "status", "source", "updated_at"]
    list_filter = ["status"]
    search_fields = ["=nik", "=kpj"]
