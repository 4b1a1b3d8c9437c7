"""Reads of opportunities and activities, scoped to what the user may see."""

from django.db.models import BooleanField, ExpressionWrapper, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import CompanySettings, Visibility
from accounts.roles import is_manager
from crm.models import (
    Activity,
    Opportunity,
    OpportunityUserObjectPermission,
    StageChange,
    StageSetting,
)
from crm.recycle_bin import deleted_visible_to


def sees_every_opportunity(*, user) -> bool:
    """Whether the user's scope is every live opportunity (a manager, or "all" visibility):
    callers such as the documents list then skip matching against the whole table."""
    return is_manager(user) or CompanySettings.load().opportunity_visibility == Visibility.ALL


def opportunities_visible_to(*, user) -> QuerySet[Opportunity]:
    """Live opportunities of live clients the user may see.

    Managers and admins see all; executives all in "all" mode, and in "own" mode those they
    own or that were shared with them (guardian's direct-FK table, one subquery).
    """
    opportunities = Opportunity.objects.filter(client__deleted_at__isnull=True)
    if sees_every_opportunity(user=user):
        return opportunities
    shared = OpportunityUserObjectPermission.objects.filter(
        user=user, permission__codename="view_opportunity"
    ).values("content_object_id")
    return opportunities.filter(Q(owner=user) | Q(pk__in=shared))


def with_activity_dates(opportunities: QuerySet[Opportunity]) -> QuerySet[Opportunity]:
    """Annotate "Última actividad" and "Próxima actividad" (date and subject), whether the
    next one is overdue and the stage's follow-up frequency (for "Requiere seguimiento",
    see crm.follow_up.needs_follow_up), with correlated subqueries: no query per row."""
    live = Activity.objects.filter(opportunity=OuterRef("pk"), deleted_at__isnull=True)
    last = live.filter(done_at__isnull=False).order_by("-done_at", "-pk")
    upcoming = live.filter(done_at__isnull=True, scheduled_at__isnull=False).order_by(
        "scheduled_at", "pk"
    )
    return opportunities.annotate(
        last_activity_at=Subquery(last.values("done_at")[:1]),
        last_activity_subject=Subquery(last.values("subject")[:1]),
        next_activity_at=Subquery(upcoming.values("scheduled_at")[:1]),
        next_activity_subject=Subquery(upcoming.values("subject")[:1]),
        # The earliest planned activity is overdue iff any is: compare it instead of an
        # EXISTS, which PostgreSQL plans as a scan of every activity.
        has_overdue_activity=ExpressionWrapper(
            Q(next_activity_at__lt=timezone.now()), output_field=BooleanField()
        ),
        follow_up_days=Subquery(
            StageSetting.objects.filter(stage=OuterRef("stage")).values("follow_up_days")[:1]
        ),
    )


def get_opportunity_for_user_or_404(*, user, pk: int) -> Opportunity:
    queryset = with_activity_dates(
        opportunities_visible_to(user=user).select_related(
            "client", "contact", "owner", "winning_competitor"
        )
    )
    return get_object_or_404(queryset, pk=pk)


def stage_history(*, opportunity: Opportunity) -> QuerySet[StageChange]:
    return opportunity.stage_changes.select_related("changed_by")


def activities_of(*, opportunity: Opportunity) -> QuerySet[Activity]:
    return opportunity.activities.select_related("owner", "contact")


def deleted_opportunities_visible_to(*, user) -> QuerySet[Opportunity]:
    """The recycle bin: admins see every deleted opportunity, others those they deleted."""
    return deleted_visible_to(Opportunity, user=user).select_related("client")
