"""Reads of activities: "Mis actividades" (the agenda and its sections), the week view and
an activity's page. Every read starts from `activities_visible_to(user=)`; each page costs
the same number of queries whatever the number of activities."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import EmptyResultSet, PermissionDenied
from django.db import connections
from django.db.models import Case, Count, F, Q, QuerySet, Value, When, Window
from django.db.models.functions import Coalesce, RowNumber, TruncDate
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from accounts.models import CompanySettings, User
from crm.filters.activities import ActivityFilter
from crm.models import Activity, Opportunity
from crm.models.activities import ActivityQuerySet
from crm.opportunities.selectors.flows import planned_activities_on_close
from crm.selectors.scope import linked_edit_rule, linked_to_visible, user_can_edit_linked
from crm.services.activities import consecutive_unanswered_attempts

if TYPE_CHECKING:
    from crm.opportunities.selectors.flows import PlannedOnClose

SECTION_CAP = 10
# An agenda section counts its rows up to this many ("más de 1000" beyond): its cost stays
# bounded whatever the team's volume.
COUNT_CAP = 1000
RECENT_DAYS = 7


def activities_visible_to(*, user: User) -> ActivityQuerySet:
    """Live activities whose client the user may see and whose opportunity, if any, the
    user may see too (managers and admins: everyone's)."""
    return linked_to_visible(Activity.objects.all(), user=user)


def get_activity_for_user_or_404(*, user: User, pk: int) -> Activity:
    """The activity with what its row shows and `user_can_edit` (it follows its
    opportunity, else its client)."""
    rows = activities_visible_to(user=user).with_row_details()
    return get_object_or_404(
        rows.with_edit_flag(linked_edit_rule(user)).select_related("created_by"), pk=pk
    )


def get_editable_activity_or_403(*, user: User, pk: int) -> Activity:
    """An activity for a write URL: out of scope 404, visible but its parent not editable
    by the user 403."""
    activity = get_activity_for_user_or_404(user=user, pk=pk)
    if not user_can_edit_linked(user=user, record=activity):
        raise PermissionDenied
    return activity


# "Mis actividades" ----------------------------------------------------------------------------


def activity_list(*, user: User, filters: ActivityFilter) -> ActivityQuerySet:
    """ "Mis actividades": the user's activities narrowed by `filters` (the list's bound
    ActivityFilter, whose form the view shows): type, client, opportunity and whose agenda
    (the user's own unless a manager chose an executive or the whole team). The filters
    apply here, to the user's scope (never `filters.qs`, which knows no scope); the
    sections split the result (`agenda_sections`, `section_activities`). An invalid
    filter gives an empty list, never a crash."""
    visible = activities_visible_to(user=user)
    if not filters.is_valid():
        return visible.none()
    return filters.filter_queryset(visible)


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True)
class AgendaBounds:
    """The instants that split the agenda, in the company's time zone: now, tomorrow at
    00:00, next Monday at 00:00 and seven days ago."""

    now: datetime
    tomorrow: datetime
    next_week: datetime
    recent_since: datetime

    @classmethod
    def at(cls, now: datetime | None = None) -> "AgendaBounds":
        now = now or timezone.now()
        today = timezone.localdate(now)
        return cls(
            now=now,
            tomorrow=_start_of(today + timedelta(days=1)),
            next_week=_start_of(today + timedelta(days=7 - today.weekday())),
            recent_since=now - timedelta(days=RECENT_DAYS),
        )


@dataclass(frozen=True)
class SectionSpec:
    key: str
    title: StrOrPromise
    order: tuple[str, ...]


SECTIONS = (
    SectionSpec("overdue", _("Overdue activities"), ("scheduled_at", "pk")),
    SectionSpec("today", _("Today"), ("scheduled_at", "pk")),
    SectionSpec("week", _("This week"), ("scheduled_at", "pk")),
    SectionSpec("later", _("Later"), ("scheduled_at", "pk")),
    SectionSpec("done", _("Recently done"), ("-done_at", "pk")),
)
SECTION_KEYS = tuple(spec.key for spec in SECTIONS)


def section_condition(key: str, bounds: AgendaBounds) -> Q:
    """Which activities a section lists: planned ones by their date, done ones of the last
    seven days."""
    planned, done = ActivityQuerySet.planned_condition, ActivityQuerySet.done_condition
    conditions = {
        "overdue": planned(until=bounds.now),
        "today": planned(since=bounds.now, until=bounds.tomorrow),
        "week": planned(since=bounds.tomorrow, until=bounds.next_week),
        "later": planned(since=bounds.next_week),
        "done": done(since=bounds.recent_since),
    }
    return conditions[key]


@dataclass
class AgendaSection:
    key: str
    title: StrOrPromise
    count: int
    capped: bool = False  # more than `count` (COUNT_CAP) rows
    activities: list[Activity] = field(default_factory=list)

    @property
    def has_more(self) -> bool:
        return self.capped or self.count > len(self.activities)


def agenda_sections(
    activities: ActivityQuerySet, *, bounds: AgendaBounds, user: User, cap: int = SECTION_CAP
) -> list[AgendaSection]:
    """The five sections of "Mis actividades", each with its first `cap` rows and its total,
    in TWO queries whatever the number of activities: the ids of each section's first rows
    and its total counted up to COUNT_CAP (so that neither grows with the volume: each part
    reads its section along an index and stops), in one UNION ALL; then only the chosen
    rows (at most 5 × cap) with their client, opportunity, contact, reclamo and whether the
    user may act on each."""
    conditions = {key: section_condition(key, bounds) for key in SECTION_KEYS}
    parts = []
    for spec in SECTIONS:
        rows = activities.filter(conditions[spec.key]).order_by()
        parts.append((spec.key, "count", rows.values_list("pk")[: COUNT_CAP + 1]))
        parts.append((spec.key, "first", rows.order_by(*spec.order).values_list("pk")[:cap]))
    totals = {key: 0 for key in SECTION_KEYS}
    chosen = []
    for pk, key, count in _union_all(parts):
        if pk is None:
            totals[key] = count
        else:
            chosen.append((pk, key))
    details = Activity.objects.filter(pk__in=[pk for pk, _key in chosen]).with_row_details()
    by_pk = details.with_edit_flag(linked_edit_rule(user)).in_bulk() if chosen else {}
    sections = {
        spec.key: AgendaSection(
            key=spec.key,
            title=spec.title,
            count=min(totals.get(spec.key, 0), COUNT_CAP),
            capped=totals.get(spec.key, 0) > COUNT_CAP,
        )
        for spec in SECTIONS
    }
    for pk, key in chosen:
        sections[key].activities.append(by_pk[pk])
    for section in sections.values():  # a UNION keeps no order: each section sorts its own
        section.activities.sort(key=_agenda_order(section.key))
    return list(sections.values())


def _union_all(parts: list[tuple[str, str, QuerySet]]) -> list[tuple]:
    """ONE query for the agenda's parts (section, "count" or "first", a sliced one-column
    queryset of ids), giving rows (None, section, total) and (id, section, None): UNION
    ALL of subqueries, which both databases run, while Django's union() refuses sliced
    parts on SQLite. Each part is compiled by the ORM; only the glue is written here."""
    sql, params = [], []
    for n, (key, kind, part) in enumerate(parts):
        try:
            part_sql, part_params = part.query.get_compiler(using=part.db).as_sql()
        except EmptyResultSet:  # a filter that matches nothing (e.g. no client found)
            continue
        # No value is written into the SQL: the parts are the ORM's, the values parameters.
        if kind == "count":
            glue = "SELECT CAST(NULL AS BIGINT), %s, COUNT(*) FROM ({}) AS part{}"
        else:
            glue = "SELECT part{1}.*, %s, CAST(NULL AS BIGINT) FROM ({0}) AS part{1}"
        sql.append(glue.format(part_sql, n))
        params.extend([key, *part_params])
    if not sql:
        return []
    with connections[parts[0][2].db].cursor() as cursor:
        cursor.execute(" UNION ALL ".join(sql), params)
        return cursor.fetchall()


def _agenda_order(key: str) -> Callable[[Activity], tuple[Any, int]]:
    """A section's order (SECTIONS), in Python, for its few rows."""
    if key == "done":
        return _latest_done_first
    return lambda activity: (activity.scheduled_at, activity.pk)


def _latest_done_first(activity: Activity) -> tuple[float, int]:
    assert activity.done_at is not None  # the "done" section holds done activities only
    return (-activity.done_at.timestamp(), activity.pk)


def section_activities(
    activities: ActivityQuerySet, key: str, bounds: AgendaBounds, *, user: User
) -> ActivityQuerySet:
    """One section's rows, in its order, ready for display ("Ver más" pages through it)."""
    spec = next(spec for spec in SECTIONS if spec.key == key)
    rows = activities.filter(section_condition(key, bounds)).order_by(*spec.order)
    return rows.with_row_details().with_edit_flag(linked_edit_rule(user))


# The week view --------------------------------------------------------------------------------


@dataclass
class WeekDay:
    day: date
    is_today: bool
    activities: Sequence[Activity] = field(default_factory=list)
    count: int = 0  # all of the day's, up to COUNT_CAP per kind (planned, done)
    capped: bool = False

    @property
    def more(self) -> int:
        """How many of the day's activities are not shown (at least; see `capped`)."""
        return max(self.count - len(self.activities), 0)


# A day of the week view shows its first activities (the rest is counted): a team's week can
# hold thousands.
WEEK_DAY_CAP = 12


# What a week reader returns: the totals by "day:kind" ("3:done") and the chosen (id, day).
type _WeekIds = tuple[dict[str, int], list[tuple[int, int]]]


def week_days(
    activities: ActivityQuerySet, *, monday: date, whole_team: bool = False
) -> list[WeekDay]:
    """Monday to Sunday with the planned activities on the day they are scheduled and the
    done ones on the day they were done (cancelled ones left out): each day's first
    WEEK_DAY_CAP by time and its total, in TWO queries whatever the volume (each day's
    chosen ids and totals; then the chosen rows with their client, opportunity, contact
    and owner).

    The whole team's week is read along the date indexes, each day stopping at its cap
    (`_week_by_day`). One person's week (`activities` of one owner), on PostgreSQL, is read
    in one pass, its rows numbered per day (`_week_by_window`): what one person does in a
    week is bounded, and the visibility rule of "own" mode is planned and run once instead
    of once per part (an executive in "own" at the reference volume: 144 -> 30 ms). SQLite,
    which plans the parts cheaply but numbers 10,000 rows slowly (14 vs 186 ms), keeps the
    parts."""
    one_pass = not whole_team and connections[activities.db].vendor == "postgresql"
    read = _week_by_window if one_pass else _week_by_day
    counts, chosen = read(activities, monday)
    rows = (
        Activity.objects.filter(pk__in=[pk for pk, _n in chosen])
        .with_row_details()
        .annotate(at=Coalesce("done_at", "scheduled_at"))
    )
    by_pk = rows.in_bulk() if chosen else {}
    today = timezone.localdate()
    days = []
    for n in range(7):
        day = monday + timedelta(days=n)
        found = [counts.get(f"{n}:{kind}", 0) for kind in ("planned", "done")]
        shown = sorted((by_pk[pk] for pk, m in chosen if m == n), key=_week_order)
        days.append(
            WeekDay(
                day=day,
                is_today=day == today,
                activities=shown[:WEEK_DAY_CAP],
                count=sum(min(c, COUNT_CAP) for c in found),
                capped=any(c > COUNT_CAP for c in found),
            )
        )
    return days


def _week_by_day(activities: ActivityQuerySet, monday: date) -> _WeekIds:
    """Each day's planned and done ids and counts (up to COUNT_CAP) in one UNION ALL of
    capped parts read along the date indexes."""
    parts = []
    for n in range(7):
        start, end = (
            _start_of(monday + timedelta(days=n)),
            _start_of(monday + timedelta(days=n + 1)),
        )
        kinds = {
            "planned": (ActivityQuerySet.planned_condition(since=start, until=end), "scheduled_at"),
            "done": (ActivityQuerySet.done_condition(since=start, until=end), "done_at"),
        }
        for kind, (condition, column) in kinds.items():
            rows = activities.filter(condition).order_by()
            key = f"{n}:{kind}"
            parts.append((key, "count", rows.values_list("pk")[: COUNT_CAP + 1]))
            first = rows.order_by(column, "pk").values_list("pk")[:WEEK_DAY_CAP]
            parts.append((key, "first", first))
    counts: dict[str, int] = {}
    chosen: list[tuple[int, int]] = []
    for pk, key, count in _union_all(parts):
        if pk is None:
            counts[key] = count
        else:
            chosen.append((pk, int(key.split(":")[0])))
    return counts, chosen


def _week_by_window(activities: ActivityQuerySet, monday: date) -> _WeekIds:
    """The same ids and counts as `_week_by_day`, in one pass over the week's rows: each
    numbered within its day and kind by time (a window), the first WEEK_DAY_CAP kept, each
    with the count of its day and kind."""
    start, end = _start_of(monday), _start_of(monday + timedelta(days=7))
    done = ActivityQuerySet.done_condition(since=start, until=end)
    planned = ActivityQuerySet.planned_condition(since=start, until=end)
    at = Coalesce("done_at", "scheduled_at")  # when it is shown: done, else scheduled
    day = TruncDate(at, tzinfo=timezone.get_current_timezone())
    kind = Case(When(done, then=Value("done")), default=Value("planned"))
    rows = (
        activities.filter(planned | done)
        .order_by()
        .annotate(week_day=day, week_kind=kind)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("week_day"), F("week_kind")],
                order_by=[at.asc(), F("pk").asc()],
            ),
            total=Window(Count("pk"), partition_by=[F("week_day"), F("week_kind")]),
        )
        .filter(rank__lte=WEEK_DAY_CAP)
        .values_list("pk", "week_day", "week_kind", "total")
    )
    counts: dict[str, int] = {}
    chosen: list[tuple[int, int]] = []
    for pk, shown_on, shown_as, total in rows:
        n = (shown_on - monday).days
        counts[f"{n}:{shown_as}"] = total
        chosen.append((pk, n))
    return counts, chosen


def _week_order(activity: Activity) -> tuple[datetime, int]:
    """A day's order in the week view: by the time it is shown at (its `at`)."""
    at = activity.done_at or activity.scheduled_at
    assert at is not None  # a row is scheduled or done (the constraint activity_planned_or_done)
    return (at, activity.pk)


# "N intentos sin respuesta" -------------------------------------------------------------------


@dataclass(frozen=True)
class NoAnswerOffer:
    """The FAQ "¿Qué hago si un cliente no responde?": after N attempts without answer,
    propose moving the opportunity to Perdida – Sin respuesta, listing what is still
    planned for it (cancelled with the move unless the user keeps it)."""

    opportunity: Opportunity
    attempts: int
    planned: "list[PlannedOnClose]" = field(default_factory=list)

    @property
    def cancel_chosen(self) -> set[int]:
        # `cancel_by_default` is set on each row by planned_activities_on_close (not a field).
        return {activity.pk for activity in self.planned if activity.cancel_by_default}


def no_answer_offer_for(
    opportunity: Opportunity, *, attempts: int | None = None
) -> NoAnswerOffer | None:
    """The offer when the opportunity is open and its unanswered attempts in a row reached
    the company's threshold (CompanySettings.no_answer_attempts): the one place the
    threshold is compared. `attempts`: the count, when the caller already has it."""
    if not opportunity.is_open:
        return None
    if attempts is None:
        attempts = consecutive_unanswered_attempts(opportunity=opportunity)
    if attempts == 0 or attempts < CompanySettings.load().no_answer_attempts:
        return None
    planned = planned_activities_on_close(opportunity=opportunity)
    return NoAnswerOffer(opportunity=opportunity, attempts=attempts, planned=planned)


def no_answer_offer(activity: Activity) -> NoAnswerOffer | None:
    """The offer for an activity's opportunity (see no_answer_offer_for)."""
    if activity.opportunity is None:
        return None
    return no_answer_offer_for(activity.opportunity)
