"""Background work of the accounts app, run by django.tasks (a worker in production)."""

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string

from accounts.models import Notification


@task
def send_notification_email(*, notification_id: int) -> None:
    notification = Notification.objects.select_related("recipient").filter(pk=notification_id)
    notification = notification.first()
    if notification is None or notification.emailed_at is not None:
        return
    context = {"notification": notification, "site_url": settings.SITE_URL}
    send_mail(
        subject=notification.subject,
        message=render_to_string("accounts/email/notification.txt", context),
        from_email=None,
        recipient_list=[notification.recipient.email],
    )
    notification.mark_emailed()
