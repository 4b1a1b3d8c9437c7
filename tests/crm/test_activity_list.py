"""CRM → Actividades → "Mis actividades": the sections (overdue, today, this week, later,
recently done), the filters, whose agenda it is, scope and query counts."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from accounts.models import CompanySettings, Visibility
from crm.models import ActivityType
from tests.factories import ActivityFactory, ClientFactory, OpportunityFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("crm:activity_list")
HTMX = {"HTTP_HX_REQUEST": "true"}
CARACAS = ZoneInfo("America/Caracas")
# A Wednesday, mid-morning.
NOW = datetime(2026, 3, 11, 10, 0, tzinfo=CARACAS)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=CARACAS)


def activity_of(user, **kwargs):
    """An activity owned by `user` on one of their clients' opportunities."""
    if "opportunity" not in kwargs:
        kwargs["opportunity"] = OpportunityFactory(client=ClientFactory(owner=user))
    return ActivityFactory(owner=user, **kwargs)


def subjects(response, section: str) -> list[str]:
    found = next(s for s in response.context["sections"] if s.key == section)
    return [activity.subject for activity in found.activities]


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_it_sorts_planned_activities_into_overdue_today_this_week_and_later(
    client_as, executive, frozen
):
    activity_of(executive, subject="Monday call", scheduled_at=at(9, 9))
    activity_of(executive, subject="This morning", scheduled_at=at(11, 8))
    activity_of(executive, subject="This afternoon", scheduled_at=at(11, 15))
    activity_of(executive, subject="Tomorrow", scheduled_at=at(12, 9))
    activity_of(executive, subject="Sunday night", scheduled_at=at(15, 22))
    activity_of(executive, subject="Next Monday", scheduled_at=at(16, 0, 5))

    response = client_as(executive).get(URL)

    assert subjects(response, "overdue") == ["Monday call", "This morning"]
    assert subjects(response, "today") == ["This afternoon"]
    assert subjects(response, "week") == ["Tomorrow", "Sunday night"]
    assert subjects(response, "later") == ["Next Monday"]
    content = response.content.decode()
    for heading in ("Vencidas", "Hoy", "Esta semana", "Más adelante", "Realizadas recientemente"):
        assert heading in content


def test_recently_done_lists_the_last_seven_days_and_never_cancelled_ones(
    client_as, executive, frozen
):
    activity_of(executive, subject="Done yesterday", scheduled_at=None, done_at=at(10, 11))
    activity_of(executive, subject="Done ten days ago", scheduled_at=None, done_at=at(1, 11))
    activity_of(executive, subject="Cancelled", scheduled_at=at(12, 9), cancelled_at=at(10, 9))

    response = client_as(executive).get(URL)

    assert subjects(response, "done") == ["Done yesterday"]
    for section in ("overdue", "today", "week", "later"):
        assert "Cancelled" not in subjects(response, section)


def test_every_planned_row_offers_mark_done_reschedule_and_cancel(client_as, executive, frozen):
    planned = activity_of(executive, scheduled_at=at(11, 15))
    done = activity_of(executive, scheduled_at=None, done_at=at(10, 11))

    content = client_as(executive).get(URL).content.decode()

    complete = reverse("crm:activity_complete", args=[planned.pk])
    assert f'href="{complete}"' in content
    assert f'hx-get="{complete}"' in content
    assert reverse("crm:activity_reschedule", args=[planned.pk]) in content
    assert reverse("crm:activity_cancel", args=[planned.pk]) in content
    assert "Marcar como realizada" in content
    assert reverse("crm:activity_complete", args=[done.pk]) not in content


def test_it_lists_only_the_users_own_agenda(client_as, executive, other_executive, frozen):
    activity_of(executive, subject="Mine", scheduled_at=at(11, 15))
    activity_of(other_executive, subject="Theirs", scheduled_at=at(11, 16))

    response = client_as(executive).get(URL)

    assert subjects(response, "today") == ["Mine"]
    assert "executive" not in response.context["filter"].form.fields


def test_it_filters_by_type_client_and_opportunity(client_as, executive, frozen):
    sabana = ClientFactory(owner=executive, name="Alimentos La Sabana, C.A.")
    caribe = ClientFactory(owner=executive, name="Cementos Caribe, C.A.")
    plant = OpportunityFactory(client=sabana, name="Ampliación de planta")
    activity_of(executive, subject="Call Sabana", opportunity=plant, scheduled_at=at(11, 15))
    activity_of(
        executive,
        subject="Meeting Sabana",
        type=ActivityType.MEETING,
        opportunity=plant,
        scheduled_at=at(11, 16),
    )
    activity_of(
        executive,
        subject="Call Caribe",
        opportunity=OpportunityFactory(client=caribe, name="Silos"),
        scheduled_at=at(11, 17),
    )
    user_client = client_as(executive)

    by_type = user_client.get(URL, {"type": ActivityType.MEETING})
    by_client = user_client.get(URL, {"client": "sabana"})
    by_opportunity = user_client.get(URL, {"opportunity": "silos"})

    assert subjects(by_type, "today") == ["Meeting Sabana"]
    assert subjects(by_client, "today") == ["Call Sabana", "Meeting Sabana"]
    assert subjects(by_opportunity, "today") == ["Call Caribe"]


def test_the_htmx_filter_returns_only_the_sections(client_as, executive, frozen):
    activity_of(executive, subject="Mine", scheduled_at=at(11, 15))

    response = client_as(executive).get(URL, {"client": "Empresa"}, **HTMX)

    content = response.content.decode()
    assert "<html" not in content
    assert "Mine" in content
    assert 'data-section="overdue"' in content


def test_a_manager_sees_their_own_agenda_then_an_executive_or_the_whole_team(
    client_as, manager, executive, other_executive, frozen
):
    activity_of(manager, subject="Manager's", scheduled_at=at(11, 14))
    activity_of(executive, subject="Executive's", scheduled_at=at(11, 15))
    activity_of(other_executive, subject="Other's", scheduled_at=at(11, 16))
    user_client = client_as(manager)

    own = user_client.get(URL)
    one = user_client.get(URL, {"executive": executive.pk})
    team = user_client.get(URL, {"executive": "all"})

    assert subjects(own, "today") == ["Manager's"]
    assert subjects(one, "today") == ["Executive's"]
    assert subjects(team, "today") == ["Manager's", "Executive's", "Other's"]
    choices = dict(own.context["filter"].form.fields["executive"].choices)
    assert choices["all"] == "Todo el equipo"
    assert choices[""] == "Mis actividades"
    assert str(executive.pk) in choices
    assert str(executive) in team.content.decode()  # whose each row is


def test_an_executive_cannot_pick_someone_elses_agenda(
    client_as, executive, other_executive, frozen
):
    activity_of(other_executive, subject="Theirs", scheduled_at=at(11, 16))

    response = client_as(executive).get(URL, {"executive": other_executive.pk})

    assert subjects(response, "today") == []


def test_in_own_mode_it_hides_activities_of_clients_the_user_cannot_see(
    client_as, executive, frozen
):
    CompanySettings.objects.update_or_create(pk=1, defaults={"client_visibility": Visibility.OWN})
    someone = UserFactory()
    # Owned by the executive, but on a client that is not theirs.
    activity_of(
        executive,
        subject="Hidden",
        opportunity=OpportunityFactory(client=ClientFactory(owner=someone)),
        scheduled_at=at(11, 15),
    )
    activity_of(executive, subject="Visible", scheduled_at=at(11, 16))

    response = client_as(executive).get(URL)

    assert subjects(response, "today") == ["Visible"]


def test_activities_of_deleted_clients_and_opportunities_are_left_out(client_as, executive, frozen):
    gone = activity_of(executive, subject="Deleted opportunity", scheduled_at=at(11, 15))
    gone.opportunity.deleted_at = NOW
    gone.opportunity.save()
    activity_of(executive, subject="Alive", scheduled_at=at(11, 16))

    response = client_as(executive).get(URL)

    assert subjects(response, "today") == ["Alive"]


def test_a_managers_agenda_leaves_out_activities_of_deleted_opportunities(
    client_as, manager, frozen
):
    gone = activity_of(manager, subject="Deleted opportunity", scheduled_at=at(11, 15))
    gone.opportunity.deleted_at = NOW
    gone.opportunity.save()
    activity_of(manager, subject="Alive", scheduled_at=at(11, 16))

    response = client_as(manager).get(URL, {"executive": "all"})

    assert subjects(response, "today") == ["Alive"]


def test_a_section_counts_up_to_a_cap_and_says_there_are_more(
    client_as, executive, frozen, monkeypatch
):
    monkeypatch.setattr("crm.selectors.activities.COUNT_CAP", 11)
    opportunity = OpportunityFactory(client=ClientFactory(owner=executive))
    for n in range(12):
        activity_of(executive, opportunity=opportunity, scheduled_at=at(10, 8) + timedelta(hours=n))
    activity_of(executive, opportunity=opportunity, scheduled_at=at(12, 9))

    response = client_as(executive).get(URL)

    sections = {s.key: s for s in response.context["sections"]}
    overdue = sections["overdue"]
    assert (overdue.count, overdue.capped, len(overdue.activities)) == (11, True, 10)
    assert overdue.has_more
    assert (sections["week"].count, sections["week"].capped) == (1, False)
    html = response.content.decode()
    assert ">11+</span>" in html and "Ver más (más de 11)" in html


def test_a_long_section_shows_its_first_rows_and_see_more_pages_through_it(
    client_as, executive, frozen
):
    opportunity = OpportunityFactory(client=ClientFactory(owner=executive))
    for n in range(12):
        activity_of(executive, opportunity=opportunity, scheduled_at=at(9, 8) + timedelta(hours=n))
    user_client = client_as(executive)

    agenda = user_client.get(URL)
    overdue = next(s for s in agenda.context["sections"] if s.key == "overdue")
    more = user_client.get(URL, {"section": "overdue"})

    assert overdue.count == 12 and len(overdue.activities) == 10 and overdue.has_more
    assert "Ver más (12 en total)" in agenda.content.decode()
    assert more.context["page_obj"].paginator.count == 12
    assert len(more.context["page_obj"].object_list) == 12


def test_anonymous_users_sign_in_first_and_users_without_a_role_are_refused(
    client_as, no_role_user
):
    assert client_as(None).get(URL).status_code == 302
    assert client_as(no_role_user).get(URL).status_code == 403


def many_activities(user, rows: int) -> None:
    """`rows` activities spread over every section, with contacts and opportunities."""
    opportunity = OpportunityFactory(client=ClientFactory(owner=user))
    offsets = [-30, 2, 60, 24 * 3, 24 * 10]
    for n in range(rows):
        offset = timedelta(hours=offsets[n % len(offsets)])
        if n % 5 == 0:
            activity_of(user, opportunity=opportunity, scheduled_at=None, done_at=NOW - offset)
        else:
            activity_of(user, opportunity=opportunity, scheduled_at=NOW + offset)


@pytest.mark.parametrize("rows", [1, 50])
def test_the_agenda_runs_a_fixed_number_of_queries_whatever_the_volume(
    client_as, manager, django_assert_num_queries, rows, frozen
):
    many_activities(manager, rows)
    user_client = client_as(manager)
    user_client.get(URL)

    # session, user, 2 x permissions, roles, the executives of the filter, and the five
    # sections in two queries (totals and first rows' ids, then those rows with client,
    # opportunity, contact, owner and reclamo)
    with django_assert_num_queries(8):
        response = user_client.get(URL, {"type": ActivityType.CALL, "client": "Empresa"})

    assert sum(s.count for s in response.context["sections"]) == rows


@pytest.mark.parametrize("rows", [1, 50])
def test_an_executives_agenda_runs_a_fixed_number_of_queries_whatever_the_volume(
    client_as, executive, django_assert_num_queries, rows, frozen
):
    many_activities(executive, rows)
    user_client = client_as(executive)
    user_client.get(URL)

    # session, user, 2 x permissions, roles, company settings (the scope), and the five
    # sections in two queries
    with django_assert_num_queries(8):
        response = user_client.get(URL, **HTMX)

    assert sum(s.count for s in response.context["sections"]) == rows


@pytest.mark.parametrize("rows", [1, 50])
def test_one_section_runs_a_fixed_number_of_queries_whatever_the_volume(
    client_as, executive, django_assert_num_queries, rows, frozen
):
    many_activities(executive, rows)
    user_client = client_as(executive)
    user_client.get(URL)

    # session, user, 2 x permissions, roles, company settings, count, page
    with django_assert_num_queries(8):
        user_client.get(URL, {"section": "done"}, **HTMX)


def test_an_agenda_part_that_matches_nothing_is_left_out_not_a_500(db):
    """A filter the ORM knows matches nothing (e.g. `pk__in=[]`) compiles to no SQL at all
    (EmptyResultSet): its part of the agenda's UNION ALL is skipped, with a count of 0."""
    from crm.models import Activity
    from crm.selectors.activities import _union_all

    nothing = Activity.objects.filter(pk__in=[]).values("pk")
    assert _union_all([("planned", "count", nothing), ("planned", "first", nothing[:10])]) == []
