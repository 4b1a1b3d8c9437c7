"""Freezing amounts at the exchange rate of their date (the one writer of the `*_ves`,
`*_rate` and `*_currency` columns; the rule of which column to read is crm.money)."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F, Manager, Model, OuterRef, Subquery
from django.db.models.expressions import Combinable
from django.db.models.functions import Round, TruncDate
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import Currency
from crm.models import Client, ExchangeRate, Opportunity, Quote, RateSource, SalesGoal
from crm.money import currency_attr, original_amount
from crm.selectors.exchange_rates import ves_per_usd_on

CENTS = Decimal("0.01")


@dataclass(frozen=True)
class FrozenAmount:
    usd: Decimal | None
    ves: Decimal | None
    rate: Decimal | None


def missing_rate_message(on: date) -> str:
    return _(
        "There is no exchange rate for %(date)s or any earlier day: an administrator must "
        "load it in Administración → Tasas de cambio."
    ) % {"date": date_format(on, "SHORT_DATE_FORMAT")}


def freeze(
    amount: Decimal | None, currency: str, on: date, *, field: str = "amount"
) -> FrozenAmount:
    """Both values of an amount typed in `currency` on `on`, at the rate of that day (or the
    latest before it). A VES amount without a rate is refused with a message naming the date,
    never converted as zero; a USD amount without one keeps its VES value empty until a rate
    is loaded (freeze_pending_amounts)."""
    if currency not in Currency.values:
        raise ValidationError({field: _("Choose the currency: USD or VES.")})
    if amount is None:
        return FrozenAmount(usd=None, ves=None, rate=None)
    rate = ves_per_usd_on(on)
    if currency == Currency.VES:
        if rate is None:
            raise ValidationError({field: missing_rate_message(on)})
        usd = (amount / rate).quantize(CENTS, rounding=ROUND_HALF_UP)
        return FrozenAmount(usd=usd, ves=amount, rate=rate)
    ves = None if rate is None else (amount * rate).quantize(CENTS, rounding=ROUND_HALF_UP)
    return FrozenAmount(usd=amount, ves=ves, rate=rate)


def set_amount(
    instance: Model, field: str, *, amount: Decimal | None, currency: str, on: date
) -> None:
    """Put an amount as typed on `instance` (unsaved): `field` in USD, `<field>_ves`,
    `<field>_rate` and the typed currency, frozen at the rate of `on`. An existing row whose
    typed amount and currency did not change keeps its frozen figures (an edit of another
    field never moves them to today's rate)."""
    attr = currency_attr(field)
    if (
        instance.pk
        and getattr(instance, f"{field}_rate") is not None
        and getattr(instance, attr) == currency
        and original_amount(instance, field) == amount
    ):
        return
    frozen = freeze(amount, currency, on, field=field)
    setattr(instance, field, frozen.usd)
    setattr(instance, f"{field}_ves", frozen.ves)
    setattr(instance, f"{field}_rate", frozen.rate)
    setattr(instance, attr, currency)


def set_typed_amount(instance: Model, data: Mapping[str, Any], field: str, *, on: date) -> None:
    """`set_amount` from a service's data: the amount under `field` and its currency under
    `<field>_currency` (USD when absent, as every caller before dual currency). Nothing when
    the data has no `field`."""
    if field in data:
        currency = data.get(f"{field}_currency") or Currency.USD
        set_amount(instance, field, amount=data[field], currency=currency, on=on)


def _pending_amounts() -> tuple[tuple[Manager[Any], str, Combinable], ...]:
    """(queryset, field, date expression) of every amount kept in USD without a rate."""
    return (
        (Client.all_objects, "potential", TruncDate("created_at")),
        (Opportunity.all_objects, "estimated_value", TruncDate("created_at")),
        (Opportunity.all_objects, "actual_value", F("closed_on")),
        (Quote.objects, "total_amount", TruncDate("document__uploaded_at")),
        (SalesGoal.objects, "won_value", F("starts_on")),
    )


def pending_amount_count() -> int:
    """How many amounts have no VES value yet (typed in USD before any rate of their date):
    what the admin is warned about."""
    return sum(
        manager.filter(**{f"{field}__isnull": False, f"{field}_rate__isnull": True}).count()
        for manager, field, _on in _pending_amounts()
    )


def freeze_pending_amounts() -> int:
    """Freeze every USD amount still without a rate at the rate of its date (the row's
    creation, the close date of a sale, the upload of a quote, the first day of a goal's
    period), now that rates exist. Amounts
    dated before the first rate stay pending. Run after rates are loaded (admin, import)."""
    updated = 0
    for manager, field, on in _pending_amounts():
        pending = manager.filter(
            **{f"{field}__isnull": False, f"{field}_rate__isnull": True}
        ).annotate(_on=on)
        rate = Subquery(
            ExchangeRate.objects.filter(date__lte=OuterRef("_on"))
            .order_by("-date")
            .values("ves_per_usd")[:1]
        )
        rows = pending.annotate(_rate=rate).filter(_rate__isnull=False)
        by_rate: dict[Decimal, list[int]] = {}
        for pk, value in rows.values_list("pk", "_rate").iterator(chunk_size=2_000):
            by_rate.setdefault(value, []).append(pk)
        for value, pks in by_rate.items():
            for start in range(0, len(pks), 500):
                updated += manager.filter(pk__in=pks[start : start + 500]).update(
                    **{f"{field}_rate": value, f"{field}_ves": Round(F(field) * value, 2)}
                )
    return updated


def load_sample_rates(*, end: date, days: int = 400) -> int:
    """A plausible daily BCV series ending on `end` (from about 120 to about 300 VES per
    USD over the year): what the demo data and the benchmark volume load so that VES amounts
    work out of the box. Dates already loaded keep their rate. Returns the rows created."""
    have = set(
        ExchangeRate.objects.filter(date__gt=end - timedelta(days=days), date__lte=end).values_list(
            "date", flat=True
        )
    )
    rows = []
    for offset in range(days):
        day = end - timedelta(days=days - 1 - offset)
        if day in have:
            continue
        rate = Decimal(120) * Decimal("1.0025") ** offset
        rows.append(
            ExchangeRate(
                date=day,
                ves_per_usd=rate.quantize(Decimal("0.00000001")),
                source=RateSource.BCV,
            )
        )
    ExchangeRate.objects.bulk_create(rows, batch_size=500)
    freeze_pending_amounts()
    return len(rows)
