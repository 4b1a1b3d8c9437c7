"""Setting the Metas of a month or quarter (managers only)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import is_manager
from accounts.selectors import assignable_executives
from crm.models import GoalPeriod, SalesGoal
from crm.models.goals import period_start


@dataclass(frozen=True)
class GoalInput:
    executive_id: int
    won_value: Decimal | None
    new_opportunities: int | None = None
    activities: int | None = None


@transaction.atomic
def goals_save(*, user: User, period: str, starts_on: date, goals: list[GoalInput]) -> int:
    """Save each executive's targets for the period; an emptied goal keeps its row with no
    targets. Returns how many rows were written."""
    if not is_manager(user):
        raise PermissionDenied
    if period not in GoalPeriod.values or starts_on != period_start(period, starts_on):
        raise ValidationError(_("Choose a month or a quarter from its first day."))
    allowed = set(assignable_executives().values_list("pk", flat=True))
    if any(goal.executive_id not in allowed for goal in goals):
        raise ValidationError(_("Goals are set only for executives of the team."))
    for goal in goals:
        SalesGoal.objects.update_or_create(
            executive_id=goal.executive_id,
            period=period,
            starts_on=starts_on,
            defaults={
                "won_value": goal.won_value,
                "new_opportunities": goal.new_opportunities,
                "activities": goal.activities,
                "set_by": user,
            },
        )
    return len(goals)
