"""The reference volume of the benchmark (DESIGN "Performance"), created once by bulk inserts.

At scale 1: 20,000 clients, 40,000 contacts, 100,000 opportunities (with one stage change
each), 300,000 activities, 5,000 complaints and 50,000 documents, owned by 10 executives
(`bench0` … `bench9`) and seen by one manager (`bench_manager`). Bulk inserts bypass the
services, so the facts the services keep are recomputed at the end (`refresh_derived`).
"""

import time
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth.models import Group
from django.core.management.base import CommandError, OutputWrapper
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from contractors_ro.models import Contractor
from crm.models import (
    Activity,
    ActivityType,
    Client,
    Complaint,
    ComplaintArea,
    ComplaintPriority,
    ComplaintStatus,
    Contact,
    Opportunity,
    Stage,
    StageChange,
)
from crm.services.activity_facts import recompute_all
from crm.services.currency import freeze_pending_amounts, load_sample_rates
from crm.tax_ids import rif_with_check_digit
from devtools.volume_documents import fill_documents
from projects_ro.models import Project

STAGES = list(Stage.values)
EXECUTIVES = 10
BATCH = 2_000


def executives() -> list[User]:
    group = Group.objects.get(name=Role.EXECUTIVE.value)
    people = []
    for n in range(EXECUTIVES):
        user, _ = User.objects.get_or_create(
            username=f"bench{n}", defaults={"first_name": "Bench", "last_name": str(n)}
        )
        user.groups.add(group)
        people.append(user)
    manager, _ = User.objects.get_or_create(username="bench_manager")
    manager.groups.add(Group.objects.get(name=Role.MANAGER.value))
    return people


def ensure_volume(stdout: OutputWrapper, *, scale: float) -> None:
    """Fills what is missing of the reference volume at `scale` (idempotent)."""
    clients = max(int(20_000 * scale), 4)
    existing = Client.all_objects.count()
    if existing and not Client.all_objects.filter(name__startswith="Bench ").exists():
        raise CommandError("This database has real clients: point DATABASE_URL elsewhere.")
    began = time.monotonic()
    # The rates before the rows: bulk-created amounts are frozen by refresh_derived.
    load_sample_rates(end=timezone.localdate())
    if existing < clients:
        people = executives()
        now = timezone.now()
        for first in range(existing, clients, BATCH):
            with transaction.atomic():
                _fill_batch(range(first, min(first + BATCH, clients)), people, now)
            stdout.write(f"  {min(first + BATCH, clients):>6} clients…")
    fill_complaints(stdout, target=max(int(5_000 * scale), 2))
    fill_projects(stdout, projects=max(int(2_000 * scale), 2), contractors=max(int(300 * scale), 2))
    fill_documents(stdout, target=max(int(50_000 * scale), 10))
    refresh_derived(stdout)
    stdout.write(f"Data ready in {time.monotonic() - began:.0f} s.")


def refresh_derived(stdout: OutputWrapper) -> None:
    """What the services would have kept and a real database has after a bulk load: the
    activity facts (bulk inserts bypass the services), planner statistics and, on
    PostgreSQL, the visibility map (without it index-only scans read the table too)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # the recompute's correlated updates need statistics
    recompute_all()
    freeze_pending_amounts()  # the VES value of every bulk-created USD amount
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def _fill_batch(numbers: range, people: list[User], now: datetime) -> None:
    new_clients = Client.objects.bulk_create(
        Client(
            name=f"Bench Empresa {n}, C.A.",
            name_key=f"bench empresa {n}",
            tax_id=rif_with_check_digit("J", 10_000_000 + n),
            segment="ABC"[n % 3],
            phone=f"+58212{5_000_000 + n}",
            email=f"contacto{n}@empresa{n}.com.ve",
            owner=people[n % len(people)],
        )
        for n in numbers
    )
    Contact.objects.bulk_create(
        Contact(
            client=c,
            name=f"Contacto {c.pk}-{i}",
            email=f"persona{i}.{c.pk}@empresa.com.ve",
            phone=f"+58414{6_000_000 + c.pk * 2 + i}",
            is_primary=i == 0,
        )
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


def fill_complaints(stdout: OutputWrapper, *, target: int) -> None:
    """Complaints on the first clients, a quarter of them closed, every area and priority."""
    existing = Complaint.all_objects.count()
    if existing >= target:
        return
    areas, priorities = list(ComplaintArea.values), list(ComplaintPriority.values)
    statuses = list(ComplaintStatus.values)
    clients = list(
        Client.objects.order_by("pk").values_list("pk", "owner_id")[: max(target // 2, 1)]
    )
    now = timezone.now()
    rows = []
    for n in range(existing, target):
        client_id, owner_id = clients[n % len(clients)]
        rows.append(
            Complaint(
                client_id=client_id,
                owner_id=owner_id,
                subject=f"Reclamo {n}: demora en la entrega",
                description="El cliente reporta una demora en la entrega del servicio.",
                area=areas[n % len(areas)],
                priority=priorities[n % len(priorities)],
                status=statuses[n % len(statuses)],
            )
        )
    with transaction.atomic():
        created = Complaint.objects.bulk_create(rows, batch_size=BATCH)
        # Spread the creation dates over the last year (auto_now_add ignores the constructor).
        for offset, complaint in enumerate(created):
            complaint.created_at = now - timedelta(hours=offset * 7 % 8_760)
        Complaint.objects.bulk_update(created, ["created_at"], batch_size=BATCH)
    stdout.write(f"  {target:>6} complaints…")


def fill_projects(stdout: OutputWrapper, *, projects: int, contractors: int) -> None:
    """Read-only projects on the first clients, each with three contractors."""
    if Project.objects.count() >= projects:
        return
    with transaction.atomic():
        people = Contractor.objects.bulk_create(
            Contractor(
                name=f"Bench Contratista {n}, C.A.",
                tax_id=rif_with_check_digit("J", 50_000_000 + n),
                specialty=("Electricidad", "Obras civiles", "Mecánica")[n % 3],
                email=f"contratista{n}@bench.com.ve",
            )
            for n in range(contractors)
        )
        clients = list(Client.objects.order_by("pk").values_list("pk", flat=True)[:projects])
        today = timezone.localdate()
        made = Project.objects.bulk_create(
            Project(
                code=f"BENCH-{n:05d}",
                name=f"Proyecto {n}",
                client_id=clients[n % len(clients)],
                start_date=today - timedelta(days=n % 700),
                manager="Pedro Márquez",
                location="Caracas",
            )
            for n in range(projects)
        )
        links = Project.contractors.through
        links.objects.bulk_create(
            links(project_id=project.pk, contractor_id=people[(i + k) % len(people)].pk)
            for i, project in enumerate(made)
            for k in range(min(3, len(people)))
        )
    stdout.write(f"  {projects:>6} projects…")
