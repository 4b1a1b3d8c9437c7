"""The row scope shared by records that hang off a client and, optionally, an opportunity
(activities, complaints): visible when their client and their opportunity are; editable
when their parent is (the opportunity when they have one, else the client)."""

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import CompanySettings, User, Visibility
from accounts.roles import is_manager
from crm.models import Activity, Client, Complaint, Opportunity
from crm.opportunities.selectors.visibility import opportunity_edit_rule, opportunity_is_visible
from crm.selectors.clients import client_edit_rule, client_is_visible


def without_deleted_parents[R: QuerySet[Any]](records: R) -> R:
    """Leave out the records (with `client` and nullable `opportunity`) whose client or
    opportunity is in the recycle bin: an anti-join against its few rows (the partial
    indexes client_deleted and opp_deleted), not a join of every row to its parents."""
    return records.exclude(client__in=Client.all_objects.deleted().values("pk")).exclude(
        opportunity__in=Opportunity.all_objects.deleted().values("pk")
    )


def linked_to_visible[R: QuerySet[Any]](records: R, *, user: User) -> R:
    """Narrow `records` (with `client` and nullable `opportunity`) to what the user may see.

    Managers see every live record (whose client and opportunity are live). Subqueries are
    added only where a visibility setting restricts something: on large tables a semi-join
    against "every client" costs a scan for nothing.
    """
    records = without_deleted_parents(records)
    if is_manager(user):
        return records
    settings = CompanySettings.load()
    if settings.client_visibility == Visibility.OWN:
        records = records.filter(client_is_visible(user))
    if settings.opportunity_visibility == Visibility.OWN:
        return records.filter(Q(opportunity__isnull=True) | opportunity_is_visible(user))
    return records


def linked_edit_rule(user: User) -> Q:
    """Who changes an activity or a complaint: whoever may edit its parent (see
    `opportunity_edit_rule` and `client_edit_rule`). An empty Q: every visible one."""
    if is_manager(user):
        return Q()
    settings = CompanySettings.load()
    on_client = client_edit_rule(user, settings=settings)
    on_opportunity = opportunity_edit_rule(user, settings=settings)
    if not on_client and not on_opportunity:
        return Q()
    # Correlated (EXISTS on the parent's primary key): a page of rows looks up its parents,
    # instead of hashing every client or opportunity the user may edit.
    if on_client:
        on_client = Q(Exists(Client.objects.filter(on_client, pk=OuterRef("client_id"))))
    if on_opportunity:
        on_opportunity = Q(
            Exists(Opportunity.objects.filter(on_opportunity, pk=OuterRef("opportunity_id")))
        )
    return (Q(opportunity__isnull=True) & on_client) | (
        Q(opportunity__isnull=False) & on_opportunity
    )


def linked_to_editable[R: QuerySet[Any]](records: R, *, user: User) -> R:
    """`linked_to_visible`, narrowed to the records whose parent the user may edit."""
    return linked_to_visible(records, user=user).filter(linked_edit_rule(user))


def user_can_edit_linked(*, user: User, record: Activity | Complaint) -> bool:
    """The per-object check of the same rule for an activity or a complaint already read
    from the user's scope; uses its `user_can_edit` annotation when it has one."""
    if hasattr(record, "user_can_edit"):
        return record.user_can_edit
    rule = linked_edit_rule(user)
    if not rule:
        return True
    return type(record).objects.filter(rule, pk=record.pk).exists()
