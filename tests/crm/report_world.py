"""A hand-built pipeline whose report figures were counted by hand (see the expected values
in test_report_pipeline.py). The period is the first quarter of 2026, seen on 31/03/2026 at
noon (Caracas); the previous equivalent period is the last quarter of 2025.

Executive A ("ejecutivo") owns 1, 2, 3, 5, 7, 8, 9, 11, 13, 14; executive B ("ejecutivo2")
owns 4, 6, 10, 12. Clients of segment B: 3, 6, 10; the rest are segment A.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from crm.models import Industry, Opportunity, Stage, StageChange
from tests.factories import ClientFactory, OpportunityFactory

CARACAS = ZoneInfo("America/Caracas")
NOW = datetime(2026, 3, 31, 12, 0, tzinfo=CARACAS)
TODAY = NOW.date()
Q1 = {"periodo": "personalizado", "desde": "2026-01-01", "hasta": "2026-03-31"}

P, Q, PR, N, C, W, L = (
    Stage.PROSPECTING,
    Stage.QUALIFICATION,
    Stage.PROPOSAL,
    Stage.NEGOTIATION,
    Stage.CLOSING,
    Stage.WON,
    Stage.LOST,
)


def at(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(12, 0), tzinfo=CARACAS)


# number: (owner "A"/"B", segment, stage, value, probability, expected close, days in stage
#          (open) or close date (closed), actual value, [(to stage, date), ...])
PLAN: dict[int, tuple[Any, ...]] = {
    1: ("A", "A", P, 10_000, 10, "2026-01-15", 3, None, [(P, "2026-03-28")]),
    2: ("A", "A", P, 20_000, 10, "2026-02-10", 5, None, [(P, "2026-03-26")]),
    3: ("A", "B", P, 30_000, 10, "2026-03-05", 9, None, [(P, "2026-03-22")]),
    4: ("B", "A", PR, 40_000, 50, "2026-02-20", 20, None,
        [(P, "2026-01-10"), (Q, "2026-02-01"), (PR, "2026-03-11")]),
    5: ("A", "A", N, 50_000, 70, "2026-03-15", 12, None,
        [(P, "2025-12-01"), (Q, "2026-01-05"), (PR, "2026-02-10"), (N, "2026-03-19")]),
    6: ("B", "B", C, 60_000, 90, "2026-01-30", 2, None,
        [(P, "2026-01-03"), (Q, "2026-01-20"), (PR, "2026-02-05"), (N, "2026-03-01"),
         (C, "2026-03-29")]),
    7: ("A", "A", C, 100_000, 90, "2026-03-30", 4, None,
        [(PR, "2026-02-15"), (N, "2026-03-10"), (C, "2026-03-27")]),
    8: ("A", "A", P, 999_999, 10, "2026-05-01", 39, None, [(P, "2026-02-20")]),
    9: ("A", "A", W, 25_000, 100, "2026-02-28", "2026-02-14", 24_000,
        [(P, "2025-10-01"), (Q, "2025-11-01"), (PR, "2026-01-10"), (N, "2026-01-25"),
         (C, "2026-02-05"), (W, "2026-02-14")]),
    10: ("B", "B", W, 15_000, 100, "2026-03-15", "2026-03-03", 15_000,
         [(P, "2026-01-02"), (Q, "2026-01-15"), (PR, "2026-02-01"), (W, "2026-03-03")]),
    11: ("A", "A", W, 50_000, 100, "2025-11-30", "2025-11-20", 50_000,
         [(P, "2025-06-01"), (W, "2025-11-20")]),
    12: ("B", "A", W, 30_000, 100, "2025-12-15", "2025-12-10", 30_000,
         [(P, "2025-08-01"), (W, "2025-12-10")]),
    13: ("A", "A", L, 12_000, 0, "2026-02-15", "2026-02-01", None,
         [(P, "2026-01-08"), (L, "2026-02-01")]),
    14: ("A", "A", L, 18_000, 0, "2026-03-20", "2026-03-01", None,
         [(P, "2025-11-15"), (Q, "2026-02-10"), (L, "2026-03-01")]),
}  # fmt: skip


@dataclass
class ReportWorld:
    a: object
    b: object
    opportunities: dict[int, Opportunity]
    industry: Industry


def build_report_world(*, executive_a, executive_b) -> ReportWorld:
    owners = {"A": executive_a, "B": executive_b}
    industry = Industry.objects.create(name="Industria del informe")
    clients = {}
    opportunities = {}
    changes = []
    for number, (
        owner,
        segment,
        stage,
        value,
        probability,
        close,
        when,
        actual,
        moves,
    ) in PLAN.items():
        key = (owner, segment)
        if key not in clients:
            clients[key] = ClientFactory.create(
                owner=owners[owner], segment=segment, industry=industry if segment == "A" else None
            )
        closed = stage in (W, L)
        opportunity = OpportunityFactory.create(
            name=f"Oportunidad {number}",
            client=clients[key],
            owner=owners[owner],
            stage=stage,
            estimated_value=Decimal(value),
            probability=probability,
            expected_close_date=date.fromisoformat(close),
            stage_changed_at=at(when) if closed else NOW - timedelta(days=when),
            closed_on=date.fromisoformat(when) if closed else None,
            actual_value=Decimal(actual) if actual is not None else None,
        )
        opportunities[number] = opportunity
        previous = ""
        for to_stage, day in moves:
            changes.append(
                StageChange(
                    opportunity=opportunity,
                    from_stage=previous,
                    to_stage=to_stage,
                    probability=probability,
                    changed_at=at(day),
                )
            )
            previous = to_stage
    StageChange.objects.bulk_create(changes)
    return ReportWorld(executive_a, executive_b, opportunities, industry)
