"""Writes of activities: scheduling and logging what was done."""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.concurrency import lock_and_check
from crm.history import record_changes, snapshot
from crm.models import CONTACT_ATTEMPT_TYPES, Activity, Client, Contact, Opportunity


@dataclass
class ActivityInput:
    """An activity typed in a form: planned when only scheduled_at is set, done with done_at."""

    type: str
    subject: str
    scheduled_at: datetime | None = None
    done_at: datetime | None = None
    notes: str = ""
    contact: Contact | None = None


@transaction.atomic
def activity_create(
    *,
    user,
    client: Client,
    data: ActivityInput,
    opportunity: Opportunity | None = None,
    owner=None,
    result: "ActivityResult | None" = None,
    next_activity: ActivityInput | None = None,
) -> Activity:
    """Create a planned or done activity for a client (and optionally an opportunity);
    `result` records what happened when it is created already done, and `next_activity`
    (a meeting's "fecha de próximo seguimiento") is scheduled with it: both or neither."""
    if data.contact is not None and data.contact.client_id != client.pk:
        raise ValidationError({"contact": _("The contact must belong to the client.")})
    if data.done_at is not None and data.done_at > timezone.now():
        raise ValidationError({"done_at": _("A done activity cannot be in the future.")})
    activity = Activity(
        type=data.type,
        subject=data.subject,
        scheduled_at=data.scheduled_at,
        done_at=data.done_at,
        notes=data.notes,
        contact=data.contact,
        client=client,
        opportunity=opportunity,
        owner=owner or user,
        created_by=user,
    )
    if opportunity is not None and opportunity.client_id != client.pk:
        raise ValidationError({"opportunity": _("The opportunity must belong to the client.")})
    if result is not None:
        for name in RESULT_FIELDS:
            if name != "done_at":
                setattr(activity, name, getattr(result, name))
    activity.full_clean()
    activity.save()
    record_changes(instance=activity, client=client, before=None, user=user)
    if next_activity is not None:
        _schedule_next(user=user, after=activity, next_activity=next_activity)
    return activity


def _schedule_next(*, user, after: Activity, next_activity: ActivityInput) -> Activity:
    if next_activity.scheduled_at is None or next_activity.scheduled_at <= timezone.now():
        raise ValidationError({"next_scheduled_at": _("The next follow-up must be in the future.")})
    return activity_create(
        user=user,
        client=after.client,
        opportunity=after.opportunity,
        data=next_activity,
        owner=after.owner,
    )


@dataclass
class ActivityResult:
    """What the user records when an activity is done (all optional but the date)."""

    done_at: datetime | None = None
    notes: str = ""
    outcome: str = ""
    answered: bool | None = None
    participants: str = ""
    topics: str = ""
    agreements: str = ""
    next_steps: str = ""
    satisfaction_level: int | None = None
    client_comments: str = ""
    problems: str = ""
    upselling: str = ""


RESULT_FIELDS = tuple(ActivityResult.__dataclass_fields__)


@transaction.atomic
def activity_complete(
    *,
    user,
    activity_id: int,
    expected_version: int,
    result: ActivityResult,
    next_activity: ActivityInput | None = None,
) -> Activity:
    """Mark a planned activity done with what happened; optionally schedule the next one
    (a meeting's "fecha de próximo seguimiento")."""
    activity = lock_and_check(Activity, pk=activity_id, expected_version=expected_version)
    if activity.cancelled_at is not None:
        raise ValidationError(_("A cancelled activity cannot be marked done."))
    before = snapshot(activity)
    result.done_at = result.done_at or timezone.now()
    if result.done_at > timezone.now():
        raise ValidationError({"done_at": _("A done activity cannot be in the future.")})
    if result.satisfaction_level is not None and not 1 <= result.satisfaction_level <= 5:
        raise ValidationError({"satisfaction_level": _("The satisfaction level goes from 1 to 5.")})
    for name in RESULT_FIELDS:
        setattr(activity, name, getattr(result, name))
    activity.version += 1
    activity.full_clean()
    activity.save()
    record_changes(instance=activity, client=activity.client, before=before, user=user)
    if next_activity is not None:
        _schedule_next(user=user, after=activity, next_activity=next_activity)
    return activity


@transaction.atomic
def activity_reschedule(
    *, user, activity_id: int, expected_version: int, scheduled_at: datetime
) -> Activity:
    """Move a planned activity to another date; its reminder will be sent again."""
    activity = lock_and_check(Activity, pk=activity_id, expected_version=expected_version)
    if not activity.is_planned:
        raise ValidationError(_("Only planned activities can be rescheduled."))
    if scheduled_at <= timezone.now():
        raise ValidationError({"scheduled_at": _("Choose a date and time in the future.")})
    before = snapshot(activity)
    activity.scheduled_at = scheduled_at
    activity.reminder_sent_at = None
    activity.version += 1
    activity.save()
    record_changes(instance=activity, client=activity.client, before=before, user=user)
    return activity


@transaction.atomic
def activity_cancel(*, user, activity_id: int, expected_version: int) -> Activity:
    activity = lock_and_check(Activity, pk=activity_id, expected_version=expected_version)
    if not activity.is_planned:
        raise ValidationError(_("Only planned activities can be cancelled."))
    before = snapshot(activity)
    activity.cancelled_at = timezone.now()
    activity.version += 1
    activity.save()
    record_changes(instance=activity, client=activity.client, before=before, user=user)
    return activity


def consecutive_unanswered_attempts(*, opportunity: Opportunity) -> int:
    """How many of the latest done contact attempts in a row the client did not answer."""
    latest = (
        Activity.objects.filter(
            opportunity=opportunity,
            done_at__isnull=False,
            type__in=CONTACT_ATTEMPT_TYPES,
            answered__isnull=False,
        )
        .order_by("-done_at", "-pk")
        .values_list("answered", flat=True)[:50]
    )
    count = 0
    for answered in latest:
        if answered:
            break
        count += 1
    return count
