"""Compute again the activity facts of every opportunity and client (last activity done,
next planned activity: crm.models.base.ActivityFacts) from their activities.

The services keep them as they write; run this after loading rows in bulk behind their
back (a restore from backup, a bulk fill), or to check nothing drifted: it is idempotent.
"""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import DEFAULT_DB_ALIAS

from crm.services.activity_facts import BATCH_SIZE, recompute_all


class Command(BaseCommand):
    help = "Recompute the last and next activity of every opportunity and client."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size", type=int, default=BATCH_SIZE, help="rows per UPDATE (id range)"
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args: Any, batch_size: int, database: str, **options: Any) -> None:
        began = time.monotonic()

        def progress(label: str, up_to: int) -> None:
            if options["verbosity"] > 1:
                self.stdout.write(f"  {label}: up to id {up_to}")

        counts = recompute_all(batch_size=batch_size, using=database, progress=progress)
        summary = ", ".join(f"{label} {count:,}" for label, count in counts.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Activity facts recomputed ({summary}) in {time.monotonic() - began:.1f} s."
            )
        )
