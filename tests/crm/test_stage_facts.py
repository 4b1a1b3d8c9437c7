"""The stage facts (advanced later, previous entry into the same stage) kept on every
stage-change row: after every service that changes a stage, and after a bulk load, the kept
values are what a fresh computation gives (crm.services.stage_facts.recompute_all) and what
the definition says, computed here in Python from the rows themselves."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from crm.models import ActivityType, Stage, StageChange
from crm.models.opportunities import FORWARD_STAGES
from crm.opportunities.services import (
    LostDetails,
    WonDetails,
    opportunity_create,
    opportunity_edit,
    opportunity_log_follow_up,
    opportunity_move_stage,
    opportunity_qualify_and_move,
)
from crm.services.activities import ActivityInput
from crm.services.stage_facts import recompute_all, refresh_stage_facts
from tests.factories import ClientFactory, OpportunityFactory

pytestmark = pytest.mark.django_db

FACTS = ("advanced", "previous_entry_at")
BANT = {"bant_budget": True, "bant_authority": True, "bant_need": True, "bant_timeline": True}


def kept() -> dict:
    return {row[0]: row[1:] for row in StageChange.objects.values_list("pk", *FACTS)}


def position(stage: str) -> int:
    return FORWARD_STAGES.index(stage) if stage in FORWARD_STAGES else -1


def by_definition() -> dict:
    """Advanced: another change of the opportunity at this moment or later went to a stage
    further right (Perdida never is). Previous entry: the latest earlier change (by moment,
    then id) of the opportunity into the same stage."""
    rows = list(StageChange.objects.all())
    facts = {}
    for row in rows:
        mine = [other for other in rows if other.opportunity_id == row.opportunity_id]
        advanced = any(
            other.changed_at >= row.changed_at
            and other.to_stage in FORWARD_STAGES
            and position(other.to_stage) > position(row.to_stage)
            for other in mine
        )
        earlier = sorted(
            (
                other
                for other in mine
                if other.to_stage == row.to_stage
                and (other.changed_at, other.pk) < (row.changed_at, row.pk)
            ),
            key=lambda other: (other.changed_at, other.pk),
        )
        facts[row.pk] = (advanced, earlier[-1].changed_at if earlier else None)
    return facts


def assert_facts_are_kept():
    before = kept()
    assert before == by_definition()
    recompute_all(batch_size=2)
    assert kept() == before


@pytest.fixture
def world(executive, manager):
    """An opportunity in Calificación (entered from Prospección) and a second one untouched."""
    client = ClientFactory(owner=executive)
    first = OpportunityFactory(client=client, stage=Stage.PROSPECTING, **BANT)
    StageChange.objects.create(
        opportunity=first,
        to_stage=Stage.PROSPECTING,
        probability=10,
        changed_at=timezone.now() - timedelta(days=5),
    )
    first = opportunity_move_stage(
        user=executive,
        opportunity_id=first.pk,
        expected_version=first.version,
        to_stage=Stage.QUALIFICATION,
    )
    second = OpportunityFactory(client=client, stage=Stage.PROPOSAL, **BANT)
    StageChange.objects.create(
        opportunity=second, to_stage=Stage.PROPOSAL, probability=30, changed_at=timezone.now()
    )
    return {"executive": executive, "manager": manager, "client": client, "first": first}


def fresh(w):
    return type(w["first"]).objects.get(pk=w["first"].pk)


def move(w, to_stage, *, user=None, **details):
    first = fresh(w)
    opportunity_move_stage(
        user=user or w["executive"],
        opportunity_id=first.pk,
        expected_version=first.version,
        to_stage=to_stage,
        **details,
    )


def advance(w):
    move(w, Stage.NEGOTIATION)


def move_back(w):
    move(w, Stage.PROSPECTING)


def move_back_and_forth(w):
    move(w, Stage.PROSPECTING)
    move(w, Stage.QUALIFICATION)  # the second entry into Calificación


def win(w):
    move(
        w,
        Stage.WON,
        won=WonDetails(
            actual_value=Decimal("9000"), closed_on=timezone.localdate(), agreed_terms="30 días"
        ),
    )


def lose(w):
    move(w, Stage.LOST, lost=LostDetails(loss_reason="price"))


def lose_and_reopen(w):
    lose(w)
    move(w, Stage.PROPOSAL, user=w["manager"])


def create_opportunity(w):
    opportunity_create(
        user=w["executive"],
        data={
            "name": "Nueva",
            "client": w["client"],
            "estimated_value": Decimal("5000"),
            "expected_close_date": timezone.localdate() + timedelta(days=30),
            "owner": w["executive"],
        },
    )


def follow_up_moving(w):
    first = fresh(w)
    opportunity_log_follow_up(
        user=w["executive"],
        opportunity_id=first.pk,
        expected_version=first.version,
        done=ActivityInput(type=ActivityType.CALL, subject="Llamada"),
        to_stage=Stage.PROPOSAL,
    )


def qualify_and_move(w):
    first = fresh(w)
    opportunity_qualify_and_move(
        user=w["executive"],
        opportunity_id=first.pk,
        expected_version=first.version,
        bant={"bant_need": True},
        to_stage=Stage.PROPOSAL,
    )


def edit_with_stage(w):
    first = fresh(w)
    opportunity_edit(
        user=w["executive"],
        opportunity_id=first.pk,
        expected_version=first.version,
        data={"name": "Renombrada"},
        stage=Stage.CLOSING,
    )


SERVICES = [
    advance,
    move_back,
    move_back_and_forth,
    win,
    lose,
    lose_and_reopen,
    create_opportunity,
    follow_up_moving,
    qualify_and_move,
    edit_with_stage,
]


@pytest.mark.parametrize("service", SERVICES, ids=[service.__name__ for service in SERVICES])
def test_the_kept_facts_equal_the_recomputed_ones_after_every_service(world, service):
    assert_facts_are_kept()
    rows = StageChange.objects.count()

    service(world)

    assert StageChange.objects.count() > rows, "the service wrote no stage change"
    assert_facts_are_kept()


def test_an_entry_is_advanced_only_once_a_stage_further_right_is_reached(world):
    entered = StageChange.objects.get(opportunity=world["first"], to_stage=Stage.QUALIFICATION)
    assert entered.advanced is False
    move_back(world)  # Prospección is to the left: still not advanced
    entered.refresh_from_db()
    assert entered.advanced is False
    move(world, Stage.PROPOSAL)
    entered.refresh_from_db()
    assert entered.advanced is True


def test_a_second_entry_points_at_the_first(world):
    move_back_and_forth(world)
    first_entry, second_entry = StageChange.objects.filter(
        opportunity=world["first"], to_stage=Stage.QUALIFICATION
    ).order_by("changed_at", "pk")
    assert first_entry.previous_entry_at is None
    assert second_entry.previous_entry_at == first_entry.changed_at


def test_a_bulk_load_keeps_the_facts_too(world):
    opportunity = OpportunityFactory(client=world["client"])
    now = timezone.now()
    StageChange.objects.bulk_create(
        StageChange(opportunity=opportunity, to_stage=to, probability=0, changed_at=when)
        for to, when in [
            (Stage.PROSPECTING, now - timedelta(days=9)),
            (Stage.PROPOSAL, now - timedelta(days=5)),
            (Stage.PROSPECTING, now - timedelta(days=3)),
            (Stage.LOST, now - timedelta(days=1)),
        ]
    )
    assert_facts_are_kept()
    assert sorted(
        StageChange.objects.filter(opportunity=opportunity).values_list("to_stage", "advanced")
    ) == [("lost", False), ("proposal", False), ("prospecting", False), ("prospecting", True)]


def test_the_command_recomputes_facts_written_behind_the_models_back(world):
    move_back_and_forth(world)
    StageChange.objects.update(advanced=False, previous_entry_at=None)

    call_command("recompute_stage_facts", verbosity=0)

    assert_facts_are_kept()
    assert StageChange.objects.filter(previous_entry_at__isnull=False).exists()


def test_a_refresh_ignores_missing_ids_and_touches_only_the_rows_asked(world):
    StageChange.objects.update(advanced=True)

    refresh_stage_facts(opportunity_ids=[world["first"].pk, None])

    assert not StageChange.objects.get(
        opportunity=world["first"], to_stage=Stage.QUALIFICATION
    ).advanced
    assert StageChange.objects.exclude(opportunity=world["first"]).filter(advanced=True).exists()
