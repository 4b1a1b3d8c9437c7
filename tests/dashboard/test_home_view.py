from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from contractors_ro.models import Contractor, ContractorStatus
from projects_ro.models import ProjectStatus
from tests.factories import (
    ActivityFactory,
    ContractorFactory,
    OpportunityFactory,
    ProjectFactory,
    UserFactory,
)

URL = reverse("dashboard:home")


# Access -------------------------------------------------------------------------------------


def test_it_redirects_anonymous_users_to_the_login(client, db):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={URL}"


def test_it_sends_users_without_a_role_to_their_notifications(client_as, no_role_user):
    response = client_as(no_role_user).get(URL)

    assert response.status_code == 302
    assert response.url == reverse("accounts:notifications")


@pytest.mark.parametrize("role", [Role.OPERATIONS, Role.FINANCE, Role.LEGAL])
def test_it_sends_hand_off_areas_to_their_notifications(client_as, db, role):
    ProjectFactory(status=ProjectStatus.IN_PROGRESS)

    response = client_as(UserFactory(roles=[role])).get(URL)

    assert response.status_code == 302
    assert response.url == reverse("accounts:notifications")


@pytest.mark.parametrize("persona", ["executive", "manager", "admin"])
def test_it_opens_to_commercial_roles_and_administrators(client_as, personas, persona):
    assert client_as(personas[persona]).get(URL).status_code == 200


def test_it_only_answers_get(client_as, executive):
    assert client_as(executive).post(URL).status_code == 405


# Figures ------------------------------------------------------------------------------------


@pytest.fixture
def portfolio(db):
    for status, how_many in [
        (ProjectStatus.IN_PROGRESS, 3),
        (ProjectStatus.PLANNED, 2),
        (ProjectStatus.ON_HOLD, 1),
        (ProjectStatus.COMPLETED, 1),
        (ProjectStatus.CANCELLED, 1),
    ]:
        ProjectFactory.create_batch(how_many, status=status)
    for status, how_many in [
        (ContractorStatus.ACTIVE, 4),
        (ContractorStatus.INACTIVE, 2),
        (ContractorStatus.SUSPENDED, 1),
    ]:
        ContractorFactory.create_batch(how_many, status=status)


def test_it_counts_projects_in_progress_all_projects_and_active_contractors(
    client_as, executive, portfolio
):
    response = client_as(executive).get(URL)

    assert response.context["figures"] == {
        "projects_in_progress": 3,
        "projects_total": 8,
        "contractors_active": 4,
    }


def test_it_shows_the_figures_and_links_to_the_matching_lists(client_as, executive, portfolio):
    html = client_as(executive).get(URL).content.decode()

    assert '<p class="display-6 mb-0">3</p>' in html
    assert '<p class="display-6 mb-0">4</p>' in html
    assert f'href="{reverse("projects:list")}?status=in_progress"' in html
    assert f'href="{reverse("contractors:list")}?status=active"' in html


def test_it_shows_zeros_when_there_is_nothing_yet(client_as, executive):
    response = client_as(executive).get(URL)

    assert response.context["figures"] == {
        "projects_in_progress": 0,
        "projects_total": 0,
        "contractors_active": 0,
    }


def test_it_writes_large_figures_with_venezuelan_thousands_separators(client_as, executive):
    Contractor.objects.bulk_create(
        Contractor(name=f"C{n}", tax_id=f"J-{n:08d}-0", specialty="Civil") for n in range(1234)
    )

    html = client_as(executive).get(URL).content.decode()

    assert '<p class="display-6 mb-0">1.234</p>' in html


def test_it_greets_the_user_by_first_name(client_as, executive):
    executive.first_name = "Gabriela"
    executive.save()

    assert "Gabriela" in client_as(executive).get(URL).content.decode()


# Query count --------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 50])
def test_it_runs_a_fixed_number_of_queries_whatever_the_volume(
    client_as, executive, django_assert_num_queries, rows
):
    contractors = ContractorFactory.create_batch(3)
    ProjectFactory.create_batch(rows, status=ProjectStatus.IN_PROGRESS, contractors=contractors)
    ContractorFactory.create_batch(rows)
    stale = timezone.now() - timedelta(days=30)
    with ActivityFactory.facts_at_end():
        for _ in range(rows):
            opportunity = OpportunityFactory(client__owner=executive, stage_changed_at=stale)
            ActivityFactory(
                opportunity=opportunity, scheduled_at=timezone.now() - timedelta(hours=1)
            )
            OpportunityFactory(client__owner=executive, stage_changed_at=stale)
    user_client = client_as(executive)
    user_client.get(URL)  # the first request of a session stamps it; measure the next one

    # 26: the figures, the follow-up counts of the board's badges, the quotes about to expire
    # (with the visibility setting their scope reads) and the trends. The open pipeline, the
    # deals closed (won month, quarter, per month, win rate) and the planned activities
    # (overdue, today, this week) are one grouped query each, shared by figures and charts;
    # then the sales cycle and the next activities; and whether a Meta is set (one query).
    with django_assert_num_queries(20):
        response = user_client.get(URL)

    assert response.context["sales"]["open_count"] == 2 * rows
    assert response.context["sales"]["overdue_activities"] == rows
    assert len(response.context["sales"]["follow_up_list"]) == min(rows, 10)

    assert response.context["figures"]["projects_in_progress"] == rows


def test_an_executive_sees_his_figures_and_a_manager_the_teams(
    client_as, executive, other_executive, manager
):
    OpportunityFactory(client__owner=executive)
    OpportunityFactory(client__owner=other_executive)
    OpportunityFactory(client__owner=other_executive)

    assert client_as(executive).get(URL).context["sales"]["open_count"] == 1
    assert client_as(manager).get(URL).context["sales"]["open_count"] == 3
    one = client_as(manager).get(URL, {"ejecutivo": other_executive.pk})
    assert one.context["sales"]["open_count"] == 2
    assert one.context["chosen_executive"] == other_executive


def test_stale_opportunities_are_flagged_requires_follow_up(client_as, executive):
    OpportunityFactory(
        client__owner=executive,
        name="Sin contacto hace un mes",
        stage_changed_at=timezone.now() - timedelta(days=30),
    )
    html = client_as(executive).get(URL).content.decode()
    assert "Sin contacto hace un mes" in html and "Requiere seguimiento" in html


def test_the_sales_figures_are_compact_with_the_full_value_on_hover(client_as, executive):
    OpportunityFactory(
        client__owner=executive, estimated_value=Decimal("1000000000"), probability=10
    )

    html = client_as(executive).get(URL).content.decode()

    assert '<span class="amount-compact" title="USD 1.000.000.000,00">USD 1.000 MM</span>' in html
    assert '<span class="amount-compact" title="100.000.000,00">100 MM</span>' in html


# Trends, charts and the team table (h-reports) -----------------------------------------------


def test_it_shows_won_this_month_and_quarter_and_the_charts(client_as, executive):
    from crm.models import Stage

    today = timezone.localdate()
    OpportunityFactory(
        client__owner=executive,
        stage=Stage.WON,
        actual_value=12345,
        closed_on=today,
        probability=100,
    )

    response = client_as(executive).get(URL)

    html = response.content.decode()
    assert response.context["trends"]["won_month"] == 12345
    assert response.context["trends"]["won_quarter"] == 12345
    assert "12.345,00" in html
    assert 'data-testid="dashboard-funnel"' in html and 'data-testid="dashboard-won"' in html


def test_an_executive_never_sees_another_executives_trends(client_as, executive, other_executive):
    from crm.models import Stage

    OpportunityFactory(
        client__owner=other_executive,
        stage=Stage.WON,
        actual_value=99999,
        closed_on=timezone.localdate(),
    )

    response = client_as(executive).get(URL, {"ejecutivo": other_executive.pk})

    assert response.context["trends"]["won_month"] == 0
    assert response.context["team"] == []


def test_a_manager_gets_a_row_per_executive_linking_to_their_lists(
    client_as, manager, executive, other_executive
):
    OpportunityFactory(client__owner=executive, estimated_value=1000)
    OpportunityFactory(client__owner=other_executive, estimated_value=2000)

    response = client_as(manager).get(URL)

    rows = {row["executive"]: row for row in response.context["team"]}
    assert rows[executive]["open_value"] == 1000 and rows[other_executive]["open_value"] == 2000
    assert f"?owner={other_executive.pk}&amp;follow_up=on" in response.content.decode()


@pytest.mark.parametrize("rows", [1, 50])
def test_the_managers_dashboard_costs_the_same_queries_whatever_the_rows(
    client_as, manager, executive, django_assert_num_queries, rows
):
    for _ in range(rows):
        OpportunityFactory(client__owner=executive)
    browser = client_as(manager)
    browser.get(URL)

    # 24: the executive's 27 plus the team table's follow-up counts and the executive select,
    # without the executive's own settings and scope reads that a manager skips (the team
    # table reads the figures' grouped aggregates: no query of its own for them).
    with django_assert_num_queries(24):
        assert browser.get(URL).status_code == 200
