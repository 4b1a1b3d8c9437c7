"""The stage facts kept on every stage-change row (crm.models.StageChange): whether the
opportunity `advanced` afterwards (a change of it at that moment or later went to a stage
further right in FORWARD_STAGES; Perdida is never further right) and when it last entered
the same stage before (`previous_entry_at`, ordered by moment then id; None for the first
entry). The conversion cohorts of the reports (crm.reports.pipeline.conversion_by_stage)
read them instead of probing every entry's later changes and de-duplicating entries.

This module is their only writer: StageChange.save() and StageChange.objects.bulk_create()
(what the stage services, the fixtures and the benchmark's fill use) call
`refresh_stage_facts` in their own transaction; `recompute_all` (`manage.py
recompute_stage_facts`, the migration that added them) computes every row again. Each
refresh is ONE UPDATE whose columns are correlated subqueries over the definitions below,
so the kept values are by construction what a fresh computation gives.
"""

from collections.abc import Iterable

from django.db import connections, router, transaction
from django.db.models import Case, Exists, Max, Min, OuterRef, Q, Subquery, When

from crm.models import Opportunity, StageChange
from crm.models.opportunities import FORWARD_STAGES

BATCH_SIZE = 5_000


def _advanced() -> Case:
    """True when a change of the same opportunity at this row's moment or later went to a
    stage further right than this row's (for a Perdida or unknown row: to any of them)."""
    later = StageChange.objects.filter(
        opportunity=OuterRef("opportunity"), changed_at__gte=OuterRef("changed_at")
    )
    whens = [
        When(to_stage=stage, then=Exists(later.filter(to_stage__in=FORWARD_STAGES[index + 1 :])))
        for index, stage in enumerate(FORWARD_STAGES)
    ]
    return Case(*whens, default=Exists(later.filter(to_stage__in=FORWARD_STAGES)))


def _previous_entry_at() -> Subquery:
    """The moment of the same opportunity's latest earlier entry into the same stage."""
    earlier = StageChange.objects.filter(
        Q(changed_at__lt=OuterRef("changed_at"))
        | Q(changed_at=OuterRef("changed_at"), pk__lt=OuterRef("pk")),
        opportunity=OuterRef("opportunity"),
        to_stage=OuterRef("to_stage"),
    )
    return Subquery(earlier.order_by("-changed_at", "-pk").values("changed_at")[:1])


def _facts() -> dict:
    return {"advanced": _advanced(), "previous_entry_at": _previous_entry_at()}


def refresh_stage_facts(*, opportunity_ids: Iterable[int | None]) -> None:
    """Recompute the facts of every stage-change row of these opportunities (None ids are
    ignored), in the caller's transaction, the opportunities locked in id order first so
    two writers of one opportunity's stages compute in turn."""
    ids = sorted({pk for pk in opportunity_ids if pk is not None})
    if not ids:
        return
    using = router.db_for_write(StageChange)
    with transaction.atomic(using=using):
        if connections[using].features.has_select_for_update:
            locked = Opportunity.all_objects.using(using).filter(pk__in=ids)
            list(locked.select_for_update().order_by("pk").values_list("pk", flat=True))
        StageChange.objects.using(using).filter(opportunity_id__in=ids).update(**_facts())


def recompute_all(*, batch_size: int = BATCH_SIZE, using: str | None = None, progress=None) -> int:
    """Compute the facts of every stage-change row again, by id ranges of `batch_size`, each
    range one UPDATE in its own transaction. Returns the number of rows;
    `progress(done_up_to_id)` after each range."""
    using = using or router.db_for_write(StageChange)
    rows = StageChange.objects.using(using)
    bounds = rows.aggregate(first=Min("pk"), last=Max("pk"))
    count = 0
    if bounds["first"] is None:
        return count
    facts = _facts()
    for start in range(bounds["first"], bounds["last"] + 1, batch_size):
        with transaction.atomic(using=using):
            count += rows.filter(pk__gte=start, pk__lt=start + batch_size).update(**facts)
        if progress is not None:
            progress(min(start + batch_size - 1, bounds["last"]))
    return count


__all__ = ["recompute_all", "refresh_stage_facts"]
