from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from import_export.admin import ImportExportModelAdmin

from crm.models import CONTACT_FIELDS, Client, Contact, ForecastSnapshot, Industry
from crm.resources import ClientResource


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ("name", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name",)


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = CONTACT_FIELDS


@admin.register(Client)
class ClientAdmin(ImportExportModelAdmin):
    resource_classes = [ClientResource]
    list_display = ("name", "tax_id", "segment", "owner", "updated_at")
    list_filter = ("segment", "kind", "industry")
    search_fields = ("name", "tax_id")
    list_select_related = ("owner",)
    autocomplete_fields = ("owner",)
    inlines = [ContactInline]
    readonly_fields = ("version",)


@admin.register(ForecastSnapshot)
class ForecastSnapshotAdmin(admin.ModelAdmin):
    """Frozen forecasts are evidence: readable by the Administrador, never edited."""

    list_display = ("taken_on", "month", "executive", "weighted", "best_case", "commit")
    list_filter = ("taken_on", "executive")
    date_hierarchy = "taken_on"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
