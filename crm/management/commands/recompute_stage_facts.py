"""Compute again the stage facts of every stage-change row (whether the opportunity advanced
afterwards, its previous entry into the same stage: crm.services.stage_facts).

Every insert keeps them; run this after loading rows behind the model's back (raw SQL, a
restore from backup), or to check nothing drifted: it is idempotent.
"""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import DEFAULT_DB_ALIAS

from crm.services.stage_facts import BATCH_SIZE, recompute_all


class Command(BaseCommand):
    help = "Recompute the kept facts of every stage change (advanced later, previous entry)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size", type=int, default=BATCH_SIZE, help="rows per UPDATE (id range)"
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args: Any, batch_size: int, database: str, **options: Any) -> None:
        began = time.monotonic()

        def progress(up_to: int) -> None:
            if options["verbosity"] > 1:
                self.stdout.write(f"  stage changes: up to id {up_to}")

        count = recompute_all(batch_size=batch_size, using=database, progress=progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"Stage facts recomputed ({count:,} stage changes) in "
                f"{time.monotonic() - began:.1f} s."
            )
        )
