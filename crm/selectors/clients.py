"""Reads of CRM records, already scoped to what the user may see (see DESIGN "Row scope")."""

from functools import reduce
from operator import or_

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import CompanySettings, User, Visibility
from accounts.roles import is_manager
from crm.filters.clients import ClientFilter
from crm.models import ChangeRecord, Client, ClientUserObjectPermission, Contact
from crm.models.clients import ClientQuerySet
from crm.opportunities.selectors.visibility import opportunities_visible_to
from crm.recycle_bin import deleted_visible_to


def sees_every_client(*, user: User) -> bool:
    """Whether the user's scope is every live client (a manager, or a visibility level that
    shows every client: "Ver todas, editar propias" or "Ver y editar todas")."""
    return is_manager(user) or CompanySettings.load().client_visibility != Visibility.OWN


def _granted(user: User, codename: str) -> QuerySet:
    """Ids of the clients shared with the user at that level (guardian's direct-FK table)."""
    return ClientUserObjectPermission.objects.filter(
        user=user, permission__codename=codename
    ).values("content_object_id")


def clients_visible_to(*, user: User) -> ClientQuerySet:
    """Live clients the user may see.

    Managers and admins see all. Executives see all unless the company's client visibility
    is "own only": then those assigned to them or shared with them (a guardian grant).
    """
    clients = Client.objects.all()
    if sees_every_client(user=user):
        return clients
    return clients.filter(reduce(or_, _own_visibility(user)))


def _own_visibility(user: User) -> tuple[Q, Q]:
    """THE rule of "own only" visibility, as its branches: assigned to the user, or shared
    with them (any level)."""
    return Q(owner=user), Q(pk__in=_granted(user, "view_client"))


def client_is_visible(user: User, *, column: str = "client_id") -> Q:
    """`clients_visible_to`, as a condition on another table's row whose `column` points
    to the client: one correlated EXISTS per branch of the rule (see
    `crm.opportunities.selectors.visibility.opportunity_is_visible`; partial index
    client_live_owner)."""
    live = Client.objects.filter(pk=OuterRef(column))
    if sees_every_client(user=user):
        return Q(Exists(live))
    return reduce(or_, (Q(Exists(live.filter(branch))) for branch in _own_visibility(user)))


def client_edit_rule(user: User, *, settings: CompanySettings | None = None) -> Q:
    """THE rule of who edits a client (an empty Q: every visible one). Managers, admins and
    "view and edit all" edit all; otherwise the owner and those it was shared with at the
    "edit" level."""
    if is_manager(user):
        return Q()
    if (settings or CompanySettings.load()).client_visibility == Visibility.EDIT_ALL:
        return Q()
    return Q(owner=user) | Q(pk__in=_granted(user, "change_client"))


def clients_editable_by(*, user: User) -> ClientQuerySet:
    """Live clients the user may change (always a subset of `clients_visible_to`)."""
    return clients_visible_to(user=user).filter(client_edit_rule(user))


def user_can_edit_client(*, user: User, client: Client) -> bool:
    """The per-object check of the same rule, for a client already read from the user's
    scope. Uses the `user_can_edit` annotation when the row has it (no query)."""
    if hasattr(client, "user_can_edit"):
        return client.user_can_edit
    rule = client_edit_rule(user)
    if not rule:
        return True
    return Client.objects.filter(rule, pk=client.pk).exists()


def get_client_for_user_or_404(*, user: User, pk: int) -> Client:
    """The client, with `user_can_edit` (see `user_can_edit_client`)."""
    clients = clients_visible_to(user=user).select_related("industry", "owner")
    return get_object_or_404(clients.with_edit_flag(client_edit_rule(user)), pk=pk)


def get_editable_client_or_403(*, user: User, pk: int) -> Client:
    """A client for a write URL: out of the user's scope 404, visible but not editable by
    them 403 (see `client_edit_rule`)."""
    client = get_client_for_user_or_404(user=user, pk=pk)
    if not user_can_edit_client(user=user, client=client):
        raise PermissionDenied
    return client


def client_shared_with(*, client: Client) -> QuerySet[User]:
    """The colleagues a client was shared with (guardian's direct-FK grants), each with
    `can_edit` when the share's level is "edit"."""
    grants = ClientUserObjectPermission.objects.filter(content_object=client)
    viewers = grants.filter(permission__codename="view_client").values("user_id")
    editors = grants.filter(permission__codename="change_client", user=OuterRef("pk"))
    return (
        User.objects.filter(pk__in=viewers)
        .annotate(can_edit=Exists(editors))
        .order_by("first_name", "last_name", "username")
    )


def deleted_clients_visible_to(*, user: User) -> QuerySet[Client]:
    """The recycle bin: admins see every deleted client, others those they deleted (a plain
    QuerySet: `deleted_visible_to` serves every soft-deletable model)."""
    return deleted_visible_to(Client, user=user).select_related("owner", "merged_into")


def contacts_of(*, client: Client) -> QuerySet[Contact]:
    return client.contacts.all()


def client_history(*, client: Client) -> QuerySet[ChangeRecord]:
    return client.change_records.select_related("changed_by")


def client_list(*, user: User, filters: ClientFilter) -> ClientQuerySet:
    """The client list (CRM → Clientes) and its exports: the user's clients narrowed and
    ordered by `filters` (the list's bound ClientFilter: the view parses the request into it
    and shows its form), with the live contacts' count, the primary contact's name, the open
    opportunities the user may see and the date of the last done activity, each a subquery
    of the same query, so a page costs the same whatever its rows.

    The filters apply here, to the user's scope (never `filters.qs`, which knows no user);
    an invalid filter gives an empty list, never a crash.
    """
    base = (
        clients_visible_to(user=user)
        .with_edit_flag(client_edit_rule(user))
        .select_related("industry", "owner")
        .with_list_facts(opportunities=opportunities_visible_to(user=user).open())
        .order_by("name", "pk")
    )
    if not filters.is_valid():
        return base.none()
    return filters.filter_queryset(base)
