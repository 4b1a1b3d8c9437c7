"""What a form's searchable picker (crm.forms.pickers) offers as the user types: the records of
one kind inside the user's scope (the existing scope selectors) that the indexed search
(crm.search, the same terms as the lists and the global search) finds, at most PICKER_ROWS.

One query per search, whatever the volume. A kind that depends on a client ("the
opportunities of the chosen client") is narrowed to it; a client outside the user's scope
narrows to nothing.

The CRM's kinds are declared here; an app built on crm adds its own with
`register_picker_kind` in its AppConfig.ready (projects_ro: "project", "client-project").
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet

from accounts.models import User
from crm.filters.clients import client_search_terms
from crm.models import Client, Contact, Opportunity
from crm.opportunities.selectors.visibility import (
    opportunities_editable_by,
    opportunities_visible_to,
)
from crm.search import search_q, search_terms
from crm.selectors.clients import clients_visible_to

PICKER_ROWS = 20


@dataclass(frozen=True)
class Pick:
    pk: int
    label: str
    detail: str


@dataclass(frozen=True)
class PickerKind[M: Model]:
    """One kind of record a picker chooses: its scope, its search and how a row reads.

    `by_client` kinds may be narrowed to one client; with a client chosen, an empty search
    lists that client's records (a client has few)."""

    scope: Callable[[User], QuerySet[M]]
    search: Callable[[QuerySet[M], str], QuerySet[M]]
    pick: Callable[[M], Pick]
    only: tuple[str, ...]
    order: tuple[str, ...]
    by_client: bool = False


def _clients(user: User) -> QuerySet[Client]:
    return clients_visible_to(user=user)


def _search_clients(rows: QuerySet[Client], value: str) -> QuerySet[Client]:
    return rows.filter(search_q(Client, client_search_terms(value)))


def _search_opportunities(rows: QuerySet[Opportunity], value: str) -> QuerySet[Opportunity]:
    return rows.filter(search_q(Opportunity, search_terms(value)))


def _contacts(user: User) -> QuerySet[Contact]:
    return Contact.objects.filter(client__in=clients_visible_to(user=user).values("pk"))


def _search_contacts(rows: QuerySet[Contact], value: str) -> QuerySet[Contact]:
    return rows.filter(search_q(Contact, search_terms(value, phone=True)))


def _opportunity_pick(row: Opportunity) -> Pick:
    return Pick(row.pk, row.name, f"{row.client.name} · {row.get_stage_display()}")


OPPORTUNITY_ONLY = ("id", "name", "stage", "client__id", "client__name")

KINDS: dict[str, PickerKind[Any]] = {
    "client": PickerKind(
        scope=_clients,
        search=_search_clients,
        pick=lambda c: Pick(c.pk, c.name, c.tax_id),
        only=("id", "name", "tax_id"),
        order=("name", "pk"),
    ),
    "opportunity": PickerKind(
        scope=lambda user: opportunities_visible_to(user=user).select_related("client"),
        search=_search_opportunities,
        pick=_opportunity_pick,
        only=OPPORTUNITY_ONLY,
        order=("name", "pk"),
        by_client=True,
    ),
    # Records that follow their parent (a complaint, an activity) take one the user may change.
    "editable-opportunity": PickerKind(
        scope=lambda user: opportunities_editable_by(user=user).select_related("client"),
        search=_search_opportunities,
        pick=_opportunity_pick,
        only=OPPORTUNITY_ONLY,
        order=("name", "pk"),
        by_client=True,
    ),
    "contact": PickerKind(
        scope=lambda user: _contacts(user).select_related("client"),
        search=_search_contacts,
        pick=lambda c: Pick(
            c.pk, c.name, " · ".join(p for p in (c.client.name, c.email or c.phone) if p)
        ),
        only=("id", "name", "email", "phone", "client__id", "client__name"),
        order=("name", "pk"),
        by_client=True,
    ),
}


def register_picker_kind(name: str, kind: PickerKind[Any]) -> None:
    """A kind from an app above crm; a PickerChoiceField names it by `name`."""
    KINDS[name] = kind


def picker_scope(*, user: User, kind: str) -> QuerySet[Any]:
    """Every record of `kind` the user may choose: a picker field's queryset, so what it
    accepts is what it offers."""
    return KINDS[kind].scope(user)


def picker_search(
    *, user: User, kind: str, value: str, client_id: int | None = None
) -> tuple[list[Pick], bool]:
    """At most PICKER_ROWS records of `kind` that `value` finds in the user's scope, and
    whether there are more. Without a search (and, for a client's records, without a
    client) nothing is listed."""
    spec = KINDS[kind]
    value = (value or "").strip()
    rows = spec.scope(user)
    narrowed = False
    if spec.by_client and client_id is not None:
        rows = rows.filter(client__in=_clients(user).filter(pk=client_id).values("pk"))
        narrowed = True
    if value:
        rows = spec.search(rows, value)
    elif not narrowed:
        return [], False
    found = list(rows.only(*spec.only).order_by(*spec.order)[: PICKER_ROWS + 1])
    return [spec.pick(row) for row in found[:PICKER_ROWS]], len(found) > PICKER_ROWS
