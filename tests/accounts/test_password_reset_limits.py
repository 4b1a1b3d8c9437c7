"""Password reset answers a known and an unknown address the same way, after the same work
(the email is a queued task), and is limited per address and per client (issue 12, item 9)."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from accounts.password_reset import MAX_PER_ADDRESS, MAX_PER_CLIENT
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("accounts:password_reset")
DONE = reverse("accounts:password_reset_done")


def ask(client, email: str, ip: str = "198.51.100.7"):
    return client.post(URL, {"email": email}, REMOTE_ADDR=ip)


def statements(queries) -> list[str]:
    """The SQL run, without its literal values."""
    return [re.sub(r"'[^']*'|\b\d+\b", "?", query["sql"]) for query in queries]


def queued_resets() -> list[str]:
    results = DBTaskResult.objects.filter(task_path__endswith="send_password_reset_email")
    return [result.args_kwargs["kwargs"]["email"] for result in results]


def test_a_known_and_an_unknown_address_get_the_same_answer_after_the_same_work(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    UserFactory(username="olvidadiza", email="olvidadiza@rumbo.test")

    with CaptureQueriesContext(connection) as known_queries:
        known = ask(client, "olvidadiza@rumbo.test")
    with CaptureQueriesContext(connection) as unknown_queries:
        unknown = ask(client, "nadie@rumbo.test")

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == DONE
    assert mail.outbox == []  # nothing is sent inside the request
    assert queued_resets() == ["olvidadiza@rumbo.test", "nadie@rumbo.test"]
    # The same statements in the same order: no lookup of the account in the request.
    assert statements(known_queries) == statements(unknown_queries)
    assert not any("accounts_user" in sql for sql in statements(known_queries))


def test_five_requests_for_one_address_send_three_emails(client):
    user = UserFactory(username="olvidadiza", email="olvidadiza@rumbo.test")

    answers = [ask(client, user.email) for _ in range(5)]

    assert {answer["Location"] for answer in answers} == {DONE}  # the same neutral answer
    assert len(mail.outbox) == MAX_PER_ADDRESS == 3
    # The address is the same however it is typed.
    assert ask(client, "OLVIDADIZA@rumbo.test ")["Location"] == DONE
    assert len(mail.outbox) == 3


def test_one_client_may_ask_ten_times_an_hour_whatever_the_addresses(client):
    users = [UserFactory(username=f"persona{n}", email=f"persona{n}@rumbo.test") for n in range(12)]

    for user in users:
        assert ask(client, user.email)["Location"] == DONE

    assert len(mail.outbox) == MAX_PER_CLIENT == 10
    ask(client, users[11].email, ip="203.0.113.9")  # another client is not held back
    assert len(mail.outbox) == 11


def test_the_limits_last_an_hour(client):
    user = UserFactory(username="olvidadiza", email="olvidadiza@rumbo.test")
    with time_machine.travel("2026-11-27 09:00 -04:00", tick=False) as traveller:
        for _ in range(4):
            ask(client, user.email)
        assert len(mail.outbox) == 3
        traveller.shift(timedelta(minutes=61))
        ask(client, user.email)
    assert len(mail.outbox) == 4
