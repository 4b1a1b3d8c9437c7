"""Reads of CRM records, already scoped to what the user may see (see DESIGN "Row scope")."""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import CompanySettings, Visibility
from accounts.roles import is_manager

# Re-exported: callers on other branches still import it from here; its home is accounts.
from accounts.selectors import assignable_executives  # noqa: F401
from crm.filters.clients import ClientFilter
from crm.models import OPEN_STAGES, ChangeRecord, Client, ClientUserObjectPermission, Contact
from crm.recycle_bin import deleted_visible_to
from crm.selectors.opportunities import opportunities_visible_to


def sees_every_client(*, user) -> bool:
    """Whether the user's scope is every live client (a manager, or "all" visibility)."""
    return is_manager(user) or CompanySettings.load().client_visibility == Visibility.ALL


def clients_visible_to(*, user) -> QuerySet[Client]:
    """Live clients the user may see.

    Managers and admins see all. Executives see all in "all" mode; in "own" mode, those
    assigned to them or shared with them (a guardian grant in its direct-FK table).
    """
    clients = Client.objects.all()
    if sees_every_client(user=user):
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
    return deleted_visible_to(Client, user=user).select_related("owner")


def contacts_of(*, client: Client) -> QuerySet[Contact]:
    return client.contacts.all()


def client_history(*, client: Client) -> QuerySet[ChangeRecord]:
    return client.change_records.select_related("changed_by")


def client_list(*, user, params):
    """The client list (CRM → Clientes) and its exports: the user's clients filtered by
    `params` (a ClientFilter), with the live contacts' count, the primary contact's name,
    the open opportunities the user may see and the date of the last done activity, each
    a subquery of the same query, so a page costs the same whatever its rows.

    Returns (filterset, queryset); an invalid filter gives an empty list, never a crash.
    """
    base = (
        clients_visible_to(user=user)
        .select_related("industry", "owner")
        .with_list_facts(
            opportunities=opportunities_visible_to(user=user).filter(stage__in=OPEN_STAGES)
        )
        .order_by("name", "pk")
    )
    filterset = ClientFilter(params, queryset=base)
    queryset = filterset.qs if filterset.is_valid() else base.none()
    return filterset, queryset
