"""The navbar's global search: clients, contacts and opportunities here, and the kinds that
the apps built on crm register (documents: quotes and documents), that a term finds, each
kind inside the user's scope (the existing scope selectors, never a rule restated here) and
through the search indexes (crm.search). One query per kind, whatever the volume."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from accounts.models import User
from accounts.roles import VIEW, module_rights
from crm.filters.clients import client_search_terms
from crm.models import Client, Contact, Opportunity
from crm.opportunities.selectors.visibility import opportunities_visible_to
from crm.search import search_q, search_terms
from crm.selectors.clients import clients_visible_to

# Rows per kind: a few in the navbar's dropdown, more on the full page.
DROPDOWN_ROWS = 5
PAGE_ROWS = 20


@dataclass(frozen=True)
class Hit:
    label: StrOrPromise
    detail: str
    url: str


@dataclass
class HitGroup:
    key: str
    label: StrOrPromise
    hits: list[Hit] = field(default_factory=list)
    has_more: bool = False
    more_url: str = ""


@dataclass(frozen=True)
class SearchSource:
    """A kind that an app above crm adds to the search (in its AppConfig.ready), shown to
    whoever has VIEW on `module`. `rows(user, value, terms)` is the scoped, searched
    QuerySet; `more_url` names the list that shows every hit."""

    key: str
    label: StrOrPromise
    module: str
    rows: Callable[[User, str, list[str]], QuerySet[Any]]
    hit: Callable[[Any], Hit]
    more_url: str = ""


SOURCES: list[SearchSource] = []


def register_search_source(source: SearchSource) -> None:
    """Add a kind after the CRM's own, in the order of registration."""
    if all(known.key != source.key for known in SOURCES):
        SOURCES.append(source)


def _take(rows: QuerySet, limit: int) -> tuple[list, bool]:
    taken = list(rows[: limit + 1])
    return taken[:limit], len(taken) > limit


def _group(
    key: str,
    label: StrOrPromise,
    rows: QuerySet,
    limit: int,
    hit: Callable[[Any], Any],
    more_url: str = "",
) -> HitGroup:
    found, has_more = _take(rows, limit)
    return HitGroup(key, label, [hit(row) for row in found], has_more, more_url)


def global_search(*, user: User, value: str, limit: int = DROPDOWN_ROWS) -> list[HitGroup]:
    """The kinds that found something, in a fixed order (clients, contacts, opportunities,
    then the registered ones: quotes, documents), each with at most `limit` hits and
    whether there are more."""
    value = (value or "").strip()
    terms = search_terms(value)
    if not terms:
        return []
    query = "?" + urlencode({"q": value})
    clients = clients_visible_to(user=user)
    opportunities = opportunities_visible_to(user=user)
    groups = [
        _group(
            "clients",
            _("Clients"),
            clients.filter(search_q(Client, client_search_terms(value))).only(
                "id", "name", "tax_id"
            ),
            limit,
            lambda c: Hit(c.name, c.tax_id, c.get_absolute_url()),
            reverse("crm:client_list") + query,
        ),
        _group(
            "contacts",
            _("Contacts"),
            Contact.objects.filter(client__in=clients.values("pk"))
            .filter(search_q(Contact, search_terms(value, phone=True)))
            .select_related("client")
            .only("id", "name", "email", "phone", "client__id", "client__name"),
            limit,
            lambda c: Hit(
                c.name,
                " · ".join(p for p in (c.client.name, c.email or c.phone) if p),
                c.client.get_absolute_url(),
            ),
        ),
        _group(
            "opportunities",
            _("Opportunities"),
            opportunities.filter(search_q(Opportunity, terms))
            .select_related("client")
            .only("id", "name", "stage", "client__id", "client__name")
            .order_by("name", "pk"),
            limit,
            lambda o: Hit(
                o.name, f"{o.client.name} · {o.get_stage_display()}", o.get_absolute_url()
            ),
            reverse("crm:opportunity_list") + query,
        ),
    ]
    for source in SOURCES:
        if VIEW in module_rights(user, source.module):
            more_url = reverse(source.more_url) + query if source.more_url else ""
            rows = source.rows(user, value, terms)
            groups.append(_group(source.key, source.label, rows, limit, source.hit, more_url))
    return [group for group in groups if group.hits]
