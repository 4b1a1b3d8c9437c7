"""Freeze this month's sales projection (Precisión del pronóstico compares it later with what
was won). Run it daily from the scheduler: only the first run of a month writes anything.
"""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from crm.services.forecasts import take_forecast_snapshots


class Command(BaseCommand):
    help = "Freezes the month's pipeline projection per executive and for the team (once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", type=date.fromisoformat, help="the day to take it for (default: today)"
        )

    def handle(self, *args: Any, date: date | None = None, **options: Any) -> None:
        written = take_forecast_snapshots(today=date or timezone.localdate())
        self.stdout.write(f"snapshots={written}")
