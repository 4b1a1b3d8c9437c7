"""The filters of the pipeline board and of the opportunity list (CRM → Oportunidades).

Both share the parameter names of the board's filters (owner, segment, close_from, close_to),
so the "Tablero / Lista" toggle carries them from one view to the other.
"""

import django_filters
from django import forms
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Replace
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES

from accounts.selectors import assignable_executives
from config.forms import AmountField, DateInput, FilterForm
from crm.models import Opportunity, Segment, Stage, name_key


class AmountFilter(django_filters.NumberFilter):
    """An amount typed as in the forms ("1.500.000", "8000,50"; see AmountField)."""

    field_class = AmountField


# Separators people type (or not) inside a RIF/NIT: "J-12345678-9".
TAX_ID_SEPARATORS = ("-", ".", " ")


class BoardFilter(django_filters.FilterSet):
    """Ejecutivo, Segmento del cliente and Período de cierre esperado."""

    owner = django_filters.ModelChoiceFilter(
        queryset=lambda request: assignable_executives(), label=_("Executive")
    )
    segment = django_filters.ChoiceFilter(
        field_name="client__segment", choices=Segment.choices, label=_("Client segment")
    )
    close_from = django_filters.DateFilter(
        field_name="expected_close_date",
        lookup_expr="gte",
        label=_("Expected close from"),
        widget=DateInput,
    )
    close_to = django_filters.DateFilter(
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

    def filter_follow_up(self, queryset, name, value):
        return queryset.requiring_follow_up() if value else queryset


class OpportunityOrderingFilter(django_filters.OrderingFilter):
    """Sorts by the chosen column, then by pk, so that pages never repeat or skip rows that
    share a value. "Etapa" sorts in pipeline order, not by the stage codes."""

    def get_ordering_value(self, param):
        value = super().get_ordering_value(param)
        if value.removeprefix("-") != "stage":
            return value
        # The generated column of the pipeline order (indexed, see Opportunity.Meta.indexes).
        return value.replace("stage", "stage_position")

    def filter(self, qs, value):
        ordered = super().filter(qs, value)
        if value in EMPTY_VALUES:
            return ordered
        return ordered.order_by(*ordered.query.order_by, "pk")


class OpportunityFilter(BoardFilter):
    """The list's filters: the board's plus stage, client, value range and name search."""

    q = django_filters.CharFilter(
        field_name="name", lookup_expr="icontains", label=_("Opportunity name")
    )
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

    def search_client(
        self, queryset: QuerySet[Opportunity], name: str, value: str
    ) -> QuerySet[Opportunity]:
        """The client's name (also without accents or legal suffix) or its RIF/NIT with or
        without separators ("j-12345678-9", "J123456789")."""
        value = value.strip()
        if not value:
            return queryset
        matches = Q(client__name__icontains=value) | Q(client__tax_id__icontains=value)
        key = name_key(value)
        if key:
            matches |= Q(client__name_key__contains=key)
        compact = value.upper()
        for char in TAX_ID_SEPARATORS:
            compact = compact.replace(char, "")
        if compact:
            tax_id = F("client__tax_id")
            for char in TAX_ID_SEPARATORS:
                tax_id = Replace(tax_id, Value(char), Value(""))
            queryset = queryset.alias(client_tax_id_compact=tax_id)
            matches |= Q(client_tax_id_compact__contains=compact)
        return queryset.filter(matches)
