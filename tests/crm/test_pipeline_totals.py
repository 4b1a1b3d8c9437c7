"""The board's stage totals and the list's totals (one GROUP BY on the covering index, summed
by probability in Python) always equal the totals computed afresh from the rows, after every
kind of write that changes them, in "all" and "own" visibility."""

from decimal import Decimal

import pytest

from accounts.models import CompanySettings, Visibility
from accounts.roles import Role
from crm.models import OPEN_STAGES, Opportunity, Stage
from crm.opportunities.filters import BoardFilter, OpportunityFilter
from crm.opportunities.selectors.board import pipeline_board
from crm.opportunities.selectors.list import opportunity_list_totals
from crm.opportunities.selectors.visibility import opportunities_visible_to
from crm.opportunities.services import (
    opportunity_delete,
    opportunity_move_stage,
    opportunity_restore,
    opportunity_update,
)
from crm.services.clients import client_delete, client_restore
from tests.factories import ClientFactory, OpportunityFactory, UserFactory

pytestmark = pytest.mark.django_db
CENTS = Decimal("0.01")


def fresh(rows) -> tuple[int, Decimal, Decimal]:
    """Count, Σ value and Σ value × probability / 100 of `rows`, one row at a time."""
    rows = list(rows)
    total = sum((row.estimated_value for row in rows), Decimal(0))
    weighted = sum((row.estimated_value * row.probability for row in rows), Decimal(0)) / 100
    return len(rows), total.quantize(CENTS), weighted.quantize(CENTS)


def assert_totals_are_fresh(user):
    visible = opportunities_visible_to(user=user)
    columns = pipeline_board(user=user, filters=BoardFilter({}))
    for column in columns:
        totals = column.totals
        expected = fresh(visible.filter(stage=column.stage))
        assert (totals.count, totals.total, totals.weighted) == expected, column.stage
    totals = opportunity_list_totals(user=user, filters=OpportunityFilter({}))
    assert (totals.count, totals.total, totals.weighted) == fresh(visible)
    totals = opportunity_list_totals(user=user, filters=OpportunityFilter({"stage": ["proposal"]}))
    assert (totals.count, totals.total, totals.weighted) == fresh(visible.filter(stage="proposal"))


@pytest.fixture
def world():
    manager = UserFactory(roles=[Role.MANAGER])
    owners = [UserFactory(roles=[Role.EXECUTIVE]) for _ in range(2)]
    stages = [*OPEN_STAGES, Stage.WON, Stage.LOST]
    for n in range(30):
        OpportunityFactory(
            client=ClientFactory(owner=owners[n % 2]),
            stage=stages[n % len(stages)],
            estimated_value=Decimal("1234.57") * (n + 1),
            probability=(7 * n) % 101,
        )
    return manager, owners


@pytest.mark.parametrize("visibility", [Visibility.VIEW_ALL, Visibility.OWN])
def test_the_totals_equal_a_fresh_aggregate_after_every_kind_of_write(world, visibility):
    manager, owners = world
    settings = CompanySettings.load()
    settings.client_visibility = settings.opportunity_visibility = visibility
    settings.save()
    users = [manager, *owners]

    def check():
        for user in users:
            assert_totals_are_fresh(user)

    check()
    # A new opportunity.
    created = OpportunityFactory(
        client=ClientFactory(owner=owners[0]),
        stage=Stage.PROPOSAL,
        estimated_value=Decimal("999.99"),
        probability=33,
    )
    check()
    # Its value and probability edited.
    edited = opportunity_update(
        user=manager,
        opportunity_id=created.pk,
        expected_version=created.version,
        data={"estimated_value": Decimal("5000.01"), "probability": 71},
    )
    check()
    # Moved to another stage, then won (out of the open stages).
    moved = opportunity_move_stage(
        user=manager,
        opportunity_id=edited.pk,
        expected_version=edited.version,
        to_stage=Stage.NEGOTIATION,
    )
    check()
    Opportunity.objects.filter(pk=moved.pk).update(stage=Stage.WON)
    check()
    # Deleted and restored.
    victim = Opportunity.objects.filter(stage=Stage.QUALIFICATION).first()
    opportunity_delete(user=manager, opportunity_id=victim.pk)
    check()
    opportunity_restore(user=manager, opportunity_id=victim.pk)
    check()
    # Its client deleted (its opportunities leave every total) and restored.
    client_delete(user=manager, client_id=victim.client_id)
    check()
    assert not opportunities_visible_to(user=manager).filter(pk=victim.pk).exists()
    client_restore(user=manager, client_id=victim.client_id)
    check()
    # Reassigned to the other executive (the "own" scope moves with it).
    opportunity_update(
        user=manager,
        opportunity_id=victim.pk,
        expected_version=Opportunity.objects.get(pk=victim.pk).version,
        data={"owner": owners[1] if victim.owner_id == owners[0].pk else owners[0]},
    )
    check()


def test_the_totals_of_an_empty_pipeline_are_zero(db):
    manager = UserFactory(roles=[Role.MANAGER])
    assert_totals_are_fresh(manager)
    totals = opportunity_list_totals(user=manager, filters=OpportunityFilter({}))
    assert (totals.count, str(totals.total), str(totals.weighted)) == (0, "0.00", "0.00")
