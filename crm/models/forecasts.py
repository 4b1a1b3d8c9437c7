"""Forecast snapshots: the pipeline projection frozen on the first day of each month, so that
a forecast can later be compared with what was really won ("Precisión del pronóstico").

Rows are only ever created (by `crm.services.forecasts.take_forecast_snapshots`), never
recomputed or edited, and no purge touches them (they are kept at least 36 months).

The figures are frozen in USD (the fields themselves) and in VES (`*_ves`, each opportunity
at its own frozen rate, crm.money); a snapshot taken before dual currency, or when no rate
existed yet, has no VES figures (shown as "sin tasa", never a zero).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

SNAPSHOT_MONTHS = 3  # the month of the snapshot and the two after it


class ForecastSnapshot(models.Model):
    taken_on = models.DateField(_("frozen on"), help_text=_("The first day of the month."))
    # None: the whole team's (the company's) projection.
    executive = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("executive"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    month = models.DateField(_("forecast month"), help_text=_("The first day of the month."))
    weighted = models.DecimalField(_("weighted"), max_digits=16, decimal_places=2)
    best_case = models.DecimalField(_("best case"), max_digits=16, decimal_places=2)
    commit = models.DecimalField(_("commit"), max_digits=16, decimal_places=2)
    weighted_ves = models.DecimalField(
        _("weighted in VES"), max_digits=22, decimal_places=2, null=True, blank=True
    )
    best_case_ves = models.DecimalField(
        _("best case in VES"), max_digits=22, decimal_places=2, null=True, blank=True
    )
    commit_ves = models.DecimalField(
        _("commit in VES"), max_digits=22, decimal_places=2, null=True, blank=True
    )
    created_at = models.DateTimeField(_("taken at"), auto_now_add=True)

    class Meta:
        verbose_name = _("forecast snapshot")
        verbose_name_plural = _("forecast snapshots")
        ordering = ["-taken_on", "month", "executive_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["taken_on", "executive", "month"],
                condition=Q(executive__isnull=False),
                name="forecast_one_per_executive_month",
            ),
            models.UniqueConstraint(
                fields=["taken_on", "month"],
                condition=Q(executive__isnull=True),
                name="forecast_one_per_team_month",
            ),
        ]
        indexes = [models.Index(fields=["month", "taken_on"], name="forecast_month_taken")]

    def __str__(self) -> str:
        return f"{self.taken_on:%Y-%m} → {self.month:%Y-%m}"
