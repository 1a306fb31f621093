"""The administrator's editing of reference data. Every save and delete is audited like a service write."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Model
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from jaring.core.models import (
    AccessLog,
    Agency,
    ApiToken,
    AuditRecord,
    Funder,
    Holiday,
    MinimumWage,
    Region,
    Sector,
    User,
)
from jaring.core.services import audit_record

admin.site.site_header = _("Administrasi Jaring")
admin.site.site_title = _("Jaring")


class AuditedAdmin(admin.ModelAdmin):
    def save_model(self, request: HttpRequest, obj: Model, form: ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        action = "change" if change else "create"
        audit_record(
            actor=request.user,  # type: ignore[arg-type]
            action=f"{obj._meta.model_name}.admin_{action}",
            target=obj,
            data={"fields": list(form.changed_data)},
        )

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        audit_record(actor=request.user, action=f"{obj._meta.model_name}.admin_delete", target=obj)  # type: ignore[arg-type]
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            audit_record(actor=request.user, action=f"{obj._meta.model_name}.admin_delete", target=obj)  # type: ignore[arg-type]
        super().delete_queryset(request, queryset)


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]


@admin.register(Funder)
class FunderAdmin(AuditedAdmin):
    list_display = ["code", "name", "region"]
    raw_id_fields = ["region"]
    # The logo is checked and redrawn on its own page (/pengguna/logo/), never taken raw here.
    exclude = ["logo", "logo_sha256"]


@admin.register(Agency)
class AgencyAdmin(AuditedAdmin):
    list_display = ["name", "code", "kind", "funder", "region"]
    list_filter = ["funder", "kind"]
    search_fields = ["name", "code"]
    raw_id_fields = ["region"]


@admin.register(Sector)
class SectorAdmin(AuditedAdmin):
    list_display = ["code", "name", "is_transport", "default_agency_kind"]


@admin.register(MinimumWage)
class MinimumWageAdmin(AuditedAdmin):
    """Read here; entered at /rujukan/umk/, which also re-judges the open applications that depend on it."""

    list_display = ["region", "year", "amount", "legal_basis"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    list_filter = ["year"]
    raw_id_fields = ["region"]


@admin.register(Holiday)
class HolidayAdmin(AuditedAdmin):
    list_display = ["date", "name", "kind", "source"]
    list_filter = ["kind", "source"]
    date_hierarchy = "date"


@admin.register(User)
class UserAdmin(DjangoUserAdmin, AuditedAdmin):
    list_display = ["username", "full_name", "role", "funder", "agency", "kelurahan", "is_active"]
    list_filter = ["role", "funder", "is_active"]
    raw_id_fields = ["kelurahan", "agency"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Peran dan wilayah kerja"), {"fields": ("full_name", "role", "funder", "agency", "kelurahan")}),
    )


class ReadOnlyAdmin(admin.ModelAdmin):
    """The audit trail and access log can be read here, never changed or deleted."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditRecord)
class AuditRecordAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_label", "action", "target_type", "target_id", "target_label"]
    list_filter = ["action"]
    search_fields = ["actor_label", "target_id", "target_label"]


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_label", "what", "person_ref", "person_label"]
    search_fields = ["actor_label", "person_ref"]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ["name", "funder", "prefix", "scopes", "created_at", "last_used_at", "revoked_at"]
