from import_export import resources

from crm.models import Client


class ClientResource(resources.ModelResource):
    class Meta:
        model = Client
        fields = ("name", "tax_id")
        import_id_fields = ("tax_id",)
        skip_unchanged = True
