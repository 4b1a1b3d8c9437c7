from django.contrib import admin
from import_export.admin import ImportExportModelAdmin

from crm.models import Client
from crm.resources import ClientResource


@admin.register(Client)
class ClientAdmin(ImportExportModelAdmin):
    resource_classes = [ClientResource]
    list_display = ("name", "tax_id", "updated_at")
    search_fields = ("name", "tax_id")
