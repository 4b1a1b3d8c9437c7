"""Reporte de Pérdidas: the deals lost in the period (Perdida, close date in the period) by
reason, by winning competitor, by executive and by month, the value lost, and the lessons
learned written on them (the latest LESSONS_SHOWN)."""

from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext as _

from crm.models import LossReason, Opportunity, Stage
from crm.models.opportunities import OpportunityQuerySet
from crm.money import amount_column
from crm.reports import charts
from crm.reports.filters import ReportFilters
from crm.reports.pipeline import ZERO, MonthStart
from crm.reports.tables import Column, Figure, Kind, Table, TableReport

LESSONS_SHOWN = 50


def lost_in_period(filters: ReportFilters) -> OpportunityQuerySet:
    return (
        filters.opportunities()
        .order_by()
        .filter(stage=Stage.LOST, closed_on__range=(filters.start, filters.end))
    )


def _grouped(
    rows: QuerySet[Opportunity], key: str, currency: str
) -> QuerySet[Opportunity, dict[str, Any]]:
    return (
        rows.values(key)
        .annotate(count=Count("pk"), value=Sum(amount_column("estimated_value", currency)))
        .order_by("-count", key)
    )


def losses_report(*, filters: ReportFilters) -> TableReport:
    lost = lost_in_period(filters)
    reasons = dict(LossReason.choices)
    value_columns = [Column(_("Were lost"), Kind.INTEGER), Column(_("Value lost"), Kind.MONEY)]
    by_reason = Table(
        id="by-reason",
        title=_("By loss reason"),
        columns=[Column(_("Loss reason")), *value_columns],
        rows=[
            [str(reasons.get(r["loss_reason"], _("Not recorded"))), r["count"], r["value"]]
            for r in _grouped(lost, "loss_reason", filters.currency)
        ],
        chart_columns=(1,),
    )
    by_competitor = Table(
        id="by-competitor",
        title=_("Competitors that won"),
        columns=[Column(_("Competitor that won")), *value_columns],
        rows=[
            [r["winning_competitor__name"] or _("Not recorded"), r["count"], r["value"]]
            for r in _grouped(lost, "winning_competitor__name", filters.currency)
        ],
    )
    by_executive = Table(
        id="by-executive",
        title=_("By executive"),
        columns=[Column(_("Executive")), *value_columns],
        rows=[
            [
                f"{r['owner__first_name']} {r['owner__last_name']}".strip() or r["owner__username"],
                r["count"],
                r["value"],
            ]
            for r in lost.values("owner__first_name", "owner__last_name", "owner__username")
            .annotate(
                count=Count("pk"), value=Sum(amount_column("estimated_value", filters.currency))
            )
            .order_by("owner__first_name", "owner__last_name", "owner__username")
        ],
    )
    by_month = Table(
        id="by-month",
        title=_("By month"),
        columns=[Column(_("Month")), *value_columns],
        rows=[
            [charts.month_label(r["month"]), r["count"], r["value"]]
            for r in lost.annotate(month=MonthStart("closed_on"))
            .values("month")
            .annotate(
                count=Count("pk"), value=Sum(amount_column("estimated_value", filters.currency))
            )
            .order_by("month")
        ],
    )
    total_count = sum(row[1] for row in by_reason.rows)
    total_value = sum((row[2] for row in by_reason.rows), ZERO)
    for table in (by_reason, by_competitor, by_executive, by_month):
        table.footer = [_("Total"), total_count, total_value]
    lessons = Table(
        id="lessons",
        title=_("Lessons learned"),
        columns=[
            Column(_("Date"), Kind.DATE),
            Column(_("Opportunity")),
            Column(_("Client")),
            Column(_("Loss reason")),
            Column(_("Lessons learned")),
        ],
        rows=[
            [
                o.closed_on,
                o.name,
                o.client.name,
                str(reasons.get(o.loss_reason, "")),
                o.lessons_learned,
            ]
            for o in lost.exclude(lessons_learned="")
            .select_related("client")
            .only("closed_on", "name", "client__name", "loss_reason", "lessons_learned")
            .order_by("-closed_on", "-pk")[:LESSONS_SHOWN]
        ],
        note=_("The latest %(count)s with lessons learned.") % {"count": LESSONS_SHOWN},
    )
    report = TableReport(
        slug="perdidas",
        title=_("Losses report"),
        filters=filters,
        figures=[
            Figure(_("Were lost"), total_count),
            Figure(_("Value lost"), total_value, Kind.MONEY),
        ],
        tables=[by_reason, by_competitor, by_executive, by_month, lessons],
        notes=[_("Lost: deals moved to Perdida with their close date in the period.")],
    )
    report.charts.append(
        charts.grouped_bar_chart(
            chart_id="reasons-chart",
            title=_("Loss reasons"),
            description=_("Deals lost per reason in the period."),
            categories=[row[0] for row in by_reason.rows],
            series=[(_("Were lost"), [row[1] for row in by_reason.rows])],
        )
    )
    return report
