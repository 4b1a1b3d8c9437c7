"""Remove the security events older than RETENTION_DAYS (180): run daily by the scheduler."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from audit.models import RETENTION_DAYS, SecurityEvent


class Command(BaseCommand):
    help = f"Delete the security log's events older than {RETENTION_DAYS} days."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count what would be deleted."
        )

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        if dry_run:
            count = SecurityEvent.objects.purgeable().count()
            self.stdout.write(f"{count} security events would be purged (dry run).")
            return
        count = SecurityEvent.objects.purge()
        self.stdout.write(
            self.style.SUCCESS(f"{count} security events older than {RETENTION_DAYS} days purged.")
        )
