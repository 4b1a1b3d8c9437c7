"""A user's planned activities as an iCalendar (RFC 5545) feed for Google Calendar/Outlook."""

from datetime import timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from icalendar import Calendar, Event

from accounts.models import User
from crm.models import Activity

PAST_DAYS = 30
FUTURE_DAYS = 365
# A feed is re-read by calendar apps every few minutes: it carries at most this many events,
# the window's first ones (a month back is rarely that busy; the app shows the rest).
MAX_EVENTS = 2_000
DEFAULT_DURATION = timedelta(minutes=30)


def activities_for_feed(*, user: User) -> QuerySet[Activity]:
    now = timezone.now()
    return (
        Activity.objects.filter(
            owner=user,
            cancelled_at__isnull=True,
            scheduled_at__gte=now - timedelta(days=PAST_DAYS),
            scheduled_at__lte=now + timedelta(days=FUTURE_DAYS),
            client__deleted_at__isnull=True,
        )
        .select_related("client", "opportunity")
        .order_by("scheduled_at", "pk")[:MAX_EVENTS]
    )


def build_feed(*, user: User) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Rumbo CRM//Actividades//ES")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Rumbo CRM · {user}")
    for activity in activities_for_feed(user=user):
        event = Event()
        event.add("uid", f"activity-{activity.pk}@rumbo-crm")
        event.add("dtstamp", activity.updated_at)
        event.add("dtstart", activity.scheduled_at)
        event.add("dtend", activity.scheduled_at + DEFAULT_DURATION)
        event.add("summary", f"{activity.get_type_display()}: {activity.subject}")
        description = [activity.client.name]
        if activity.opportunity_id:
            description.append(activity.opportunity.name)
        if activity.notes:
            description.append(activity.notes)
        event.add("description", "\n".join(description))
        event.add("url", f"{settings.SITE_URL}{activity.get_absolute_url()}")
        event.add("status", "CONFIRMED" if activity.done_at is None else "COMPLETED")
        calendar.add_component(event)
    return calendar.to_ical()
