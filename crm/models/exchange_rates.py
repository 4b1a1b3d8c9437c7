"""Exchange rates VES per USD by date ("Tasas de cambio") and the columns every amount
freezes beside it (see crm.services.currency)."""

from typing import TypedDict

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from accounts.models import Currency


class _Digits(TypedDict):
    max_digits: int
    decimal_places: int


# VES per USD as the BCV publishes it (eight decimals).
RATE_DIGITS: _Digits = {"max_digits": 20, "decimal_places": 8}


class RateSource(models.TextChoices):
    BCV = "BCV", _("BCV")
    MANUAL = "Manual", _("Manual")


class ExchangeRate(models.Model):
    """How many bolívares one US dollar buys on a date; the rate of a date without a row is
    the latest one before it (crm.selectors.exchange_rates.rate_on_or_before)."""

    date = models.DateField(
        _("date"),
        unique=True,
        error_messages={"unique": _("There is already an exchange rate for this date.")},
    )
    ves_per_usd = models.DecimalField(
        _("VES per USD"),
        **RATE_DIGITS,
        validators=[MinValueValidator(0.00000001)],
    )
    source = models.CharField(
        _("source"), max_length=6, choices=RateSource.choices, default=RateSource.BCV
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date.isoformat()}: {self.ves_per_usd} VES/USD"


def currency_field(label: StrOrPromise) -> models.CharField:
    """The currency an amount was typed in (its other column is derived at the frozen rate)."""
    return models.CharField(label, max_length=3, choices=Currency.choices, default=Currency.USD)


def rate_field(label: StrOrPromise) -> models.DecimalField:
    """The VES per USD frozen with an amount (null: a legacy row or no rate existed yet)."""
    return models.DecimalField(label, **RATE_DIGITS, null=True, blank=True, editable=False)


def ves_field(label: StrOrPromise) -> models.DecimalField:
    """The amount in VES at the frozen rate (the field itself holds the USD value)."""
    return models.DecimalField(
        label, max_digits=22, decimal_places=2, null=True, blank=True, editable=False
    )
