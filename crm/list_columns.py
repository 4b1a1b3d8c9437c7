"""The choosable columns ("Columnas") of the CRM lists; see accounts.list_columns."""

from django.utils.translation import gettext_lazy as _

from accounts.list_columns import Column, ColumnSet, register

CLIENT_COLUMNS = register(
    ColumnSet(
        name="clients",
        module="crm",
        list_url_name="crm:client_list",
        columns=(
            Column("name", _("Name or company name"), required=True),
            Column("tax_id", _("RIF/NIT")),
            Column("segment", _("Segment")),
            Column("industry", _("Industry"), default=False),
            Column("owner", _("Assigned executive")),
            Column("primary_contact", _("Primary contact")),
            Column("phone", _("Phone")),
            Column("contacts", _("Contacts"), default=False),
            Column("opportunities", _("Open opportunities")),
            Column("last_activity", _("Last activity")),
            Column("updated", _("Updated"), default=False),
        ),
    )
)

OPPORTUNITY_COLUMNS = register(
    ColumnSet(
        name="opportunities",
        module="crm",
        list_url_name="crm:opportunity_list",
        columns=(
            Column("name", _("Name"), required=True),
            Column("client", _("Client")),
            Column("stage", _("Stage")),
            Column("value", _("Value")),
            Column("probability", _("Probability")),
            Column("weighted", _("Weighted")),
            Column("owner", _("Owner")),
            Column("close", _("Expected close")),
            Column("last_activity", _("Last activity"), default=False),
            Column("next_activity", _("Next activity")),
        ),
    )
)
