"""Aggregates (counts, sums) that are read again only after a table they read was written.

A list's totals, its row count and the board's stage totals scan every row the user may
see (100,000 opportunities at the reference volume: 30 to 50 ms per request) although they
change only when someone writes. `cached(rows, compute, tag=…)` keeps what `compute()`
returned under a key made of

- the SQL and parameters of `rows` (so the user's scope, the filters and the currency are
  in it, exactly as the database runs them) and `tag` (what is computed over those rows),
- the write version of every table that SQL reads (`cache_table_version`, kept by the
  triggers of migration crm 0027: a new random token on each committed write).

A write anywhere in those tables changes a token, so the next read computes again: no
invalidation to remember in services, bulk updates and admin included. The versions are
read before the aggregate, so a value computed while a write commits is at worst newer
than its key, never older. Nothing is cached inside a transaction (it may hold writes of
its own that the versions do not show yet) nor when the SQL reads a table without a
version. The cache is Django's: Redis when REDIS_URL is set, the process's memory
otherwise; entries also expire after CACHE_SECONDS.
"""

import hashlib
import logging
import re
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet

CACHE_SECONDS = 600
_TABLE = re.compile(r'(?:FROM|JOIN)\s+"([^"]+)"')
_MISSING = object()

logger = logging.getLogger(__name__)


def cached[T](rows: QuerySet, compute: Callable[[], T], *, tag: str) -> T:
    """What `compute()` returns for `rows`, from the cache while no table that `rows` reads
    has been written since it was computed (see the module)."""
    connection = connections[rows.db]
    if connection.in_atomic_block:
        return compute()
    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:  # .none(), pk__in=[]: nothing to read, nothing to keep
        return compute()
    tables = sorted(set(_TABLE.findall(sql)))
    versions = table_versions(rows.db, tables)
    if versions is None:
        return compute()
    source = repr((connection.settings_dict["NAME"], tag, sql, params, versions))
    key = "aggregate:" + hashlib.sha256(source.encode()).hexdigest()
    try:
        value = cache.get(key, _MISSING)
    except Exception:  # the cache is a speed-up: a Redis outage must not fail the page
        logger.warning("aggregate cache unavailable", exc_info=True)
        return compute()
    if value is not _MISSING:
        return value  # type: ignore[return-value]  # stored by this function as a T
    value = compute()
    try:
        cache.set(key, value, CACHE_SECONDS)
    except Exception:
        logger.warning("aggregate cache unavailable", exc_info=True)
    return value


def cached_rows[T](rows: QuerySet[Any, T], *, tag: str) -> list[T]:
    """The rows of a grouped `values()` query, as a list, through `cached`."""
    return cached(rows, lambda: list(rows), tag=tag)


def table_versions(alias: str, tables: list[str]) -> list[tuple[str, str]] | None:
    """The write token of each table, or None when one of them has none (not tracked)."""
    if not tables:
        return None
    placeholders = ", ".join(["%s"] * len(tables))
    with connections[alias].cursor() as cursor:
        cursor.execute(
            # Only placeholders are formatted in; the names are parameters.
            f"SELECT name, token FROM cache_table_version WHERE name IN ({placeholders})"  # noqa: S608
            " ORDER BY name",
            tables,
        )
        versions = [(name, token) for name, token in cursor.fetchall()]
    return versions if len(versions) == len(tables) else None
