from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from audit.models import SecurityEvent


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """Read-only: the Administrador reads and filters; nobody adds, changes or deletes."""

    list_display = ("created_at", "kind", "username", "ip_address", "target", "count")
    list_filter = ("kind", "created_at")
    search_fields = ("username", "target", "detail", "ip_address")
    date_hierarchy = "created_at"
    list_select_related = ()
    readonly_fields = (
        "created_at",
        "kind",
        "user",
        "username",
        "ip_address",
        "target",
        "detail",
        "count",
    )
    fields = readonly_fields
    actions = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
