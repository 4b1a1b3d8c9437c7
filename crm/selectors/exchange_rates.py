"""Reads of the exchange rates (crm.ExchangeRate)."""

from datetime import date
from decimal import Decimal

from crm.models import ExchangeRate


def rate_on_or_before(on: date) -> ExchangeRate | None:
    """The rate in force on a date: that day's, else the latest before it (a weekend or a
    holiday keeps the last published rate). None when no rate exists on or before it."""
    return ExchangeRate.objects.filter(date__lte=on).order_by("-date").first()


def ves_per_usd_on(on: date) -> Decimal | None:
    rate = rate_on_or_before(on)
    return None if rate is None else rate.ves_per_usd


def first_rate_date() -> date | None:
    return ExchangeRate.objects.order_by("date").values_list("date", flat=True).first()
