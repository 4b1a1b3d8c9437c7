"""Reads of the pipeline board (kanban), scoped to the user: its columns, their totals and
their cards, with the board's filters (the view's bound crm.opportunities.filters.BoardFilter)
applied here.

Everything starts from `opportunities_visible_to(user=)`. The cost of a page does not grow
with the pipeline: the column headers of the board (and the totals of the list, selectors/
list.py, through the same `sums_by_probability`) are ONE aggregate query each, and each
column fetches only its page of cards (LIMIT, served by the index opp_stage_close on stage +
expected_close_date).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import TypedDict

from django.db import connection
from django.db.models import Count, DecimalField, F, QuerySet, Sum
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django_stubs_ext import StrOrPromise

from accounts.models import Currency, User
from config.aggregate_cache import cached
from crm.models import OPEN_STAGES, Opportunity, Stage
from crm.models.opportunities import OpportunityQuerySet
from crm.money import amount_column, amount_columns
from crm.opportunities.filters import BoardFilter
from crm.opportunities.selectors.visibility import (
    opportunities_visible_to,
    opportunity_edit_rule,
)
from crm.stage_rules import RULE_TO_ENTER

BOARD_PAGE_SIZE = 20
CARD_FIELDS = (
    "version",
    "name",
    "stage",
    # The value in both currencies, the one typed and its rate (crm.money).
    *amount_columns("estimated_value"),
    "probability",
    "expected_close_date",
    "client__name",
    "owner__username",
    "owner__first_name",
    "owner__last_name",
    # The kept activity facts the follow-up badge reads (crm.models.base.ActivityFacts).
    "last_activity_at",
    "next_activity_at",
    "stage_changed_at",
)
CENTS = Decimal("0.01")


@dataclass
class StageTotals:
    count: int = 0
    total: Decimal = Decimal("0.00")
    weighted: Decimal = Decimal("0.00")


@dataclass
class BoardColumn:
    """One open stage of the board: its header figures and one page of its cards."""

    stage: str
    label: StrOrPromise
    totals: StageTotals
    cards: list[Opportunity] = field(default_factory=list)
    page: int = 1
    has_more: bool = False

    @property
    def rule(self) -> StrOrPromise:
        return RULE_TO_ENTER.get(Stage(self.stage), "")

    @property
    def next_page(self) -> int:
        return self.page + 1

    @property
    def next_stage(self) -> str:
        """The stage a card of this column usually goes to: preselected in its "Mover"."""
        stages = list(Stage.values)
        return stages[stages.index(self.stage) + 1]

    @cached_property
    def move_options(self) -> str:
        return move_options(self.stage, suggested=self.next_stage)


def filtered_board_opportunities(*, user: User, filters: BoardFilter) -> OpportunityQuerySet:
    """The user's opportunities narrowed by `filters` (the board's bound BoardFilter: the
    view parses the request into it and shows its form).

    The filters apply here, to the user's scope (never `filters.qs`, which knows no user);
    an invalid filter gives an empty board, never a crash."""
    base = opportunities_visible_to(user=user)
    if not filters.is_valid():
        return base.none()
    return filters.filter_queryset(base)


def stage_totals(
    opportunities: OpportunityQuerySet, *, currency: str = Currency.USD
) -> dict[str, StageTotals]:
    """Count, Σ value and Σ weighted value (value × probability / 100) of every open stage,
    in `currency`, in one GROUP BY query (see `sums_by_probability`)."""
    totals: dict[str, StageTotals] = {stage: StageTotals() for stage in OPEN_STAGES}
    groups = sums_by_probability(opportunities.open(), "stage", currency=currency)
    for stage, (count, total, weighted) in groups.items():
        totals[stage] = StageTotals(count=count, total=total, weighted=weighted)
    return totals


def sums_by_probability(
    opportunities: QuerySet[Opportunity], *keys: str, currency: str = Currency.USD
) -> dict:
    """{(key values) or the key value: (count, Σ value, Σ weighted value)} in ONE query read
    from the covering index opp_live_totals.

    On PostgreSQL the rows are grouped by probability too (at most 101 groups per key,
    whatever the rows), so that the database only counts and adds per row (numeric products
    cost it more than the scan); Σ(value × p) = Σ_p p × Σ value is exact in Decimal. On
    SQLite, whose arithmetic is cheap, that grouping would sort every row instead: it sums
    the products itself, in the index's order. In VES the values are the ones frozen with
    each row (crm.money.amount_column). Read again only after a write to the tables the
    rows come from (config.aggregate_cache)."""
    return cached(
        opportunities,
        lambda: _sums_by_probability(opportunities, keys, currency),
        tag=f"sums_by_probability:{','.join(keys)}:{currency}",
    )


def _sums_by_probability(
    opportunities: QuerySet[Opportunity], keys: tuple[str, ...], currency: str
) -> dict:
    by_probability = connection.vendor == "postgresql"
    value = amount_column("estimated_value", currency)
    sums = {"count": Count("*"), "total": Sum(value)}
    if not by_probability:
        sums["weighted_x100"] = Sum(
            F(value) * F("probability"),
            output_field=DecimalField(max_digits=20, decimal_places=2),
        )
    groups = [*keys, "probability"] if by_probability else list(keys)
    rows = opportunities.order_by().values(*groups).annotate(**sums)
    if not groups:
        rows = [opportunities.aggregate(**sums)]
    totals: dict = {}
    for row in rows:
        key = tuple(row[name] for name in keys)
        count, total, weighted_x100 = totals.get(key, (0, Decimal(0), Decimal(0)))
        row_total = row["total"] or Decimal(0)
        if by_probability:
            weighted = row_total * row["probability"]
        else:
            weighted = row["weighted_x100"] or Decimal(0)
        totals[key] = (count + row["count"], total + row_total, weighted_x100 + weighted)
    return {
        (key[0] if len(key) == 1 else key): (
            count,
            total.quantize(CENTS),
            (weighted_x100 / 100).quantize(CENTS),
        )
        for key, (count, total, weighted_x100) in totals.items()
    }


def column_cards(
    opportunities: QuerySet[Opportunity], *, stage: str, page: int = 1
) -> tuple[list[Opportunity], bool]:
    """One page of a column's cards, soonest expected close first, and whether more follow.
    One query: the page plus one row to know if there is a next page (no COUNT).
    `opportunities` carries with_follow_up_state() (its frequencies read once per board)."""
    start = (page - 1) * BOARD_PAGE_SIZE
    cards = (
        opportunities.filter(stage=stage)
        .select_related("client", "owner")
        # What a card shows, not the whole rows (notes, BANT, close details): a hundred
        # cards are read and built faster.
        .only(*CARD_FIELDS)
        .order_by("expected_close_date", "pk")
    )
    rows = list(cards[start : start + BOARD_PAGE_SIZE + 1])
    return with_card_facts(rows[:BOARD_PAGE_SIZE]), len(rows) > BOARD_PAGE_SIZE


class CardFacts(TypedDict):
    """What `with_card_facts` sets on each card, for the template only."""

    card_id: str
    card_version: str
    card_url: str
    card_move_url: str
    card_owner: str


def with_card_facts(cards: list[Opportunity]) -> list[Opportunity]:
    """What each card writes, computed once here rather than by template lookups and tags
    (the board renders a hundred cards): its page and move URLs, its id and version as plain
    digits and its owner's name."""
    page_url, move_url = _url_of("crm:opportunity_detail"), _url_of("crm:opportunity_move")
    for card in cards:
        card_id = str(card.pk)
        facts = CardFacts(
            card_id=card_id,
            card_version=str(card.version),
            card_url=page_url(card_id),
            card_move_url=move_url(card_id),
            card_owner=card.owner.get_full_name() or card.owner.username,
        )
        # Attributes beside the model's fields, which the template reads.
        vars(card).update(facts)
    return cards


def _url_of(name: str) -> Callable[[str], str]:
    """A function pk -> the URL `name` gives that pk: one reverse() for every card."""
    marker = "2147483647"
    head, tail = reverse(name, args=[marker]).rsplit(marker, 1)
    return lambda pk: f"{head}{pk}{tail}"


def move_options(stage: str, *, suggested: str) -> str:
    """The <option>s of a card's "Mover" selector (every stage but its own, `suggested`
    preselected), written once per column: its cards share them."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, mark_safe(" selected") if value == suggested else "", label)
            for value, label in Stage.choices
            if value != stage
        ),
    )


def pipeline_board(
    *, user: User, filters: BoardFilter, currency: str = Currency.USD
) -> list[BoardColumn]:
    """The board narrowed by `filters`: one column per open stage with its totals (in
    `currency`) and its first page of cards."""
    opportunities = filtered_board_opportunities(user=user, filters=filters)
    totals = stage_totals(opportunities, currency=currency)
    # Each card says whether the user may move it (`user_can_edit`); not on the totals'
    # GROUP BY.
    with_state = opportunities.with_follow_up_state().with_edit_flag(opportunity_edit_rule(user))
    columns = []
    for stage in OPEN_STAGES:
        cards, has_more = column_cards(with_state, stage=stage)
        columns.append(
            BoardColumn(
                stage=stage,
                label=Stage(stage).label,
                totals=totals[stage],
                cards=cards,
                has_more=has_more,
            )
        )
    return columns


def board_column(
    *,
    user: User,
    filters: BoardFilter,
    stage: str,
    page: int,
    with_totals: bool = True,
    currency: str = Currency.USD,
) -> BoardColumn:
    """Page `page` of one column (the board's "Ver más"), narrowed by the board's `filters`;
    its header totals only when asked (htmx appends cards under a header it already has)."""
    opportunities = filtered_board_opportunities(user=user, filters=filters)
    flagged = opportunities.with_follow_up_state().with_edit_flag(opportunity_edit_rule(user))
    cards, has_more = column_cards(flagged, stage=stage, page=page)
    return BoardColumn(
        stage=stage,
        label=Stage(stage).label,
        totals=(
            stage_totals(opportunities, currency=currency)[stage] if with_totals else StageTotals()
        ),
        cards=cards,
        page=page,
        has_more=has_more,
    )
