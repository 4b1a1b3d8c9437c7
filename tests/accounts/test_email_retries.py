"""With the mail server down, emails are retried with back-off, a reminder stays pending
until its email is accepted, and an email refused on every attempt is listed for an
Administrador (issue 12, item 15).

The mail server is real: a closed port on 127.0.0.1 (connection refused), later an SMTP
server (aiosmtpd) on the same port. The task queue is the database backend of production,
run by its own worker command.
"""

import email
import socket
from datetime import datetime, timedelta
from email import policy

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.models import Notification
from accounts.tasks import retry_delay
from crm.reminders import send_due_reminders
from tests.factories import ActivityFactory, UserFactory

# The worker closes connections that are inside a transaction (as a test's would be), like
# the real one between tasks: these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)

NINE = datetime(2026, 11, 27, 9, 0, tzinfo=timezone.get_fixed_timezone(-240))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_port(settings):
    """The SMTP settings point at this port, where nothing listens (yet)."""
    port = free_port()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 5},
        }
    }
    settings.EMAIL_MAX_ATTEMPTS = 3
    return port


@pytest.fixture(autouse=True)
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker() -> None:
    """What `manage.py db_worker` does in production, until nothing is due."""
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def tasks(name: str) -> list[DBTaskResult]:
    """The queued runs of an email task, by attempt (the clock stands still in these tests)."""
    found = DBTaskResult.objects.filter(task_path__endswith=name)
    return sorted(found, key=lambda result: result.args_kwargs["kwargs"].get("attempt", 1))


def statuses(name: str) -> list[str]:
    return [result.status for result in tasks(name)]


def test_a_reminder_stays_pending_while_the_mail_server_is_down_and_is_sent_when_it_returns(
    smtp_port, django_capture_on_commit_callbacks
):
    with time_machine.travel(NINE, tick=False) as traveller:
        activity = ActivityFactory(scheduled_at=NINE + timedelta(minutes=20))
        with django_capture_on_commit_callbacks(execute=True):
            assert send_due_reminders() == 1

        run_worker()  # attempt 1: connection refused

        activity.refresh_from_db()
        assert activity.reminder_sent_at is None  # pending, not "sent"
        notification = Notification.objects.get()
        assert notification.email_attempts == 1
        assert "ConnectionRefusedError" in notification.email_error
        assert notification.email_failed_at is None  # not given up: a retry is queued
        retry = tasks("send_notification_email")[-1]
        assert retry.status == "READY"
        assert retry.run_after == NINE + retry_delay(1)
        assert retry.args_kwargs["kwargs"]["attempt"] == 2
        # Nobody is reminded twice meanwhile.
        assert send_due_reminders() == 0
        run_worker()  # not due yet: nothing runs
        assert tasks("send_notification_email")[-1].status == "READY"

        inbox = Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
        controller.start()
        try:
            traveller.shift(retry_delay(1))
            run_worker()  # attempt 2: the server is back
        finally:
            controller.stop()

    [envelope] = inbox.messages
    assert envelope.rcpt_tos == [activity.owner.email]
    activity.refresh_from_db()
    assert activity.reminder_sent_at is not None
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    assert statuses("send_notification_email") == ["SUCCESSFUL", "SUCCESSFUL"]


def test_an_email_refused_on_every_attempt_is_shown_to_an_administrador(
    smtp_port, django_capture_on_commit_callbacks, client, administrator
):
    with time_machine.travel(NINE, tick=False) as traveller:
        activity = ActivityFactory(
            scheduled_at=NINE + timedelta(minutes=20), subject="Llamar a Bariven por el contrato"
        )
        with django_capture_on_commit_callbacks(execute=True):
            send_due_reminders()
        for attempt in (1, 2, 3):
            run_worker()
            traveller.shift(retry_delay(attempt))
        run_worker()  # nothing is left to run

    # Three attempts, 1 and 5 minutes apart; the last one failed the task.
    assert statuses("send_notification_email") == ["SUCCESSFUL", "SUCCESSFUL", "FAILED"]
    notification = Notification.objects.get()
    assert notification.email_attempts == 3
    assert notification.email_failed_at is not None
    activity.refresh_from_db()
    assert activity.reminder_sent_at is None

    client.force_login(administrator)
    page = client.get(reverse("admin:accounts_undeliveredemail_changelist"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Correos no entregados" in html
    assert "Llamar a Bariven por el contrato" in html
    assert activity.owner.email in html
    assert "ConnectionRefusedError" in html
    tasks_page = client.get(
        reverse("admin:django_tasks_database_dbtaskresult_changelist") + "?status=FAILED"
    )
    assert "send_notification_email" in tasks_page.content.decode()


def test_sending_an_undelivered_email_again_from_admin_delivers_it(
    smtp_port, django_capture_on_commit_callbacks, client, administrator, settings
):
    settings.EMAIL_MAX_ATTEMPTS = 1
    with time_machine.travel(NINE, tick=False):
        ActivityFactory(scheduled_at=NINE + timedelta(minutes=20))
        with django_capture_on_commit_callbacks(execute=True):
            send_due_reminders()
        run_worker()
        notification = Notification.objects.get()
        assert Notification.objects.get().email_failed_at is not None

        client.force_login(administrator)
        response = client.post(
            reverse("admin:accounts_undeliveredemail_changelist"),
            {"action": "send_again", "_selected_action": [notification.pk]},
        )
        assert response.status_code == 302
        inbox = Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
        controller.start()
        try:
            run_worker()
        finally:
            controller.stop()

    assert len(inbox.messages) == 1
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    assert notification.email_failed_at is None


def test_a_password_reset_email_is_retried_too(smtp_port, client, settings):
    UserFactory(username="olvidadiza", email="olvidadiza@rumbo.test")
    with time_machine.travel(NINE, tick=False) as traveller:
        client.post(reverse("accounts:password_reset"), {"email": "olvidadiza@rumbo.test"})
        run_worker()
        assert statuses("send_password_reset_email") == ["SUCCESSFUL", "READY"]

        inbox = Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
        controller.start()
        try:
            traveller.shift(retry_delay(1))
            run_worker()
        finally:
            controller.stop()

    [envelope] = inbox.messages
    assert envelope.rcpt_tos == ["olvidadiza@rumbo.test"]
    body = email.message_from_bytes(envelope.content, policy=policy.default).get_content()
    assert settings.SITE_URL + reverse("accounts:password_reset") in body  # the link, made there
