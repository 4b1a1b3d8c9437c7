"""Template filters of the reports."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def percent(value: float | Decimal | str | None) -> str:
    """A fraction as a Spanish percentage with one decimal: 0.375 → "37,5 %"."""
    if value is None or value == "":
        return "—"
    return f"{number_format(float(value) * 100, 1, use_l10n=True)} %"
