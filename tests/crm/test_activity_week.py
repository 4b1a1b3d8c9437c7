"""The week view of CRM → Actividades: Monday to Sunday with the planned and done activities,
previous/next week, "Hoy", and the manager's choice of executive."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from crm.models import Activity, ActivityType
from crm.selectors.activities import _week_by_day, _week_by_window
from tests.factories import ActivityFactory, ClientFactory, OpportunityFactory

pytestmark = pytest.mark.django_db

URL = reverse("crm:activity_week")
CARACAS = ZoneInfo("America/Caracas")
NOW = datetime(2026, 3, 11, 10, 0, tzinfo=CARACAS)  # Wednesday of week 2026-W11


def at(day: int, hour: int, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=CARACAS)


def activity_of(user, **kwargs):
    if "opportunity" not in kwargs:
        kwargs["opportunity"] = OpportunityFactory(client=ClientFactory(owner=user))
    return ActivityFactory(owner=user, **kwargs)


def by_day(response) -> dict[date, list[str]]:
    return {day.day: [a.subject for a in day.activities] for day in response.context["days"]}


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_it_shows_monday_to_sunday_with_planned_and_done_activities(client_as, executive, frozen):
    activity_of(executive, subject="Monday done", scheduled_at=None, done_at=at(9, 9))
    activity_of(
        executive, subject="Planned Monday, done Tuesday", scheduled_at=at(9, 8), done_at=at(10, 16)
    )
    activity_of(executive, subject="Overdue Tuesday", scheduled_at=at(10, 11))
    activity_of(executive, subject="Sunday late", scheduled_at=at(15, 23))
    activity_of(executive, subject="Cancelled", scheduled_at=at(12, 9), cancelled_at=at(10, 8))
    activity_of(executive, subject="Next week", scheduled_at=at(16, 9))
    activity_of(executive, subject="Previous Sunday", scheduled_at=None, done_at=at(8, 20))

    response = client_as(executive).get(URL)

    days = by_day(response)
    assert list(days) == [date(2026, 3, 9) + timedelta(days=n) for n in range(7)]
    assert days[date(2026, 3, 9)] == ["Monday done"]
    assert days[date(2026, 3, 10)] == ["Overdue Tuesday", "Planned Monday, done Tuesday"]
    assert days[date(2026, 3, 15)] == ["Sunday late"]
    assert sum(len(subjects) for subjects in days.values()) == 4
    content = response.content.decode()
    assert "Semana del 09/03/2026 al 15/03/2026" in content
    assert "Lunes" in content and "Domingo" in content
    assert 'aria-current="date"' in content  # today, Wednesday


def test_previous_next_and_today_links(client_as, executive, frozen):
    content = client_as(executive).get(URL, {"week": "2026-W20"}).content.decode()

    assert "week=2026-W19" in content
    assert "week=2026-W21" in content
    assert "week=2026-W11" in content  # "Hoy"
    assert "Semana del 11/05/2026 al 17/05/2026" in content


def test_a_date_opens_its_week_and_a_bad_week_falls_back_to_this_one(client_as, executive, frozen):
    activity_of(executive, subject="New year", scheduled_at=at(1, 9, month=1))
    user_client = client_as(executive)

    by_date = user_client.get(URL, {"date": "2026-01-01"})
    across_years = user_client.get(URL, {"week": "2026-W01"})
    bad = user_client.get(URL, {"week": "2026-W99"})

    assert by_date.context["monday"] == date(2025, 12, 29)
    assert by_day(by_date)[date(2026, 1, 1)] == ["New year"]
    assert across_years.context["monday"] == date(2025, 12, 29)
    assert bad.context["monday"] == date(2026, 3, 9)
    assert "Ingrese una semana como 2026-W11." in bad.content.decode()


def test_it_shows_only_the_users_activities(client_as, executive, other_executive, frozen):
    activity_of(executive, subject="Mine", scheduled_at=at(12, 9))
    activity_of(other_executive, subject="Theirs", scheduled_at=at(12, 10))

    response = client_as(executive).get(URL, {"executive": other_executive.pk})

    assert by_day(response)[date(2026, 3, 12)] == ["Mine"]
    assert "executive" not in response.context["form"].fields


def test_a_manager_picks_an_executive_or_the_whole_team(
    client_as, manager, executive, other_executive, frozen
):
    activity_of(executive, subject="Executive's", scheduled_at=at(12, 9))
    activity_of(other_executive, subject="Other's", scheduled_at=at(12, 10))
    user_client = client_as(manager)

    own = user_client.get(URL)
    one = user_client.get(URL, {"executive": executive.pk})
    team = user_client.get(URL, {"executive": "all"})

    assert by_day(own)[date(2026, 3, 12)] == []
    assert by_day(one)[date(2026, 3, 12)] == ["Executive's"]
    assert by_day(team)[date(2026, 3, 12)] == ["Executive's", "Other's"]
    assert str(other_executive) in team.content.decode()


@pytest.mark.parametrize("rows", [1, 50])
def test_the_week_runs_a_fixed_number_of_queries_whatever_the_volume(
    client_as, executive, django_assert_num_queries, rows, frozen
):
    opportunity = OpportunityFactory(client=ClientFactory(owner=executive))
    for n in range(rows):
        when = at(9 + n % 7, 8 + n % 10)
        if n % 3:
            activity_of(
                executive, opportunity=opportunity, scheduled_at=when, type=ActivityType.MEETING
            )
        else:
            activity_of(executive, opportunity=opportunity, scheduled_at=None, done_at=when)
    user_client = client_as(executive)
    user_client.get(URL)

    # session, user, 2 x permissions, roles, company settings (the scope), each day's first
    # activities' ids and totals, then those activities with their client, opportunity,
    # owner, contact
    with django_assert_num_queries(8):
        response = user_client.get(URL, {"week": "2026-W11"})

    assert sum(len(subjects) for subjects in by_day(response).values()) == rows


@pytest.mark.parametrize("rows", [1, 50])
def test_a_managers_team_week_runs_a_fixed_number_of_queries(
    client_as, manager, executive, django_assert_num_queries, rows, frozen
):
    opportunity = OpportunityFactory(client=ClientFactory(owner=executive))
    for n in range(rows):
        activity_of(executive, opportunity=opportunity, scheduled_at=at(9 + n % 7, 9))
    user_client = client_as(manager)
    user_client.get(URL)

    # session, user, 2 x permissions, roles, the executives of the choice, the week (ids and
    # totals, then the rows)
    with django_assert_num_queries(8):
        response = user_client.get(URL, {"executive": "all"})

    assert sum(len(subjects) for subjects in by_day(response).values()) == rows


def test_a_busy_day_shows_its_first_activities_and_counts_the_rest(
    client_as, executive, frozen, monkeypatch
):
    monkeypatch.setattr("crm.selectors.activities.WEEK_DAY_CAP", 3)
    opportunity = OpportunityFactory(client=ClientFactory(owner=executive))
    for n in range(4):
        activity_of(
            executive, opportunity=opportunity, subject=f"Plan {n}", scheduled_at=at(12, 9 + n)
        )
    activity_of(
        executive, opportunity=opportunity, subject="Hecha", scheduled_at=None, done_at=at(12, 8)
    )

    response = client_as(executive).get(URL)

    day = next(d for d in response.context["days"] if d.day == date(2026, 3, 12))
    assert [a.subject for a in day.activities] == ["Hecha", "Plan 0", "Plan 1"]
    assert (day.count, day.more, day.capped) == (5, 2, False)
    assert "y 2 más" in response.content.decode()


@pytest.mark.parametrize("cap", [1, 2, 12])
def test_one_persons_week_and_the_teams_are_read_alike(executive, other_executive, frozen, cap):
    """The two readers of week_days (one pass with a window for one person's week, capped
    parts per day for the team's) choose the same ids and count the same totals: at the
    day boundaries of Caracas, the week's edges, done, planned, cancelled and ties."""
    opportunity = OpportunityFactory(client=ClientFactory(owner=executive))
    times = [
        at(9, 0),  # Monday 00:00 local, the week's first instant
        datetime(2026, 3, 9, 3, 59, tzinfo=ZoneInfo("UTC")),  # Sunday 23:59 local
        at(10, 23),
        at(11, 0),
        at(11, 0),  # a tie on time: the pk decides
        at(15, 23),
        at(16, 0),  # the next Monday: out
    ]
    for n, moment in enumerate(times):
        activity_of(executive, opportunity=opportunity, subject=f"Plan {n}", scheduled_at=moment)
        activity_of(
            executive,
            opportunity=opportunity,
            subject=f"Done {n}",
            scheduled_at=None if n % 2 else at(2, 9),
            done_at=moment,
        )
    activity_of(executive, opportunity=opportunity, scheduled_at=at(12, 9), cancelled_at=at(10, 8))
    activity_of(other_executive, scheduled_at=at(12, 10))

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("crm.selectors.activities.WEEK_DAY_CAP", cap)
        monday = date(2026, 3, 9)
        for rows in (Activity.objects.filter(owner=executive), Activity.objects.all()):
            by_day_counts, by_day_chosen = _week_by_day(rows, monday)
            by_window_counts, by_window_chosen = _week_by_window(rows, monday)
            assert by_window_counts == {k: n for k, n in by_day_counts.items() if n}
            assert sorted(by_window_chosen) == sorted(by_day_chosen)
            assert len(by_day_chosen) > 0
