from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db

TOKEN = "secreto-de-prueba-0123456789abcdefghijklmnop"  # the shape of secrets.token_urlsafe(32)


def test_the_feed_lists_the_owners_planned_activities_for_a_calendar_app(client, executive):
    executive.calendar_token = TOKEN
    executive.save()
    mine = ActivityFactory(opportunity__client__owner=executive, subject="Reunión con compras")
    mine.refresh_from_db()
    ActivityFactory(subject="De otro ejecutivo")
    ActivityFactory(
        opportunity__client__owner=executive,
        subject="Cancelada",
        cancelled_at=timezone.now(),
    )

    response = client.get(reverse("crm:calendar_feed", args=[TOKEN]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Llamada: Reunión con compras"]
    assert events[0].decoded("dtstart") == mine.scheduled_at.replace(microsecond=0)
    assert events[0].decoded("dtend") - events[0].decoded("dtstart") == timedelta(minutes=30)


def test_an_unknown_or_revoked_token_is_404(client, executive):
    assert client.get(reverse("crm:calendar_feed", args=["nada"])).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/crm/calendario/%00.ics",
        "/crm/calendario/abc%00def.ics",
        "/crm/calendario/" + "a" * 5000 + ".ics",
        "/crm/calendario/%E2%80%AE" + "a" * 42 + ".ics",
        "/crm/calendario/" + "a" * 42 + "%00.ics",
    ],
)
def test_a_token_of_another_shape_is_404_without_a_query(
    client, executive, path, django_assert_num_queries
):
    """Checked by shape first: PostgreSQL answered a NUL with an error (500), not "none"."""
    executive.calendar_token = TOKEN
    executive.save()
    with django_assert_num_queries(0):
        assert client.get(path).status_code == 404


def test_rotating_the_token_revokes_the_old_url(client, executive):
    client.force_login(executive)
    client.post(reverse("accounts:calendar_token"), {"action": "rotate"})
    executive.refresh_from_db()
    old = executive.calendar_token
    assert old and len(old) >= 40
    client.post(reverse("accounts:calendar_token"), {"action": "rotate"})
    executive.refresh_from_db()
    assert executive.calendar_token != old
    assert client.get(reverse("crm:calendar_feed", args=[old])).status_code == 404
    client.post(reverse("accounts:calendar_token"), {"action": "revoke"})
    executive.refresh_from_db()
    assert executive.calendar_token is None


def test_preferences_keep_the_reminder_lead_time_in_range(client, executive):
    client.force_login(executive)
    response = client.post(
        reverse("accounts:preferences"), {"reminder_minutes": "5000", "daily_digest": "on"}
    )
    assert response.status_code == 200 and "1440" in response.content.decode()
    client.post(reverse("accounts:preferences"), {"reminder_minutes": "15"})
    executive.refresh_from_db()
    assert executive.reminder_minutes == 15 and executive.daily_digest is False


def test_the_feed_carries_at_most_max_events(executive, monkeypatch):
    """Calendar apps re-read the feed every few minutes: it stays bounded however busy the
    window is (the first events of the window)."""
    from datetime import timedelta

    from django.utils import timezone

    from crm import calendar_feed
    from tests.factories import ActivityFactory

    monkeypatch.setattr(calendar_feed, "MAX_EVENTS", 3)
    soon = timezone.now() + timedelta(days=1)
    made = [
        ActivityFactory(owner=executive, scheduled_at=soon + timedelta(hours=n)) for n in range(5)
    ]
    feed = calendar_feed.build_feed(user=executive).decode()
    assert feed.count("BEGIN:VEVENT") == 3
    assert f"activity-{made[0].pk}@" in feed and f"activity-{made[4].pk}@" not in feed


def _icalendar_feed(user) -> bytes:
    """The feed as the `icalendar` package writes it (what the view served before it wrote
    the text itself): the oracle of escaping, folding and property order."""
    from django.conf import settings
    from icalendar import Event

    from crm import calendar_feed
    from crm.models import Activity

    calendar = Calendar()
    calendar.add("prodid", "-//Rumbo CRM//Actividades//ES")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Rumbo CRM · {user}")
    pks = [row["pk"] for row in calendar_feed.activities_for_feed(user=user)]
    rows = Activity.objects.select_related("client", "opportunity").in_bulk(pks)
    for activity in (rows[pk] for pk in pks):
        event = Event()
        event.add("uid", f"activity-{activity.pk}@rumbo-crm")
        event.add("dtstamp", activity.updated_at)
        assert activity.scheduled_at is not None  # the feed lists scheduled activities
        event.add("dtstart", activity.scheduled_at)
        event.add("dtend", activity.scheduled_at + calendar_feed.DEFAULT_DURATION)
        event.add("summary", f"{activity.get_type_display()}: {activity.subject}")
        description = [activity.client.name]
        if activity.opportunity is not None:
            description.append(activity.opportunity.name)
        if activity.notes:
            description.append(activity.notes)
        event.add("description", "\n".join(description))
        event.add("url", f"{settings.SITE_URL}{activity.get_absolute_url()}")
        event.add("status", "CONFIRMED" if activity.done_at is None else "COMPLETED")
        calendar.add_component(event)
    return calendar.to_ical()


def test_the_feed_is_byte_for_byte_what_icalendar_writes(executive):
    """Escaping (, ; \\ and line breaks), folding at 75 octets without splitting a
    character or an escape, UTC times, done and planned, with and without opportunity."""
    from crm.calendar_feed import build_feed
    from crm.models import Activity

    executive.first_name, executive.last_name = "José", "Núñez"
    executive.save()
    soon = timezone.now() + timedelta(days=1)
    long_text = "Señal; ñandú, café\\ " * 9
    first = ActivityFactory(
        owner=executive,
        scheduled_at=soon,
        subject="Revisión, precios; y \\ descuentos " + "é" * 40,
        notes="Primera línea\nSegunda\r\nTercera\rCuarta " + long_text,
        opportunity__name="Oportunidad, con; signos",
        opportunity__client__name="Petróleos del Sur, C.A.",
    )
    ActivityFactory(owner=executive, scheduled_at=soon + timedelta(hours=2), notes="")
    done = ActivityFactory(owner=executive, scheduled_at=soon + timedelta(hours=3))
    Activity.objects.filter(pk=done.pk).update(done_at=timezone.now())
    ActivityFactory(
        owner=executive,
        scheduled_at=soon + timedelta(hours=4),
        opportunity=None,
        client=first.client,
        subject="x" * 73 + "\\" + "y" * 10,
    )

    feed = build_feed(user=executive)

    assert feed.count(b"BEGIN:VEVENT") == 4
    assert feed == _icalendar_feed(executive)
    assert max(len(line) for line in feed.split(b"\r\n")) <= 75
