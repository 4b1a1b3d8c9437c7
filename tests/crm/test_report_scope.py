"""The reports' two ways of keeping to the live opportunities agree: the anti-join of
`of_live_opportunities` (nothing narrows the figures) and the semi-join against
`ReportFilters.opportunities()` (an executive, a segment, an industry or "own" scope)."""

import pytest

from crm.models import Client, Opportunity, StageChange
from crm.opportunities.selectors.visibility import (
    of_live_opportunities,
    opportunities_visible_to,
)
from tests.crm.report_world import NOW
from tests.crm.test_report_pipeline import report_for, world  # noqa: F401 (fixture)


@pytest.fixture
def hidden(world):  # noqa: F811
    """One opportunity in the recycle bin and one client (with its opportunities) in it."""
    in_bin = world.opportunities[1]
    Opportunity.all_objects.filter(pk=in_bin.pk).update(deleted_at=NOW)
    client = world.opportunities[5].client
    Client.all_objects.filter(pk=client.pk).update(deleted_at=NOW)
    return world


def ids(rows):
    return set(rows.values_list("pk", flat=True))


def test_the_anti_join_keeps_the_same_rows_as_the_semi_join(manager, hidden):
    live = opportunities_visible_to(user=manager).values("pk")

    kept = ids(StageChange.objects.filter(of_live_opportunities("opportunity")))

    assert kept == ids(StageChange.objects.filter(opportunity__in=live))
    assert kept < ids(StageChange.objects.all())


def test_the_teams_conversion_is_the_sum_of_its_executives_without_the_hidden(manager, hidden):
    def counts(**params):
        return [
            (r.entered, r.advanced, r.lost, r.remaining)
            for r in report_for(manager, **params).conversion
        ]

    team = counts()
    a = counts(ejecutivo=hidden.a.pk)
    b = counts(ejecutivo=hidden.b.pk)

    assert team == [
        tuple(x + y for x, y in zip(ra, rb, strict=True)) for ra, rb in zip(a, b, strict=True)
    ]
    assert sum(row[0] for row in team) < 26  # the world's 26 entries, less the hidden ones
