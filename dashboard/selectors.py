from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum
from django.utils import timezone

from accounts.roles import is_manager
from contractors_ro.models import Contractor, ContractorStatus
from crm.models import OPEN_STAGES, Activity
from crm.selectors.complaints import OPEN_STATUSES, complaints_visible_to
from crm.selectors.opportunities import opportunities_visible_to
from projects_ro.models import Project, ProjectStatus


def home_figures(*, user) -> dict:
    """The dashboard's opening figures; each is one aggregate query whatever the volume."""
    projects = Project.objects.aggregate(
        total=Count("pk"), in_progress=Count("pk", filter=Q(status=ProjectStatus.IN_PROGRESS))
    )
    contractors = Contractor.objects.aggregate(
        active=Count("pk", filter=Q(status=ContractorStatus.ACTIVE))
    )
    return {
        "projects_total": projects["total"],
        "projects_in_progress": projects["in_progress"],
        "contractors_active": contractors["active"],
    }


def sales_figures(*, user, executive=None) -> dict:
    """The commercial figures of the dashboard: the user's own, or for a manager the whole
    team's (or one executive's). A fixed number of aggregate queries whatever the volume."""
    owner = executive if is_manager(user) else user
    opportunities = opportunities_visible_to(user=user).filter(stage__in=OPEN_STAGES)
    activities = Activity.objects.filter(
        done_at__isnull=True,
        cancelled_at__isnull=True,
        scheduled_at__isnull=False,
        client__deleted_at__isnull=True,
    )
    complaints = complaints_visible_to(user=user).filter(status__in=OPEN_STATUSES)
    if owner is not None:
        opportunities = opportunities.filter(owner=owner)
        activities = activities.filter(owner=owner)
        complaints = complaints.filter(owner=owner)
    weighted = ExpressionWrapper(
        F("estimated_value") * F("probability") / 100,
        output_field=DecimalField(max_digits=18, decimal_places=2),
    )
    pipeline = opportunities.aggregate(
        count=Count("pk"), value=Sum("estimated_value"), weighted=Sum(weighted)
    )
    now = timezone.now()
    end_of_day = timezone.localtime(now).replace(hour=23, minute=59, second=59)
    agenda = activities.aggregate(
        overdue=Count("pk", filter=Q(scheduled_at__lt=now)),
        today=Count("pk", filter=Q(scheduled_at__gte=now, scheduled_at__lte=end_of_day)),
    )
    # The board's badges, counted over the whole pipeline with the same rule (crm.follow_up).
    required = opportunities.requiring_follow_up(now=now)
    required_count = required.count()
    unplanned_count = opportunities.without_next_activity().count() - required_count
    stale = (
        required.select_related("client", "owner")
        .with_follow_up_state(now=now)
        .order_by("stage_changed_at")
    )
    return {
        "open_count": pipeline["count"],
        "open_value": pipeline["value"] or 0,
        "weighted_value": pipeline["weighted"] or 0,
        "overdue_activities": agenda["overdue"],
        "today_activities": agenda["today"],
        "open_complaints": complaints.count(),
        "follow_up_list": list(stale[:10]),
        "follow_up_count": required_count,
        "no_next_activity_count": unplanned_count,
    }
