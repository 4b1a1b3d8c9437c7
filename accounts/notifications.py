"""In-app notifications with an email alongside, sent after the transaction commits."""

from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING

from django.db import transaction

from accounts.models import Notification, User
from accounts.tasks import send_notification_email

if TYPE_CHECKING:  # types only: crm is built on accounts
    from crm.models import Activity, Complaint, Opportunity


def notify(
    *,
    recipients: Iterable[User],
    subject: str,
    body: str = "",
    url: str = "",
    opportunity: "Opportunity | None" = None,
    complaint: "Complaint | None" = None,
    reminder_for: "Activity | None" = None,
) -> list[Notification]:
    """Create one in-app notification per active recipient and queue their emails on commit.

    `recipients` is any iterable of users; duplicates and inactive users are dropped.
    `opportunity` / `complaint` name the record it is about: a hand-off area may then open
    that record, read-only (see crm.selectors ..._notified_to). `reminder_for` makes it the
    reminder of that activity's current start: a second one for the same start raises
    IntegrityError (crm.reminders claims with it).
    """
    unique = {user.pk: user for user in recipients if user.is_active}
    rows = Notification.objects.bulk_create(
        Notification(
            recipient=user,
            subject=subject[:200],
            body=body,
            url=url,
            opportunity=opportunity,
            complaint=complaint,
            reminder_for=reminder_for,
            reminder_scheduled_at=reminder_for.scheduled_at if reminder_for else None,
        )
        for user in unique.values()
    )
    for row in rows:
        if row.recipient.email:
            transaction.on_commit(partial(send_notification_email.enqueue, notification_id=row.pk))
    return rows
