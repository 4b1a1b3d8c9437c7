from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone

from accounts.models import User
from accounts.roles import is_manager
from accounts.selectors import assignable_executives
from config.aggregate_cache import cached_rows
from contractors_ro.models import Contractor, ContractorStatus
from crm.models import OPEN_STAGES, Stage
from crm.money import amount_column
from crm.opportunities.selectors.visibility import opportunities_visible_to
from crm.reports.filters import Period, ReportFilters, add_months, preset_bounds
from crm.reports.pipeline import day_bounds, hundredths, weighted_x100, won_value
from crm.reports.sales import sales_cycle
from crm.selectors.activities import activities_visible_to
from crm.selectors.complaints import complaints_visible_to
from projects_ro.models import Project, ProjectStatus

ZERO = Decimal("0")
WON_MONTHS = 6  # the won-per-month chart: this month and the five before


def home_figures(*, user: User) -> dict:
    """The dashboard's opening figures; each is one aggregate query whatever the volume."""
    projects = Project.objects.aggregate(
        total=Count("pk"), in_progress=Count("pk", filter=Q(status=ProjectStatus.IN_PROGRESS))
    )
    contractors = Contractor.objects.aggregate(
        active=Count("pk", filter=Q(status=ContractorStatus.ACTIVE))
    )
    return {
        "projects_total": projects["total"],
        "projects_in_progress": projects["in_progress"],
        "contractors_active": contractors["active"],
    }


def _owner_of(user: User, executive: User | None) -> User | None:
    """Whose figures the dashboard shows: an executive's own; a manager's team (None) or
    the executive chosen."""
    return executive if is_manager(user) else user


def _report_scope(*, user: User, owner: User | None, today: date) -> "ReportFilters":
    """The dashboard's scope expressed as report filters (this quarter against the previous
    one), so that its figures reuse the reports' own computations (sales cycle, won value)."""
    quarter_start, quarter_end = preset_bounds("trimestre", today)
    return ReportFilters(
        user=user,
        preset=Period.QUARTER,
        start=quarter_start,
        end=quarter_end,
        previous_start=add_months(quarter_start, -3),
        previous_end=quarter_start - timedelta(days=1),
        executive=owner,
        segment="",
        industry=None,
        company_wide=owner is None,
    )


@dataclass
class DashboardAggregates:
    """The opportunity and activity aggregates every part of the dashboard reads (the
    figures, the trends, the charts and the team table), each computed once per request:
    grouped by owner, so that the team table and the totals come from the same rows.

    - `open`: {(owner, stage): {count, value, weighted}} of the open pipeline;
    - `closed`: {(owner, stage): {quarter, won_0 … won_5}} of the deals won or lost since
      the first month of the won chart (quarter: closed this quarter; won_i: value won in
      month i of `months`);
    - `agenda`: {owner: {overdue, today, week}} of the planned activities.
    """

    owner: User | None
    today: date
    months: list[date]
    quarter_start: date
    open: dict
    closed: dict
    agenda: dict

    def open_total(
        self, key: str, *, stage: str | None = None, owner: int | None = None
    ) -> Decimal | int:
        zero = 0 if key == "count" else ZERO
        return sum(
            (
                row[key] or zero
                for (row_owner, row_stage), row in self.open.items()
                if (stage is None or row_stage == stage) and (owner is None or row_owner == owner)
            ),
            zero,
        )

    def _closed(self, stage: str, owner: int | None) -> list[dict[str, Any]]:
        return [
            row
            for (row_owner, row_stage), row in self.closed.items()
            if row_stage == stage and (owner is None or row_owner == owner)
        ]

    def closed_count(self, *, stage: str, owner: int | None = None) -> int:
        """How many deals of `stage` closed this quarter."""
        return sum(row["quarter"] for row in self._closed(stage, owner))

    def closed_value(self, key: str, *, stage: str, owner: int | None = None) -> Decimal:
        """The value of `key` (won_0 … won_5, won_later) of the deals of `stage`."""
        return sum((row[key] or ZERO for row in self._closed(stage, owner)), ZERO)

    def won_in(self, first: date, last: date | None = None, *, owner: int | None = None) -> Decimal:
        """Value won in the whole months from `first` to `last` (both in `months`); with no
        `last`, from `first` on (close dates after this month included)."""
        keys = [
            f"won_{index}"
            for index, month in enumerate(self.months)
            if first <= month and (last is None or month <= last)
        ]
        if last is None:
            keys.append("won_later")
        return sum((self.closed_value(key, stage=Stage.WON, owner=owner) for key in keys), ZERO)

    def agenda_total(self, key: str, *, owner: int | None = None) -> int:
        return sum(
            row[key]
            for row_owner, row in self.agenda.items()
            if owner is None or row_owner == owner
        )


def dashboard_aggregates(
    *,
    user: User,
    executive: User | None = None,
    today: date | None = None,
    now: datetime | None = None,
    currency: str = "USD",
) -> DashboardAggregates:
    """Three grouped queries, each answered from a covering index (crm migration 0010): the
    open pipeline, the deals closed since the won chart's first month, and the planned
    activities up to the end of the week (overdue, today, this week). Amounts in `currency`,
    each at the rate frozen with it (crm.money)."""
    now = now or timezone.now()
    today = today or timezone.localdate()
    owner = _owner_of(user, executive)
    month_start, _end = preset_bounds("mes", today)
    quarter_start, _end = preset_bounds("trimestre", today)
    months = [add_months(month_start, offset) for offset in range(1 - WON_MONTHS, 1)]
    rows = _report_scope(user=user, owner=owner, today=today).opportunities().order_by()
    open_rows = (
        rows.open()
        .values("owner", "stage")
        .annotate(
            count=Count("pk"),
            value=Sum(amount_column("estimated_value", currency)),
            weighted=weighted_x100(currency),
        )
    )
    won_months = {
        f"won_{index}": Sum(
            won_value(currency),
            filter=Q(stage=Stage.WON, closed_on__gte=month, closed_on__lt=add_months(month, 1)),
        )
        for index, month in enumerate(months)
    }
    # A close date after this month still counts as won this month and quarter.
    won_months["won_later"] = Sum(
        won_value(currency),
        filter=Q(stage=Stage.WON, closed_on__gte=add_months(month_start, 1)),
    )
    closed_rows = (
        rows.closed()
        .filter(closed_on__gte=months[0])
        .values("owner", "stage")
        .annotate(quarter=Count("pk", filter=Q(closed_on__gte=quarter_start)), **won_months)
    )
    # Planned activities up to the end of the week: the overdue backlog, today's and this
    # week's, in one pass over the planned-activities index.
    week_start = today - timedelta(days=today.weekday())
    since, until = day_bounds(week_start, week_start + timedelta(days=6))
    end_of_day = timezone.localtime(now).replace(hour=23, minute=59, second=59)
    activities = activities_visible_to(user=user).planned()
    if owner is not None:
        activities = activities.filter(owner=owner)
    agenda_rows = (
        activities.filter(scheduled_at__lt=until)  # today ends before the week does
        .order_by()
        .values("owner")
        .annotate(
            overdue=Count("pk", filter=Q(scheduled_at__lt=now)),
            today=Count("pk", filter=Q(scheduled_at__gte=now, scheduled_at__lte=end_of_day)),
            week=Count("pk", filter=Q(scheduled_at__gte=since, scheduled_at__lt=until)),
        )
    )
    return DashboardAggregates(
        owner=owner,
        today=today,
        months=months,
        quarter_start=quarter_start,
        # Both are read again only after a write to their tables (config.aggregate_cache);
        # the agenda's counts depend on the minute, and are always read.
        open={
            (row["owner"], row["stage"]): {
                "count": row["count"],
                "value": row["value"],
                "weighted": hundredths(row["weighted"]),
            }
            for row in cached_rows(open_rows, tag="dashboard:open")
        },
        closed={
            (row["owner"], row["stage"]): dict(row)
            for row in cached_rows(closed_rows, tag="dashboard:closed")
        },
        agenda={row["owner"]: dict(row) for row in agenda_rows},
    )


def sales_figures(
    *, user: User, executive: User | None = None, aggregates: DashboardAggregates | None = None
) -> dict:
    """The commercial figures of the dashboard: the user's own, or for a manager the whole
    team's (or one executive's). A fixed number of aggregate queries whatever the volume."""
    owner = _owner_of(user, executive)
    aggregates = aggregates or dashboard_aggregates(user=user, executive=executive)
    opportunities = opportunities_visible_to(user=user).open()
    complaints = complaints_visible_to(user=user).open()
    if owner is not None:
        opportunities = opportunities.filter(owner=owner)
        complaints = complaints.filter(owner=owner)
    now = timezone.now()
    # The board's badges, counted over the whole pipeline with the same rule (crm.follow_up).
    required = opportunities.requiring_follow_up(now=now)
    required_count = required.count()
    unplanned_count = opportunities.without_next_activity().count() - required_count
    stale = (
        required.select_related("client", "owner")
        .with_follow_up_state(now=now)
        .order_by("stage_changed_at")
    )
    return {
        "open_count": aggregates.open_total("count"),
        "open_value": aggregates.open_total("value"),
        "weighted_value": aggregates.open_total("weighted"),
        "overdue_activities": aggregates.agenda_total("overdue"),
        "today_activities": aggregates.agenda_total("today"),
        "open_complaints": complaints.count(),
        "follow_up_list": list(stale[:10]),
        "follow_up_count": required_count,
        "no_next_activity_count": unplanned_count,
    }


def trend_figures(
    *,
    user: User,
    executive: User | None = None,
    today: date | None = None,
    aggregates: DashboardAggregates | None = None,
) -> dict:
    """Won this month and quarter against the previous ones, the quarter's win rate and
    sales cycle, activities this week, the open pipeline by stage and won per month (last
    six months) for the charts, and the next activities: the shared aggregates plus two
    queries. (Requiring follow-up is sales_figures()'s, counted once.)"""
    today = today or timezone.localdate()
    aggregates = aggregates or dashboard_aggregates(user=user, executive=executive, today=today)
    owner = aggregates.owner
    months = aggregates.months
    month_start, quarter_start = months[-1], aggregates.quarter_start
    previous_quarter = add_months(quarter_start, -3)
    won_quarter = aggregates.closed_count(stage=Stage.WON)
    decided = won_quarter + aggregates.closed_count(stage=Stage.LOST)
    median, p75 = sales_cycle(_report_scope(user=user, owner=owner, today=today))
    activities = activities_visible_to(user=user).planned(since=timezone.now())
    if owner is not None:
        activities = activities.filter(owner=owner)
    upcoming = list(activities.select_related("client", "owner").order_by("scheduled_at", "pk")[:5])
    return {
        "won_month": aggregates.won_in(month_start),
        "won_previous_month": aggregates.won_in(months[-2], months[-2]),
        "won_quarter": aggregates.won_in(quarter_start),
        "won_previous_quarter": aggregates.won_in(previous_quarter, add_months(quarter_start, -1)),
        "win_rate": won_quarter / decided if decided else None,
        "cycle_median": median,
        "cycle_p75": p75,
        "week_activities": aggregates.agenda_total("week"),
        "next_activities": upcoming,
        "stages": [
            (
                stage,
                aggregates.open_total("count", stage=stage),
                aggregates.open_total("value", stage=stage),
            )
            for stage in OPEN_STAGES
        ],
        "won_by_month": [(month, aggregates.won_in(month, month)) for month in months],
        "month_start": month_start,
        "quarter_start": quarter_start,
    }


def team_table(
    *, user: User, today: date | None = None, aggregates: DashboardAggregates | None = None
) -> list[dict]:
    """A manager's table per executive (open pipeline, weighted, won this quarter, win rate,
    overdue activities, requiring follow-up): the shared aggregates (grouped by owner) plus
    one grouped query."""
    today = today or timezone.localdate()
    aggregates = aggregates or dashboard_aggregates(user=user, today=today)
    quarter_start = aggregates.quarter_start
    stale = dict(
        opportunities_visible_to(user=user)
        .open()
        .requiring_follow_up()
        .order_by()
        .values("owner")
        .annotate(n=Count("pk"))
        .values_list("owner", "n")
    )
    table = []
    for executive in assignable_executives():
        won_count = aggregates.closed_count(stage=Stage.WON, owner=executive.pk)
        decided = won_count + aggregates.closed_count(stage=Stage.LOST, owner=executive.pk)
        table.append(
            {
                "executive": executive,
                "open_count": aggregates.open_total("count", owner=executive.pk),
                "open_value": aggregates.open_total("value", owner=executive.pk),
                "weighted": aggregates.open_total("weighted", owner=executive.pk),
                "won": aggregates.won_in(quarter_start, owner=executive.pk),
                "win_rate": won_count / decided if decided else None,
                "overdue": aggregates.agenda_total("overdue", owner=executive.pk),
                "requiring_follow_up": stale.get(executive.pk, 0),
            }
        )
    return table
