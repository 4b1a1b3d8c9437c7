from django.contrib import admin
from import_export.admin import ImportExportModelAdmin

from projects_ro.models import Project
from projects_ro.resources import ProjectResource


@admin.register(Project)
class ProjectAdmin(ImportExportModelAdmin):
    resource_classes = [ProjectResource]
    list_display = ("code", "name", "client", "status", "start_date", "end_date", "manager")
    list_filter = ("status",)
    search_fields = ("code", "name", "client__name", "client__tax_id")
    autocomplete_fields = ("client", "contractors")
    list_select_related = ("client",)
    date_hierarchy = "start_date"
