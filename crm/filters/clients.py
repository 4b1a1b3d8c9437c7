"""The filters of the client list (CRM → Clientes), shared by the page and its exports."""

import django_filters
from django import forms
from django.db.models import F, OrderBy, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.selectors import assignable_executives
from config.filtering import CachedModelChoiceFilter
from config.forms import FilterForm
from crm.models import Client, ClientKind, Contact, Industry, LeadSource, Segment
from crm.search import search_q, search_terms


class ClientOrderingFilter(django_filters.OrderingFilter):
    """Sorts by the chosen column, then by name and pk, so that pages never repeat or skip
    rows sharing a value; clients without industry or activity go last in both directions
    (SQLite and PostgreSQL disagree on where NULLs go by default)."""

    NULLABLE = {"industry": "industry__name", "last_activity_at": "last_activity_at"}

    def get_ordering_value(self, param: str) -> str | OrderBy:
        value = super().get_ordering_value(param)
        descending = value.startswith("-")
        column = self.NULLABLE.get(value.removeprefix("-"))
        if column is None:
            return value
        return F(column).desc(nulls_last=True) if descending else F(column).asc(nulls_last=True)

    def filter(self, qs: QuerySet[Client], value: list[str] | None) -> QuerySet[Client]:
        ordered = super().filter(qs, value)
        if not value:  # None or [] (django-filter's EMPTY_VALUES for a list)
            return ordered
        # By name: the pk alone breaks ties (a second "name" would stop the index serving
        # "-name", see Client.Meta.indexes).
        tie_breaks = ("pk",) if value[0].removeprefix("-") == "name" else ("name", "pk")
        return ordered.order_by(*ordered.query.order_by, *tie_breaks)


class ClientFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search",
        label=_("Search"),
        # type="search": the filter form refreshes the results as the user types in it.
        widget=forms.SearchInput(
            attrs={"placeholder": _("Name, RIF/NIT, contact, email or phone")}
        ),
    )
    segment = django_filters.ChoiceFilter(choices=Segment.choices, label=_("Segment"))
    kind = django_filters.ChoiceFilter(choices=ClientKind.choices, label=_("Type"))
    industry = CachedModelChoiceFilter(
        queryset=Industry.objects.order_by("name"), label=_("Industry")
    )
    owner = CachedModelChoiceFilter(
        queryset=lambda request: assignable_executives(), label=_("Assigned executive")
    )
    lead_source = django_filters.ChoiceFilter(choices=LeadSource.choices, label=_("Lead source"))
    order = ClientOrderingFilter(
        fields=(
            ("name", "name"),
            ("tax_id", "tax_id"),
            ("segment", "segment"),
            ("owner", "owner"),  # the User's own ordering: first name, last name, username
            ("industry", "industry"),
            ("updated_at", "updated"),
            # Annotations of the selector (crm.selectors.client_list).
            ("open_opportunity_count", "opportunities"),
            ("last_activity_at", "last_activity"),
        ),
        label=_("Order by"),
    )

    class Meta:
        model = Client
        form = FilterForm
        fields = ["q", "segment", "kind", "industry", "owner", "lead_source"]

    def search(self, queryset: QuerySet[Client], name: str, value: str) -> QuerySet[Client]:
        """Name (also without accents or legal suffix), RIF/NIT with or without dashes, the
        client's email and phone, and the name, email or phone of any of its live contacts:
        each a search of the rows' `search_text`, through its index (crm.search).

        One IN over the UNION of the matching clients' and contacts' ids, not an OR of
        the two: each side is an index scan, the planner estimates a handful of ids, and a
        client with two matching contacts is still one row (the contact count stays right).
        """
        if not value.strip():
            return queryset
        clients = Client.all_objects.filter(search_q(Client, client_search_terms(value)))
        contacts = Contact.objects.filter(search_q(Contact, search_terms(value, phone=True)))
        return queryset.filter(pk__in=clients.values("pk").union(contacts.values("client_id")))


def client_search_terms(value: str) -> list[str]:
    """The forms of a term that find a client: its text, its name without legal suffix, its
    RIF/NIT without separators, its phone's digits (see crm.search.search_terms)."""
    return search_terms(value, name=True, tax_id=True, phone=True)


def clients_matching(value: str) -> Q:
    """The Q that keeps, of rows with a `client`, those whose client a search of `value`
    finds by name or RIF/NIT (the other lists' "client" filters)."""
    terms = search_terms(value, name=True, tax_id=True)
    return search_q(Client, terms, prefix="client__")
