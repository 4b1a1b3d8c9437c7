"""Reads of the opportunity list (CRM → Oportunidades → Lista) and of its export, scoped to
the user: the list's filters and order (the view's bound
crm.opportunities.filters.OpportunityFilter) applied here, the totals of the whole filtered
set in one aggregate query whatever page is shown (`opportunity_list_totals`, through the
board's `sums_by_probability`), the rows with their activity dates and edit flag in the
same query as the page."""

from dataclasses import dataclass
from decimal import Decimal

from accounts.models import Currency, User
from crm.models.opportunities import OpportunityQuerySet
from crm.opportunities.filters import OpportunityFilter
from crm.opportunities.selectors.board import sums_by_probability
from crm.opportunities.selectors.visibility import (
    opportunities_visible_to,
    opportunity_edit_rule,
)


@dataclass
class ListTotals:
    count: int
    total: Decimal
    weighted: Decimal


def filtered_opportunity_list(*, user: User, filters: OpportunityFilter) -> OpportunityQuerySet:
    """The user's opportunities narrowed and ordered by `filters` (the list's bound
    OpportunityFilter: the view parses the request into it and shows its form).

    The filters apply here, to the user's scope (never `filters.qs`, which knows no user);
    an invalid filter gives an empty list, never a crash."""
    base = opportunities_visible_to(user=user).select_related("client", "owner")
    if not filters.is_valid():
        return base.none()
    return filters.filter_queryset(base)


def opportunity_list(*, user: User, filters: OpportunityFilter) -> OpportunityQuerySet:
    """The opportunity list's rows: the filtered list (`filtered_opportunity_list`), each
    row with its last and next activity and whether the user may change it
    (`user_can_edit`), in the same query as the page."""
    filtered = filtered_opportunity_list(user=user, filters=filters)
    return filtered.with_follow_up_state().with_edit_flag(opportunity_edit_rule(user))


def opportunity_list_totals(
    *, user: User, filters: OpportunityFilter, currency: str = Currency.USD
) -> ListTotals:
    """Count, Σ value and Σ weighted value (in `currency`) of the whole filtered list,
    whatever page is shown: one aggregate query (`sums_by_probability`). The count spares
    the page its COUNT."""
    filtered = filtered_opportunity_list(user=user, filters=filters)
    count, total, weighted = sums_by_probability(filtered, currency=currency).get(
        (), (0, Decimal("0.00"), Decimal("0.00"))
    )
    return ListTotals(count=count, total=total, weighted=weighted)


def opportunity_export(*, user: User, filters: OpportunityFilter) -> OpportunityQuerySet:
    """The opportunity list's export: every row of the filtered list, in its order, with the
    list's activity columns (read by crm.exports.columns.opportunity_rows with values())."""
    return filtered_opportunity_list(user=user, filters=filters).with_activity_dates()
