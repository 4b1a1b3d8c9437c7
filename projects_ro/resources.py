from import_export import fields, resources, widgets

from contractors_ro.models import Contractor
from crm.models import Client
from projects_ro.models import Project


class ProjectResource(resources.ModelResource):
    """Projects in and out of Excel/CSV; the client and contractors are matched by RIF."""

    client = fields.Field(
        column_name="client_tax_id",
        attribute="client",
        widget=widgets.ForeignKeyWidget(Client, field="tax_id"),
    )
    contractors = fields.Field(
        column_name="contractor_tax_ids",
        attribute="contractors",
        widget=widgets.ManyToManyWidget(Contractor, field="tax_id", separator="|"),
    )

    class Meta:
        model = Project
        fields = (
            "code",
            "name",
            "client",
            "status",
            "start_date",
            "end_date",
            "manager",
            "location",
            "description",
            "contractors",
        )
        import_id_fields = ("code",)
        skip_unchanged = True
