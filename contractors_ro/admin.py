from django.contrib import admin
from import_export.admin import ImportExportModelAdmin

from contractors_ro.models import Contractor
from contractors_ro.resources import ContractorResource


@admin.register(Contractor)
class ContractorAdmin(ImportExportModelAdmin):
    resource_classes = [ContractorResource]
    list_display = ("name", "tax_id", "specialty", "contact_name", "phone", "status")
    list_filter = ("status", "specialty")
    search_fields = ("name", "tax_id", "specialty", "contact_name")
