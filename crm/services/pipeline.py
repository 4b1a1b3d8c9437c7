"""Writes of the pipeline board that combine the core opportunity services."""

from django.db import transaction

from accounts.models import User
from crm.models import BANT_FIELDS, Opportunity
from crm.services.opportunities import opportunity_move_stage, opportunity_update


@transaction.atomic
def opportunity_qualify_and_move(
    *, user: User, opportunity_id: int, expected_version: int, bant: dict, to_stage: str
) -> Opportunity:
    """Record the BANT answers and move the stage in one step: what the board asks for when
    a lead leaves Prospección unqualified. Both writes or neither: a refused move (stale
    version, FAQ rule) leaves the answers unsaved, so the form can be sent again as is."""
    data = {name: bant[name] for name in BANT_FIELDS if name in bant}
    qualified = opportunity_update(
        user=user, opportunity_id=opportunity_id, expected_version=expected_version, data=data
    )
    return opportunity_move_stage(
        user=user,
        opportunity_id=opportunity_id,
        expected_version=qualified.version,
        to_stage=to_stage,
    )
