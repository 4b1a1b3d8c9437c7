"""Amounts in templates, written as the forms and the rest of the UI write them.

`{{ value|amount }}` is the full value ("1.500.000,50"). `{% compact_amount value currency %}`
is for tight places (board cards and totals, lists, the dashboard, the client page): the
short form ("USD 1,0 MM") that never wraps, the full value in its tooltip. Exports keep full
values (crm.exports).
"""

from django import template
from django.utils.html import format_html

from config.amounts import compact_amount as compact
from config.amounts import format_amount

register = template.Library()


@register.filter
def amount(value: object) -> str:
    """The full amount with two decimals, or "" for no amount."""
    if value is None or value == "":
        return ""
    return format_amount(value)


@register.simple_tag
def compact_amount(value: object, currency: str = "") -> str:
    """A short amount in a span that does not wrap, the full value in its title; "—" for no
    amount. A simple tag, not an included template: the board writes it 110 times."""
    if value is None or value == "":
        return "—"
    prefix = f"{currency} " if currency else ""
    return format_html(
        '<span class="amount-compact" title="{}{}">{}{}</span>',
        prefix,
        format_amount(value),
        prefix,
        compact(value),
    )
