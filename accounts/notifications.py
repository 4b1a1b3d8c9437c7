"""In-app notifications with an email alongside, sent after the transaction commits."""

from django.db import transaction

from accounts.models import Notification
from accounts.tasks import send_notification_email


def notify(*, recipients, subject: str, body: str = "", url: str = "") -> list[Notification]:
    """Create one in-app notification per active recipient and queue their emails on commit.

    `recipients` is any iterable of users; duplicates and inactive users are dropped.
    """
    unique = {user.pk: user for user in recipients if user.is_active}
    rows = Notification.objects.bulk_create(
        Notification(recipient=user, subject=subject[:200], body=body, url=url)
        for user in unique.values()
    )
    for row in rows:
        if row.recipient.email:
            transaction.on_commit(
                lambda pk=row.pk: send_notification_email.enqueue(notification_id=pk)
            )
    return rows
