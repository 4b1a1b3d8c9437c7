"""What the lists share about their filters (django-filter FilterSets)."""

from collections.abc import Iterator
from typing import Any

import django_filters
from django.utils.translation import get_language
from django_filters import FilterSet
from django_filters.fields import ModelChoiceField, ModelChoiceIterator

from config.aggregate_cache import cached
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


class CachedModelChoiceIterator(ModelChoiceIterator):
    """A filter's model choices (the executives, the industries) as (pk, label) pairs through
    the aggregate cache: the same few rows on every list page, read again only after a write
    to a table their query reads (config.aggregate_cache). A submitted value is still checked
    against the queryset itself (ModelChoiceField.to_python)."""

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        queryset = self.queryset
        choices = cached(
            queryset,
            lambda: [
                (self.field.prepare_value(obj), str(self.field.label_from_instance(obj)))
                for obj in queryset
            ],
            tag=f"choices:{type(self.field).__name__}:{get_language()}",
        )
        yield from choices  # plain values: no widget here reads the instance


class CachedModelChoiceField(ModelChoiceField):
    iterator = CachedModelChoiceIterator


class CachedModelChoiceFilter(django_filters.ModelChoiceFilter):
    """ModelChoiceFilter whose select renders from CachedModelChoiceIterator."""

    field_class = CachedModelChoiceField
