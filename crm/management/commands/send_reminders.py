from typing import Any

from django.core.management.base import BaseCommand

from crm.reminders import send_daily_digests, send_due_reminders


class Command(BaseCommand):
    help = "Sends due activity reminders and the daily digests. Run it every few minutes."

    def handle(self, *args: Any, **options: Any) -> None:
        reminders = send_due_reminders()
        digests = send_daily_digests()
        self.stdout.write(f"{reminders} reminders, {digests} digests queued.")
