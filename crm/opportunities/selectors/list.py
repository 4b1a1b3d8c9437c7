"""Reads of the opportunity list (CRM → Oportunidades → Lista) and of its export, scoped to
the user: the list's filters and order (crm.opportunities.filters.OpportunityFilter) applied
here, the totals of the whole filtered set in one aggregate query whatever page is shown
(the board's `sums_by_probability`), the rows with their activity dates and edit flag in the
same query as the page."""

from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpRequest, QueryDict

from accounts.models import Currency, User
from crm.models.opportunities import OpportunityQuerySet
from crm.opportunities.filters import OpportunityFilter
from crm.opportunities.selectors.board import sums_by_probability
from crm.opportunities.selectors.visibility import (
    opportunities_visible_to,
    with_opportunity_edit_flag,
)


@dataclass
class ListTotals:
    count: int
    total: Decimal
    weighted: Decimal


def filtered_opportunity_list(
    *, user: User, params: QueryDict, request: HttpRequest | None = None
) -> tuple[OpportunityFilter, OpportunityQuerySet]:
    """The user's opportunities narrowed and ordered by the list's filters: (filterset,
    queryset). An invalid filter gives an empty list, never a crash."""
    base = opportunities_visible_to(user=user).select_related("client", "owner")
    filterset = OpportunityFilter(params, queryset=base, request=request)
    return filterset, (filterset.qs if filterset.is_valid() else base.none())


def opportunity_list(
    *,
    user: User,
    params: QueryDict,
    request: HttpRequest | None = None,
    currency: str = Currency.USD,
) -> tuple[OpportunityFilter, OpportunityQuerySet, "ListTotals"]:
    """The opportunity list: (filterset, rows queryset, totals of the whole filtered set).

    The rows carry the last and next activity and whether the user may change them
    (`user_can_edit`), in the same query; the totals
    are one aggregate over the filtered set, whatever page is shown.
    """
    filterset, filtered = filtered_opportunity_list(user=user, params=params, request=request)
    count, total, weighted = sums_by_probability(filtered, currency=currency).get(
        (), (0, Decimal("0.00"), Decimal("0.00"))
    )
    totals = ListTotals(count=count, total=total, weighted=weighted)
    rows = with_opportunity_edit_flag(filtered.with_follow_up_state(), user=user)
    return filterset, rows, totals


def opportunity_export(
    *, user: User, params: QueryDict, request: HttpRequest | None = None
) -> OpportunityQuerySet:
    """The opportunity list's export: every row of the filtered list, in its order, with the
    list's activity columns (read by crm.exports.columns.opportunity_rows with values())."""
    _filterset, filtered = filtered_opportunity_list(user=user, params=params, request=request)
    return filtered.with_activity_dates()
