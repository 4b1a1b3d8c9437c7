"""Freezing the pipeline projection once a month (crm.models.forecasts)."""

from dataclasses import dataclass, replace
from datetime import date

from django.db import transaction

from accounts.models import Currency, User
from accounts.selectors import assignable_executives
from crm.models import SNAPSHOT_MONTHS, ForecastSnapshot, Opportunity
from crm.models.opportunities import OpportunityQuerySet
from crm.reports.filters import Period, ReportFilters, add_months, month_end, previous_bounds
from crm.reports.pipeline import pipeline_report
from crm.selectors.exchange_rates import ves_per_usd_on


@dataclass(frozen=True)
class CompanyFilters(ReportFilters):
    """The report's filters without a user: every opportunity of the company (or of one
    executive), as the scheduled job sees them."""

    def opportunities(self) -> OpportunityQuerySet:
        rows = Opportunity.objects.all()
        return rows if self.executive is None else rows.filter(owner=self.executive)

    def narrowed(self) -> bool:
        return True  # its own scope above, not a user's: conditions go through opportunities()


def _filters(first: date, executive: User | None) -> CompanyFilters:
    end = month_end(add_months(first, SNAPSHOT_MONTHS - 1))
    previous_start, previous_end = previous_bounds(Period.CUSTOM, first, end)
    return CompanyFilters(
        user=None,
        preset=Period.CUSTOM,
        start=first,
        end=end,
        previous_start=previous_start,
        previous_end=previous_end,
        executive=executive,
        segment="",
        industry=None,
        company_wide=executive is None,
    )


@transaction.atomic
def take_forecast_snapshots(*, today: date) -> int:
    """Freeze this month's projection (weighted, best case, commit) for the team and each
    executive, from the Reporte de Pipeline's own selector, in USD and in VES (each
    opportunity at its own frozen rate, crm.money). No VES figures when no rate exists on or
    before the month's first day. Idempotent: a month that already has its snapshot is left
    as it is. Returns how many rows were written."""
    first = today.replace(day=1)
    # Serialise concurrent runs on the month's rows: the unique constraints refuse a second
    # set, and the check below makes a repeated run a no-op.
    if ForecastSnapshot.objects.select_for_update().filter(taken_on=first).exists():
        return 0
    has_rate = ves_per_usd_on(first) is not None
    rows = []
    for executive in [None, *assignable_executives()]:
        filters = _filters(first, executive)
        report = pipeline_report(filters=filters)
        in_ves = {}
        if has_rate:
            ves = pipeline_report(filters=replace(filters, currency=Currency.VES))
            in_ves = {month.month: month for month in ves.months}
        for month in report.months:
            other = in_ves.get(month.month)
            rows.append(
                ForecastSnapshot(
                    taken_on=first,
                    executive=executive,
                    month=month.month,
                    weighted=month.weighted,
                    best_case=month.best_case,
                    commit=month.commit,
                    weighted_ves=other.weighted if other else None,
                    best_case_ves=other.best_case if other else None,
                    commit_ves=other.commit if other else None,
                )
            )
    ForecastSnapshot.objects.bulk_create(rows)
    return len(rows)
