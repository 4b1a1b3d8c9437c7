"""Fill a database with the reference volume and measure what users meet (DESIGN "Performance").

    DATABASE_URL=postgres://.../rumbo_bench DEBUG=true python manage.py benchmark

The reference volume (devtools.volume) is created once by bulk inserts and reused. Then:

1. every page of devtools.cases, in-process through the whole middleware stack, for its SQL
   query count (and an in-process p95);
2. the same pages over HTTP against a gunicorn the command starts (1 sync worker, DEBUG off,
   the production settings), 2 warm-ups then --repeat requests each: p50/p95, for an
   executive in both visibility modes ("own" and "all") and for the manager; the floor, a
   signed-in trivial request, is measured in the same run;
3. the exports over HTTP: time to the first byte, total, size and the worker's peak RSS over
   its idle RSS;
4. with --wrk SECONDS, throughput with 2 workers (wrk, signed in) on the client list and
   the board;
5. the 25 MB upload and download in a fresh process (peak RSS).

It prints a table, flags every figure over its budget, and writes everything as JSON.
"""

import json
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import CompanySettings, User, Visibility
from contractors_ro.models import Contractor
from crm.models import Activity, Client, Complaint, Opportunity
from devtools import server
from devtools.cases import EXECUTIVE, MANAGER, export_cases, page_cases
from devtools.volume import ensure_volume
from devtools.volume_documents import big_file_memory
from documents.models import Document
from projects_ro.models import Project

PAGE_BUDGET_MS = 100
LIST_FLOOR_FACTOR = 5
WARMUPS = 2


def percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[max(0, int(len(ordered) * share + 0.5) - 1)]


class Command(BaseCommand):
    help = "Creates the reference volume (once) and measures pages and exports over HTTP."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=float, default=1.0, help="1.0 = reference volume")
        parser.add_argument("--repeat", type=int, default=20, help="timed HTTP requests per page")
        parser.add_argument(
            "--inprocess-repeat", type=int, default=3, help="in-process requests per page"
        )
        parser.add_argument("--only", default="", help="only the pages whose title has this")
        parser.add_argument("--wrk", type=int, default=0, help="seconds of wrk per URL (0: skip)")
        parser.add_argument("--no-exports", action="store_true", help="skip the exports")
        parser.add_argument(
            "--json", default=str(Path("var") / "benchmark.json"), help="where to write results"
        )
        parser.add_argument(
            "--files-only",
            action="store_true",
            help="only the 25 MB upload and download (run in a fresh process by the benchmark)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["files_only"]:
            with override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False):
                big_file_memory(self.stdout)
            return
        ensure_volume(self.stdout, scale=options["scale"])
        self.results: dict = {
            "database": connection.vendor,
            "when": timezone.now().isoformat(timespec="seconds"),
            "volume": {
                "clients": Client.objects.count(),
                "opportunities": Opportunity.objects.count(),
                "activities": Activity.objects.count(),
                "complaints": Complaint.objects.count(),
            },
            "repeat": options["repeat"],
            "pages": [],
            "exports": [],
            "throughput": [],
        }
        self.log = Path(settings.BASE_DIR) / "var" / "benchmark-gunicorn.log"
        self.log.parent.mkdir(exist_ok=True)
        server.collect_static()
        company = CompanySettings.load()
        saved = (company.client_visibility, company.opportunity_visibility)
        try:
            self._pages(options)
            if not options["no_exports"]:
                self._exports()
            if options["wrk"]:
                self._throughput(options["wrk"])
        finally:
            company.client_visibility, company.opportunity_visibility = saved
            company.save()
        if not options["no_exports"]:
            subprocess.run(
                [sys.executable, "manage.py", "benchmark", "--files-only"],
                check=True,
                cwd=settings.BASE_DIR,
            )
        self._report(Path(options["json"]))

    # Pages ----------------------------------------------------------------------------------

    def _objects(self, executive: User) -> dict:
        client = Client.objects.filter(owner=executive).order_by("pk").first()
        opportunity = Opportunity.objects.filter(owner=executive).order_by("pk").first()
        activity = Activity.objects.filter(owner=executive, opportunity=opportunity).first()
        complaint = Complaint.objects.filter(owner=executive).order_by("pk").first()
        document = Document.objects.filter(opportunity=opportunity).order_by("pk").first()
        project = Project.objects.order_by("pk").first()
        contractor = Contractor.objects.order_by("pk").first()
        if (
            client is None
            or opportunity is None
            or activity is None
            or complaint is None
            or document is None
            or project is None
            or contractor is None
        ):
            raise CommandError("The benchmark volume lacks a record it measures.")
        if not executive.calendar_token:
            executive.calendar_token = secrets.token_urlsafe(32)
            executive.save(update_fields=["calendar_token"])
        return {
            "client": client.pk,
            "opportunity": opportunity.pk,
            "activity": activity.pk,
            "complaint": complaint.pk,
            "document": document.pk,
            "project": project.pk,
            "contractor": contractor.pk,
            "calendar_token": executive.calendar_token,
        }

    def _set_visibility(self, mode: str) -> None:
        company = CompanySettings.load()
        company.client_visibility = company.opportunity_visibility = mode
        company.save()

    def _pages(self, options: dict[str, Any]) -> None:
        executive = User.objects.get(username="bench0")
        manager = User.objects.get(username="bench_manager")
        other = User.objects.get(username="bench1")
        cases = [
            c
            for c in page_cases(self._objects(executive))
            if c.group == "floor" or options["only"].lower() in c.title.lower()
        ]
        runs = [
            (Visibility.VIEW_ALL, EXECUTIVE, executive),
            (Visibility.OWN, EXECUTIVE, executive),
            (Visibility.VIEW_ALL, MANAGER, manager),
        ]
        self.stdout.write(
            f"\n{connection.vendor}: {len(cases)} pages × {len(runs)} (user, visibility);"
            f" {WARMUPS} warm-ups + {options['repeat']} requests each over HTTP\n"
        )
        for mode, label, user in runs:
            self._set_visibility(mode)
            in_process = HttpClient()
            in_process.force_login(user)
            cookie = server.session_cookie(user)
            with server.gunicorn(workers=1, log=self.log) as running:
                for case in cases:
                    if not case.for_user(label):
                        continue
                    url = quote(case.url.replace("{exec}", str(other.pk)), safe="/?&=%-_.~@")
                    self.results["pages"].append(
                        {
                            "group": case.group,
                            "title": case.title,
                            "url": url,
                            "user": label,
                            "visibility": str(mode),
                            **self._in_process(in_process, url, options["inprocess_repeat"]),
                            **self._over_http(running.port, url, cookie, options["repeat"]),
                        }
                    )
                    row = self.results["pages"][-1]
                    self.stdout.write(
                        f"  {case.title[:44]:<45}{label:<10}{mode:<9}"
                        f"{row['http_p50_ms']:>7.0f}{row['http_p95_ms']:>7.0f}{row['queries']:>5}"
                    )

    def _in_process(self, http: HttpClient, url: str, repeat: int) -> dict:
        times = []
        with override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False):
            http.get(url)
            for _ in range(max(repeat, 1)):
                with CaptureQueriesContext(connection) as queries:
                    began = time.perf_counter()
                    response = http.get(url)
                    times.append((time.perf_counter() - began) * 1000)
                if response.status_code != 200:
                    raise CommandError(f"{url} answered {response.status_code} in-process")
        return {"queries": len(queries), "inprocess_p95_ms": round(percentile(times, 0.95), 1)}

    def _over_http(self, port: int, url: str, cookie: str, repeat: int) -> dict:
        for _ in range(WARMUPS):
            server.get(port, url, cookie)
        times = []
        for _ in range(repeat):
            timing = server.get(port, url, cookie)
            if timing.status != 200:
                raise CommandError(f"{url} answered {timing.status} over HTTP; see {self.log}")
            times.append(timing.total * 1000)
        return {
            "http_p50_ms": round(statistics.median(times), 1),
            "http_p95_ms": round(percentile(times, 0.95), 1),
        }

    # Exports --------------------------------------------------------------------------------

    def _exports(self) -> None:
        self._set_visibility(Visibility.VIEW_ALL)
        manager = User.objects.get(username="bench_manager")
        cookie = server.session_cookie(manager)
        floor = next(c for c in page_cases(self._objects_any()) if c.group == "floor")
        self.stdout.write("\nExports over HTTP (manager, 1 worker)")
        with server.gunicorn(workers=1, log=self.log) as running:
            for export in export_cases():
                server.get(running.port, floor.url, cookie)
                (worker,) = running.workers()
                idle = server.rss_mb(worker)
                server.reset_peak(worker)
                timing = server.get(running.port, export.url, cookie)
                if timing.status != 200:
                    raise CommandError(f"{export.url} answered {timing.status}; see {self.log}")
                peak = server.rss_mb(worker, "VmHWM")
                row = {
                    "title": export.title,
                    "url": export.url,
                    "first_byte_s": round(timing.first_byte, 2),
                    "total_s": round(timing.total, 2),
                    "size_kb": round(timing.size / 1000),
                    "worker_idle_rss_mb": round(idle, 1),
                    "worker_peak_over_idle_mb": round(peak - idle, 1),
                    "budgets": {
                        "first_byte_s": export.first_byte_s,
                        "total_s": export.total_s,
                        "rss_mb": export.rss_mb,
                    },
                }
                self.results["exports"].append(row)
                self.stdout.write(
                    f"  {export.title:<36}first byte {row['first_byte_s']:>6.2f} s"
                    f"  total {row['total_s']:>6.2f} s  {row['size_kb']:>7,} kB"
                    f"  peak RSS +{row['worker_peak_over_idle_mb']:.1f} MB"
                )

    def _objects_any(self) -> dict[str, int]:
        return self._objects(User.objects.get(username="bench0"))

    # Throughput -----------------------------------------------------------------------------

    def _throughput(self, seconds: int) -> None:
        wrk = shutil.which("wrk")
        if wrk is None:
            raise CommandError("--wrk needs wrk on PATH (Debian: apt-get install wrk).")
        self._set_visibility(Visibility.VIEW_ALL)
        cookie = server.session_cookie(User.objects.get(username="bench0"))
        self.stdout.write(f"\nThroughput: wrk, 2 gunicorn workers, {seconds} s per URL")
        with server.gunicorn(workers=2, log=self.log) as running:
            for title, url in (
                ("Clientes: lista", reverse("crm:client_list")),
                ("Oportunidades: tablero", reverse("crm:opportunity_board")),
            ):
                output = subprocess.run(  # noqa: S603 - wrk on our own server
                    [wrk, "-t2", "-c4", f"-d{seconds}s", "-H", f"Cookie: {cookie}",
                     f"http://127.0.0.1:{running.port}{url}"],
                    capture_output=True, text=True, check=True,
                ).stdout  # fmt: skip
                found = re.search(r"Requests/sec:\s+([\d.]+)", output)
                if found is None:
                    raise CommandError(f"wrk printed no request rate for {url}:\n{output}")
                rate = float(found.group(1))
                bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
                errors = re.search(r"Socket errors:.*", output)
                row = {
                    "title": title,
                    "requests_per_s": rate,
                    "non_2xx": int(bad.group(1)) if bad else 0,
                    "socket_errors": errors.group(0) if errors else "",
                }
                self.results["throughput"].append(row)
                self.stdout.write(
                    f"  {title:<28}{rate:>8.1f} req/s, non-2xx {row['non_2xx']}"
                    f" {row['socket_errors']}"
                )

    # Report ---------------------------------------------------------------------------------

    def _report(self, path: Path) -> None:
        floors = {
            (row["user"], row["visibility"]): row["http_p95_ms"]
            for row in self.results["pages"]
            if row["group"] == "floor"
        }
        over = []
        for row in self.results["pages"]:
            floor = floors.get((row["user"], row["visibility"]), 0)
            budget = PAGE_BUDGET_MS
            if row["group"] == "list":
                budget = min(budget, LIST_FLOOR_FACTOR * floor)
            row["budget_ms"] = round(budget, 1)
            if row["group"] != "floor" and row["http_p95_ms"] > budget:
                over.append(row)
        for row in self.results["exports"]:
            budgets = row["budgets"]
            if any(
                limit is not None and row[figure] > limit
                for figure, limit in (
                    ("first_byte_s", budgets["first_byte_s"]),
                    ("total_s", budgets["total_s"]),
                    ("worker_peak_over_idle_mb", budgets["rss_mb"]),
                )
            ):
                over.append(row)
        self.results["over_budget"] = [row["title"] for row in over]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.results, indent=1, ensure_ascii=False))
        self.stdout.write(
            "\nFloor (signed-in trivial request, p95): "
            + ", ".join(f"{u} {v} {ms:.1f} ms" for (u, v), ms in floors.items())
        )
        if over:
            self.stdout.write(f"Over budget ({len(over)}):")
            for row in over:
                figure = row.get("http_p95_ms", row.get("total_s"))
                self.stdout.write(
                    f"  {row['title']} {row.get('user', '')} {row.get('visibility', '')}: {figure}"
                )
        else:
            self.stdout.write("Every page within its budget.")
        self.stdout.write(f"Results written to {path}.")
