"""Background work of the accounts app, run by django.tasks (a worker in production).

Every email task here retries: when the mail server refuses or cannot be reached, the next
attempt is queued with a back-off (`run_after`: 1, 5, 25, 125 minutes) up to
EMAIL_MAX_ATTEMPTS; the last failure fails the task (admin, Tareas en segundo plano) and a
notification's email is listed under Correos no entregados.
"""

import logging
import smtplib
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives, send_mail
from django.tasks import Task, task
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Notification

logger = logging.getLogger(__name__)

# What a mail server that refuses, hangs up or is down raises (socket errors are OSError).
MAIL_ERRORS = (smtplib.SMTPException, OSError)


def retry_delay(attempt: int) -> timedelta:
    """The wait after failed attempt number `attempt` (1, 5, 25, 125 minutes...)."""
    return timedelta(minutes=5 ** (attempt - 1))


def retry_later(
    email_task: Task[..., Any], *, attempt: int, error: Exception, **kwargs: Any
) -> bool:
    """Queue the next attempt of `email_task` after its back-off. False when `attempt` was
    the last one, or when the task backend cannot run anything later (the immediate
    backend of development): the caller then lets the task fail."""
    if attempt >= settings.EMAIL_MAX_ATTEMPTS or not email_task.get_backend().supports_defer:
        return False
    run_after = timezone.now() + retry_delay(attempt)
    email_task.using(run_after=run_after).enqueue(attempt=attempt + 1, **kwargs)
    logger.warning(
        "%s: attempt %s of %s failed (%s); next at %s",
        email_task.name,
        attempt,
        settings.EMAIL_MAX_ATTEMPTS,
        type(error).__name__,
        run_after.isoformat(timespec="seconds"),
    )
    return True


@task
def send_notification_email(*, notification_id: int, attempt: int = 1) -> str:
    notification = (
        Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    )
    if notification is None or notification.emailed_at is not None:
        return "nothing to send"
    context = {"notification": notification, "site_url": settings.SITE_URL}
    try:
        send_mail(
            subject=notification.subject,
            message=render_to_string("accounts/email/notification.txt", context),
            from_email=None,
            recipient_list=[notification.recipient.email],
        )
    except MAIL_ERRORS as error:
        retried = retry_later(
            send_notification_email, attempt=attempt, error=error, notification_id=notification_id
        )
        notification.record_email_failure(error, final=not retried)
        if retried:
            return "retry queued"
        raise
    notification.mark_emailed()
    return "sent"


@task
def send_password_reset_email(*, email: str, attempt: int = 1) -> str:
    """The reset link for every active account with this address (none for an unknown one:
    the request that queued this task answered the same either way). The link and its
    token are made here, so no secret waits in the task queue."""
    site = urlsplit(settings.SITE_URL)
    form = auth_forms.PasswordResetForm()
    sent = 0
    for user in form.get_users(email):
        context = {
            "email": user.email,
            "domain": site.netloc,
            "site_name": site.netloc,
            "uid": urlsafe_base64_encode(force_bytes(user.pk)),
            "user": user,
            "token": default_token_generator.make_token(user),
            "protocol": site.scheme or "https",
        }
        subject = render_to_string("accounts/email/password_reset_subject.txt", context)
        body = render_to_string("accounts/email/password_reset.txt", context)
        message = EmailMultiAlternatives("".join(subject.splitlines()), body, None, [user.email])
        try:
            message.send()
        except MAIL_ERRORS as error:
            if retry_later(send_password_reset_email, attempt=attempt, error=error, email=email):
                return "retry queued"
            raise
        sent += 1
    return f"{sent} sent"
