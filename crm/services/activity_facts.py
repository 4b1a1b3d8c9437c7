"""The activity facts of opportunities and clients (crm.models.base.ActivityFacts): their last
activity done and their next planned activity, date and row. This module is their only
writer: the services that write an activity (create, complete, reschedule, cancel, the
follow-up that performs a planned one) or move an opportunity in or out of the recycle bin
call `refresh_activity_facts` in their own transaction; `recompute_all` (`manage.py
recompute_activity_facts`, the migration that added them, the benchmark after its bulk
fill) computes every row again.

Which activities count is defined once, on the querysets (`OpportunityQuerySet` and
`ClientQuerySet`: `planned_activities()`, `done_activities()`); each refresh is ONE UPDATE
per table whose columns are correlated subqueries over those definitions, so the kept values
are by construction what a fresh computation gives.
"""

from collections.abc import Callable, Iterable
from functools import cache

from django.db import connections, router, transaction
from django.db.models import Max, Min, Subquery

from crm.models import Activity, Client, Opportunity
from crm.models.base import ActivityFactsQuerySet
from crm.models.clients import ClientQuerySet
from crm.models.opportunities import OpportunityQuerySet

BATCH_SIZE = 5_000


@cache
def _facts(rules: type[ActivityFactsQuerySet]) -> dict[str, Subquery]:
    """The four columns as subqueries over `rules` (a queryset class defining which
    activities of the outer row are its planned and done ones). Built once per process:
    they depend on nothing but the class, and `update()` resolves a copy of each (as
    `recompute_all` reuses them across its ranges); every activity write refreshed them,
    and building them was a third of a refresh's cost."""
    done = rules.done_activities()
    planned = rules.planned_activities()
    return {
        "last_activity_at": Subquery(done.values("done_at")[:1]),
        "last_activity": Subquery(done.values("pk")[:1]),
        "next_activity_at": Subquery(planned.values("scheduled_at")[:1]),
        "next_activity": Subquery(planned.values("pk")[:1]),
    }


# Each model with the queryset that defines its planned and done activities.
TABLES: tuple[
    tuple[type[Opportunity], type[OpportunityQuerySet]] | tuple[type[Client], type[ClientQuerySet]],
    ...,
] = (
    (Opportunity, OpportunityQuerySet),
    (Client, ClientQuerySet),
)


def _refresh(
    model: type[Opportunity] | type[Client],
    rules: type[ActivityFactsQuerySet],
    ids: set[int],
    *,
    using: str,
) -> None:
    rows = model.all_objects.using(using).filter(pk__in=sorted(ids))
    if connections[using].features.has_select_for_update:
        # Lock first, then compute in a new statement: a concurrent writer of the same row
        # has committed by then, and its activity is in this statement's snapshot.
        list(rows.select_for_update().order_by("pk").values_list("pk", flat=True))
    rows.update(**_facts(rules))


def refresh_activity_facts(
    *, opportunity_ids: Iterable[int | None] = (), client_ids: Iterable[int | None] = ()
) -> None:
    """Recompute the facts of these opportunities and clients (None ids are ignored), in
    the caller's transaction: opportunities first, then clients, each in id order, so two
    writers never wait on each other in opposite orders."""
    wanted = (
        {pk for pk in opportunity_ids if pk is not None},
        {pk for pk in client_ids if pk is not None},
    )
    using = router.db_for_write(Opportunity)
    with transaction.atomic(using=using):
        for (model, rules), ids in zip(TABLES, wanted, strict=True):
            if ids:
                _refresh(model, rules, ids, using=using)


def refresh_for_activities(activities: Iterable[Activity]) -> None:
    """The facts of the opportunities and clients of these (just written) activities."""
    activities = list(activities)
    refresh_activity_facts(
        opportunity_ids=[activity.opportunity_id for activity in activities],
        client_ids=[activity.client_id for activity in activities],
    )


def recompute_all(
    *,
    batch_size: int = BATCH_SIZE,
    using: str | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> dict[str, int]:
    """Compute the facts of every opportunity and client again (deleted ones too), by id
    ranges of `batch_size`, each range one UPDATE in its own transaction. Returns the
    number of rows per model label; `progress(label, done_up_to_id)` after each range."""
    using = using or router.db_for_write(Opportunity)
    counts = {}
    for model, rules in TABLES:
        rows = model.all_objects.using(using)
        bounds = rows.aggregate(first=Min("pk"), last=Max("pk"))
        counts[model._meta.label] = 0
        if bounds["first"] is None:
            continue
        facts = _facts(rules)
        for start in range(bounds["first"], bounds["last"] + 1, batch_size):
            with transaction.atomic(using=using):
                counts[model._meta.label] += rows.filter(
                    pk__gte=start, pk__lt=start + batch_size
                ).update(**facts)
            if progress is not None:
                progress(model._meta.label, min(start + batch_size - 1, bounds["last"]))
    return counts
