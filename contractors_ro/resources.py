from import_export import resources

from contractors_ro.models import Contractor


class ContractorResource(resources.ModelResource):
    class Meta:
        model = Contractor
        fields = ("name", "tax_id", "specialty", "contact_name", "phone", "email", "status")
        import_id_fields = ("tax_id",)
        skip_unchanged = True
        # Run the model's validation (statuses, e-mail addresses...) and report it per row.
        clean_model_instances = True
