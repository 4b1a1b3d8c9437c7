from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

START = timezone.datetime(2026, 11, 27, 9, 0, tzinfo=timezone.get_fixed_timezone(-240))


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
