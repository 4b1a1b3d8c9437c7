from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum
from django.utils import timezone

from accounts.roles import is_manager
from contractors_ro.models import Contractor, ContractorStatus
from crm.models import OPEN_STAGES, Activity
from crm.selectors.complaints import OPEN_STATUSES, complaints_visible_to
from crm.selectors.opportunities import opportunities_visible_to
from crm.selectors.scope import without_deleted_parents
from projects_ro.models import Project, ProjectStatus


def home_figures(*, user) -> dict:
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


def sales_figures(*, user, executive=None) -> dict:
    """The commercial figures of the dashboard: the user's own, or for a manager the whole
    team's (or one executive's). A fixed number of aggregate queries whatever the volume."""
    owner = executive if is_manager(user) else user
    opportunities = opportunities_visible_to(user=user).filter(stage__in=OPEN_STAGES)
    activities = without_deleted_parents(
        Activity.objects.filter(
            done_at__isnull=True, cancelled_at__isnull=True, scheduled_at__isnull=False
        )
    )
    complaints = complaints_visible_to(user=user).filter(status__in=OPEN_STATUSES)
    if owner is not None:
        opportunities = opportunities.filter(owner=owner)
        activities = activities.filter(owner=owner)
        complaints = complaints.filter(owner=owner)
    weighted = ExpressionWrapper(
        F("estimated_value") * F("probability") / 100,
        output_field=DecimalField(max_digits=18, decimal_places=2),
    )
    pipeline = opportunities.aggregate(
        count=Count("pk"), value=Sum("estimated_value"), weighted=Sum(weighted)
    )
    now = timezone.now()
    end_of_day = timezone.localtime(now).replace(hour=23, minute=59, second=59)
    # Both counts end today: bounding the rows lets the planned-activities index serve them.
    agenda = activities.filter(scheduled_at__lte=end_of_day).aggregate(
        overdue=Count("pk", filter=Q(scheduled_at__lt=now)),
        today=Count("pk", filter=Q(scheduled_at__gte=now, scheduled_at__lte=end_of_day)),
    )
    # The board's badges, counted over the whole pipeline with the same rule (crm.follow_up),
    # over the opportunities' kept activity facts (the partial index opp_unplanned).
    required = opportunities.requiring_follow_up(now=now)
    required_count = required.count()
    unplanned_count = opportunities.without_next_activity().count() - required_count
    stale = (
        required.select_related("client", "owner")
        .with_follow_up_state(now=now)
        .order_by("stage_changed_at")
    )
    return {
        "open_count": pipeline["count"],
        "open_value": pipeline["value"] or 0,
        "weighted_value": pipeline["weighted"] or 0,
        "overdue_activities": agenda["overdue"],
        "today_activities": agenda["today"],
        "open_complaints": complaints.count(),
        "follow_up_list": list(stale[:10]),
        "follow_up_count": required_count,
        "no_next_activity_count": unplanned_count,
    }


def _period_filters(*, user, owner, start, end, previous_start, previous_end):
    """The dashboard's scope expressed as report filters, so its trend figures reuse the
    reports' own computations (sales cycle, won value)."""
    from crm.reports.filters import Period, ReportFilters

    return ReportFilters(
        user=user,
        preset=Period.QUARTER,
        start=start,
        end=end,
        previous_start=previous_start,
        previous_end=previous_end,
        executive=owner,
        segment="",
        industry=None,
        company_wide=owner is None,
    )


def trend_figures(*, user, executive=None, today=None) -> dict:
    """Won this month and quarter against the previous ones, the quarter's win rate and
    sales cycle, activities this week, the open pipeline by stage and won per month (last
    six months) for the charts, and the next activities: a fixed number of aggregate
    queries. (Requiring follow-up is sales_figures()'s, counted once.)"""
    from datetime import timedelta

    from django.db.models import Sum
    from django.db.models.functions import TruncMonth
    from django.utils import timezone

    from accounts.roles import is_manager
    from crm.models import OPEN_STAGES, Stage
    from crm.reports.filters import add_months, preset_bounds
    from crm.reports.pipeline import ZERO, day_bounds, weighted_value, won_value
    from crm.reports.sales import sales_cycle
    from crm.selectors.activities import activities_visible_to

    today = today or timezone.localdate()
    owner = executive if is_manager(user) else user
    month_start, _month_end = preset_bounds("mes", today)
    quarter_start, quarter_end = preset_bounds("trimestre", today)
    previous_month = add_months(month_start, -1)
    previous_quarter = add_months(quarter_start, -3)
    filters = _period_filters(
        user=user,
        owner=owner,
        start=quarter_start,
        end=quarter_end,
        previous_start=previous_quarter,
        previous_end=quarter_start - timedelta(days=1),
    )
    rows = filters.opportunities().order_by()
    won = Q(stage=Stage.WON)
    closed = rows.filter(closed_on__gte=add_months(month_start, -5)).aggregate(
        won_month=Sum(won_value(), filter=won & Q(closed_on__gte=month_start)),
        won_previous_month=Sum(
            won_value(), filter=won & Q(closed_on__gte=previous_month, closed_on__lt=month_start)
        ),
        won_quarter=Sum(won_value(), filter=won & Q(closed_on__gte=quarter_start)),
        won_previous_quarter=Sum(
            won_value(),
            filter=won & Q(closed_on__gte=previous_quarter, closed_on__lt=quarter_start),
        ),
        quarter_won=Count("pk", filter=won & Q(closed_on__gte=quarter_start)),
        quarter_lost=Count("pk", filter=Q(stage=Stage.LOST, closed_on__gte=quarter_start)),
    )
    closed = {key: value or 0 for key, value in closed.items()}
    decided = closed["quarter_won"] + closed["quarter_lost"]
    median, p75 = sales_cycle(filters)
    week_start = today - timedelta(days=today.weekday())
    since, until = day_bounds(week_start, week_start + timedelta(days=6))
    activities = activities_visible_to(user=user).filter(
        done_at__isnull=True, cancelled_at__isnull=True, scheduled_at__isnull=False
    )
    if owner is not None:
        activities = activities.filter(owner=owner)
    week = activities.filter(scheduled_at__gte=since, scheduled_at__lt=until).count()
    upcoming = list(
        activities.filter(scheduled_at__gte=timezone.now())
        .select_related("client", "owner")
        .order_by("scheduled_at", "pk")[:5]
    )
    open_rows = rows.filter(stage__in=OPEN_STAGES)
    by_stage = {
        row["stage"]: row
        for row in open_rows.values("stage").annotate(
            count=Count("pk"), total=Sum("estimated_value"), weighted=Sum(weighted_value())
        )
    }
    won_months = {
        (row["month"].date() if hasattr(row["month"], "hour") else row["month"]): row["value"]
        for row in rows.filter(stage=Stage.WON, closed_on__gte=add_months(month_start, -5))
        .annotate(month=TruncMonth("closed_on"))
        .values("month")
        .annotate(value=Sum(won_value()))
    }
    return {
        "won_month": closed["won_month"],
        "won_previous_month": closed["won_previous_month"],
        "won_quarter": closed["won_quarter"],
        "won_previous_quarter": closed["won_previous_quarter"],
        "win_rate": closed["quarter_won"] / decided if decided else None,
        "cycle_median": median,
        "cycle_p75": p75,
        "week_activities": week,
        "next_activities": upcoming,
        "stages": [
            (
                stage,
                by_stage.get(stage, {}).get("count", 0),
                by_stage.get(stage, {}).get("total") or ZERO,
            )
            for stage in OPEN_STAGES
        ],
        "won_by_month": [
            (add_months(month_start, offset), won_months.get(add_months(month_start, offset), ZERO))
            for offset in range(-5, 1)
        ],
        "month_start": month_start,
        "quarter_start": quarter_start,
    }


def team_table(*, user, today=None) -> list[dict]:
    """A manager's table per executive (open pipeline, weighted, won this quarter, win rate,
    overdue activities, requiring follow-up): three grouped queries."""
    from django.db.models import Sum
    from django.utils import timezone

    from accounts.selectors import assignable_executives
    from crm.models import OPEN_STAGES, Activity, Stage
    from crm.reports.filters import preset_bounds
    from crm.reports.pipeline import weighted_value, won_value
    from crm.selectors.opportunities import opportunities_visible_to

    today = today or timezone.localdate()
    quarter_start, _end = preset_bounds("trimestre", today)
    rows = opportunities_visible_to(user=user).order_by()
    is_open = Q(stage__in=OPEN_STAGES)
    figures = {
        row["owner"]: row
        for row in rows.values("owner").annotate(
            open_count=Count("pk", filter=is_open),
            open_value=Sum("estimated_value", filter=is_open),
            weighted=Sum(weighted_value(), filter=is_open),
            won=Sum(won_value(), filter=Q(stage=Stage.WON, closed_on__gte=quarter_start)),
            won_count=Count("pk", filter=Q(stage=Stage.WON, closed_on__gte=quarter_start)),
            lost_count=Count("pk", filter=Q(stage=Stage.LOST, closed_on__gte=quarter_start)),
        )
    }
    overdue = dict(
        without_deleted_parents(
            Activity.objects.filter(
                done_at__isnull=True, cancelled_at__isnull=True, scheduled_at__lt=timezone.now()
            )
        )
        .order_by()
        .values("owner")
        .annotate(n=Count("pk"))
        .values_list("owner", "n")
    )
    stale = dict(
        rows.filter(is_open)
        .requiring_follow_up()
        .order_by()
        .values("owner")
        .annotate(n=Count("pk"))
        .values_list("owner", "n")
    )
    table = []
    for executive in assignable_executives():
        row = figures.get(executive.pk, {})
        decided = row.get("won_count", 0) + row.get("lost_count", 0)
        table.append(
            {
                "executive": executive,
                "open_count": row.get("open_count", 0),
                "open_value": row.get("open_value") or 0,
                "weighted": row.get("weighted") or 0,
                "won": row.get("won") or 0,
                "win_rate": row.get("won_count", 0) / decided if decided else None,
                "overdue": overdue.get(executive.pk, 0),
                "requiring_follow_up": stale.get(executive.pk, 0),
            }
        )
    return table
