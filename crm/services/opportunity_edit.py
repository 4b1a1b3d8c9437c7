"""The opportunity form's save on edit: one transaction over the existing services."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from crm.models import Opportunity, ProductService
from crm.services.activities import ActivityInput, activity_create
from crm.services.opportunities import opportunity_move_stage, opportunity_update


@transaction.atomic
def opportunity_edit(
    *,
    user: User,
    opportunity_id: int,
    expected_version: int,
    data: dict,
    products: Iterable[ProductService] | None = None,
    stage: str | None = None,
    next_activity: ActivityInput | None = None,
) -> Opportunity:
    """Save the edit form: the fields (opportunity_update), then, if another open stage was
    chosen, the move (opportunity_move_stage, the only writer of stage, so the BANT rule,
    the probability default and the StageChange row apply as on the board), then the next
    activity. All or nothing: a refused move leaves the fields unsaved too."""
    opportunity = opportunity_update(
        user=user,
        opportunity_id=opportunity_id,
        expected_version=expected_version,
        data=data,
        products=products,
    )
    if stage and stage != opportunity.stage:
        opportunity = opportunity_move_stage(
            user=user,
            opportunity_id=opportunity.pk,
            expected_version=opportunity.version,
            to_stage=stage,
        )
    if next_activity is not None:
        if next_activity.scheduled_at is not None and next_activity.scheduled_at < timezone.now():
            raise ValidationError({"scheduled_at": _("The next activity must be in the future.")})
        activity_create(
            user=user,
            client=opportunity.client,
            opportunity=opportunity,
            data=next_activity,
            owner=opportunity.owner,
        )
    return opportunity
