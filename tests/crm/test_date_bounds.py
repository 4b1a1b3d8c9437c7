"""Dates at the edge of the calendar: every date and date-time a user can enter is bounded to
the business range (01/01/1990 … 31/12/2100) with a Spanish message, nothing is saved, and the
pages that read the records still open. Before, 9999-12-31T23:59 overflowed (SQLite) or saved
a row PostgreSQL could not hand back to Python, and the week view overflowed on 0001 and 9999.
"""

import importlib
from datetime import date, datetime, timedelta

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from config.forms import FIRST_DAY, LAST_DAY, LocalDateField, LocalDateTimeField
from crm.models import Activity, ActivityType, Opportunity
from tests.crm.test_opportunity_follow_up import BANT
from tests.crm.test_opportunity_follow_up import form_data as follow_up_data
from tests.crm.test_opportunity_form import edit_data
from tests.crm.test_opportunity_form import form_data as opportunity_data
from tests.factories import ActivityFactory, ClientFactory, OpportunityFactory

pytestmark = pytest.mark.django_db

OUT_OF_RANGE = "Ingrese una fecha entre 01/01/1990 y 31/12/2100."
EDGES = ["9999-12-31T23:59", "0001-01-01T00:00", "2101-01-01T00:00", "1989-12-31T23:59"]


def planned_of(user) -> Activity:
    opportunity = OpportunityFactory.create(client=ClientFactory.create(owner=user))
    return ActivityFactory.create(owner=user, opportunity=opportunity, client=opportunity.client)


def field_errors(response, name: str) -> list[str]:
    return response.context["form"].errors.get(name, [])


def assert_pages_open(client, activity: Activity) -> None:
    assert activity.opportunity is not None
    for path in (
        activity.get_absolute_url(),
        activity.opportunity.get_absolute_url(),
        reverse("crm:client_tab", args=[activity.client_id, "actividades"]),
        reverse("crm:activity_list"),
        reverse("crm:activity_week"),
    ):
        assert client.get(path).status_code == 200, path


# The fields themselves ------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["9999-12-31", "0001-01-01", "1989-12-31", "2101-01-01"])
def test_a_date_outside_the_business_range_is_refused_in_spanish(typed):
    field = LocalDateField()
    with pytest.raises(Exception) as refused:
        field.clean(typed)
    assert refused.value.messages == [OUT_OF_RANGE]


@pytest.mark.parametrize("typed", [*EDGES, "31/12/9999 23:59"])
def test_a_date_and_time_outside_the_business_range_is_refused_in_spanish(typed):
    field = LocalDateTimeField()
    with pytest.raises(Exception) as refused:
        field.clean(typed)
    assert refused.value.messages == [OUT_OF_RANGE]


def test_the_range_ends_are_accepted():
    assert LocalDateField().clean(FIRST_DAY.isoformat()) == FIRST_DAY
    assert LocalDateField().clean(LAST_DAY.isoformat()) == LAST_DAY
    last = LocalDateTimeField().clean("2100-12-31T23:59")
    assert timezone.localtime(last).date() == date(2100, 12, 31)


def test_the_pickers_offer_only_the_business_range():
    assert 'min="1990-01-01" max="2100-12-31"' in LocalDateField().widget.render("d", None)
    html = LocalDateTimeField().widget.render("t", None)
    assert 'min="1990-01-01T00:00" max="2100-12-31T23:59"' in html


# Each form that takes a date and time ---------------------------------------------------------


@pytest.mark.parametrize("typed", EDGES[:2])
def test_rescheduling_to_the_calendars_edge_is_refused(client_as, executive, typed):
    activity = planned_of(executive)
    before = activity.scheduled_at
    user_client = client_as(executive)

    response = user_client.post(
        reverse("crm:activity_reschedule", args=[activity.pk]),
        {"version": activity.version, "scheduled_at": typed},
    )

    assert response.status_code == 200
    assert field_errors(response, "scheduled_at") == [OUT_OF_RANGE]
    assert f'value="{typed}"' in response.content.decode()  # kept as typed
    activity.refresh_from_db()
    assert activity.scheduled_at == before
    assert_pages_open(user_client, activity)


def test_a_new_activity_at_the_calendars_edge_is_refused(client_as, executive):
    client = ClientFactory.create(owner=executive)

    response = client_as(executive).post(
        reverse("crm:activity_create"),
        {"type": "call", "client": client.pk, "status": "planned", "scheduled_at": EDGES[0]},
    )

    assert response.status_code == 200
    assert field_errors(response, "scheduled_at") == [OUT_OF_RANGE]
    assert not Activity.objects.exists()


def test_a_done_activity_dated_in_year_one_is_refused(client_as, executive):
    client = ClientFactory.create(owner=executive)

    response = client_as(executive).post(
        reverse("crm:activity_create"),
        {"type": "call", "client": client.pk, "status": "done", "done_at": EDGES[1]},
    )

    assert response.status_code == 200
    assert field_errors(response, "done_at") == [OUT_OF_RANGE]
    assert not Activity.objects.exists()


def test_completing_with_a_follow_up_at_the_calendars_edge_is_refused(client_as, executive):
    activity = planned_of(executive)
    activity.type = ActivityType.MEETING
    activity.save()
    done_at = timezone.localtime() - timedelta(hours=1)
    user_client = client_as(executive)

    response = user_client.post(
        reverse("crm:activity_complete", args=[activity.pk]),
        {
            "version": activity.version,
            "done_at": done_at.strftime("%Y-%m-%dT%H:%M"),
            "next_follow_up_at": EDGES[0],
            "next_follow_up_type": "call",
        },
    )

    assert response.status_code == 200
    assert field_errors(response, "next_follow_up_at") == [OUT_OF_RANGE]
    activity.refresh_from_db()
    assert activity.done_at is None and Activity.objects.count() == 1
    assert_pages_open(user_client, activity)


def test_a_new_opportunitys_next_activity_at_the_calendars_edge_is_refused(client_as, executive):
    client = ClientFactory.create(owner=executive)

    response = client_as(executive).post(
        reverse("crm:opportunity_create"),
        opportunity_data(client, activity_type=ActivityType.CALL, activity_at=EDGES[0]),
    )

    assert response.status_code == 200
    assert field_errors(response, "activity_at") == [OUT_OF_RANGE]
    assert not Opportunity.objects.exists()


def test_an_opportunitys_close_date_in_year_9999_is_refused(client_as, executive):
    client = ClientFactory.create(owner=executive)

    response = client_as(executive).post(
        reverse("crm:opportunity_create"),
        opportunity_data(client, expected_close_date="9999-12-31"),
    )

    assert field_errors(response, "expected_close_date") == [OUT_OF_RANGE]


def test_an_edited_opportunitys_next_activity_at_the_calendars_edge_is_refused(
    client_as, executive
):
    opportunity = OpportunityFactory.create(client=ClientFactory.create(owner=executive))

    response = client_as(executive).post(
        reverse("crm:opportunity_edit", args=[opportunity.pk]),
        edit_data(opportunity, activity_type=ActivityType.CALL, activity_at=EDGES[0]),
    )

    assert response.status_code == 200
    assert field_errors(response, "activity_at") == [OUT_OF_RANGE]
    assert not opportunity.activities.exists()


@pytest.mark.parametrize("typed", EDGES[:2])
def test_the_follow_up_flows_next_activity_at_the_calendars_edge_is_refused(
    client_as, executive, typed
):
    opportunity = OpportunityFactory.create(client__owner=executive, stage="proposal", **BANT)
    user_client = client_as(executive)

    response = user_client.post(
        reverse("crm:opportunity_follow_up", args=[opportunity.pk]),
        follow_up_data(opportunity, next_at=typed),
    )

    assert response.status_code == 200
    assert field_errors(response, "next_at") == [OUT_OF_RANGE]
    assert not opportunity.activities.exists()
    assert user_client.get(opportunity.get_absolute_url()).status_code == 200


# The week view --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        {"date": "9999-12-31"},
        {"week": "9999-W52"},
        {"date": "0001-01-01"},
        {"week": "0001-W01"},
        {"week": "2101-W01"},
        {"date": "1989-12-31"},
    ],
)
def test_the_week_view_refuses_a_week_outside_the_range_and_shows_this_week(
    client_as, executive, query
):
    response = client_as(executive).get(reverse("crm:activity_week"), query)

    assert response.status_code == 200
    assert OUT_OF_RANGE in response.content.decode()
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    assert response.context["days"][0].day == monday


def test_the_week_view_opens_the_first_and_last_weeks_of_the_range(client_as, executive):
    user_client = client_as(executive)
    assert user_client.get(reverse("crm:activity_week"), {"date": "1990-01-01"}).status_code == 200
    assert user_client.get(reverse("crm:activity_week"), {"date": "2100-12-31"}).status_code == 200


# Reading what is stored -----------------------------------------------------------------------


def test_pages_open_with_activities_stored_at_the_ranges_ends(client_as, executive):
    """Rows written before the bounds (or by a script) near the limits still read back."""
    activity = planned_of(executive)
    zone = timezone.get_current_timezone()
    Activity.objects.filter(pk=activity.pk).update(
        scheduled_at=datetime(2100, 12, 31, 23, 59, tzinfo=zone)
    )
    ActivityFactory.create(
        owner=executive,
        opportunity=activity.opportunity,
        client=activity.client,
        scheduled_at=None,
        done_at=datetime(1990, 1, 1, 0, 0, tzinfo=zone),
    )
    assert_pages_open(client_as(executive), activity)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="only PostgreSQL stores a date and time Python cannot read back",
)
def test_the_migration_brings_an_unreadable_activity_back_within_reach(client_as, executive):
    clamp = importlib.import_module("crm.migrations.0017_clamp_unreadable_activity_dates").clamp
    activity = planned_of(executive)
    with connection.cursor() as cursor:  # what the unbounded form saved: year 10000 in UTC
        cursor.execute(
            "UPDATE crm_activity SET scheduled_at = '9999-12-31 23:59-04' WHERE id = %s",
            [activity.pk],
        )
    user_client = client_as(executive)
    with pytest.raises(Exception, match="year"):
        Activity.objects.get(pk=activity.pk)

    clamp(apps, None)

    activity.refresh_from_db()
    assert timezone.localtime(activity.scheduled_at).date() == LAST_DAY
    assert_pages_open(user_client, activity)
