"""Activity reminders and the daily digest. `manage.py send_reminders` runs both every few
minutes (cron or the compose worker); each send is claimed with a conditional UPDATE first,
so running the command twice, or twice at once, never sends anything twice."""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import CompanySettings, User
from accounts.notifications import notify
from accounts.roles import COMMERCIAL_ROLES
from crm.models import Activity


def planned_activities() -> QuerySet[Activity]:
    return Activity.objects.planned().filter(client__deleted_at__isnull=True)


def _due_at(activity: Activity) -> datetime:
    """When one of planned_activities() is due: those rows always have a scheduled_at."""
    assert activity.scheduled_at is not None
    return activity.scheduled_at


def send_due_reminders(*, now: datetime | None = None) -> int:
    """Remind each owner of their planned activities starting within their lead time.

    The reminder of a start is its notification (one per activity and start: the unique
    constraint is the claim, so parallel runs never send twice); the activity counts as
    reminded (`reminder_sent_at`) once the mail server accepts the email, which is retried
    meanwhile (accounts.tasks), or at once for an owner without an email address."""
    now = now or timezone.now()
    longest = User.objects.aggregate(longest=Max("reminder_minutes"))["longest"] or 0
    candidates = (
        planned_activities()
        .filter(
            reminder_sent_at__isnull=True,
            scheduled_at__gt=now,
            scheduled_at__lte=now + timedelta(minutes=longest),
            owner__is_active=True,
        )
        .exclude(reminders__reminder_scheduled_at=F("scheduled_at"))
        .select_related("owner", "client")
    )
    sent = 0
    for activity in candidates:
        if _due_at(activity) > now + timedelta(minutes=activity.owner.reminder_minutes):
            continue
        when = timezone.localtime(activity.scheduled_at)
        try:
            with transaction.atomic():
                notify(
                    recipients=[activity.owner],
                    subject=_("Reminder: %(subject)s at %(time)s")
                    % {"subject": activity.subject, "time": when.strftime("%H:%M")},
                    body=_("%(type)s with %(client)s on %(date)s.\n\n%(notes)s")
                    % {
                        "type": activity.get_type_display(),
                        "client": activity.client.name,
                        "date": date_format(when, "SHORT_DATETIME_FORMAT"),
                        "notes": activity.notes,
                    },
                    url=reverse("crm:activity_list"),
                    reminder_for=activity,
                )
                if not activity.owner.email:  # nothing to wait for: the app shows it
                    Activity.objects.filter(pk=activity.pk).update(reminder_sent_at=now)
        except IntegrityError:  # another run reminded this start first
            continue
        sent += 1
    return sent


def send_daily_digests(*, now: datetime | None = None) -> int:
    """Once a day, after the company's digest hour, each executive gets today's and the
    overdue activities (nothing when there is nothing to do)."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.hour < CompanySettings.load().digest_hour:
        return 0
    today = local.date()
    users = (
        User.objects.filter(
            is_active=True,
            daily_digest=True,
            groups__name__in=[role.value for role in COMMERCIAL_ROLES],
        )
        .filter(Q(digest_sent_on__isnull=True) | Q(digest_sent_on__lt=today))
        .distinct()
    )
    end_of_day = timezone.make_aware(
        datetime.combine(today + timedelta(days=1), datetime.min.time())
    )
    sent = 0
    for user in users:
        with transaction.atomic():
            claimed = (
                User.objects.filter(pk=user.pk)
                .filter(Q(digest_sent_on__isnull=True) | Q(digest_sent_on__lt=today))
                .update(digest_sent_on=today)
            )
            if not claimed:
                continue
            activities = list(
                planned_activities()
                .filter(owner=user, scheduled_at__lt=end_of_day)
                .select_related("client")
                .order_by("scheduled_at")[:100]
            )
            if not activities:
                continue
            overdue = [a for a in activities if _due_at(a) < now]
            lines = [
                f"- {date_format(timezone.localtime(a.scheduled_at), 'SHORT_DATETIME_FORMAT')} "
                f"{a.get_type_display()}: {a.subject} ({a.client.name})"
                + (f" [{_('overdue')}]" if a in overdue else "")
                for a in activities
            ]
            notify(
                recipients=[user],
                subject=_("Your day: %(count)s activities, %(overdue)s overdue")
                % {"count": len(activities), "overdue": len(overdue)},
                body="\n".join(lines),
                url=reverse("crm:activity_list"),
            )
        sent += 1
    return sent
