"""Remove for good what has been in the recycle bin (Papelera) longer than RETENTION_DAYS.

Purging is the system's job, never a user's: run it once a day from the scheduler (cron,
a systemd timer, the container platform's jobs). Running it again deletes nothing more.
"""

from collections import Counter
from graphlib import CycleError, TopologicalSorter
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.db.models import (
    PROTECT,
    RESTRICT,
    ForeignKey,
    ProtectedError,
    QuerySet,
    RestrictedError,
)
from django.utils import timezone

from crm.recycle_bin import RETENTION_DAYS, SoftDeleteModel


def soft_delete_models() -> list:
    """Every soft-deletable model, those that point at others first: a deleted opportunity
    goes before the deleted client it protects, so both are purged in one run. Only the
    references that protect count (a SET_NULL one, such as a kept next activity, never
    stops a delete)."""
    models = [m for m in apps.get_models() if issubclass(m, SoftDeleteModel)]
    graph: dict = {model: set() for model in models}
    for model in models:
        for field in model._meta.get_fields():
            target = getattr(field, "related_model", None)
            if (
                isinstance(field, ForeignKey)  # what a concrete many-to-one field always is
                and field.many_to_one
                and field.concrete
                and target in graph
                and target is not model
                and field.remote_field.on_delete in (PROTECT, RESTRICT)
            ):
                graph[target].add(model)
    try:
        return list(TopologicalSorter(graph).static_order())
    except CycleError:
        return sorted(models, key=lambda m: m._meta.label)


def purge(queryset: QuerySet[Any]) -> tuple[Counter, int]:
    """Hard-delete the rows (with what cascades from them). A row something still protects
    (say a client with a live opportunity) is kept and counted, and the rest go ahead."""
    deleted: Counter = Counter()
    try:
        with transaction.atomic():
            deleted.update(queryset.delete()[1])
        return deleted, 0
    except (ProtectedError, RestrictedError):
        pass
    kept = 0
    for record in queryset.iterator():
        try:
            with transaction.atomic():
                deleted.update(record.delete()[1])
        except (ProtectedError, RestrictedError):
            kept += 1
    return deleted, kept


class Command(BaseCommand):
    help = (
        f"Delete permanently the records that have been in the recycle bin for more than "
        f"{RETENTION_DAYS} days."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count what would be deleted."
        )

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        now = timezone.now()
        total = 0
        for model in soft_delete_models():
            label = model._meta.label
            purgeable = model.all_objects.purgeable(now=now)
            if dry_run:
                count = purgeable.count()
                total += count
                self.stdout.write(f"{label}: {count} would be purged")
                continue
            deleted, kept = purge(purgeable)
            count = deleted.pop(label, 0)
            total += count
            line = f"{label}: {count} purged"
            if deleted:
                cascaded = ", ".join(f"{name} {n}" for name, n in sorted(deleted.items()) if n)
                line += f" (with {cascaded})" if cascaded else ""
            if kept:
                line += f"; {kept} kept because other records still refer to them"
            self.stdout.write(line)
        summary = "would be purged (dry run: nothing deleted)" if dry_run else "purged"
        self.stdout.write(
            self.style.SUCCESS(
                f"{total} records deleted more than {RETENTION_DAYS} days ago {summary}."
            )
        )
