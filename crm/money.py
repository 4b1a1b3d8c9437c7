"""Which column holds an amount in a currency, and which currency a user reads amounts in.

Every amount is stored twice at the rate frozen on its date (crm.services.currency): the
field itself in USD (so every aggregate over it stays valid) and `<field>_ves` in VES, with
`<field>_currency` saying which one the user typed (the original) and `<field>_rate` the VES
per USD. Lists, the board, the dashboard, reports and exports pick the column of the user's
display currency through `amount_column`, never restating the rule.
"""

from decimal import Decimal
from typing import Any

from django.db.models import Model

from accounts.models import CompanySettings, Currency, User

CURRENCIES = tuple(Currency.values)

# The column holding the currency an amount was typed in, when it is not `<field>_currency`.
_CURRENCY_ATTR = {"total_amount": "currency"}

# What an amount is read from: a model instance or a `values()` row.
type AmountRow = Model | dict[str, Any]


def amount_column(field: str, currency: str) -> str:
    """The column of `field` expressed in `currency`: "estimated_value" (USD) or
    "estimated_value_ves"."""
    return f"{field}_ves" if currency == Currency.VES else field


def currency_attr(field: str) -> str:
    """The column saying which currency `field` was typed in."""
    return _CURRENCY_ATTR.get(field, f"{field}_currency")


def amount_columns(field: str) -> tuple[str, ...]:
    """Every column of one amount (USD value, VES value, typed currency, frozen rate): what a
    selector reading `values()` for a display or an export needs."""
    return (field, f"{field}_ves", currency_attr(field), f"{field}_rate")


def _get(obj: AmountRow, name: str) -> Any:
    return obj[name] if isinstance(obj, dict) else getattr(obj, name)


def amount_in(obj: AmountRow, field: str, currency: str) -> Decimal | None:
    """The value of `field` of a model instance or a `values()` row in `currency`."""
    return _get(obj, amount_column(field, currency))


def original_currency(obj: AmountRow, field: str) -> str:
    return _get(obj, currency_attr(field)) or Currency.USD


def original_amount(obj: AmountRow, field: str) -> Decimal | None:
    """The amount as the user typed it, in `original_currency`."""
    return amount_in(obj, field, original_currency(obj, field))


def display_currency(user: User | None, settings: CompanySettings | None = None) -> str:
    """The currency `user` reads amounts in: their choice (the pages' USD | VES switch),
    else the company's (`settings` when the caller already loaded them)."""
    chosen = getattr(user, "display_currency", "")
    if chosen in CURRENCIES:
        return chosen
    if settings is not None:
        return settings.currency or Currency.USD
    # CompanySettings.load() is read once per request (accounts.middleware).
    return CompanySettings.load().currency or Currency.USD
