"""The row scope shared by records that hang off a client and, optionally, an opportunity
(activities, complaints): visible when their client and their opportunity are."""

from django.db.models import Q, QuerySet

from accounts.models import CompanySettings, Visibility
from accounts.roles import is_manager
from crm.selectors.clients import clients_visible_to
from crm.selectors.opportunities import opportunities_visible_to


def linked_to_visible(records: QuerySet, *, user) -> QuerySet:
    """Narrow `records` (with `client` and nullable `opportunity`) to what the user may see.

    Managers see every live record. Subqueries are added only where a visibility setting
    restricts something: on large tables a semi-join against "every client" costs a scan
    for nothing.
    """
    records = records.filter(client__deleted_at__isnull=True)
    if is_manager(user):
        return records
    settings = CompanySettings.load()
    if settings.client_visibility != Visibility.ALL:
        records = records.filter(client__in=clients_visible_to(user=user).values("pk"))
    if settings.opportunity_visibility != Visibility.ALL:
        visible = opportunities_visible_to(user=user).values("pk")
        return records.filter(Q(opportunity__isnull=True) | Q(opportunity__in=visible))
    return records.filter(Q(opportunity__isnull=True) | Q(opportunity__deleted_at__isnull=True))
