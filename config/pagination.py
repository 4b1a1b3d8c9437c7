"""Server-side pagination shared by every list page.

Keys first: the page's primary keys come from a bare query (the list's filters and order,
none of its per-row annotations or joins for display), and only those rows are read with
everything the list shows. Both are ONE query (`pk IN (SELECT pk … LIMIT n OFFSET k)`), so a
page costs the same number of queries as before, and a deep page no longer computes the
per-row subqueries of every row it skips (PostgreSQL evaluates the SELECT list of each row
an OFFSET discards). Pages past the middle are read from the other end (the order
reversed, so OFFSET never walks more than half the rows): the last page costs what the
first does. The page-number UI and `get_page` stay Django's.
"""

from collections.abc import Sequence
from functools import cached_property
from typing import Any, TypeGuard

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.db.models.expressions import OrderBy
from django.db.models.query import ModelIterable
from django.http import HttpRequest

from config.aggregate_cache import cached

PAGE_SIZE = 25


class KeysFirstPaginator(Paginator):
    """A Paginator whose pages of a model queryset are read keys first (see the module).

    Anything else (a list, a values() queryset, a DISTINCT, sliced or aggregated queryset)
    is sliced as Django's Paginator does."""

    object_list: QuerySet[Any] | Sequence[Any]  # what paginate() gives it

    @cached_property
    def count(self) -> int:
        """The rows' COUNT, read again only after a write to a table it reads
        (config.aggregate_cache)."""
        rows = self.object_list
        if isinstance(rows, QuerySet):
            return cached(rows, rows.count, tag="count")
        return len(rows)

    def page(self, number: int | str) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        # What Paginator._get_page (a hook missing from django-stubs) returns.
        return Page(self._rows(bottom, top), number, self)

    def _rows(self, bottom: int, top: int) -> QuerySet[Any] | Sequence[Any]:
        rows = self.object_list
        if not _keys_first_applies(rows):
            return rows[bottom:top]
        if top <= bottom:
            return []
        rows = _totally_ordered(rows)
        keys = rows.values("pk")
        if bottom > self.count - top:
            # The back half: the same rows, counted from the end in the reversed order
            # (exact, since the order is total; the outer query restores the order).
            keys = keys.reverse()[self.count - top : self.count - bottom]
        else:
            keys = keys[bottom:top]
        return rows.filter(pk__in=keys)


def _keys_first_applies(rows: object) -> TypeGuard[QuerySet[Any]]:
    return (
        isinstance(rows, QuerySet)
        and rows._iterable_class is ModelIterable
        and not rows.query.distinct
        and not rows.query.is_sliced
        and not rows.query.combinator
        # Aggregated rows (GROUP BY: counts over a join, small read-only lists) are sliced
        # as they are: their keys would need the same grouping.
        and rows.query.group_by is None
    )


def _totally_ordered(rows: QuerySet) -> QuerySet:
    """`rows` with the pk as the last sort key when it is not there yet, so that the order
    is total: pages never repeat or skip rows, and reversing it reverses the list exactly."""
    query = rows.query
    default = query.get_meta().ordering if query.default_ordering else None
    ordering = list(query.order_by or default or [])
    last = ordering[-1] if ordering else None
    if isinstance(last, OrderBy):
        last = last.expression
    name = getattr(last, "name", last)
    if isinstance(name, str) and name.removeprefix("-") in ("pk", rows.model._meta.pk.name):
        return rows
    return rows.order_by(*ordering, "pk")


def paginate(
    request: HttpRequest,
    queryset: QuerySet[Any] | Sequence[Any],
    *,
    per_page: int = PAGE_SIZE,
    count: int | None = None,
) -> Page:
    """The requested page; a missing, bad or too large page number gives the nearest page.
    `count`: the number of rows when the caller already knows it (no COUNT query)."""
    paginator = KeysFirstPaginator(queryset, per_page)
    if count is not None:
        paginator.count = count
    return paginator.get_page(request.GET.get("page"))
