"""Writes of action plans (the seed's step 7, "Crear plan de acción para mejorar pipeline")."""

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import VIEW, module_rights
from crm.models import ActionPlan, ActionPlanItem, Activity, ActivityType, Client
from crm.reports.filters import ReportFilters
from crm.services.activities import ActivityInput, activity_create


@dataclass
class ActionInput:
    description: str
    owner: User
    due_date: date


@transaction.atomic
def action_plan_create(
    *, user: User, filters: ReportFilters, report: str, objective: str, actions: list[ActionInput]
) -> ActionPlan:
    """Save a plan with the report's filters and period, its objective and its actions."""
    if not actions:
        raise ValidationError(_("Add at least one action, with its owner and date."))
    plan = ActionPlan(
        report=report,
        objective=objective,
        period_start=filters.start,
        period_end=filters.end,
        executive=filters.executive,
        segment=filters.segment,
        industry=filters.industry,
        report_query=filters.query_string()[:500],
        created_by=user,
    )
    plan.full_clean()
    plan.save()
    for action in actions:
        item = ActionPlanItem(
            plan=plan,
            description=action.description,
            owner=action.owner,
            due_date=action.due_date,
        )
        item.full_clean()
        item.save()
    return plan


@transaction.atomic
def action_plan_item_schedule(
    *, user: User, item_id: int, client: Client, type: str, scheduled_at: datetime
) -> Activity:
    """Turn an action into a planned activity of its owner, for a client the user may see
    (through the activity service, which keeps the client's and opportunity's facts)."""
    item = ActionPlanItem.objects.select_for_update().select_related("plan").get(pk=item_id)
    involved = user in (item.owner, item.plan.created_by)
    if not involved and VIEW not in module_rights(user, "team"):
        raise PermissionDenied
    if item.activity_id is not None:
        raise ValidationError(_("This action is already scheduled."))
    if type not in ActivityType.values:
        raise ValidationError({"type": _("Unknown activity type.")})
    activity = activity_create(
        user=user,
        client=client,
        owner=item.owner,
        data=ActivityInput(type=type, subject=item.description[:200], scheduled_at=scheduled_at),
    )
    item.activity = activity
    item.save(update_fields=["activity"])
    return activity
