"""Progress against the Metas (crm.models.goals) of a month or quarter, per executive and for
the team: attainment = won ÷ target, the gap still to win, and the pipeline coverage of that
gap (weighted open pipeline expected to close in the period ÷ the gap).

Amounts are in the caller's currency (crm.money): the target's frozen USD or VES value
against the won value and the pipeline in the same column. A target typed before any rate
of its period has no VES value yet (`no_rate`: shown as "sin tasa", never compared).

Five aggregate queries whatever the number of executives. Who is shown is the caller's
choice of `executives` (a manager: the team or one executive; an executive: themselves).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Q, Sum

from accounts.models import Currency, User
from accounts.roles import is_manager
from accounts.selectors import assignable_executives
from crm.models import OPEN_STAGES, Activity, GoalPeriod, Opportunity, SalesGoal, Stage
from crm.models.goals import period_months, period_start
from crm.money import amount_in
from crm.reports.filters import ReportFilters, add_months
from crm.reports.pipeline import ZERO, day_bounds, weighted_value, won_value
from crm.reports.tables import ratio


@dataclass
class GoalRow:
    executive: User | None  # None: the team's total
    goal: SalesGoal | None = None
    target: Decimal | None = None
    won: Decimal = ZERO
    weighted: Decimal = ZERO  # open pipeline expected to close in the period
    new_opportunities: int = 0
    new_opportunities_target: int | None = None
    activities: int = 0
    activities_target: int | None = None
    no_rate: bool = False  # a target with no value in the display currency yet

    @property
    def attainment(self) -> float | None:
        return ratio(self.won, self.target)

    @property
    def gap(self) -> Decimal | None:
        return None if self.target is None else max(self.target - self.won, ZERO)

    @property
    def coverage(self) -> float | None:
        """Weighted pipeline of the period ÷ the gap (None when nothing is left to win)."""
        return ratio(self.weighted, self.gap) if self.gap else None


@dataclass
class GoalBoard:
    period: str
    start: date
    end: date
    rows: list[GoalRow]
    currency: str = Currency.USD
    team: GoalRow = field(init=False)

    def __post_init__(self) -> None:
        def total[N: (int, Decimal)](values: Iterable[N | None], zero: N) -> N | None:
            """The sum of the values given, or None when no row has one."""
            present = [v for v in values if v is not None]
            return sum(present, zero) if present else None

        no_rate = any(r.no_rate for r in self.rows)
        self.team = GoalRow(
            executive=None,
            target=None if no_rate else total((r.target for r in self.rows), ZERO),
            no_rate=no_rate,
            won=sum((r.won for r in self.rows), ZERO),
            weighted=sum((r.weighted for r in self.rows), ZERO),
            new_opportunities=sum(r.new_opportunities for r in self.rows),
            new_opportunities_target=total((r.new_opportunities_target for r in self.rows), 0),
            activities=sum(r.activities for r in self.rows),
            activities_target=total((r.activities_target for r in self.rows), 0),
        )

    @property
    def has_targets(self) -> bool:
        return any(r.goal is not None for r in self.rows)


def goal_people(
    *, user: User, executive: User | None = None, team: list | None = None
) -> list[User]:
    """Whose goals the user sees: a manager the team's (or the chosen executive's); an
    executive only their own. `team`: the assignable executives when the caller has them."""
    if is_manager(user):
        return [executive] if executive else (team or list(assignable_executives()))
    return [user] if executive in (None, user) else []


def report_goal_board(*, user: User, filters: ReportFilters) -> GoalBoard | None:
    """The Metas of a report's period when it is a month or a quarter preset."""
    period = {"mes": GoalPeriod.MONTH, "trimestre": GoalPeriod.QUARTER}.get(filters.preset)
    people = goal_people(user=user, executive=filters.executive)
    if period is None or not people:
        return None
    goals = {
        goal.executive_id: goal
        for goal in SalesGoal.objects.filter(
            period=period, starts_on=filters.start, executive__in=people, won_value__isnull=False
        )
    }
    if not goals:  # one query when nobody has a goal for the period
        return None
    return goal_board(
        period=period,
        start=filters.start,
        executives=people,
        goals=goals,
        currency=filters.currency,
    )


def period_end(period: str, start: date) -> date:
    return add_months(start, period_months(period)) - timedelta(days=1)


def goal_board(
    *,
    period: str,
    start: date,
    executives: list[User],
    goals: dict | None = None,
    currency: str = Currency.USD,
) -> GoalBoard:
    """`goals` (executive id -> SalesGoal) when the caller already read them."""
    end = period_end(period, start)
    since, until = day_bounds(start, end)
    people = [person.pk for person in executives]
    if goals is None:
        goals = {
            goal.executive_id: goal
            for goal in SalesGoal.objects.filter(
                period=period, starts_on=start, executive_id__in=people
            )
        }
    deals = Opportunity.objects.filter(owner_id__in=people).order_by().values("owner_id")
    won = deals.filter(stage=Stage.WON, closed_on__range=(start, end)).annotate(
        value=Sum(won_value(currency))
    )
    weighted = deals.filter(
        stage__in=OPEN_STAGES, expected_close_date__range=(start, end)
    ).annotate(value=Sum(weighted_value(currency)))
    created = deals.filter(created_at__gte=since, created_at__lt=until).annotate(n=Count("pk"))
    done = (
        Activity.objects.done(since=since, until=until)
        .filter(owner_id__in=people, cancelled_at__isnull=True)
        .order_by()
        .values("owner_id")
        .annotate(n=Count("pk"))
    )
    won_by = {row["owner_id"]: row["value"] or ZERO for row in won}
    weighted_by = {row["owner_id"]: row["value"] or ZERO for row in weighted}
    created_by = {row["owner_id"]: row["n"] for row in created}
    done_by = {row["owner_id"]: row["n"] for row in done}
    rows = []
    for person in executives:
        goal = goals.get(person.pk)
        target = amount_in(goal, "won_value", currency) if goal else None
        rows.append(
            GoalRow(
                executive=person,
                goal=goal,
                target=target,
                no_rate=target is None and goal is not None and goal.won_value is not None,
                won=won_by.get(person.pk, ZERO),
                weighted=weighted_by.get(person.pk, ZERO),
                new_opportunities=created_by.get(person.pk, 0),
                new_opportunities_target=goal.new_opportunities if goal else None,
                activities=done_by.get(person.pk, 0),
                activities_target=goal.activities if goal else None,
            )
        )
    return GoalBoard(period=period, start=start, end=end, rows=rows, currency=currency)


def current_goal_board(
    *, executives: list[User], today: date, currency: str = Currency.USD
) -> GoalBoard | None:
    """The board of this month when an executive has a monthly goal, else of this quarter
    when one has a quarterly goal, else None: one query when nobody has a goal."""
    month = period_start(GoalPeriod.MONTH, today)
    quarter = period_start(GoalPeriod.QUARTER, today)
    goals = list(
        SalesGoal.objects.filter(executive__in=executives, won_value__isnull=False).filter(
            Q(period=GoalPeriod.MONTH, starts_on=month)
            | Q(period=GoalPeriod.QUARTER, starts_on=quarter)
        )
    )
    for period, start in ((GoalPeriod.MONTH, month), (GoalPeriod.QUARTER, quarter)):
        chosen = {g.executive_id: g for g in goals if g.period == period}
        if chosen:
            return goal_board(
                period=period, start=start, executives=executives, goals=chosen, currency=currency
            )
    return None
