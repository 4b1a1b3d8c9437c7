"""Writes of the CRM's other entities: one module per entity (clients, activities, quotes,
complaints, goals...), the most used names re-exported here.

The opportunity's writes are not here: the whole opportunity feature (views, forms,
selectors, services, filters) lives in `crm/opportunities/`, its writes in
`crm.opportunities.services`."""

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

__all__ = [
    "CLIENT_FIELDS",
    "CONTACT_FIELDS",
    "ActivityInput",
    "ContactInput",
    "StaleVersionError",
    "activity_create",
    "client_create",
    "client_delete",
    "client_restore",
    "client_update",
    "clients_set_segment",
]
