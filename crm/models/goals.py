"""Metas: a manager's target per executive for a month or a quarter (won value, and
optionally new opportunities and activities done). Progress is computed, never stored
(crm.reports.goals).

The won value target is typed in USD or VES and frozen in both (crm.services.currency) at
the rate of the period's first day: the latest rate on or before it, so a goal set ahead
for a future period takes the latest rate known when it is set, and is never moved
afterwards."""

from datetime import date

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from crm.models.exchange_rates import currency_field, rate_field, ves_field


class GoalPeriod(models.TextChoices):
    MONTH = "mes", _("Month")
    QUARTER = "trimestre", _("Quarter")


def period_start(period: str, day: date) -> date:
    """The first day of the month or quarter that contains `day`."""
    if period == GoalPeriod.QUARTER:
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    return day.replace(day=1)


def period_months(period: str) -> int:
    return 3 if period == GoalPeriod.QUARTER else 1


class SalesGoal(models.Model):
    executive = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("executive"),
        on_delete=models.PROTECT,
        related_name="sales_goals",
    )
    period = models.CharField(_("period"), max_length=10, choices=GoalPeriod.choices)
    starts_on = models.DateField(_("starts on"))
    # Empty: no target of that kind (a cleared goal keeps its row: nothing is hard-deleted).
    won_value = models.DecimalField(
        _("won value target"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    won_value_ves = ves_field(_("won value target in VES"))
    won_value_currency = currency_field(_("currency of the won value target"))
    won_value_rate = rate_field(_("exchange rate of the won value target"))
    new_opportunities = models.PositiveIntegerField(
        _("new opportunities target"), null=True, blank=True
    )
    activities = models.PositiveIntegerField(_("activities done target"), null=True, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["-starts_on", "executive_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["executive", "period", "starts_on"], name="goal_one_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.executive} {self.get_period_display()} {self.starts_on:%m/%Y}"
