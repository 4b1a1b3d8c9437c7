"""Writes of activities: scheduling and logging what was done."""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.history import record_changes
from crm.models import Activity, Client, Contact, Opportunity


@dataclass
class ActivityInput:
    """An activity typed in a form: planned when only scheduled_at is set, done with done_at."""

    type: str
    subject: str
    scheduled_at: datetime | None = None
    done_at: datetime | None = None
    notes: str = ""
    contact: Contact | None = None


def activity_create(
    *,
    user,
    client: Client,
    data: ActivityInput,
    opportunity: Opportunity | None = None,
    owner=None,
) -> Activity:
    """Create a planned or done activity for a client (and optionally an opportunity)."""
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
    activity.full_clean()
    activity.save()
    record_changes(instance=activity, client=client, before=None, user=user)
    return activity
