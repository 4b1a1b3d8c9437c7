from datetime import datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

START = datetime(2026, 11, 27, 9, 0, tzinfo=timezone.get_fixed_timezone(-240))


def test_an_idle_session_ends_after_thirty_minutes(client, executive):
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(executive)
        traveller.shift(timedelta(minutes=29))
        assert client.get(reverse("dashboard:home")).status_code == 200

        traveller.shift(timedelta(minutes=31))
        response = client.get(reverse("dashboard:home"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
        assert "_auth_user_id" not in client.session


def test_activity_keeps_a_session_alive_up_to_twelve_hours(client, executive):
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(executive)
        for _ in range(47):  # 47 × 15 min = 11 h 45 min
            traveller.shift(timedelta(minutes=15))
            assert client.get(reverse("dashboard:home")).status_code == 200
        traveller.shift(timedelta(minutes=16))
        assert client.get(reverse("dashboard:home")).status_code == 302


def test_an_expired_htmx_request_is_sent_to_the_login_page(client, executive):
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(executive)
        traveller.shift(timedelta(minutes=31))
        response = client.get(reverse("projects:list"), headers={"HX-Request": "true"})
        assert response.status_code == 200
        assert response["HX-Redirect"] == reverse("accounts:login")


BADGE = reverse("accounts:notifications_unread_count")


def poll_the_badge(client):
    """What an open tab does every minute by itself (htmx, `every 60s` in the navbar)."""
    return client.get(BADGE, headers={"HX-Request": "true"})


def test_a_tab_that_only_polls_the_badge_expires_after_the_idle_time(client, executive):
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(executive)
        assert client.get(reverse("dashboard:home")).status_code == 200
        for _ in range(30):  # 30 minutes of the badge polling every minute
            traveller.shift(timedelta(minutes=1))
            response = poll_the_badge(client)
            assert response.status_code == 200
            assert "HX-Redirect" not in response

        traveller.shift(timedelta(seconds=61))
        response = poll_the_badge(client)

        assert response["HX-Redirect"] == reverse("accounts:login")
        assert "_auth_user_id" not in client.session
        assert client.get(reverse("dashboard:home")).status_code == 302


def test_the_users_own_request_between_polls_keeps_the_session(client, executive):
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(executive)
        for minute in range(1, 46):
            traveller.shift(timedelta(minutes=1))
            assert "HX-Redirect" not in poll_the_badge(client)
            if minute == 20:  # the user opens a page
                assert client.get(reverse("crm:client_list")).status_code == 200

        assert client.get(reverse("dashboard:home")).status_code == 200


def test_a_session_without_an_idle_stamp_gets_one_from_its_first_poll(client, executive):
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(executive)
        session = client.session
        del session["rumbo_seen_at"]
        session.save()
        poll_the_badge(client)
        traveller.shift(timedelta(minutes=31))

        assert poll_the_badge(client)["HX-Redirect"] == reverse("accounts:login")
