"""The stage facts kept on every stage-change row (crm.models.StageChange): whether the
opportunity `advanced` afterwards (a change of it at that moment or later went to a stage
further right in FORWARD_STAGES; Perdida is never further right) and when it last entered
the same stage before (`previous_entry_at`; None for the first entry). The conversion
cohorts of the reports (crm.reports.pipeline.conversion_by_stage) read them instead of
probing every entry's later changes and de-duplicating entries.

Defined once, on StageChangeQuerySet (`facts()`); every insert (StageChange.save, which the
stage services use, and StageChange.objects.bulk_create, which fixtures and the benchmark's
fill use) refreshes the rows of its opportunity in its own transaction
(`refresh_stage_facts`); `recompute_all` (`manage.py recompute_stage_facts`, the migration
that added them) computes every row again.
"""

from collections.abc import Callable, Iterable

from django.db import router, transaction
from django.db.models import Max, Min

from crm.models import StageChange
from crm.models.opportunities import StageChangeQuerySet

BATCH_SIZE = 5_000


def refresh_stage_facts(*, opportunity_ids: Iterable[int | None]) -> None:
    """Recompute the facts of every stage-change row of these opportunities."""
    StageChange.objects.refresh_facts(opportunity_ids=opportunity_ids)


def recompute_all(
    *,
    batch_size: int = BATCH_SIZE,
    using: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Compute the facts of every stage-change row again, by id ranges of `batch_size`, each
    range one UPDATE in its own transaction. Returns the number of rows;
    `progress(done_up_to_id)` after each range."""
    using = using or router.db_for_write(StageChange)
    rows = StageChange.objects.using(using)
    bounds = rows.aggregate(first=Min("pk"), last=Max("pk"))
    count = 0
    if bounds["first"] is None:
        return count
    facts = StageChangeQuerySet.facts()
    for start in range(bounds["first"], bounds["last"] + 1, batch_size):
        with transaction.atomic(using=using):
            count += rows.filter(pk__gte=start, pk__lt=start + batch_size).update(**facts)
        if progress is not None:
            progress(min(start + batch_size - 1, bounds["last"]))
    return count
