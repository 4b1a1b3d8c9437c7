"""Quote life: mark quotes past their Fecha de validez as Vencida and tell each owner, once,
about the quotes that expire within the company's notice days (default 3).

Run it daily from the scheduler; running it twice marks and notifies nothing more.
"""

from typing import Any

from django.core.management.base import BaseCommand

from documents.quotes import quotes_expire


class Command(BaseCommand):
    help = "Marks expired quotes as Vencida and notifies owners of quotes about to expire."

    def handle(self, *args: Any, **options: Any) -> None:
        run = quotes_expire()
        self.stdout.write(f"expired={run.expired} notified={run.notified}")
