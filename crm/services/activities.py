"""Writes of activities: scheduling and logging what was done."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from crm.concurrency import lock_and_check
from crm.history import record_changes, snapshot
from crm.models import CONTACT_ATTEMPT_TYPES, Activity, ActivityType, Client, Contact, Opportunity
from crm.services.activity_facts import refresh_for_activities

# A contact the client took part in: an answered call, email or WhatsApp, or a meeting held.
ANSWERED_CONTACT = Q(type__in=CONTACT_ATTEMPT_TYPES, answered=True) | Q(
    type__in=(ActivityType.MEETING, ActivityType.REVIEW_MEETING)
)


@dataclass
class ActivityInput:
    """An activity typed in a form: planned when only scheduled_at is set, done with done_at."""

    type: str
    subject: str
    scheduled_at: datetime | None = None
    done_at: datetime | None = None
    notes: str = ""
    contact: Contact | None = None
    # A done call, email or WhatsApp: did the client answer? (None = not asked.)
    answered: bool | None = None


@transaction.atomic
def activity_create(
    *,
    user: User,
    client: Client,
    data: ActivityInput,
    opportunity: Opportunity | None = None,
    owner: User | None = None,
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
        answered=data.answered,
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
    refresh_for_activities([activity])
    record_changes(instance=activity, client=client, before=None, user=user)
    if next_activity is not None:
        _schedule_next(user=user, after=activity, next_activity=next_activity)
    return activity


def _schedule_next(*, user: User, after: Activity, next_activity: ActivityInput) -> Activity:
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
    user: User,
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
    refresh_for_activities([activity])
    record_changes(instance=activity, client=activity.client, before=before, user=user)
    if next_activity is not None:
        _schedule_next(user=user, after=activity, next_activity=next_activity)
    return activity


@transaction.atomic
def activity_reschedule(
    *, user: User, activity_id: int, expected_version: int, scheduled_at: datetime
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
    refresh_for_activities([activity])
    record_changes(instance=activity, client=activity.client, before=before, user=user)
    return activity


@transaction.atomic
def activity_cancel(*, user: User, activity_id: int, expected_version: int) -> Activity:
    activity = lock_and_check(Activity, pk=activity_id, expected_version=expected_version)
    if not activity.is_planned:
        raise ValidationError(_("Only planned activities can be cancelled."))
    _cancel(user=user, activity=activity)
    refresh_for_activities([activity])
    return activity


@transaction.atomic
def activities_cancel(
    *, user: User, opportunity: Opportunity, activity_ids: Collection[int]
) -> int:
    """Cancel those of `activity_ids` that are still planned activities of `opportunity`
    (closing it: its pre-sale follow-ups are no longer due). One done or cancelled
    meanwhile is left as it is; nothing else is touched. Returns how many were cancelled."""
    if not activity_ids:
        return 0
    planned = (
        Activity.objects.select_for_update()
        .filter(pk__in=activity_ids, opportunity=opportunity)
        .planned()
        .select_related("client")
        .order_by("pk")
    )
    cancelled = []
    for activity in planned:
        _cancel(user=user, activity=activity)
        cancelled.append(activity)
    refresh_for_activities(cancelled)
    return len(cancelled)


def _cancel(*, user: User, activity: Activity) -> None:
    """Cancel one planned activity; the caller refreshes the activity facts."""
    before = snapshot(activity)
    activity.cancelled_at = timezone.now()
    activity.version += 1
    activity.save()
    record_changes(instance=activity, client=activity.client, before=before, user=user)


def consecutive_unanswered_attempts(*, opportunity: Opportunity) -> int:
    """The FAQ "¿Qué hago si un cliente no responde?": how many calls, emails and WhatsApp
    messages of the opportunity the client left unanswered since the last contact they
    took part in (an answered attempt or a meeting held). Attempts whose answer was not
    recorded neither count nor reset. One query; the only definition of the count."""
    done = Activity.objects.filter(opportunity=opportunity).done()
    answered_since = done.filter(ANSWERED_CONTACT, done_at__gte=OuterRef("done_at"))
    return (
        done.filter(type__in=CONTACT_ATTEMPT_TYPES, answered=False)
        .exclude(Exists(answered_since))
        .count()
    )
