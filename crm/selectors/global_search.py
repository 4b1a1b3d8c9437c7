"""The navbar's global search: clients, contacts, opportunities, quotes and documents that a
term finds, each kind inside the user's scope (the existing scope selectors, never a rule
restated here) and through the search indexes (crm.search). One query per kind, whatever
the volume."""

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
from crm.models import Client, Contact, Opportunity, Quote
from crm.opportunities.selectors.visibility import opportunities_visible_to
from crm.search import search_q, search_terms
from crm.selectors.clients import clients_visible_to
from documents.models import Document
from documents.selectors import documents_visible_to

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
    quotes, documents), each with at most `limit` hits and whether there are more."""
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
        _group(
            "quotes",
            _("Quotes"),
            _quotes(value, terms, opportunities),
            limit,
            lambda q: Hit(q.number, q.opportunity.name, q.opportunity.get_absolute_url()),
        ),
    ]
    if VIEW in module_rights(user, "documents"):
        groups.append(
            _group(
                "documents",
                _("Documents"),
                documents_visible_to(user=user)
                .filter(search_q(Document, terms))
                .only("id", "title", "kind"),
                limit,
                lambda d: Hit(d.title, d.get_kind_display(), d.get_absolute_url()),
                reverse("documents:list") + query,
            )
        )
    return [group for group in groups if group.hits]


def _quotes(value: str, terms: list[str], opportunities: QuerySet) -> QuerySet:
    """Quotes whose number contains the term, of opportunities the user sees. The quote's
    document carries its number in its `search_text`: its index finds the candidates."""
    documents = Document.objects.filter(search_q(Document, terms)).values("pk")
    return (
        Quote.objects.filter(document__in=documents, number__icontains=value)
        .filter(opportunity__in=opportunities.values("pk"))
        .select_related("opportunity")
        .only("id", "number", "opportunity__id", "opportunity__name")
        .order_by("-pk")
    )
