"""Reporte de Pipeline (the seed's "Generar Reporte de Pipeline", steps 3–5).

Every figure is an SQL aggregate over the rows `ReportFilters.opportunities()` allows, a fixed
number of queries whatever the volume:

- per open stage, of the open opportunities whose expected close date falls in the period:
  Oportunidades, Valor total, Valor ponderado (value × probability) and the median and 75th
  percentile of the days in the stage (nearest rank, crm.reports.percentiles).
- Proyección de ventas per month of expected close: weighted, best case (Negociación +
  Cierre), commit (Cierre), and what was already won (close date) in the month.
- Conversión por etapa, from the stage-change rows (see CONVERSION_DEFINITION).
- The analysis: coverage, the prospects needed at the historic conversion, the bottleneck.
"""

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    Count,
    DateField,
    DateTimeField,
    DecimalField,
    ExpressionWrapper,
    F,
    Func,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Currency
from config.aggregate_cache import cached_rows
from crm.models import OPEN_STAGES, Opportunity, Stage, StageChange
from crm.models.opportunities import OpportunityQuerySet
from crm.money import amount_column
from crm.reports.filters import ReportFilters, add_months
from crm.reports.percentiles import median_and_p75

if TYPE_CHECKING:  # the stubs' name for what as_sql returns (no such name at run time)
    from django.db.models.sql.compiler import _AsSqlType

MONEY = DecimalField(max_digits=18, decimal_places=2)
ZERO = Decimal("0")
BEST_CASE_STAGES = (Stage.NEGOTIATION, Stage.CLOSING)
COMMIT_STAGES = (Stage.CLOSING,)

CONVERSION_DEFINITION = _(
    "Cohort of the period: the opportunities that entered the stage between the first and the "
    "last day of the period (from their stage-change rows, each opportunity once per stage). "
    "Advanced: they reached a later stage afterwards (Ganada included). Lost: they did not "
    "advance and are Perdida today. Still there: the rest (in the stage today, or moved "
    "back). Advanced + lost + still there = entered. Conversion = advanced ÷ entered."
)
PERCENTILE_DEFINITION = _(
    "Days in stage: days since each open opportunity entered its current stage; median and "
    "75th percentile by nearest rank."
)


def weighted_value(currency: str = Currency.USD) -> ExpressionWrapper:
    """One row's value × probability ÷ 100, in `currency` (crm.money). Divided by a decimal:
    SQLite divides two integers as integers (34,556 × 90 / 100 gave 31,100, not 31,100.40)."""
    value = F(amount_column("estimated_value", currency))
    return ExpressionWrapper(
        value * F("probability") / Value(Decimal("100.00")), output_field=MONEY
    )


def weighted_x100(currency: str = Currency.USD, **options: Any) -> Sum:
    """Σ value × probability, in `currency`, for a sum of weighted values: divided by 100
    once, in Python (`hundredths`), as the board's totals do: exact on both databases, and a
    numeric division per row cost PostgreSQL as much as the rest of the aggregate."""
    return Sum(
        F(amount_column("estimated_value", currency)) * F("probability"),
        output_field=DecimalField(max_digits=20, decimal_places=2),
        **options,
    )


def hundredths(value: Decimal | None) -> Decimal:
    return (value or ZERO) / 100


class MonthStart(Func):
    """The first day of a date's month, computed by the database itself (Django's
    TruncMonth calls a Python function per row on SQLite, and on PostgreSQL converts each
    date to a timestamp with time zone: here the date goes to date_trunc as a timestamp
    without one, which spared that conversion per row)."""

    output_field = DateField()
    template = "date_trunc('month', %(expressions)s::timestamp)::date"

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> "_AsSqlType":
        template = "date(%(expressions)s, 'start of month')"
        return self.as_sql(compiler, connection, template=template, **extra_context)


def won_value(currency: str = Currency.USD) -> Coalesce:
    """What a won deal brought, in `currency`: its actual sale value, else its estimated
    value (each at the rate frozen with it, crm.money)."""
    return Coalesce(
        F(amount_column("actual_value", currency)),
        F(amount_column("estimated_value", currency)),
        output_field=MONEY,
    )


def day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The period as [first moment, moment after the last day) in the local time zone."""
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


@dataclass
class StageRow:
    stage: str
    label: str
    count: int = 0
    total: Decimal = ZERO
    weighted: Decimal = ZERO
    median_days: int | None = None
    p75_days: int | None = None
    slowest: bool = False
    href: str = ""  # the opportunity list that makes the row up (set by the view)


@dataclass
class Previous:
    """What was won in the previous equivalent period."""

    count: int = 0
    value: Decimal = ZERO


@dataclass
class MonthRow:
    month: date
    weighted: Decimal = ZERO
    best_case: Decimal = ZERO
    commit: Decimal = ZERO
    won: Decimal = ZERO


@dataclass
class ConversionRow:
    stage: str
    label: str
    entered: int = 0
    advanced: int = 0
    lost: int = 0
    remaining: int = 0
    bottleneck: bool = False

    @property
    def rate(self) -> float | None:
        """Advanced ÷ entered, as a fraction (None when nothing entered)."""
        return self.advanced / self.entered if self.entered else None

    @property
    def rate_percent(self) -> float | None:
        return None if self.rate is None else self.rate * 100


@dataclass
class Analysis:
    open_value: Decimal
    previous_won_value: Decimal
    previous_won_count: int
    coverage: float | None  # open pipeline value ÷ won in the previous equivalent period
    historic_entered: int
    historic_won: int
    prospects: int  # opportunities in Prospección now (in the filter)
    needed_prospects: int | None  # at the historic conversion, to repeat the previous period
    bottleneck: ConversionRow | None
    slowest: StageRow | None

    @property
    def historic_rate(self) -> float | None:
        return self.historic_won / self.historic_entered if self.historic_entered else None

    @property
    def historic_percent(self) -> float | None:
        return None if self.historic_rate is None else self.historic_rate * 100

    @property
    def enough_prospects(self) -> bool | None:
        if self.needed_prospects is None:
            return None
        return self.prospects >= self.needed_prospects


@dataclass
class PipelineReport:
    filters: ReportFilters
    stages: list[StageRow]
    months: list[MonthRow]
    conversion: list[ConversionRow]
    analysis: Analysis
    totals: StageRow = field(init=False)
    month_totals: MonthRow = field(init=False)

    def __post_init__(self) -> None:
        self.totals = StageRow(
            stage="",
            label=str(_("Total")),
            count=sum(row.count for row in self.stages),
            total=sum((row.total for row in self.stages), ZERO),
            weighted=sum((row.weighted for row in self.stages), ZERO),
        )
        self.month_totals = MonthRow(
            month=self.filters.start,
            weighted=sum((row.weighted for row in self.months), ZERO),
            best_case=sum((row.best_case for row in self.months), ZERO),
            commit=sum((row.commit for row in self.months), ZERO),
            won=sum((row.won for row in self.months), ZERO),
        )


def _open_in_period(filters: ReportFilters) -> QuerySet:
    """The open opportunities whose expected close date falls in the period."""
    return (
        filters.opportunities()
        .open()
        .filter(expected_close_date__range=(filters.start, filters.end))
    )


def _month_rows(filters: ReportFilters) -> dict[date, MonthRow]:
    months: dict[date, MonthRow] = {}
    month = filters.start.replace(day=1)
    while month <= filters.end:
        months[month] = MonthRow(month=month)
        month = add_months(month, 1)
    return months


def _stages_and_months(
    filters: ReportFilters, *, now: datetime
) -> tuple[list[StageRow], list[MonthRow], Previous]:
    """The stage table and the projection from one grouped query over the open pipeline of
    the period (by stage and month of expected close: at most 5 × the period's months
    rows), the percentiles of days in stage from a second one, and the won per month and
    the previous period's won from a third."""
    rows = {stage: StageRow(stage=stage, label=str(Stage(stage).label)) for stage in OPEN_STAGES}
    months = _month_rows(filters)
    open_rows = _open_in_period(filters)
    grouped = (
        open_rows.order_by()
        .values("stage", month=MonthStart("expected_close_date"))
        .annotate(
            count=Count("pk"),
            total=Sum(amount_column("estimated_value", filters.currency)),
            weighted=weighted_x100(filters.currency),
        )
    )
    for item in cached_rows(grouped, tag="pipeline:stages-months"):
        total, weighted = item["total"] or ZERO, hundredths(item["weighted"])
        row = rows[item["stage"]]
        row.count += item["count"]
        row.total += total
        row.weighted += weighted
        month = months[_as_date(item["month"])]
        month.weighted += weighted
        if item["stage"] in BEST_CASE_STAGES:
            month.best_case += total
        if item["stage"] in COMMIT_STAGES:
            month.commit += total
    # Days in stage ascend as the entry moves later: rank the entries most recent first.
    entries = median_and_p75(
        open_rows,
        "stage_changed_at",
        descending=True,
        group_by="stage",
        output_field=DateTimeField(),
    )
    for stage, (at_median, at_p75) in entries.items():
        rows[stage].median_days = max((now - at_median).days, 0)
        rows[stage].p75_days = max((now - at_p75).days, 0)
    # Won in each month of the period, and in the previous equivalent period (which ends
    # the day before this one starts), in one pass over the won deals of both.
    this_period = Q(closed_on__range=(filters.start, filters.end))
    previous_period = Q(closed_on__range=(filters.previous_start, filters.previous_end))
    won = (
        filters.opportunities()
        .order_by()
        .filter(stage=Stage.WON, closed_on__range=(filters.previous_start, filters.end))
        .values(month=MonthStart("closed_on"))
        .annotate(
            won=Sum(won_value(filters.currency), filter=this_period),
            previous_count=Count("pk", filter=previous_period),
            previous_value=Sum(won_value(filters.currency), filter=previous_period),
        )
    )
    previous = Previous()
    for item in cached_rows(won, tag="pipeline:won"):
        if item["won"] is not None:
            months[_as_date(item["month"])].won = item["won"]
        previous.count += item["previous_count"]
        previous.value += item["previous_value"] or ZERO
    return [rows[stage] for stage in OPEN_STAGES], list(months.values()), previous


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def conversion_by_stage(filters: ReportFilters) -> list[ConversionRow]:
    """The stage cohorts in one grouped query over the stage-change rows of the period
    (covering index on to_stage, changed_at, opportunity and the kept facts), not over every
    opportunity, with no probe per entry and no de-duplication.

    An entry "moved on" when a later change of the same opportunity goes to a stage further
    right (the row's kept `advanced`, crm.services.stage_facts). An opportunity that entered
    a stage twice in the period counts once, by its first entry in the period (its previous
    entry into that stage, if any, is before the period); it advanced iff one of its entries
    moved on, which is the same as its first one moving on (whatever the later entry
    reached, it reached after the first one too). Lost = lost today and not advanced.
    """
    since, until = day_bounds(filters.start, filters.end)
    # Lost today, as a membership test against the (indexed) lost opportunities rather than
    # a join of every entry to its opportunity; the outer filter already applies the scope.
    lost_now = Q(opportunity__in=Opportunity.objects.filter(stage=Stage.LOST).values("pk"))
    moved_on = Q(advanced=True)
    grouped = (
        StageChange.objects.filter(
            Q(previous_entry_at__isnull=True) | Q(previous_entry_at__lt=since),
            filters.opportunity_condition("opportunity"),
            to_stage__in=OPEN_STAGES,
            changed_at__gte=since,
            changed_at__lt=until,
        )
        .order_by()
        .values("to_stage")
        .annotate(
            entered=Count("pk"),
            moved_on=Count("pk", filter=moved_on),
            lost=Count("pk", filter=~moved_on & lost_now),
        )
    )
    counts = {row["to_stage"]: row for row in cached_rows(grouped, tag="pipeline:conversion")}
    rows = []
    for stage in OPEN_STAGES:
        row = counts.get(stage)
        entered = row["entered"] if row else 0
        advanced = row["moved_on"] if row else 0
        lost = row["lost"] if row else 0
        rows.append(
            ConversionRow(
                stage=stage,
                label=str(Stage(stage).label),
                entered=entered,
                advanced=advanced,
                lost=lost,
                remaining=entered - advanced - lost,
            )
        )
    return rows


def _analysis(
    filters: ReportFilters,
    stages: list[StageRow],
    conversion: list[ConversionRow],
    previous: Previous,
) -> Analysis:
    # Historic conversion Prospección → Ganada: the opportunities that entered Prospección
    # in the twelve months before the period, and how many of them were won. Read from the
    # stage-change rows of those months (index stagechange_cohort), not probed per
    # opportunity; an opportunity that entered twice counts once.
    since, until = day_bounds(add_months(filters.start, -12), filters.start - timedelta(days=1))
    won_now = Q(opportunity__in=Opportunity.objects.filter(stage=Stage.WON).values("pk"))
    historic = StageChange.objects.filter(
        filters.opportunity_condition("opportunity"),
        to_stage=Stage.PROSPECTING,
        changed_at__gte=since,
        changed_at__lt=until,
    ).aggregate(
        entered=Count("opportunity", distinct=True),
        won=Count("opportunity", distinct=True, filter=won_now),
    )
    open_value = sum((row.total for row in stages), ZERO)
    previous_value = previous.value
    needed = None
    if historic["won"] and previous.count:
        needed = math.ceil(previous.count * historic["entered"] / historic["won"])
    # A stage stands out only when the others do better: with every rate (or every median)
    # equal, no stage is flagged.
    measured = [row for row in conversion if row.rate is not None]
    bottleneck = None
    if len({row.rate for row in measured}) > 1:
        bottleneck = min(measured, key=lambda row: row.rate or 0.0)
    timed = [row for row in stages if row.median_days is not None]
    slowest = None
    if len({row.median_days for row in timed}) > 1:
        slowest = max(timed, key=lambda row: row.median_days or 0)
    if bottleneck is not None:
        bottleneck.bottleneck = True
    if slowest is not None:
        slowest.slowest = True
    return Analysis(
        open_value=open_value,
        previous_won_value=previous_value,
        previous_won_count=previous.count,
        coverage=float(open_value / previous_value) if previous_value else None,
        historic_entered=historic["entered"],
        historic_won=historic["won"],
        prospects=stages[0].count,
        needed_prospects=needed,
        bottleneck=bottleneck,
        slowest=slowest,
    )


def pipeline_report(*, filters: ReportFilters, now: datetime | None = None) -> PipelineReport:
    """The whole Reporte de Pipeline for `filters` (the selector the page, the Excel file
    and the PDF share, so all three show the same figures)."""
    now = now or timezone.now()
    stages, months, previous = _stages_and_months(filters, now=now)
    conversion = conversion_by_stage(filters)
    return PipelineReport(
        filters=filters,
        stages=stages,
        months=months,
        conversion=conversion,
        analysis=_analysis(filters, stages, conversion, previous),
    )


def pipeline_detail(filters: ReportFilters) -> OpportunityQuerySet:
    """Every opportunity of the report (open with expected close in the period, or won or
    lost in it) for the Detalle sheet, read in chunks by the caller."""
    period = (filters.start, filters.end)
    return (
        filters.opportunities()
        .filter(
            Q(stage__in=OPEN_STAGES, expected_close_date__range=period)
            | Q(stage__in=(Stage.WON, Stage.LOST), closed_on__range=period)
        )
        .select_related("client", "owner", "client__industry")
        .annotate(weighted=weighted_value(filters.currency))
        .order_by("pk")
    )


__all__ = [
    "CONVERSION_DEFINITION",
    "PERCENTILE_DEFINITION",
    "PipelineReport",
    "pipeline_detail",
    "pipeline_report",
]
