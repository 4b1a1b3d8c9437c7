"""Median and 75th percentile (nearest rank) in SQL on both databases.

`median_and_p75()` is the one entry point. PostgreSQL answers it with its ordered-set
aggregate `percentile_disc(f) WITHIN GROUP (ORDER BY …)`, which is the nearest-rank
percentile (the first value whose cumulative share reaches f): one grouped pass, no window.
SQLite has no percentile function, so there each group's rows are numbered in order
(ROW_NUMBER() OVER (PARTITION BY … ORDER BY …)), counted (COUNT() OVER (PARTITION BY …)), and
only the rows at ranks ceil(n/2) and ceil(3n/4) are kept: integer division gives those
ceilings ((n + 1) / 2 and (3n + 3) / 4). Either way at most two values per group leave the
database, whatever the volume.
"""

from typing import Any

from django.db import connections
from django.db.models import (
    Aggregate,
    Case,
    Count,
    Expression,
    ExpressionWrapper,
    F,
    Field,
    IntegerField,
    Q,
    QuerySet,
    When,
    Window,
)
from django.db.models.functions import RowNumber

from config.aggregate_cache import cached


class PercentileDisc(Aggregate):
    """PostgreSQL's `percentile_disc(fraction) WITHIN GROUP (ORDER BY value [DESC])`."""

    function = "percentile_disc"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s %(direction)s)"

    def __init__(
        self, value: str, *, fraction: float, descending: bool, output_field: Field
    ) -> None:
        super().__init__(
            F(value),
            output_field=output_field,
            fraction=repr(float(fraction)),
            direction="DESC" if descending else "ASC",
        )


def _rank_is(expression: Expression) -> When:
    return When(rank=ExpressionWrapper(expression, output_field=IntegerField()), then=1)


def _ranked(
    rows: QuerySet, value: str, *, descending: bool, group_by: str | None
) -> dict[Any, tuple[Any, Any]]:
    """The window version, for the databases without percentile_disc (SQLite)."""
    partition_by = [F(group_by)] if group_by else None
    order = F(value).desc() if descending else F(value).asc()
    ranked = rows.annotate(
        rank=Window(RowNumber(), partition_by=partition_by, order_by=[order, F("pk").asc()]),
        of=Window(Count("pk"), partition_by=partition_by),
    ).annotate(
        is_median=Case(_rank_is((F("of") + 1) / 2), default=0, output_field=IntegerField()),
        is_p75=Case(_rank_is((F("of") * 3 + 3) / 4), default=0, output_field=IntegerField()),
    )
    picked: dict[Any, tuple[Any, Any]] = {}
    fields = [group_by, value] if group_by else [value]
    for row in ranked.filter(Q(is_median=1) | Q(is_p75=1)).values_list(
        *fields, "is_median", "is_p75"
    ):
        *key, measured, is_median, is_p75 = row
        group = key[0] if group_by else None
        median, p75 = picked.get(group, (None, None))
        picked[group] = (measured if is_median else median, measured if is_p75 else p75)
    return picked


def median_and_p75(
    rows: QuerySet,
    value: str,
    *,
    output_field: Field,
    descending: bool = False,
    group_by: str | None = None,
) -> dict[Any, tuple[Any, Any]]:
    """{group: (median, p75)} of the field or annotation `value` over `rows`, by nearest rank,
    ranking the values ascending (or descending) — the group is None without `group_by`.
    Groups without rows are absent. Read again only after a write to the tables of `rows`
    (config.aggregate_cache)."""
    rows = rows.order_by()
    return cached(
        rows,
        lambda: _median_and_p75(
            rows, value, output_field=output_field, descending=descending, group_by=group_by
        ),
        tag=f"median_and_p75:{value}:{descending}:{group_by}",
    )


def _median_and_p75(
    rows: QuerySet, value: str, *, output_field: Field, descending: bool, group_by: str | None
) -> dict[Any, tuple[Any, Any]]:
    if connections[rows.db].vendor != "postgresql":
        return _ranked(rows, value, descending=descending, group_by=group_by)
    percentiles = {
        name: PercentileDisc(
            value, fraction=fraction, descending=descending, output_field=output_field
        )
        for name, fraction in (("median", 0.5), ("p75", 0.75))
    }
    if group_by is None:
        result = rows.aggregate(**percentiles)
        if result["median"] is None:
            return {}
        return {None: (result["median"], result["p75"])}
    grouped = rows.values(group_by).annotate(**percentiles).values_list(group_by, "median", "p75")
    return {group: (median, p75) for group, median, p75 in grouped}
