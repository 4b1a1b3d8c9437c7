"""Writes of the CRM: one module per entity, re-exported here."""

from crm.concurrency import StaleVersionError
from crm.services.activities import ActivityInput, activity_create
from crm.services.clients import (
    CLIENT_FIELDS,
    CONTACT_FIELDS,
    ContactInput,
    client_create,
    client_delete,
    client_restore,
    client_update,
    clients_set_segment,
)
from crm.services.opportunities import (
    LostDetails,
    WonDetails,
    opportunity_create,
    opportunity_delete,
    opportunity_log_follow_up,
    opportunity_move_stage,
    opportunity_restore,
    opportunity_share,
    opportunity_unshare,
    opportunity_update,
)

__all__ = [
    "CLIENT_FIELDS",
    "CONTACT_FIELDS",
    "ActivityInput",
    "ContactInput",
    "LostDetails",
    "StaleVersionError",
    "WonDetails",
    "activity_create",
    "client_create",
    "client_delete",
    "client_restore",
    "client_update",
    "clients_set_segment",
    "opportunity_create",
    "opportunity_delete",
    "opportunity_log_follow_up",
    "opportunity_move_stage",
    "opportunity_restore",
    "opportunity_share",
    "opportunity_unshare",
    "opportunity_update",
]
