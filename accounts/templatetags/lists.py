"""Template helpers shared by the list pages (filters, columns)."""

from django import template
from django_filters import FilterSet

from config import filtering

register = template.Library()


@register.filter
def active_filter_count(filterset: FilterSet) -> int:
    return filtering.active_filter_count(filterset) if filterset is not None else 0
