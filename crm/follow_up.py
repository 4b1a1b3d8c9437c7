"""Follow-up discipline from the FAQ "¿Con qué frecuencia debo dar seguimiento?".

An open opportunity "requires follow-up" when nothing is planned for it and it has not been
touched (an activity done, or a stage move) for longer than its stage's frequency
(StageSetting.follow_up_days: Prospección 14 days, Calificación 7, Propuesta 5, …).
"""

from datetime import timedelta

from django.db.models import Case, DateTimeField, Exists, F, OuterRef, QuerySet, Value, When
from django.utils import timezone

from crm.models import OPEN_STAGES, Activity, Opportunity, StageSetting


def requiring_follow_up(opportunities: QuerySet[Opportunity]) -> QuerySet[Opportunity]:
    """The SQL form of the rule: two anti-joins against activities (no per-row subquery
    to evaluate), so it stays usable on the whole team's pipeline."""
    now = timezone.now()
    frequencies = dict(
        StageSetting.objects.filter(
            stage__in=OPEN_STAGES, follow_up_days__isnull=False
        ).values_list("stage", "follow_up_days")
    )
    if not frequencies:
        return opportunities.none()
    stale_before = Case(
        *[
            When(stage=stage, then=Value(now - timedelta(days=days)))
            for stage, days in frequencies.items()
        ],
        output_field=DateTimeField(),
    )
    live = Activity.objects.filter(
        opportunity=OuterRef("pk"), deleted_at__isnull=True, cancelled_at__isnull=True
    )
    return (
        opportunities.filter(stage__in=list(frequencies))
        .annotate(stale_before=stale_before)
        .filter(stage_changed_at__lt=F("stale_before"))
        .exclude(Exists(live.filter(done_at__isnull=True, scheduled_at__isnull=False)))
        .exclude(Exists(live.filter(done_at__gte=OuterRef("stale_before"))))
    )


def needs_follow_up(opportunity: Opportunity, *, follow_up_days: int | None) -> bool:
    """The same rule for one opportunity already annotated by with_activity_dates()."""
    if not opportunity.is_open or follow_up_days is None:
        return False
    if getattr(opportunity, "next_activity_at", None) is not None:
        return False
    touches = [opportunity.stage_changed_at, getattr(opportunity, "last_activity_at", None)]
    last = max(touch for touch in touches if touch is not None)
    return last < timezone.now() - timedelta(days=follow_up_days)
