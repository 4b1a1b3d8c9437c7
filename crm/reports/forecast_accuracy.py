"""Precisión del pronóstico: each month's forecast, frozen on its first day
(crm.models.forecasts), against what was really won in that month.

Accuracy = won ÷ the weighted forecast of the month, for the months of the period that have
a snapshot (a month before the first snapshot has nothing to compare). Both in the user's
display currency (crm.money): the snapshot's frozen USD or VES figures against the won
value's column in that currency. A snapshot without VES figures (taken before dual currency
or before any rate) reads "sin tasa" in VES and is left out of the totals, never a zero.
Snapshots are per executive and for the whole team, so the segment and industry filters do
not apply here.
"""

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import F, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from crm.models import ForecastSnapshot, Stage
from crm.money import amount_column
from crm.reports import charts
from crm.reports.filters import ReportFilters, add_months
from crm.reports.pipeline import ZERO, MonthStart, won_value
from crm.reports.sales import month_key
from crm.reports.tables import Column, Figure, Kind, Table, TableReport, ratio


def _months(filters: ReportFilters) -> list[date]:
    """The months of the period, up to the current one (the future has no result yet)."""
    last = min(filters.end, timezone.localdate()).replace(day=1)
    months, month = [], filters.start.replace(day=1)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def _frozen(filters: ReportFilters, months: list[date]) -> QuerySet[ForecastSnapshot]:
    """Each month's snapshot taken on its own first day: the team's, or one executive's."""
    rows = ForecastSnapshot.objects.filter(month__in=months, taken_on=F("month"))
    if filters.executive is not None:
        return rows.filter(executive=filters.executive)
    return rows.filter(executive__isnull=True)


def _won_by(filters: ReportFilters, months: list[date], *fields: str) -> Any:
    if not months:
        return []
    unfiltered = replace(filters, segment="", industry=None)  # snapshots have neither
    return (
        unfiltered.opportunities()
        .order_by()
        .filter(stage=Stage.WON, closed_on__gte=months[0], closed_on__lt=add_months(months[-1], 1))
        .annotate(month=MonthStart("closed_on"))
        .values("month", *fields)
        .annotate(won=Sum(won_value(filters.currency)))
    )


def forecast_accuracy_report(*, filters: ReportFilters) -> TableReport:
    months = _months(filters)
    column = {
        name: amount_column(name, filters.currency) for name in ("weighted", "best_case", "commit")
    }
    snapshots = {row.month: row for row in _frozen(filters, months)}
    # Only the snapshots with figures in the display currency are compared.
    frozen = {
        month: row
        for month, row in snapshots.items()
        if getattr(row, column["weighted"]) is not None
    }
    won = {month_key(row["month"]): row["won"] or ZERO for row in _won_by(filters, months)}
    monthly = Table(
        id="forecast-by-month",
        title=_("Forecast and won per month"),
        columns=[
            Column(_("Month")),
            Column(_("Weighted forecast"), Kind.MONEY),
            Column(_("Best case"), Kind.MONEY),
            Column(_("Commit"), Kind.MONEY),
            Column(_("Value won"), Kind.MONEY),
            Column(_("Accuracy"), Kind.PERCENT),
        ],
        chart_columns=(1, 4),
    )
    forecast_total = won_total = ZERO
    for month in months:
        snapshot = frozen.get(month)
        value = won.get(month, ZERO)
        if snapshot is None:
            # No snapshot, or one without figures in this currency: "sin tasa", never 0.
            blank = None if month not in snapshots else _("no rate")
            monthly.rows.append([charts.month_label(month), blank, blank, blank, value, None])
            continue
        weighted = getattr(snapshot, column["weighted"])
        forecast_total += weighted
        won_total += value
        monthly.rows.append(
            [
                charts.month_label(month),
                weighted,
                getattr(snapshot, column["best_case"]),
                getattr(snapshot, column["commit"]),
                value,
                ratio(value, weighted),
            ]
        )
    monthly.footer = [
        _("Months with a forecast"),
        forecast_total,
        None,
        None,
        won_total,
        ratio(won_total, forecast_total),
    ]
    tables = [monthly]
    if filters.company_wide:
        tables.append(_by_executive(filters, months))
    report = TableReport(
        slug="precision",
        title=_("Forecast accuracy"),
        filters=filters,
        figures=[
            Figure(_("Accuracy"), ratio(won_total, forecast_total), Kind.PERCENT),
            Figure(_("Months with a forecast"), len(frozen)),
            Figure(_("Weighted forecast"), forecast_total, Kind.MONEY),
            Figure(_("Won in those months"), won_total, Kind.MONEY),
        ],
        tables=tables,
        notes=[
            _(
                "On the first day of every month the weighted projection, the best case "
                "(Negociación + Cierre) and the commit (Cierre) of the Reporte de Pipeline are "
                "frozen for that month and the next two; they are never recomputed. Accuracy = "
                "value won in the month ÷ its weighted forecast frozen on its first day. The "
                "segment and industry filters do not apply: forecasts are frozen per executive "
                "and for the whole team."
            )
        ],
    )
    report.charts.append(
        charts.grouped_bar_chart(
            chart_id="forecast-chart",
            title=_("Forecast against won"),
            description=_("Weighted forecast frozen on the first day of each month, and won."),
            categories=[row[0] for row in monthly.rows],
            series=[
                (
                    _("Weighted forecast"),
                    [row[1] if isinstance(row[1], Decimal) else ZERO for row in monthly.rows],
                ),
                (_("Value won"), [row[4] for row in monthly.rows]),
            ],
        )
    )
    return report


def _by_executive(filters: ReportFilters, months: list[date]) -> Table:
    """Per executive, over the months each has a snapshot for: forecast, won, accuracy."""
    snapshots = ForecastSnapshot.objects.filter(
        month__in=months,
        taken_on=F("month"),
        executive__isnull=False,
        **{f"{amount_column('weighted', filters.currency)}__isnull": False},
    ).values_list("executive_id", "month", amount_column("weighted", filters.currency))
    forecast: dict[int, dict[date, Decimal]] = {}
    for executive_id, month, weighted in snapshots:
        forecast.setdefault(executive_id, {})[month] = weighted
    won: dict[tuple[int, date], Decimal] = {
        (row["owner_id"], month_key(row["month"])): row["won"] or ZERO
        for row in _won_by(filters, months, "owner_id")
    }
    people = User.objects.filter(pk__in=forecast).order_by("first_name", "last_name", "username")
    table = Table(
        id="forecast-by-executive",
        title=_("By executive"),
        columns=[
            Column(_("Executive")),
            Column(_("Months with a forecast"), Kind.INTEGER),
            Column(_("Weighted forecast"), Kind.MONEY),
            Column(_("Value won"), Kind.MONEY),
            Column(_("Accuracy"), Kind.PERCENT),
        ],
    )
    for person in people:
        by_month = forecast[person.pk]
        total = sum(by_month.values(), ZERO)
        got = sum((won.get((person.pk, month), ZERO) for month in by_month), ZERO)
        table.rows.append(
            [
                person.get_full_name() or person.username,
                len(by_month),
                total,
                got,
                ratio(got, total),
            ]
        )
    return table
