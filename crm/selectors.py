"""Reads of CRM records, already scoped to what the user may see (see DESIGN "Row scope")."""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import CompanySettings, User, Visibility
from accounts.roles import COMMERCIAL_ROLES, is_administrator, is_manager
from crm.models import ChangeRecord, Client, ClientUserObjectPermission, Contact


def clients_visible_to(*, user) -> QuerySet[Client]:
    """Live clients the user may see.

    Managers and admins see all. Executives see all in "all" mode; in "own" mode, those
    assigned to them or shared with them (a guardian grant in its direct-FK table).
    """
    clients = Client.objects.all()
    if is_manager(user) or CompanySettings.load().client_visibility == Visibility.ALL:
        return clients
    shared = ClientUserObjectPermission.objects.filter(
        user=user, permission__codename="view_client"
    ).values("content_object_id")
    return clients.filter(Q(owner=user) | Q(pk__in=shared))


def get_client_for_user_or_404(*, user, pk: int) -> Client:
    return get_object_or_404(
        clients_visible_to(user=user).select_related("industry", "owner"), pk=pk
    )


def deleted_clients_visible_to(*, user) -> QuerySet[Client]:
    """The recycle bin: admins see every deleted client, others those they deleted."""
    deleted = Client.all_objects.deleted().select_related("deleted_by", "owner")
    if is_administrator(user):
        return deleted
    return deleted.filter(deleted_by=user)


def contacts_of(*, client: Client) -> QuerySet[Contact]:
    return client.contacts.all()


def client_history(*, client: Client) -> QuerySet[ChangeRecord]:
    return client.change_records.select_related("changed_by")


def assignable_executives() -> QuerySet[User]:
    """Users who may own clients and opportunities: members of a commercial role."""
    return (
        User.objects.filter(is_active=True, groups__name__in=[r.value for r in COMMERCIAL_ROLES])
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
