"""The reports made of tables (crm.reports.tables), by their URL slug: their selector and
the rows of their Detalle sheet."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from crm.models import Activity, Stage
from crm.models.opportunities import OpportunityQuerySet
from crm.reports.activities import activities_in_scope, activities_report
from crm.reports.conversion import conversion_report
from crm.reports.filters import ReportFilters
from crm.reports.forecast_accuracy import forecast_accuracy_report
from crm.reports.losses import losses_report, lost_in_period
from crm.reports.pipeline import day_bounds, weighted_value
from crm.reports.sales import closed_in, sales_report


@dataclass(frozen=True)
class ReportKind:
    url_name: str
    build: Callable
    detail: Callable  # filters -> QuerySet of the Detalle sheet
    detail_kind: str = "opportunities"


def _closed(filters: ReportFilters) -> OpportunityQuerySet:
    return (
        closed_in(filters, filters.start, filters.end)
        .select_related("client", "owner", "client__industry")
        .annotate(weighted=weighted_value(filters.currency))
        .order_by("pk")
    )


def _won(filters: ReportFilters) -> OpportunityQuerySet:
    return _closed(filters).filter(stage=Stage.WON)


def _lost(filters: ReportFilters) -> OpportunityQuerySet:
    return (
        lost_in_period(filters)
        .select_related("client", "owner", "client__industry")
        .annotate(weighted=weighted_value(filters.currency))
        .order_by("pk")
    )


def _activities(filters: ReportFilters) -> QuerySet[Activity]:
    since, until = day_bounds(filters.start, filters.end)
    return (
        activities_in_scope(filters)
        .filter(
            Q(scheduled_at__gte=since, scheduled_at__lt=until)
            | Q(done_at__gte=since, done_at__lt=until)
        )
        .select_related("client", "owner")
        .order_by("pk")
    )


TABLE_REPORTS = {
    "ventas": ReportKind("crm:report_sales", sales_report, _closed),
    "perdidas": ReportKind("crm:report_losses", losses_report, _lost),
    "actividades": ReportKind(
        "crm:report_activities", activities_report, _activities, "activities"
    ),
    "conversion": ReportKind("crm:report_conversion", conversion_report, _closed),
    "precision": ReportKind("crm:report_forecast", forecast_accuracy_report, _won),
}
