"""Reads of opportunities and activities, scoped to what the user may see."""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import CompanySettings, Visibility
from accounts.roles import is_manager
from crm.models import (
    Activity,
    Opportunity,
    OpportunityUserObjectPermission,
    StageChange,
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


def get_opportunity_for_user_or_404(*, user, pk: int, follow_up_state: bool = False) -> Opportunity:
    """One opportunity in the user's scope with its activity dates (and, for its page, its
    follow-up state: one more small query), or 404."""
    queryset = opportunities_visible_to(user=user).select_related(
        "client", "contact", "owner", "winning_competitor"
    )
    if follow_up_state:
        queryset = queryset.with_follow_up_state()
    else:
        queryset = queryset.with_activity_dates()
    return get_object_or_404(queryset, pk=pk)


def stage_history(*, opportunity: Opportunity) -> QuerySet[StageChange]:
    return opportunity.stage_changes.select_related("changed_by")


def activities_of(*, opportunity: Opportunity) -> QuerySet[Activity]:
    return opportunity.activities.select_related("owner", "contact")


def deleted_opportunities_visible_to(*, user) -> QuerySet[Opportunity]:
    """The recycle bin: admins see every deleted opportunity, others those they deleted."""
    return deleted_visible_to(Opportunity, user=user).select_related("client")
