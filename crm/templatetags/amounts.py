"""Amounts in templates, written as the forms and the rest of the UI write them.

`{{ value|amount }}` is the full value ("1.500.000,50"). `{% compact_amount value currency %}`
is for tight places (board cards and totals, lists, the dashboard, the client page): the
short form ("USD 1,0 MM") that never wraps, the full value in its tooltip. Exports keep full
values (crm.exports).
"""

from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

from config.amounts import compact_amount as compact
from config.amounts import format_amount
from crm.money import AmountRow, amount_in, original_amount, original_currency

register = template.Library()

type Amount = Decimal | int | float | str  # what config.amounts formats


@register.filter
def amount(value: Amount | None) -> str:
    """The full amount with two decimals, or "" for no amount."""
    if value is None or value == "":
        return ""
    return format_amount(value)


@register.simple_tag
def compact_amount(value: Amount | None, currency: str = "") -> str:
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


def original_title(obj: AmountRow, field: str) -> str:
    """ "Original: VES 1.500.000,00 · 45,50 VES/USD": the amount as typed and its frozen rate
    (what the tooltips and the exports' extra columns show)."""
    typed = original_amount(obj, field)
    if typed is None:  # money() writes "—" without asking
        return ""
    currency = original_currency(obj, field)
    text = _("Original: %(currency)s %(amount)s") % {
        "currency": currency,
        "amount": format_amount(typed),
    }
    rate = obj[f"{field}_rate"] if isinstance(obj, dict) else getattr(obj, f"{field}_rate")
    if rate is not None:
        rate_text = number_format(rate, 4, use_l10n=True, force_grouping=True)
        text += " · " + _("%(rate)s VES/USD") % {"rate": rate_text}
    return text


@register.simple_tag
def money(
    obj: AmountRow,
    field: str,
    currency: str,
    probability: int | None = None,
    full: bool = False,
) -> str:
    """`obj`'s `field` in the display currency at its frozen rate (crm.money), short, with
    the full value and the original amount and rate in its title; × probability ÷ 100 for
    a weighted value; `full` writes the whole amount (detail pages). "—" when there is no
    amount; "sin tasa" when it has no value in that currency yet, never a zero."""
    if original_amount(obj, field) is None:
        return "—"
    value = amount_in(obj, field, currency)
    title = original_title(obj, field)
    if value is None:
        return format_html(
            '<span class="amount-compact text-warning-emphasis" title="{}">{}</span>',
            title + " · " + str(_("no exchange rate for its date")),
            _("no rate"),
        )
    if probability is not None:
        value = value * probability / 100
    return format_html(
        '<span class="amount-compact" title="{} {} · {}">{} {}</span>',
        currency,
        format_amount(value),
        title,
        currency,
        format_amount(value) if full else compact(value),
    )
