from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Notification
from accounts.roles import Role
from crm.models import ActivityType, Complaint, ComplaintStatus, Opportunity, Stage
from crm.services.activities import (
    ActivityInput,
    ActivityResult,
    activities_cancel,
    activity_cancel,
    activity_complete,
    activity_create,
    consecutive_unanswered_attempts,
)
from crm.services.complaints import complaint_create, complaint_from_activity, complaint_update
from tests.factories import ActivityFactory, ClientFactory, OpportunityFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_done_activity_cannot_be_in_the_future():
    client = ClientFactory()
    with pytest.raises(ValidationError):
        activity_create(
            user=client.owner,
            client=client,
            data=ActivityInput(
                type="call", subject="x", done_at=timezone.now() + timedelta(hours=1)
            ),
        )


def test_an_activity_needs_a_client():
    from crm.models import Activity

    with pytest.raises(ValidationError) as error:
        Activity(type="call", subject="x", owner=UserFactory(), done_at=timezone.now()).full_clean()
    assert "client" in error.value.message_dict


def test_completing_a_meeting_records_the_minutes_and_schedules_the_next_follow_up():
    meeting = ActivityFactory(type=ActivityType.MEETING)
    next_date = timezone.now() + timedelta(days=7)
    done = activity_complete(
        user=meeting.owner,
        activity_id=meeting.pk,
        expected_version=1,
        result=ActivityResult(
            participants="Ana, Luis",
            topics="Alcance",
            agreements="Enviar propuesta",
            next_steps="Cotizar",
        ),
        next_activity=ActivityInput(type="call", subject="Seguimiento", scheduled_at=next_date),
    )
    assert done.done_at is not None and done.agreements == "Enviar propuesta"
    assert meeting.opportunity.activities.filter(scheduled_at=next_date).exists()


@pytest.mark.parametrize("level", [0, 6])
def test_satisfaction_is_between_1_and_5(level):
    activity = ActivityFactory(type=ActivityType.SATISFACTION_CALL)
    with pytest.raises(ValidationError):
        activity_complete(
            user=activity.owner,
            activity_id=activity.pk,
            expected_version=1,
            result=ActivityResult(satisfaction_level=level),
        )


def test_a_cancelled_activity_cannot_be_completed():
    activity = ActivityFactory()
    activity_cancel(user=activity.owner, activity_id=activity.pk, expected_version=1)
    with pytest.raises(ValidationError):
        activity_complete(
            user=activity.owner,
            activity_id=activity.pk,
            expected_version=2,
            result=ActivityResult(),
        )


def test_consecutive_unanswered_attempts_stop_at_the_last_answer():
    opportunity = OpportunityFactory()
    now = timezone.now()
    for minutes, answered in [(50, True), (40, False), (30, False), (20, None), (10, False)]:
        ActivityFactory(
            opportunity=opportunity,
            type=ActivityType.CALL,
            scheduled_at=None,
            done_at=now - timedelta(minutes=minutes),
            answered=answered,
        )
    assert consecutive_unanswered_attempts(opportunity=opportunity) == 3


def done(opportunity, minutes_ago, kind=ActivityType.CALL, answered=None, **kwargs):
    return ActivityFactory(
        opportunity=opportunity,
        type=kind,
        scheduled_at=None,
        done_at=timezone.now() - timedelta(minutes=minutes_ago),
        answered=answered,
        **kwargs,
    )


def test_a_meeting_held_resets_the_unanswered_attempts():
    opportunity = OpportunityFactory()
    done(opportunity, 50, answered=False)
    done(opportunity, 40, answered=False)
    done(opportunity, 30, ActivityType.MEETING)
    done(opportunity, 20, ActivityType.WHATSAPP, answered=False)
    done(opportunity, 10, ActivityType.TASK)  # not a contact attempt
    assert consecutive_unanswered_attempts(opportunity=opportunity) == 1


def test_only_the_opportunitys_own_attempts_count_and_in_one_query(django_assert_num_queries):
    opportunity = OpportunityFactory()
    for minutes in range(60):
        done(opportunity, minutes + 1, ActivityType.EMAIL, answered=False)
    done(OpportunityFactory(client=opportunity.client), 1, answered=False)
    done(opportunity, 100, answered=True)
    with django_assert_num_queries(1):
        assert consecutive_unanswered_attempts(opportunity=opportunity) == 60


def test_closing_cancels_only_the_chosen_planned_activities_through_the_activity_service():
    opportunity = OpportunityFactory(stage=Stage.NEGOTIATION)
    chosen = ActivityFactory(opportunity=opportunity)
    kept = ActivityFactory(opportunity=opportunity)
    other = ActivityFactory()

    cancelled = activities_cancel(
        user=opportunity.owner, opportunity=opportunity, activity_ids=[chosen.pk, other.pk]
    )

    assert cancelled == 1
    chosen.refresh_from_db()
    kept.refresh_from_db()
    other.refresh_from_db()
    assert chosen.cancelled_at is not None and chosen.version == 2
    assert kept.cancelled_at is None and other.cancelled_at is None


def test_stale_opportunities_require_follow_up():
    old = timezone.now() - timedelta(days=20)
    stale = OpportunityFactory(stage=Stage.PROSPECTING, stage_changed_at=old)
    fresh = OpportunityFactory(stage=Stage.PROSPECTING)
    planned = OpportunityFactory(stage=Stage.PROSPECTING, stage_changed_at=old)
    ActivityFactory(opportunity=planned)
    touched = OpportunityFactory(stage=Stage.NEGOTIATION, stage_changed_at=old)
    ActivityFactory(
        opportunity=touched, scheduled_at=None, done_at=timezone.now() - timedelta(days=1)
    )
    closed = OpportunityFactory(stage=Stage.WON, stage_changed_at=old)
    flagged = set(Opportunity.objects.requiring_follow_up())
    assert flagged == {stale}
    assert fresh not in flagged and closed not in flagged


def test_a_complaint_notifies_its_area_and_resolution_notifies_the_executive():
    operations = UserFactory(roles=[Role.OPERATIONS])
    client = ClientFactory()
    complaint = complaint_create(
        user=client.owner,
        client=client,
        data={
            "subject": "Retraso en la obra",
            "description": "La cuadrilla no llegó",
            "area": "operations",
            "priority": "high",
        },
    )
    assert Notification.objects.filter(recipient=operations).count() == 1

    with pytest.raises(ValidationError) as error:
        complaint_update(
            user=operations,
            complaint_id=complaint.pk,
            expected_version=1,
            data={"status": ComplaintStatus.RESOLVED},
        )
    assert "resolution" in error.value.message_dict

    complaint_update(
        user=operations,
        complaint_id=complaint.pk,
        expected_version=1,
        data={"status": ComplaintStatus.RESOLVED, "resolution": "Cuadrilla reprogramada"},
    )
    assert Notification.objects.filter(recipient=client.owner).count() == 1


def test_closing_a_complaint_needs_the_clients_satisfaction():
    client = ClientFactory()
    complaint = complaint_create(
        user=client.owner,
        client=client,
        data={"subject": "x", "description": "y", "area": "finance", "priority": "low"},
    )
    with pytest.raises(ValidationError) as error:
        complaint_update(
            user=client.owner,
            complaint_id=complaint.pk,
            expected_version=1,
            data={"status": ComplaintStatus.CLOSED, "resolution": "Nota de crédito"},
        )
    assert "client_satisfied" in error.value.message_dict
    closed = complaint_update(
        user=client.owner,
        complaint_id=complaint.pk,
        expected_version=1,
        data={
            "status": ComplaintStatus.CLOSED,
            "resolution": "Nota de crédito",
            "client_satisfied": True,
        },
    )
    assert closed.closed_at is not None


def test_a_satisfaction_call_with_problems_becomes_a_prefilled_complaint():
    call = ActivityFactory(type=ActivityType.SATISFACTION_CALL, problems="Factura con error")
    complaint = complaint_from_activity(
        user=call.owner, activity=call, area="finance", priority="medium"
    )
    assert complaint.description == "Factura con error"
    assert complaint.source_activity == call and complaint.client == call.client
    assert Complaint.objects.count() == 1
