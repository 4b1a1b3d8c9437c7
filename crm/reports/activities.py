"""Reporte de Actividades: activities planned in the period (scheduled in it) against those
done in it, by type and by executive, the overdue ones (planned, not done nor cancelled,
scheduled before now), and the follow-ups kept on time: of the open opportunities, those not
requiring follow-up against their stage frequency (OpportunityQuerySet.requiring_follow_up)."""

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, TypedDict

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from config.aggregate_cache import cached_rows
from crm.models import Activity, ActivityType
from crm.models.activities import ActivityQuerySet
from crm.reports import charts
from crm.reports.filters import ReportFilters
from crm.reports.pipeline import day_bounds
from crm.reports.tables import Column, Figure, Kind, Table, TableReport, ratio
from crm.selectors.activities import activities_visible_to


class ActivityCounts(TypedDict):
    """One (type, executive) group of `_counts`."""

    type: str
    owner__username: str
    planned: int
    done: int
    overdue: int


def activities_in_scope(filters: ReportFilters) -> QuerySet[Activity]:
    rows = activities_visible_to(user=filters.viewer()).order_by()
    if filters.executive is not None:
        rows = rows.filter(owner=filters.executive)
    if filters.segment:
        rows = rows.filter(client__segment=filters.segment)
    if filters.industry is not None:
        rows = rows.filter(client__industry=filters.industry)
    return rows


def _counts(
    rows: QuerySet[Activity], *, since: datetime, until: datetime, now: datetime
) -> list[ActivityCounts]:
    """Planned, done and overdue per (type, executive) in grouped queries over only the
    activities that can count (scheduled or done in the period, or still open and late),
    each condition an index range: not every activity of the scope.

    "Overdue" moves with the clock, so it is split at the start of the current hour: the
    big query (the period's counts, overdue before that hour) goes through the aggregate
    cache, which any write to the activities invalidates; the activities that fell overdue
    since then (one hour of the agenda at most) are counted on every request."""
    hour = now.replace(minute=0, second=0, microsecond=0)
    planned = Q(scheduled_at__gte=since, scheduled_at__lt=until)
    done = ActivityQuerySet.done_condition(since=since, until=until)
    overdue = ActivityQuerySet.planned_condition(until=hour)
    grouped = cached_rows(
        rows.filter(planned | done | overdue)
        .values("type", "owner")
        .annotate(
            planned=Count("pk", filter=planned),
            done=Count("pk", filter=done),
            overdue=Count("pk", filter=overdue),
        ),
        tag="activities-report",
    )
    groups: dict[tuple[str, int], dict[str, Any]] = {
        (row["type"], row["owner"]): dict(row) for row in grouped
    }
    for row in (
        rows.filter(ActivityQuerySet.planned_condition(since=hour, until=now))
        .values("type", "owner")
        .annotate(overdue=Count("pk"))
    ):
        group = groups.setdefault(
            (row["type"], row["owner"]),
            {"type": row["type"], "owner": row["owner"], "planned": 0, "done": 0, "overdue": 0},
        )
        group["overdue"] += row["overdue"]
    # The executives' names in a second, small query (in the database's collation): joined
    # to every row, SQLite walked the activities executive by executive through the table
    # (2x slower); grouped by the owner's id it reads one index.
    names = dict(
        User.objects.filter(pk__in={owner for _, owner in groups})
        .order_by("username")
        .values_list("pk", "username")
    )
    order = {pk: position for position, pk in enumerate(names)}
    return [
        ActivityCounts(
            type=row["type"],
            owner__username=names[row["owner"]],
            planned=row["planned"],
            done=row["done"],
            overdue=row["overdue"],
        )
        for row in sorted(groups.values(), key=lambda row: (order[row["owner"]], row["type"]))
    ]


def _by(counts: Iterable[Mapping[str, Any]], key: str) -> list[dict[str, Any]]:
    """The (type, executive) groups summed by one of the two keys, in the order they come
    (the executives) or by code (the types)."""
    totals: dict[Any, dict[str, Any]] = {}
    for row in counts:
        total = totals.setdefault(row[key], {key: row[key], "planned": 0, "done": 0, "overdue": 0})
        for figure in ("planned", "done", "overdue"):
            total[figure] += row[figure]
    names = sorted(totals) if key == "type" else list(totals)
    return [totals[name] for name in names]


def activities_report(*, filters: ReportFilters) -> TableReport:
    since, until = day_bounds(filters.start, filters.end)
    now = timezone.now()
    counts = _counts(activities_in_scope(filters), since=since, until=until, now=now)
    types = dict(ActivityType.choices)
    columns = [
        Column(_("Planned"), Kind.INTEGER),
        Column(_("Done"), Kind.INTEGER),
        Column(_("Done ÷ planned"), Kind.PERCENT),
        Column(_("Overdue"), Kind.INTEGER),
    ]

    def table_rows(
        grouped: Iterable[dict[str, Any]], label: Callable[[dict[str, Any]], str]
    ) -> list[list[Any]]:
        return [
            [label(r), r["planned"], r["done"], ratio(r["done"], r["planned"]), r["overdue"]]
            for r in grouped
            if r["planned"] or r["done"] or r["overdue"]
        ]

    by_type = Table(
        id="by-type",
        title=_("By type"),
        columns=[Column(_("Type")), *columns],
        rows=table_rows(
            _by(counts, "type"),
            lambda r: str(types.get(r["type"], r["type"])),
        ),
        chart_columns=(1, 2),
    )
    by_executive = Table(
        id="by-executive",
        title=_("By executive"),
        columns=[Column(_("Executive")), *columns],
        rows=table_rows(
            _by(counts, "owner__username"),
            lambda r: r["owner__username"],
        ),
    )
    planned = sum(r[1] for r in by_type.rows)
    done = sum(r[2] for r in by_type.rows)
    overdue = sum(r[4] for r in by_type.rows)
    for table in (by_type, by_executive):
        table.footer = [_("Total"), planned, done, ratio(done, planned), overdue]
    open_rows = filters.opportunities().open()
    open_count = open_rows.count()
    late = open_rows.requiring_follow_up().count()
    report = TableReport(
        slug="actividades",
        title=_("Activities report"),
        filters=filters,
        figures=[
            Figure(_("Planned"), planned),
            Figure(_("Done"), done),
            Figure(_("Overdue"), overdue),
            Figure(_("Follow-ups on time"), ratio(open_count - late, open_count), Kind.PERCENT),
            Figure(_("Requires follow-up"), late),
        ],
        tables=[by_type, by_executive],
        notes=[
            _(
                "Planned: scheduled in the period. Done: done in the period. Overdue: planned, "
                "not done nor cancelled, scheduled before now. Follow-ups on time: open "
                "opportunities that do not require follow-up against their stage's frequency."
            )
        ],
    )
    report.charts.append(
        charts.grouped_bar_chart(
            chart_id="activities-chart",
            title=_("Planned against done by type"),
            description=_("Activities planned and done in the period, by type."),
            categories=[row[0] for row in by_type.rows],
            series=[
                (_("Planned"), [row[1] for row in by_type.rows]),
                (_("Done"), [row[2] for row in by_type.rows]),
            ],
        )
    )
    return report
