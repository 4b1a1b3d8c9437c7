"""What the lists share about their filters (django-filter FilterSets)."""

import django_filters
from django_filters import FilterSet

from config.forms import LocalDateField

IGNORED_PARAMETERS = frozenset({"order", "page"})


def active_filter_count(filterset: FilterSet) -> int:
    """How many of a list's filters the user set (the order is not a filter): the number on
    the "Filtros" button, and whether "no results" means "nothing matches these filters"."""
    data = filterset.data
    count = 0
    for name in filterset.filters:
        if name in IGNORED_PARAMETERS:
            continue
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        if any(value not in (None, "") for value in values):
            count += 1
    return count


class BusinessDateFilter(django_filters.DateFilter):
    """A list's date filter: a date picker within the business range, like every form's date
    (an out-of-range date is refused on the filter form, never sent to the database)."""

    field_class = LocalDateField
