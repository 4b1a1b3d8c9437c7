from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES

from config.forms import FilterForm
from contractors_ro.models import Contractor, ContractorStatus
from contractors_ro.selectors import contractor_specialties


class ContractorOrderingFilter(django_filters.OrderingFilter):
    """Sorts by the chosen columns, then by id.

    Names, specialties and statuses repeat; without a unique last key PostgreSQL returns
    tied rows in a different order from one page to the next, repeating some contractors
    and never showing others.
    """

    def filter(self, qs: QuerySet[Contractor], value: list[str] | None) -> QuerySet[Contractor]:
        ordered = super().filter(qs, value)
        if value in EMPTY_VALUES:
            return ordered
        return ordered.order_by(*ordered.query.order_by, "pk")


class ContractorFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=ContractorStatus.choices, label=_("Status"))
    specialty = django_filters.ChoiceFilter(label=_("Specialty"), choices=[])
    order = ContractorOrderingFilter(
        fields=(("name", "name"), ("specialty", "specialty"), ("status", "status")),
        label=_("Order by"),
    )

    class Meta:
        model = Contractor
        form = FilterForm
        fields = ["q", "status", "specialty"]

    def __init__(
        self,
        data: QueryDict | None = None,
        queryset: QuerySet[Contractor] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, queryset, **kwargs)
        # The specialties on file (one query, here so that the view only binds the request).
        self.filters["specialty"].extra["choices"] = [(s, s) for s in contractor_specialties()]

    def search(self, queryset: QuerySet[Contractor], name: str, value: str) -> QuerySet[Contractor]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(tax_id__icontains=value)
            | Q(specialty__icontains=value)
            | Q(contact_name__icontains=value)
            | Q(email__icontains=value)
        )
