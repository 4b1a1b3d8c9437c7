from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Notification
from accounts.roles import Role
from crm.concurrency import StaleVersionError
from crm.models import Activity, ActivityType, Competitor, Stage, StageChange, StageSetting
from crm.opportunities.services import (
    LostDetails,
    WonDetails,
    opportunity_create,
    opportunity_log_follow_up,
    opportunity_move_stage,
    opportunity_update,
)
from crm.services import ActivityInput
from tests.factories import ClientFactory, ContactFactory, OpportunityFactory, UserFactory

pytestmark = pytest.mark.django_db

BANT = {
    "bant_budget": True,
    "bant_authority": True,
    "bant_need": True,
    "bant_timeline": False,
    "bant_timeline_note": "Compra el próximo año",
}


def new_data(client, **overrides):
    data = {
        "name": "Mantenimiento de planta 2027",
        "client": client,
        "estimated_value": Decimal("25000.00"),
        "expected_close_date": timezone.localdate() + timedelta(days=45),
        "owner": client.owner,
    }
    data.update(overrides)
    return data


def won(**overrides):
    details = {
        "actual_value": Decimal("24000"),
        "closed_on": timezone.localdate(),
        "agreed_terms": "Pago a 30 días",
    }
    details.update(overrides)
    return WonDetails(**details)


def test_create_uses_the_stage_default_probability_and_writes_the_first_stage_row():
    client = ClientFactory()
    opportunity = opportunity_create(user=client.owner, data=new_data(client))
    assert opportunity.probability == 10 and not opportunity.probability_overridden
    row = StageChange.objects.get(opportunity=opportunity)
    assert (row.from_stage, row.to_stage, row.changed_by) == ("", Stage.PROSPECTING, client.owner)


def test_create_keeps_a_probability_set_by_hand_as_an_override():
    client = ClientFactory()
    opportunity = opportunity_create(user=client.owner, data=new_data(client), probability=40)
    assert opportunity.probability == 40 and opportunity.probability_overridden


def test_create_schedules_the_next_activity():
    client = ClientFactory()
    when = timezone.now() + timedelta(days=3)
    opportunity = opportunity_create(
        user=client.owner,
        data=new_data(client),
        next_activity=ActivityInput(type=ActivityType.CALL, subject="Llamar", scheduled_at=when),
    )
    activity = opportunity.activities.get()
    assert activity.scheduled_at == when and activity.done_at is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"expected_close_date": timezone.localdate() - timedelta(days=1)}, "expected_close_date"),
        ({"estimated_value": Decimal("-1")}, "estimated_value"),
    ],
)
def test_create_refuses_bad_input(overrides, field):
    client = ClientFactory()
    with pytest.raises(ValidationError) as error:
        opportunity_create(user=client.owner, data=new_data(client, **overrides))
    assert field in error.value.message_dict


def test_create_refuses_a_contact_of_another_client():
    client = ClientFactory()
    stranger = ContactFactory()
    with pytest.raises(ValidationError) as error:
        opportunity_create(user=client.owner, data=new_data(client, contact=stranger))
    assert "contact" in error.value.message_dict


def test_create_refuses_a_probability_over_100():
    client = ClientFactory()
    with pytest.raises(ValidationError):
        opportunity_create(user=client.owner, data=new_data(client), probability=101)


def test_leaving_prospecting_requires_bant():
    opportunity = OpportunityFactory()
    with pytest.raises(ValidationError) as error:
        opportunity_move_stage(
            user=opportunity.owner,
            opportunity_id=opportunity.pk,
            expected_version=1,
            to_stage=Stage.QUALIFICATION,
        )
    assert "BANT" in str(error.value)
    assert opportunity.stage_changes.count() == 0


def test_moving_applies_the_default_probability_and_writes_a_row():
    opportunity = OpportunityFactory(**BANT)
    moved = opportunity_move_stage(
        user=opportunity.owner,
        opportunity_id=opportunity.pk,
        expected_version=1,
        to_stage=Stage.QUALIFICATION,
    )
    assert moved.stage == Stage.QUALIFICATION and moved.probability == 25 and moved.version == 2
    row = moved.stage_changes.get()
    assert (row.from_stage, row.to_stage, row.probability) == (
        Stage.PROSPECTING,
        Stage.QUALIFICATION,
        25,
    )


def test_a_probability_override_survives_stage_moves():
    opportunity = OpportunityFactory(probability=33, probability_overridden=True, **BANT)
    moved = opportunity_move_stage(
        user=opportunity.owner,
        opportunity_id=opportunity.pk,
        expected_version=1,
        to_stage=Stage.PROPOSAL,
    )
    assert moved.probability == 33


def test_default_probabilities_are_admin_editable():
    StageSetting.objects.filter(stage=Stage.QUALIFICATION).update(default_probability=30)
    opportunity = OpportunityFactory(**BANT)
    moved = opportunity_move_stage(
        user=opportunity.owner,
        opportunity_id=opportunity.pk,
        expected_version=1,
        to_stage=Stage.QUALIFICATION,
    )
    assert moved.probability == 30


def test_two_people_moving_the_same_card_the_second_is_refused():
    opportunity = OpportunityFactory(**BANT)
    opportunity_move_stage(
        user=opportunity.owner,
        opportunity_id=opportunity.pk,
        expected_version=1,
        to_stage=Stage.QUALIFICATION,
    )
    with pytest.raises(StaleVersionError):
        opportunity_move_stage(
            user=opportunity.owner,
            opportunity_id=opportunity.pk,
            expected_version=1,
            to_stage=Stage.PROPOSAL,
        )
    assert opportunity.stage_changes.count() == 1


def test_winning_requires_value_date_and_terms():
    opportunity = OpportunityFactory(stage=Stage.NEGOTIATION, **BANT)
    with pytest.raises(ValidationError) as error:
        opportunity_move_stage(
            user=opportunity.owner,
            opportunity_id=opportunity.pk,
            expected_version=1,
            to_stage=Stage.WON,
            won=won(actual_value=None, agreed_terms=" "),
        )
    assert {"actual_value", "agreed_terms"} <= set(error.value.message_dict)


def test_a_won_sale_registers_the_activity_notifies_the_areas_and_plans_post_sale(
    django_capture_on_commit_callbacks,
):
    operations = UserFactory(roles=[Role.OPERATIONS], email="ops@rumbo.test")
    finance = UserFactory(roles=[Role.FINANCE], email="fin@rumbo.test")
    legal = UserFactory(roles=[Role.LEGAL], email="legal@rumbo.test")
    opportunity = OpportunityFactory(stage=Stage.CLOSING, **BANT)
    post_sale = timezone.now() + timedelta(days=30)

    with django_capture_on_commit_callbacks(execute=True):
        won_opportunity = opportunity_move_stage(
            user=opportunity.owner,
            opportunity_id=opportunity.pk,
            expected_version=1,
            to_stage=Stage.WON,
            won=won(),
            follow_up=ActivityInput(
                type=ActivityType.SATISFACTION_CALL,
                subject="Seguimiento post-venta",
                scheduled_at=post_sale,
            ),
        )

    assert won_opportunity.probability == 100 and won_opportunity.actual_value == 24000
    assert opportunity.activities.filter(
        type=ActivityType.SALE_CLOSED, done_at__isnull=False
    ).exists()
    assert opportunity.activities.filter(scheduled_at=post_sale, done_at__isnull=True).exists()
    assert set(Notification.objects.values_list("recipient", flat=True)) == {
        operations.pk,
        finance.pk,
        legal.pk,
    }
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        ["ops@rumbo.test", "fin@rumbo.test", "legal@rumbo.test"]
    )
    assert "Pago a 30 días" in mail.outbox[0].body


def test_no_email_leaves_before_the_transaction_commits(django_capture_on_commit_callbacks):
    UserFactory(roles=[Role.FINANCE], email="fin@rumbo.test")
    opportunity = OpportunityFactory(stage=Stage.CLOSING, **BANT)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        opportunity_move_stage(
            user=opportunity.owner,
            opportunity_id=opportunity.pk,
            expected_version=1,
            to_stage=Stage.WON,
            won=won(requires_contract=False),
        )
    assert mail.outbox == [] and len(callbacks) == 1


def test_losing_to_competition_requires_the_competitor_and_grows_the_catalogue():
    opportunity = OpportunityFactory(stage=Stage.PROPOSAL, **BANT)
    with pytest.raises(ValidationError) as error:
        opportunity_move_stage(
            user=opportunity.owner,
            opportunity_id=opportunity.pk,
            expected_version=1,
            to_stage=Stage.LOST,
            lost=LostDetails(loss_reason="competition"),
        )
    assert "competitor_name" in error.value.message_dict

    Competitor.objects.create(name="Servicios Técnicos Andinos")
    lost = opportunity_move_stage(
        user=opportunity.owner,
        opportunity_id=opportunity.pk,
        expected_version=1,
        to_stage=Stage.LOST,
        lost=LostDetails(
            loss_reason="competition",
            competitor_name="servicios tecnicos andinos",
            lessons_learned="Bajar el precio de instalación",
        ),
    )
    assert lost.probability == 0 and lost.winning_competitor.name == "Servicios Técnicos Andinos"
    assert Competitor.objects.count() == 1


def test_follow_up_logs_the_activity_updates_probability_moves_and_schedules():
    opportunity = OpportunityFactory(stage=Stage.QUALIFICATION, **BANT)
    contact = ContactFactory(client=opportunity.client)
    updated = opportunity_log_follow_up(
        user=opportunity.owner,
        opportunity_id=opportunity.pk,
        expected_version=1,
        done=ActivityInput(
            type=ActivityType.CALL, subject="Llamada", notes="Pidió cotización", contact=contact
        ),
        probability=45,
        to_stage=Stage.PROPOSAL,
        next_activity=ActivityInput(
            type=ActivityType.QUOTE_SENT,
            subject="Enviar cotización",
            scheduled_at=timezone.now() + timedelta(days=4),
        ),
    )
    assert updated.stage == Stage.PROPOSAL and updated.probability == 45
    assert updated.probability_overridden
    assert Activity.objects.filter(opportunity=opportunity, done_at__isnull=False).count() == 1
    assert Activity.objects.filter(opportunity=opportunity, done_at__isnull=True).count() == 1


def test_only_a_manager_reassigns_the_owner(manager):
    opportunity = OpportunityFactory()
    colleague = UserFactory(roles=[Role.EXECUTIVE])
    with pytest.raises(PermissionDenied):
        opportunity_update(
            user=opportunity.owner,
            opportunity_id=opportunity.pk,
            expected_version=1,
            data={"owner": colleague},
        )
    updated = opportunity_update(
        user=manager, opportunity_id=opportunity.pk, expected_version=1, data={"owner": colleague}
    )
    assert updated.owner == colleague
    assert Notification.objects.filter(recipient=colleague).exists()
