"""Metas: targets set by a manager, progress computed from the pipeline (hand-counted)."""

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from crm.models import ActivityType, GoalPeriod, SalesGoal, Stage
from crm.reports.goals import goal_board
from crm.services.goals import GoalInput, goals_save
from tests.factories import ActivityFactory, ClientFactory, OpportunityFactory, UserFactory

pytestmark = pytest.mark.django_db
CARACAS = ZoneInfo("America/Caracas")
MARCH = date(2027, 3, 1)


def deal(owner, stage, value, *, probability=10, close=None, closed=None, actual=None):
    return OpportunityFactory(
        client=ClientFactory(owner=owner),
        owner=owner,
        stage=stage,
        estimated_value=Decimal(value),
        probability=probability,
        expected_close_date=close or date(2027, 3, 20),
        closed_on=closed,
        actual_value=actual,
    )


@pytest.fixture
def march(executive, other_executive):
    deal(executive, Stage.WON, 40_000, probability=100, closed=date(2027, 3, 5), actual=30_000)
    deal(executive, Stage.WON, 99_000, probability=100, closed=date(2027, 2, 27))  # February
    deal(executive, Stage.CLOSING, 50_000, probability=90, close=date(2027, 3, 28))  # 45.000
    deal(executive, Stage.PROPOSAL, 80_000, probability=50, close=date(2027, 4, 2))  # April
    deal(other_executive, Stage.WON, 10_000, probability=100, closed=date(2027, 3, 9))
    noon = datetime.combine(date(2027, 3, 10), time(12), tzinfo=CARACAS)
    ActivityFactory(owner=executive, type=ActivityType.CALL, done_at=noon, scheduled_at=None)
    ActivityFactory(owner=executive, type=ActivityType.CALL, scheduled_at=noon)  # not done
    SalesGoal.objects.create(
        executive=executive,
        period=GoalPeriod.MONTH,
        starts_on=MARCH,
        won_value=Decimal(100_000),
        activities=20,
    )


def test_attainment_gap_and_coverage_against_a_hand_count(executive, other_executive, march):
    board = goal_board(
        period=GoalPeriod.MONTH, start=MARCH, executives=[executive, other_executive]
    )
    mine, theirs = board.rows
    assert (mine.target, mine.won, mine.weighted) == (100_000, 30_000, 45_000)
    assert mine.attainment == pytest.approx(0.3)
    assert mine.gap == 70_000
    assert mine.coverage == pytest.approx(45 / 70)
    assert (mine.activities, mine.activities_target) == (1, 20)
    assert (theirs.target, theirs.won, theirs.attainment) == (None, 10_000, None)
    assert (board.team.target, board.team.won) == (100_000, 40_000)
    assert board.team.attainment == pytest.approx(0.4)


def test_the_board_costs_five_queries_for_any_team(django_assert_num_queries, march):
    team = [UserFactory(roles=["Ejecutivo Comercial"]) for _ in range(6)]
    with django_assert_num_queries(5):
        goal_board(period=GoalPeriod.QUARTER, start=date(2027, 1, 1), executives=team)


def test_only_a_manager_sets_goals_and_only_for_the_team(executive, manager):
    goal = GoalInput(executive_id=executive.pk, won_value=Decimal(5_000))
    with pytest.raises(PermissionDenied):
        goals_save(user=executive, period=GoalPeriod.MONTH, starts_on=MARCH, goals=[goal])
    outsider = UserFactory(roles=[])
    with pytest.raises(ValidationError):
        goals_save(
            user=manager,
            period=GoalPeriod.MONTH,
            starts_on=MARCH,
            goals=[GoalInput(executive_id=outsider.pk, won_value=Decimal(1))],
        )
    with pytest.raises(ValidationError):
        goals_save(user=manager, period=GoalPeriod.QUARTER, starts_on=MARCH, goals=[goal])
    assert not SalesGoal.objects.exists()


def _post_data(page, values):
    formset = page.context["formset"]
    data = {
        f"metas-{key}": value
        for key, value in formset.management_form.initial.items()
        if key in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")
    }
    for index, form in enumerate(formset.forms):
        data[f"metas-{index}-executive"] = form.initial["executive"]
        for name, value in values.get(form.initial["executive"], {}).items():
            data[f"metas-{index}-{name}"] = value
    return data


def test_a_manager_sets_the_teams_goals_in_venezuelan_amounts(
    client_as, manager, executive, other_executive
):
    browser = client_as(manager)
    url = reverse("crm:goal_list") + "?periodo=trimestre&inicio=2027-02"
    page = browser.get(url)
    assert page.status_code == 200
    data = _post_data(
        page,
        {
            executive.pk: {"won_value": "150.000,50", "new_opportunities": "8"},
            other_executive.pk: {"won_value": "90000"},
        },
    )
    response = browser.post(url, data)
    assert response.status_code == 302
    mine = SalesGoal.objects.get(executive=executive)
    assert (mine.period, mine.starts_on, mine.won_value) == (
        "trimestre",
        date(2027, 1, 1),
        Decimal("150000.50"),
    )
    assert mine.new_opportunities == 8 and mine.set_by == manager
    assert SalesGoal.objects.get(executive=other_executive).won_value == 90_000


def test_a_bad_amount_is_refused_with_a_message_and_kept_as_typed(client_as, manager, executive):
    browser = client_as(manager)
    url = reverse("crm:goal_list") + "?periodo=mes&inicio=2027-03"
    data = _post_data(browser.get(url), {executive.pk: {"won_value": "1,500,000"}})
    response = browser.post(url, data)
    text = response.content.decode()
    assert response.status_code == 200
    assert 'value="1,500,000"' in text
    assert "1.500.000,50" in text  # the message says how to write it
    assert not SalesGoal.objects.exists()


def test_an_executive_sees_only_their_own_goal_and_cannot_set_it(
    client_as, executive, other_executive, march
):
    browser = client_as(executive)
    page = browser.get(reverse("crm:goal_list") + "?periodo=mes&inicio=2027-03")
    text = page.content.decode()
    assert page.status_code == 200
    assert "100.000,00" in text and "30,0 %" in text
    assert other_executive.get_full_name() not in text
    assert "<input" not in text.split("<table", 1)[1].split("</table>")[0]
    assert browser.post(reverse("crm:goal_list"), {}).status_code == 403


def test_a_nonsense_period_falls_back_to_this_month(client_as, manager):
    page = client_as(manager).get(reverse("crm:goal_list") + "?periodo=x&inicio=9999-99")
    assert page.status_code == 200
    assert page.context["period"] == GoalPeriod.MONTH


@pytest.mark.parametrize("size", [1, 6])
def test_the_page_costs_the_same_queries_for_any_team(
    client_as, manager, django_assert_num_queries, size
):
    for _ in range(size):
        UserFactory(roles=["Ejecutivo Comercial"])
    browser = client_as(manager)
    url = reverse("crm:goal_list")
    browser.get(url)
    with django_assert_num_queries(QUERIES):
        assert browser.get(url).status_code == 200


# 11, and the company settings read for the display currency (crm.money).
QUERIES = 12


@pytest.mark.parametrize("rows", [1, 30])
def test_the_dashboard_shows_the_goal_and_the_team_rolls_it_up(
    client_as, manager, executive, other_executive, django_assert_num_queries, rows
):
    from django.utils import timezone

    from crm.models.goals import period_start

    month = period_start(GoalPeriod.MONTH, timezone.localdate())
    for person, target in ((executive, 40_000), (other_executive, 60_000)):
        SalesGoal.objects.create(
            executive=person, period=GoalPeriod.MONTH, starts_on=month, won_value=target
        )
    for _ in range(rows):
        deal(
            executive, Stage.WON, 1_000, probability=100, closed=timezone.localdate(), actual=1_000
        )
    browser = client_as(manager)
    browser.get(reverse("dashboard:home"))
    # The 24 of the dashboard and the 4 progress aggregates.
    with django_assert_num_queries(28):
        page = browser.get(reverse("dashboard:home"))
    text = page.content.decode()
    assert page.context["goal"].target == 100_000
    assert page.context["goal"].won == rows * 1_000
    assert 'data-testid="goals"' in text
    mine = next(row for row in page.context["team"] if row["executive"] == executive)
    assert mine["goal"].attainment == pytest.approx(rows * 1_000 / 40_000)

    own = client_as(executive).get(reverse("dashboard:home"))
    assert own.context["goal"].target == 40_000


def test_the_pipeline_report_and_its_pdf_show_the_periods_goals(client_as, manager, executive):
    import io

    from django.utils import timezone
    from openpyxl import load_workbook
    from pypdf import PdfReader

    from crm.models.goals import period_start

    this_month = period_start(GoalPeriod.MONTH, timezone.localdate())
    SalesGoal.objects.create(
        executive=executive, period=GoalPeriod.MONTH, starts_on=this_month, won_value=654_321
    )
    browser = client_as(manager)
    custom = f"?periodo=personalizado&desde={this_month}&hasta={this_month}"
    assert browser.get(reverse("crm:report_pipeline") + custom).context["goals"] is None

    query = f"?periodo=mes&ejecutivo={executive.pk}"
    page = browser.get(reverse("crm:report_pipeline") + query)
    assert 'data-testid="report-goals"' in page.content.decode()
    assert "654.321,00" in page.content.decode()
    pdf = browser.get(reverse("crm:report_pipeline_export", args=["pdf"]) + query)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "654.321,00" in text
    excel = browser.get(reverse("crm:report_pipeline_export", args=["excel"]) + query)
    workbook = load_workbook(io.BytesIO(b"".join(excel.streaming_content)))
    cells = [row for row in workbook.worksheets[0].iter_rows(values_only=True) if row]
    assert any(row[0] == str(executive) and row[1] == 654_321 for row in cells)


# --- Dual currency ------------------------------------------------------------------------


def ves_deal(owner, usd, rate, **extra):
    """A won deal of March frozen at its own rate (VES = USD × rate)."""
    return OpportunityFactory(
        client=ClientFactory(owner=owner),
        owner=owner,
        stage=Stage.WON,
        probability=100,
        estimated_value=Decimal(usd),
        estimated_value_ves=Decimal(usd) * rate,
        estimated_value_rate=Decimal(rate),
        expected_close_date=date(2027, 3, 5),
        closed_on=date(2027, 3, 5),
        **extra,
    )


def test_a_target_typed_in_ves_is_frozen_at_the_periods_first_day_and_never_moves(
    client_as, manager, executive
):
    from accounts.models import Currency
    from crm.models import ExchangeRate

    ExchangeRate.objects.create(date=date(2027, 2, 26), ves_per_usd=Decimal(36))
    ExchangeRate.objects.create(date=date(2027, 3, 20), ves_per_usd=Decimal(99))  # mid-period
    ves_deal(executive, 10_000, 40)  # 400.000 VES
    ves_deal(executive, 5_000, 50)  # 250.000 VES, each at its own rate
    browser = client_as(manager)
    url = reverse("crm:goal_list") + "?periodo=mes&inicio=2027-03"
    data = _post_data(
        browser.get(url),
        {executive.pk: {"won_value": "1.300.000", "won_value_currency": "VES"}},
    )
    assert browser.post(url, data).status_code == 302
    goal = SalesGoal.objects.get(executive=executive)
    assert (goal.won_value, goal.won_value_ves, goal.won_value_rate) == (
        Decimal("36111.11"),
        Decimal("1300000"),
        Decimal(36),
    )
    assert goal.won_value_currency == Currency.VES

    ExchangeRate.objects.create(date=date(2027, 3, 1), ves_per_usd=Decimal(80))  # loaded later
    assert browser.post(url, data).status_code == 302  # saved again, unchanged
    goal.refresh_from_db()
    assert (goal.won_value, goal.won_value_ves) == (Decimal("36111.11"), Decimal("1300000"))

    board = goal_board(
        period=GoalPeriod.MONTH, start=MARCH, executives=[executive], currency=Currency.VES
    )
    row = board.rows[0]
    assert (row.target, row.won) == (1_300_000, 650_000)  # won from the VES column
    assert row.attainment == pytest.approx(0.5)
    usd = goal_board(period=GoalPeriod.MONTH, start=MARCH, executives=[executive]).rows[0]
    assert (usd.target, usd.won) == (Decimal("36111.11"), 15_000)

    manager.display_currency = Currency.VES
    manager.save(update_fields=["display_currency"])
    page = browser.get(url)
    text = page.content.decode()
    mine = next(r for r in page.context["board"].rows if r.executive == executive)
    assert mine.target == 1_300_000
    assert "650.000,00" in text and "50,0 %" in text
    assert 'value="1300000' in text or 'value="1.300.000' in text  # the amount as typed


def test_a_ves_target_without_a_rate_is_refused_and_kept_as_typed(client_as, manager, executive):
    browser = client_as(manager)
    url = reverse("crm:goal_list") + "?periodo=mes&inicio=2027-03"
    data = _post_data(
        browser.get(url),
        {executive.pk: {"won_value": "500.000", "won_value_currency": "VES"}},
    )
    page = browser.post(url, data)
    assert page.status_code == 200
    assert "Administración → Tasas de cambio" in page.content.decode()
    assert 'value="500000"' in page.content.decode()
    assert '<option value="VES" selected>' in page.content.decode()
    assert not SalesGoal.objects.filter(executive=executive).exists()


def test_a_usd_goal_without_a_rate_reads_no_rate_in_ves_never_zero(
    client_as, manager, executive, other_executive
):
    from django.utils import timezone

    from accounts.models import Currency
    from crm.models.goals import period_start

    month = period_start(GoalPeriod.MONTH, timezone.localdate())
    for person in (executive, other_executive):
        SalesGoal.objects.create(
            executive=person, period=GoalPeriod.MONTH, starts_on=month, won_value=40_000
        )
    manager.display_currency = Currency.VES
    manager.save(update_fields=["display_currency"])
    browser = client_as(manager)
    dashboard = browser.get(reverse("dashboard:home"))
    goal = dashboard.context["goal"]
    assert goal.no_rate and goal.target is None and goal.attainment is None
    assert "sin tasa" in dashboard.content.decode()
    page = browser.get(reverse("crm:goal_list"))
    assert page.context["board"].team.no_rate
    assert "sin tasa" in page.content.decode()
    assert all(row.target is None for row in page.context["board"].rows if row.goal)
