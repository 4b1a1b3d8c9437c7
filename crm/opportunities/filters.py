"""The filters of the pipeline board and of the opportunity list (CRM → Oportunidades),
applied by the selectors (selectors/board.py, selectors/list.py).

Both share the parameter names of the board's filters (owner, segment, close_from, close_to,
follow_up), so the "Tablero / Lista" toggle carries them from one view to the other
(`board_filter_query`).
"""

import django_filters
from django import forms
from django.db.models import OrderBy, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES

from accounts.selectors import assignable_executives
from config.filtering import BusinessDateFilter, CachedModelChoiceFilter
from config.forms import AmountField, DateInput, FilterForm
from crm.filters.clients import clients_matching
from crm.models import Opportunity, Segment, Stage
from crm.models.opportunities import OpportunityQuerySet
from crm.search import search_q, search_terms


class AmountFilter(django_filters.NumberFilter):
    """An amount typed as in the forms ("1.500.000", "8000,50"; see AmountField)."""

    field_class = AmountField


class BoardFilter(django_filters.FilterSet):
    """Ejecutivo, Segmento del cliente and Período de cierre esperado."""

    owner = CachedModelChoiceFilter(
        queryset=lambda request: assignable_executives(), label=_("Executive")
    )
    segment = django_filters.ChoiceFilter(
        field_name="client__segment", choices=Segment.choices, label=_("Client segment")
    )
    close_from = BusinessDateFilter(
        field_name="expected_close_date",
        lookup_expr="gte",
        label=_("Expected close from"),
        widget=DateInput,
    )
    close_to = BusinessDateFilter(
        field_name="expected_close_date",
        lookup_expr="lte",
        label=_("Expected close until"),
        widget=DateInput,
    )

    follow_up = django_filters.BooleanFilter(
        method="filter_follow_up",
        label=_("Requires follow-up"),
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Opportunity
        form = FilterForm
        fields = ["owner", "segment", "close_from", "close_to", "follow_up"]

    def filter_follow_up(
        self, queryset: OpportunityQuerySet, name: str, value: bool | None
    ) -> OpportunityQuerySet:
        return queryset.requiring_follow_up() if value else queryset


def board_filter_query(params: QueryDict) -> str:
    """The board filters of `params`, url-encoded ("owner=3&segment=A"), without the page,
    the column or the list's own filters: what the board's links and the toggle carry."""
    kept = QueryDict(mutable=True)
    for name in BoardFilter.base_filters:
        values = [value for value in params.getlist(name) if value]
        if values:
            kept.setlist(name, values)
    return kept.urlencode()


class OpportunityOrderingFilter(django_filters.OrderingFilter):
    """Sorts by the chosen column, then by pk, so that pages never repeat or skip rows that
    share a value. "Etapa" sorts in pipeline order, not by the stage codes."""

    def get_ordering_value(self, param: str) -> str | OrderBy:
        value = super().get_ordering_value(param)
        if value.removeprefix("-") != "stage":
            return value
        # The generated column of the pipeline order (indexed, see Opportunity.Meta.indexes).
        return value.replace("stage", "stage_position")

    def filter(self, qs: QuerySet[Opportunity], value: list[str] | None) -> QuerySet[Opportunity]:
        ordered = super().filter(qs, value)
        if value in EMPTY_VALUES:
            return ordered
        return ordered.order_by(*ordered.query.order_by, "pk")


class OpportunityFilter(BoardFilter):
    """The list's filters: the board's plus stage, client, value range and name search."""

    q = django_filters.CharFilter(method="search_name", label=_("Opportunity name"))
    # No DISTINCT: a stage is a column of the row, not a join that could repeat it.
    stage = django_filters.MultipleChoiceFilter(
        choices=Stage.choices, distinct=False, label=_("Stage")
    )
    client = django_filters.CharFilter(method="search_client", label=_("Client (name or RIF)"))
    value_min = AmountFilter(
        field_name="estimated_value", lookup_expr="gte", label=_("Minimum value")
    )
    value_max = AmountFilter(
        field_name="estimated_value", lookup_expr="lte", label=_("Maximum value")
    )
    order = OpportunityOrderingFilter(
        fields=(
            ("name", "name"),
            ("client__name", "client"),
            ("stage", "stage"),
            ("estimated_value", "value"),
            ("probability", "probability"),
            ("expected_close_date", "close"),
            ("owner", "owner"),  # the User's own ordering: first name, last name, username
        ),
        label=_("Order by"),
    )

    class Meta(BoardFilter.Meta):
        fields = [
            "q",
            "stage",
            "client",
            "owner",
            "segment",
            "close_from",
            "close_to",
            "value_min",
            "value_max",
        ]

    def search_name(
        self, queryset: QuerySet[Opportunity], name: str, value: str
    ) -> QuerySet[Opportunity]:
        """The opportunity's name, without accents or case, through its index."""
        if not value.strip():
            return queryset
        return queryset.filter(search_q(Opportunity, search_terms(value)))

    def search_client(
        self, queryset: QuerySet[Opportunity], name: str, value: str
    ) -> QuerySet[Opportunity]:
        """The client's name (also without accents or legal suffix) or its RIF/NIT with or
        without separators ("j-12345678-9", "J123456789")."""
        if not value.strip():
            return queryset
        return queryset.filter(clients_matching(value))
