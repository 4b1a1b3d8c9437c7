"""Reads of action plans: a manager (the "team" module) sees every plan; an executive the
plans they created and those with an action assigned to them."""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.roles import VIEW, module_rights
from crm.models import ActionPlan, ActionPlanItem


def action_plans_visible_to(*, user: User) -> QuerySet[ActionPlan]:
    plans = ActionPlan.objects.select_related("created_by", "executive", "industry")
    if VIEW in module_rights(user, "team"):
        return plans
    assigned = ActionPlanItem.objects.filter(plan=OuterRef("pk"), owner=user)
    return plans.filter(Q(created_by=user) | Exists(assigned))


def get_action_plan_for_user_or_404(*, user: User, pk: int) -> ActionPlan:
    items = ActionPlanItem.objects.select_related("owner", "activity", "activity__client")
    return get_object_or_404(
        action_plans_visible_to(user=user).prefetch_related(Prefetch("items", queryset=items)),
        pk=pk,
    )


def get_action_for_user_or_404(*, user: User, pk: int) -> ActionPlanItem:
    plans = action_plans_visible_to(user=user)
    return get_object_or_404(
        ActionPlanItem.objects.select_related("plan", "owner", "activity").filter(
            plan__in=plans.values("pk")
        ),
        pk=pk,
    )
