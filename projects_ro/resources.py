from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from crm.models import Client
from projects_ro.models import Project


class DayFirstDateWidget(widgets.DateWidget):
    """Reads ISO dates and Venezuelan dd/mm/aaaa ones; writes ISO.

    The stock widget reads settings.DATE_INPUT_FORMATS, Django's global default, which is
    month-first (US): "05/03/2025" would become 3 May instead of 5 March.
    """

    def __init__(self) -> None:
        super().__init__()
        self.formats = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")


class ClientByRifWidget(widgets.ForeignKeyWidget):
    """The client whose RIF is in the cell; an unknown RIF is an error that names it."""

    def __init__(self) -> None:
        super().__init__(Client, field="tax_id")

    def clean(self, value: Any, row: Mapping[str, Any] | None = None, **kwargs: Any) -> Any:
        try:
            return super().clean(value, row, **kwargs)
        except Client.DoesNotExist:
            raise ValueError(_("There is no client with RIF %(rif)s.") % {"rif": value}) from None


class ContractorsByRifWidget(widgets.ManyToManyWidget):
    """The contractors whose RIFs are in the cell, separated by "|".

    The stock widget drops RIFs it cannot find without a word, so a typo would quietly
    unlink a contractor from the project: here any unknown RIF rejects the row.
    """

    def __init__(self) -> None:
        # The model through the relation: contractors_ro sits above projects_ro (its page
        # lists a contractor's projects), so projects_ro never imports it.
        contractor = Project._meta.get_field("contractors").related_model
        super().__init__(contractor, field="tax_id", separator="|")

    def clean(self, value: Any, row: Mapping[str, Any] | None = None, **kwargs: Any) -> Any:
        contractors = super().clean(value, row, **kwargs)
        if not value:
            return contractors
        wanted = {rif.strip() for rif in str(value).split(self.separator) if rif.strip()}
        missing = wanted - set(contractors.values_list("tax_id", flat=True))
        if missing:
            raise ValueError(
                _("There is no contractor with RIF %(rifs)s.")
                % {"rifs": ", ".join(sorted(missing))}
            )
        return contractors


class ProjectResource(resources.ModelResource):
    """Projects in and out of Excel/CSV; the client and contractors are matched by RIF."""

    client = fields.Field(
        column_name="client_tax_id",
        attribute="client",
        widget=ClientByRifWidget(),
    )
    contractors = fields.Field(
        column_name="contractor_tax_ids",
        attribute="contractors",
        widget=ContractorsByRifWidget(),
    )
    start_date = fields.Field(
        column_name="start_date", attribute="start_date", widget=DayFirstDateWidget()
    )
    end_date = fields.Field(
        column_name="end_date", attribute="end_date", widget=DayFirstDateWidget()
    )
    # A TextField gets import-export's plain widget, which keeps an empty Excel cell as None
    # and the NOT NULL column then rejects the row; the text widget reads it as "".
    description = fields.Field(
        column_name="description", attribute="description", widget=widgets.CharWidget()
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
        # Run the model's validation (statuses, dates in order...) and report it per row.
        clean_model_instances = True

    def filter_export(self, queryset: QuerySet[Project], **kwargs: Any) -> QuerySet[Project]:
        # The client's and contractors' RIFs are written for every row: fetch them up front.
        return (
            super()
            .filter_export(queryset, **kwargs)
            .select_related("client")
            .prefetch_related("contractors")
        )
