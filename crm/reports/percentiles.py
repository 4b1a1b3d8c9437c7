"""Median and 75th percentile in SQL on both databases.

PostgreSQL has percentile_cont, SQLite has no percentile function at all. Both have window
functions, so the nearest-rank percentile is portable: number each group's rows in order
(ROW_NUMBER() OVER (PARTITION BY … ORDER BY …)), count them (COUNT() OVER (PARTITION BY …))
and keep only the rows at ranks ceil(n/2) and ceil(3n/4). Integer division gives those
ceilings on both databases ((n + 1) / 2 and (3n + 3) / 4), and at most two rows per group
leave the database, whatever the volume.
"""

from django.db.models import (
    Case,
    Count,
    Expression,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    QuerySet,
    When,
    Window,
)
from django.db.models.functions import RowNumber


def _rank_is(expression: Expression) -> When:
    return When(rank=ExpressionWrapper(expression, output_field=IntegerField()), then=1)


def nearest_rank_rows(
    rows: QuerySet, *, order_by: list, partition_by: list | None = None, fields: list[str]
) -> list[tuple]:
    """(…fields, is_median, is_p75) for the median and p75 row of each partition of `rows`
    ordered by `order_by` (ascending in the measured value)."""
    ranked = rows.order_by().annotate(
        rank=Window(RowNumber(), partition_by=partition_by, order_by=order_by),
        of=Window(Count("pk"), partition_by=partition_by),
    )
    ranked = ranked.annotate(
        is_median=Case(_rank_is((F("of") + 1) / 2), default=0, output_field=IntegerField()),
        is_p75=Case(_rank_is((F("of") * 3 + 3) / 4), default=0, output_field=IntegerField()),
    )
    return list(
        ranked.filter(Q(is_median=1) | Q(is_p75=1)).values_list(*fields, "is_median", "is_p75")
    )
