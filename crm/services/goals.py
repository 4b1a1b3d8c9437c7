"""Setting the Metas of a month or quarter (managers only)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Currency, User
from accounts.roles import is_manager
from accounts.selectors import assignable_executives
from crm.models import GoalPeriod, SalesGoal
from crm.models.goals import period_start
from crm.services.currency import set_amount


@dataclass(frozen=True)
class GoalInput:
    executive_id: int
    won_value: Decimal | None
    new_opportunities: int | None = None
    activities: int | None = None
    won_value_currency: str = Currency.USD


@transaction.atomic
def goals_save(*, user: User, period: str, starts_on: date, goals: list[GoalInput]) -> int:
    """Save each executive's targets for the period; an emptied goal keeps its row with no
    targets. The won value target is frozen in USD and VES at the rate of the period's first
    day (the latest on or before it: today's latest for a future period), and kept as frozen
    while its amount and currency do not change. Returns how many rows were written."""
    if not is_manager(user):
        raise PermissionDenied
    if period not in GoalPeriod.values or starts_on != period_start(period, starts_on):
        raise ValidationError(_("Choose a month or a quarter from its first day."))
    allowed = set(assignable_executives().values_list("pk", flat=True))
    if any(goal.executive_id not in allowed for goal in goals):
        raise ValidationError(_("Goals are set only for executives of the team."))
    existing = {
        goal.executive_id: goal
        for goal in SalesGoal.objects.select_for_update().filter(
            period=period, starts_on=starts_on, executive_id__in=[g.executive_id for g in goals]
        )
    }
    for goal in goals:
        row = existing.get(goal.executive_id) or SalesGoal(
            executive_id=goal.executive_id, period=period, starts_on=starts_on
        )
        set_amount(
            row,
            "won_value",
            amount=goal.won_value,
            currency=goal.won_value_currency,
            on=starts_on,
        )
        row.new_opportunities = goal.new_opportunities
        row.activities = goal.activities
        row.set_by = user
        row.save()
    return len(goals)
