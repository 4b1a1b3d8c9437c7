from datetime import datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Notification
from crm.reminders import send_daily_digests, send_due_reminders
from tests.factories import ActivityFactory, ClientFactory

pytestmark = pytest.mark.django_db

CARACAS = timezone.get_fixed_timezone(-240)
NINE = datetime(2026, 11, 27, 9, 0, tzinfo=CARACAS)


def test_a_reminder_goes_once_within_the_owners_lead_time(django_capture_on_commit_callbacks):
    with time_machine.travel(NINE, tick=False):
        soon = ActivityFactory(scheduled_at=NINE + timedelta(minutes=20))
        later = ActivityFactory(scheduled_at=NINE + timedelta(minutes=45))
        with django_capture_on_commit_callbacks(execute=True):
            assert send_due_reminders() == 1
            assert send_due_reminders() == 0
        assert Notification.objects.get().recipient == soon.owner
        assert len(mail.outbox) == 1 and soon.subject in mail.outbox[0].subject
        later.refresh_from_db()
        assert later.reminder_sent_at is None


def test_the_lead_time_is_per_user(django_capture_on_commit_callbacks):
    with time_machine.travel(NINE, tick=False):
        activity = ActivityFactory(scheduled_at=NINE + timedelta(minutes=50))
        activity.owner.reminder_minutes = 60
        activity.owner.save()
        with django_capture_on_commit_callbacks(execute=True):
            assert send_due_reminders() == 1


def test_done_cancelled_past_and_deleted_client_activities_get_no_reminder():
    with time_machine.travel(NINE, tick=False):
        ActivityFactory(scheduled_at=NINE + timedelta(minutes=10), done_at=NINE)
        ActivityFactory(scheduled_at=NINE + timedelta(minutes=10), cancelled_at=NINE)
        ActivityFactory(scheduled_at=NINE - timedelta(minutes=10))
        gone = ActivityFactory(scheduled_at=NINE + timedelta(minutes=10))
        gone.client.deleted_at = NINE
        gone.client.save()
        assert send_due_reminders() == 0


def test_a_rescheduled_activity_is_reminded_again():
    from crm.services.activities import activity_reschedule

    with time_machine.travel(NINE, tick=False) as traveller:
        activity = ActivityFactory(scheduled_at=NINE + timedelta(minutes=10))
        assert send_due_reminders() == 1
        activity.refresh_from_db()
        activity_reschedule(
            user=activity.owner,
            activity_id=activity.pk,
            expected_version=activity.version,
            scheduled_at=NINE + timedelta(days=1),
        )
        traveller.move_to(NINE + timedelta(days=1, minutes=-5))
        assert send_due_reminders() == 1


def test_the_daily_digest_goes_once_a_day_after_the_digest_hour(
    django_capture_on_commit_callbacks,
):
    client = ClientFactory()
    owner = client.owner
    ActivityFactory(opportunity__client=client, scheduled_at=NINE + timedelta(hours=3))
    ActivityFactory(opportunity__client=client, scheduled_at=NINE - timedelta(days=2))
    ActivityFactory(opportunity__client=client, scheduled_at=NINE + timedelta(days=3))
    with time_machine.travel(NINE - timedelta(hours=3), tick=False):  # 06:00, before 07:00
        assert send_daily_digests() == 0
    with time_machine.travel(NINE, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert send_daily_digests() == 1
            assert send_daily_digests() == 0
        digest = Notification.objects.get(recipient=owner)
        assert "2" in digest.subject and "1" in digest.subject
    with time_machine.travel(NINE + timedelta(days=1), tick=False):
        assert send_daily_digests() == 1


def test_no_digest_for_someone_with_nothing_to_do(executive):
    with time_machine.travel(NINE, tick=False):
        assert send_daily_digests() == 0
        assert not Notification.objects.exists()


def test_the_command_can_run_twice_without_sending_twice(capsys):
    with time_machine.travel(NINE, tick=False):
        ActivityFactory(scheduled_at=NINE + timedelta(minutes=5))
        call_command("send_reminders")
        call_command("send_reminders")
    output = capsys.readouterr().out.splitlines()
    assert output[0].startswith("1 reminders") and output[1].startswith("0 reminders")
