"""Fill a database with the reference volume and time the main pages (DESIGN "Performance").

    DATABASE_URL=postgres://.../rumbo_bench DEBUG=true python manage.py benchmark

Reference volume at --scale 1: 20,000 clients, 40,000 contacts, 100,000 opportunities,
300,000 activities, 10 executives. Data is created once (bulk inserts) and reused on the
next run. Each page is requested --repeat times in-process through the whole middleware
stack; the report gives p50/p95 server time and the number of SQL queries.
"""

import statistics
import subprocess
import sys
import time
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from crm.models import (
    Activity,
    ActivityType,
    Client,
    Contact,
    Opportunity,
    Stage,
    StageChange,
)
from crm.tax_ids import rif_with_check_digit
from dashboard.benchmark_documents import big_file_memory, fill_documents

STAGES = list(Stage.values)
PAGES = [
    ("Dashboard", "dashboard:home", {}, ""),
    ("Clientes: lista", "crm:client_list", {}, ""),
    ("Clientes: búsqueda", "crm:client_list", {}, "?q=Empresa 1234"),
    ("Cliente: resumen", "crm:client_detail", {"pk": "client"}, ""),
    ("Cliente: oportunidades", "crm:client_tab", {"pk": "client", "tab": "oportunidades"}, ""),
    ("Cliente: actividades", "crm:client_tab", {"pk": "client", "tab": "actividades"}, ""),
    ("Oportunidades: tablero", "crm:opportunity_board", {}, ""),
    ("Oportunidades: lista", "crm:opportunity_list", {}, ""),
    ("Oportunidad: página", "crm:opportunity_detail", {"pk": "opportunity"}, ""),
    ("Mis actividades", "crm:activity_list", {}, ""),
    ("Reclamos", "crm:complaint_list", {}, ""),
    # Documentos (h-docs): the menu list, its search and last page, and the two tabs.
    ("Documentos: lista", "documents:list", {}, ""),
    ("Documentos: búsqueda", "documents:list", {}, "?q=COT-B-1234"),
    ("Documentos: tipo", "documents:list", {}, "?kind=quote&page=40"),
    ("Oportunidad: documentos", "documents:opportunity_tab", {"pk": "opportunity"}, ""),
    ("Cliente: documentos", "crm:client_tab", {"pk": "client", "tab": "documentos"}, ""),
]


class Command(BaseCommand):
    help = "Creates the reference volume (once) and measures page times and query counts."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="1.0 = reference volume")
        parser.add_argument("--repeat", type=int, default=20, help="requests per page")
        parser.add_argument(
            "--files-only",
            action="store_true",
            help="only the 25 MB upload and download (run in a fresh process by the benchmark)",
        )

    def handle(self, *args, scale: float, repeat: int, files_only: bool = False, **options):
        if files_only:
            with override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False):
                big_file_memory(self.stdout)
            return
        clients = int(20_000 * scale)
        existing = Client.all_objects.count()
        if existing and not Client.all_objects.filter(name__startswith="Bench ").exists():
            raise CommandError("This database has real clients: point DATABASE_URL elsewhere.")
        if existing < clients:
            self._fill(clients=clients, start=existing)
        elif connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        fill_documents(self.stdout, target=int(50_000 * scale))
        with override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False):
            self._measure(repeat=repeat)
            self._measure_reports(repeat=repeat)
        self._measure_report_files()
        # A fresh process, so that its peak RSS measures the 25 MB upload and download only.
        subprocess.run(
            [sys.executable, "manage.py", "benchmark", "--files-only"],
            check=True,
            cwd=settings.BASE_DIR,
        )

    # Data -----------------------------------------------------------------------------------

    def _executives(self) -> list[User]:
        group = Group.objects.get(name=Role.EXECUTIVE.value)
        people = []
        for n in range(10):
            user, _ = User.objects.get_or_create(
                username=f"bench{n}", defaults={"first_name": "Bench", "last_name": str(n)}
            )
            user.groups.add(group)
            people.append(user)
        manager, _ = User.objects.get_or_create(username="bench_manager")
        manager.groups.add(Group.objects.get(name=Role.MANAGER.value))
        return people

    def _fill(self, *, clients: int, start: int) -> None:
        executives = self._executives()
        began = time.monotonic()
        now = timezone.now()
        batch = 2_000
        for first in range(start, clients, batch):
            with transaction.atomic():
                self._fill_batch(range(first, min(first + batch, clients)), executives, now)
            self.stdout.write(f"  {min(first + batch, clients):>6} clients…")
        if connection.vendor == "postgresql":
            # Fresh statistics and visibility map, as autovacuum gives a real database after a
            # bulk load (without the map the reports' index-only scans read the table too).
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        self.stdout.write(f"Data ready in {time.monotonic() - began:.0f} s.")

    def _fill_batch(self, numbers: range, executives: list[User], now) -> None:
        new_clients = Client.objects.bulk_create(
            Client(
                name=f"Bench Empresa {n}, C.A.",
                name_key=f"bench empresa {n}",
                tax_id=rif_with_check_digit("J", 10_000_000 + n),
                segment="ABC"[n % 3],
                owner=executives[n % len(executives)],
            )
            for n in numbers
        )
        Contact.objects.bulk_create(
            Contact(client=c, name=f"Contacto {c.pk}-{i}", is_primary=i == 0)
            for c in new_clients
            for i in range(2)
        )
        opportunities = Opportunity.objects.bulk_create(
            Opportunity(
                name=f"Oportunidad {c.pk}-{i}",
                client=c,
                owner=c.owner,
                estimated_value=Decimal(1_000 + (c.pk * 37 + i * 101) % 90_000),
                expected_close_date=(now + timedelta(days=(c.pk + i) % 180 - 30)).date(),
                probability=10 + (i * 20) % 90,
                stage=STAGES[(c.pk + i) % len(STAGES)],
                stage_changed_at=now - timedelta(days=(c.pk + i) % 40),
            )
            for c in new_clients
            for i in range(5)
        )
        StageChange.objects.bulk_create(
            StageChange(
                opportunity=o,
                to_stage=o.stage,
                probability=o.probability,
                changed_by=o.owner,
                changed_at=o.stage_changed_at,
            )
            for o in opportunities
        )
        Activity.objects.bulk_create(
            Activity(
                type=ActivityType.CALL,
                subject=f"Llamada {o.pk}-{i}",
                client_id=o.client_id,
                opportunity=o,
                owner=o.owner,
                scheduled_at=now + timedelta(days=(o.pk + i) % 20 - 10),
                done_at=now - timedelta(days=(o.pk + i) % 30) if i < 2 else None,
            )
            for o in opportunities
            for i in range(3)
        )

    # Measures -------------------------------------------------------------------------------

    def _measure(self, *, repeat: int) -> None:
        executive = User.objects.get(username="bench0")
        manager = User.objects.get(username="bench_manager")
        client = Client.objects.filter(owner=executive).order_by("pk").first()
        opportunity = Opportunity.objects.filter(owner=executive).order_by("pk").first()
        objects = {"client": client.pk, "opportunity": opportunity.pk}
        self.stdout.write(
            f"\n{Client.objects.count():,} clients, {Opportunity.objects.count():,} opportunities,"
            f" {Activity.objects.count():,} activities on {connection.vendor}\n"
        )
        self.stdout.write(f"{'page':<28}{'user':<10}{'p50 ms':>8}{'p95 ms':>8}{'queries':>9}")
        for user, label in ((executive, "ejecutivo"), (manager, "gerente")):
            http = HttpClient()
            http.force_login(user)
            for title, name, kwargs, query in PAGES:
                url = reverse(name, kwargs={k: objects.get(v, v) for k, v in kwargs.items()})
                url += query
                http.get(url)  # warm up caches and the session stamp
                times = []
                for _ in range(repeat):
                    with CaptureQueriesContext(connection) as queries:
                        began = time.perf_counter()
                        response = http.get(url)
                        times.append((time.perf_counter() - began) * 1000)
                    if response.status_code != 200:
                        raise CommandError(f"{url} answered {response.status_code}")
                times.sort()
                p95 = times[max(0, int(len(times) * 0.95) - 1)]
                self.stdout.write(
                    f"{title:<28}{label:<10}{statistics.median(times):>8.0f}{p95:>8.0f}"
                    f"{len(queries):>9}"
                )
        began = time.perf_counter()
        http = HttpClient()
        http.force_login(manager)
        response = http.get(reverse("crm:client_export", args=["csv"]))
        size = sum(len(chunk) for chunk in response.streaming_content)
        self.stdout.write(
            f"\nCSV export of all clients: {(time.perf_counter() - began):.1f} s, "
            f"{size / 1_000_000:.1f} MB"
        )

    # Reports (CRM → Reportes): pages, PDF, Excel Resumen and the streamed Detalle ----------

    REPORT_PAGES = [
        ("Reportes: índice", "crm:report_index", ""),
        ("Reporte de Pipeline", "crm:report_pipeline", ""),
        ("Pipeline: 12 meses", "crm:report_pipeline", "?periodo=12m"),
        ("Reporte de Ventas", "crm:report_sales", "?periodo=12m"),
        ("Reporte de Pérdidas", "crm:report_losses", "?periodo=12m"),
        ("Reporte de Actividades", "crm:report_activities", ""),
        ("Conversión y ciclo", "crm:report_conversion", ""),
    ]
    # Three years around today: every bench opportunity's expected close date falls inside,
    # so the Detalle sheet holds the open pipeline (the closed ones have no close date here).
    WIDE = "?periodo=personalizado&desde={start}&hasta={end}&ejecutivo="

    def _measure_reports(self, *, repeat: int) -> None:
        executive = User.objects.get(username="bench0")
        manager = User.objects.get(username="bench_manager")
        self.stdout.write(
            f"\n{'report page':<28}{'user':<10}{'p50 ms':>8}{'p95 ms':>8}{'queries':>9}"
        )
        for user, label in ((executive, "ejecutivo"), (manager, "gerente")):
            http = HttpClient()
            http.force_login(user)
            for title, name, query in self.REPORT_PAGES:
                url = reverse(name) + query
                http.get(url)
                times = []
                for _ in range(repeat):
                    with CaptureQueriesContext(connection) as queries:
                        began = time.perf_counter()
                        response = http.get(url)
                        times.append((time.perf_counter() - began) * 1000)
                    if response.status_code != 200:
                        raise CommandError(f"{url} answered {response.status_code}")
                times.sort()
                p95 = times[max(0, int(len(times) * 0.95) - 1)]
                self.stdout.write(
                    f"{title:<28}{label:<10}{statistics.median(times):>8.0f}{p95:>8.0f}"
                    f"{len(queries):>9}"
                )

    def _measure_report_files(self) -> None:
        """Each file is produced in a fresh child process that reports its own peak RSS,
        beside that of a child that only starts Django: the difference is what the export
        itself needed, so "flat memory" can be read off directly."""
        today = timezone.localdate()
        wide = self.WIDE.format(
            start=(today - timedelta(days=540)).isoformat(),
            end=(today + timedelta(days=540)).isoformat(),
        )
        from django.http import QueryDict

        from crm.reports.filters import report_filters
        from crm.reports.pipeline import pipeline_detail

        manager = User.objects.get(username="bench_manager")

        def rows(query: str) -> int:
            _form, filters = report_filters(user=manager, params=QueryDict(query.lstrip("?")))
            return pipeline_detail(filters).count()

        export = reverse("crm:report_pipeline_export", args=["excel"])
        files = [
            ("PDF, Reporte de Pipeline", reverse("crm:report_pipeline_export", args=["pdf"])),
            (f"Excel, trimestre ({rows(''):,} rows)", export),
            (f"Excel, todo el pipeline ({rows(wide):,} rows)", export + wide),
        ]
        self.stdout.write(f"\nReport files (fresh process each): {self._child(None)}")
        for title, url in files:
            self.stdout.write(f"  {title:<36}{self._child(url)}")

    CHILD = """
import resource, time
from django.test import Client
from django.test.utils import override_settings
from accounts.models import User
url = {url!r}
text = "Django alone"
if url:
    with override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False):
        http = Client()
        http.force_login(User.objects.get(username="bench_manager"))
        began = time.perf_counter()
        response = http.get(url)
        body = getattr(response, "streaming_content", None)
        size = sum(len(c) for c in body) if body is not None else len(response.content)
        text = f"{{time.perf_counter() - began:.2f}} s, {{size / 1e3:,.0f}} kB"
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(f"{{text}}, peak RSS {{peak}} MB")
"""

    def _child(self, url: str | None) -> str:
        import subprocess
        import sys

        result = subprocess.run(  # noqa: S603 - this interpreter running our own code
            [sys.executable, "manage.py", "shell", "-c", self.CHILD.format(url=url)],
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout.strip().splitlines()[-1]
