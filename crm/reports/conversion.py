"""Conversión y ciclo de venta: the stage cohorts of the Reporte de Pipeline (one definition,
imported), the win rate and the sales cycle of the Reporte de Ventas."""

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from crm.models import Stage
from crm.reports.filters import ReportFilters
from crm.reports.pipeline import CONVERSION_DEFINITION, conversion_by_stage
from crm.reports.sales import closed_in, sales_cycle
from crm.reports.tables import Column, Figure, Kind, Table, TableReport, ratio


def conversion_report(*, filters: ReportFilters) -> TableReport:
    rows = conversion_by_stage(filters)
    table = Table(
        id="conversion",
        title=_("Conversion by stage"),
        columns=[
            Column(_("Stage")),
            Column(_("Entered"), Kind.INTEGER),
            Column(_("Advanced"), Kind.INTEGER),
            Column(_("Were lost"), Kind.INTEGER),
            Column(_("Still there"), Kind.INTEGER),
            Column(_("Conversion"), Kind.PERCENT),
        ],
        rows=[[r.label, r.entered, r.advanced, r.lost, r.remaining, r.rate] for r in rows],
        note=str(CONVERSION_DEFINITION),
        chart_columns=(1, 2),
    )
    closed = closed_in(filters, filters.start, filters.end).aggregate(
        won=Count("pk", filter=Q(stage=Stage.WON)), lost=Count("pk", filter=Q(stage=Stage.LOST))
    )
    median, p75 = sales_cycle(filters)
    return TableReport(
        slug="conversion",
        title=_("Conversion and sales cycle"),
        filters=filters,
        figures=[
            Figure(
                _("Win rate"), ratio(closed["won"], closed["won"] + closed["lost"]), Kind.PERCENT
            ),
            Figure(_("Sales cycle, median days"), median, Kind.DAYS),
            Figure(_("Sales cycle, p75 days"), p75, Kind.DAYS),
        ],
        tables=[table],
    )
