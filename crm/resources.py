from import_export import fields, resources, widgets

from accounts.models import User
from crm.imports.widgets import TaxIdWidget
from crm.models import CLIENT_FIELDS, Client, Industry


class ClientResource(resources.ModelResource):
    """Clients in and out of Excel/CSV for the admin; rows match existing clients by RIF/NIT.

    The RIF/NIT is normalised as in the app ("J123456789" finds "J-12345678-9"), so an
    admin import never creates a second client for a RIF typed another way. The commercial
    roles' import (crm/imports/) goes through the services and records history.
    """

    tax_id = fields.Field(column_name="tax_id", attribute="tax_id", widget=TaxIdWidget())
    industry = fields.Field(
        column_name="industry",
        attribute="industry",
        widget=widgets.ForeignKeyWidget(Industry, field="name"),
    )
    owner = fields.Field(
        column_name="owner", attribute="owner", widget=widgets.ForeignKeyWidget(User, "username")
    )

    class Meta:
        model = Client
        fields = CLIENT_FIELDS
        import_id_fields = ("tax_id",)
        skip_unchanged = True
