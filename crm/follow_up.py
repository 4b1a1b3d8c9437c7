"""Follow-up discipline from the FAQ "¿Con qué frecuencia debo dar seguimiento?"."""

from datetime import timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from crm.models import OPEN_STAGES, Activity, Opportunity, StageSetting


def requiring_follow_up(opportunities: QuerySet[Opportunity]) -> QuerySet[Opportunity]:
    """Open opportunities with no planned activity whose last done activity (or, without
    one, their arrival in the stage) is older than their stage's follow-up frequency."""
    now = timezone.now()
    live = Activity.objects.filter(
        opportunity=OuterRef("pk"), deleted_at__isnull=True, cancelled_at__isnull=True
    )
    last_done = live.filter(done_at__isnull=False).order_by("-done_at").values("done_at")[:1]
    stale = Q(pk__in=[])
    for stage, days in StageSetting.objects.filter(
        stage__in=OPEN_STAGES, follow_up_days__isnull=False
    ).values_list("stage", "follow_up_days"):
        stale |= Q(stage=stage, last_touch_at__lt=now - timedelta(days=days))
    return (
        opportunities.filter(stage__in=OPEN_STAGES)
        .annotate(
            last_touch_at=Coalesce(Subquery(last_done), "stage_changed_at"),
            has_planned=Exists(live.filter(done_at__isnull=True, scheduled_at__isnull=False)),
        )
        .filter(stale, has_planned=False)
    )


def needs_follow_up(opportunity: Opportunity, *, follow_up_days: int | None) -> bool:
    """The same rule for one opportunity already annotated by with_activity_dates()."""
    if not opportunity.is_open or follow_up_days is None:
        return False
    if getattr(opportunity, "next_activity_at", None) is not None:
        return False
    last = getattr(opportunity, "last_activity_at", None) or opportunity.stage_changed_at
    return last < timezone.now() - timedelta(days=follow_up_days)
