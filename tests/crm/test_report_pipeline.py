"""Reporte de Pipeline: the figures against the hand count of tests/crm/report_world.py."""

import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.http import QueryDict

from accounts.models import CompanySettings, Visibility
from crm.models import Stage, StageChange
from crm.reports.filters import report_filters
from crm.reports.pipeline import pipeline_report
from tests.crm.report_world import NOW, Q1, TODAY, build_report_world
from tests.factories import OpportunityFactory


@pytest.fixture
def world(executive, other_executive):
    return build_report_world(executive_a=executive, executive_b=other_executive)


def report_for(user, **params):
    query = QueryDict(mutable=True)
    query.update({**Q1, **params})
    _form, filters = report_filters(user=user, params=query, today=TODAY)
    return pipeline_report(filters=filters, now=NOW)


def by_stage(rows):
    return {row.stage: row for row in rows}


def test_it_counts_and_sums_each_open_stage_of_the_period(manager, world):
    stages = by_stage(report_for(manager).stages)

    figures = {stage: (row.count, row.total, row.weighted) for stage, row in stages.items()}
    assert figures == {
        Stage.PROSPECTING: (3, Decimal("60000"), Decimal("6000")),
        Stage.QUALIFICATION: (0, Decimal("0"), Decimal("0")),
        Stage.PROPOSAL: (1, Decimal("40000"), Decimal("20000")),
        Stage.NEGOTIATION: (1, Decimal("50000"), Decimal("35000")),
        Stage.CLOSING: (2, Decimal("160000"), Decimal("144000")),
    }


def test_it_totals_the_stages(manager, world):
    totals = report_for(manager).totals

    assert (totals.count, totals.total, totals.weighted) == (
        7,
        Decimal("310000"),
        Decimal("205000"),
    )


def test_it_gives_median_and_p75_days_in_stage_by_nearest_rank(manager, world):
    stages = by_stage(report_for(manager).stages)

    days = {stage: (row.median_days, row.p75_days) for stage, row in stages.items()}
    assert days == {
        Stage.PROSPECTING: (5, 9),  # 3, 5, 9 days
        Stage.QUALIFICATION: (None, None),
        Stage.PROPOSAL: (20, 20),
        Stage.NEGOTIATION: (12, 12),
        Stage.CLOSING: (2, 4),  # 2, 4 days: ranks ceil(2/2)=1 and ceil(6/4)=2
    }


def test_it_projects_sales_by_month_of_expected_close(manager, world):
    months = report_for(manager).months

    assert [
        (row.month.month, row.weighted, row.best_case, row.commit, row.won) for row in months
    ] == [
        (1, Decimal("55000"), Decimal("60000"), Decimal("60000"), Decimal("0")),
        (2, Decimal("22000"), Decimal("0"), Decimal("0"), Decimal("24000")),
        (3, Decimal("128000"), Decimal("150000"), Decimal("100000"), Decimal("15000")),
    ]


def test_it_follows_each_stage_cohort_of_the_period(manager, world):
    conversion = report_for(manager).conversion

    assert [(r.stage, r.entered, r.advanced, r.lost, r.remaining) for r in conversion] == [
        (Stage.PROSPECTING, 8, 3, 1, 4),
        (Stage.QUALIFICATION, 5, 4, 1, 0),
        (Stage.PROPOSAL, 6, 5, 0, 1),
        (Stage.NEGOTIATION, 4, 3, 0, 1),
        (Stage.CLOSING, 3, 1, 0, 2),
    ]
    assert [round(r.rate * 100, 1) for r in conversion] == [37.5, 80.0, 83.3, 75.0, 33.3]


def test_it_answers_the_seed_analysis_questions(manager, world):
    analysis = report_for(manager).analysis

    assert analysis.previous_won_value == Decimal("80000")
    assert analysis.coverage == pytest.approx(3.875)  # 310.000 ÷ 80.000
    assert (analysis.historic_entered, analysis.historic_won) == (5, 3)
    assert analysis.needed_prospects == 4  # ceil(2 won × 5 ÷ 3)
    assert analysis.prospects == 3
    assert analysis.enough_prospects is False
    assert analysis.bottleneck.stage == Stage.CLOSING  # 33,3 %
    assert analysis.slowest.stage == Stage.PROPOSAL  # median 20 days


def test_it_narrows_to_one_executive_segment_or_industry(manager, world):
    own = report_for(manager, ejecutivo=str(world.a.pk)).totals
    segment_a = report_for(manager, segmento="A").totals
    industry = report_for(manager, industria=str(world.industry.pk)).totals

    assert (own.count, own.total) == (5, Decimal("210000"))
    assert (segment_a.count, segment_a.total) == (5, Decimal("220000"))
    assert (industry.count, industry.total) == (5, Decimal("220000"))


def test_an_executive_in_own_mode_only_ever_gets_their_own_figures(executive, world):
    settings = CompanySettings.load()
    settings.opportunity_visibility = Visibility.OWN
    settings.save()

    for params in ({}, {"ejecutivo": ""}, {"ejecutivo": str(world.b.pk)}):
        report = report_for(executive, **params)
        assert (report.totals.count, report.totals.total) == (5, Decimal("210000"))
        assert report.filters.executive == executive


def test_an_executive_opens_on_their_own_figures_even_when_they_may_see_all(executive, world):
    assert report_for(executive).totals.total == Decimal("210000")
    assert report_for(executive, ejecutivo="").totals.total == Decimal("310000")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_advanced_lost_and_still_there_always_add_up_to_entered(manager, executive, seed):
    rng = random.Random(seed)
    forward = [Stage.PROSPECTING, Stage.QUALIFICATION, Stage.PROPOSAL, Stage.NEGOTIATION,
               Stage.CLOSING, Stage.WON]  # fmt: skip
    start = NOW - timedelta(days=120)
    for _ in range(40):
        moment = start + timedelta(days=rng.randint(0, 20))
        position = 0
        changes = [(Stage.PROSPECTING, moment)]
        while rng.random() < 0.7:
            moment += timedelta(days=rng.randint(0, 15))
            roll = rng.random()
            if roll < 0.15:
                changes.append((Stage.LOST, moment))
                break
            if roll < 0.3 and position > 0:
                position -= 1  # moved back
            else:
                position = min(position + rng.randint(1, 2), len(forward) - 1)
            changes.append((forward[position], moment))
            if forward[position] == Stage.WON:
                break
        stage = changes[-1][0]
        opportunity = OpportunityFactory(
            owner=executive, stage=stage, stage_changed_at=changes[-1][1]
        )
        StageChange.objects.bulk_create(
            StageChange(opportunity=opportunity, to_stage=to, probability=0, changed_at=when)
            for to, when in changes
        )

    conversion = report_for(
        manager, desde=(NOW - timedelta(days=90)).date().isoformat(), hasta=TODAY.isoformat()
    ).conversion

    assert sum(row.entered for row in conversion) > 0
    for row in conversion:
        assert row.advanced + row.lost + row.remaining == row.entered
        assert min(row.advanced, row.lost, row.remaining) >= 0


def test_it_uses_the_quarter_by_default_and_the_quarter_before_as_previous(manager, db):
    form, filters = report_filters(user=manager, params=QueryDict(), today=TODAY)

    assert form["periodo"].value() == "trimestre"  # the select shows the period computed
    assert (filters.start.isoformat(), filters.end.isoformat()) == ("2026-01-01", "2026-03-31")
    assert (filters.previous_start.isoformat(), filters.previous_end.isoformat()) == (
        "2025-10-01",
        "2025-12-31",
    )


@pytest.mark.parametrize(
    ("preset", "start", "end"),
    [
        ("mes", "2026-03-01", "2026-03-31"),
        ("trimestre", "2026-01-01", "2026-03-31"),
        ("anio", "2026-01-01", "2026-12-31"),
        ("12m", "2025-04-01", "2026-03-31"),
    ],
)
def test_each_preset_spans_its_months(manager, db, preset, start, end):
    _form, filters = report_filters(
        user=manager, params=QueryDict(f"periodo={preset}"), today=TODAY
    )

    assert (filters.start.isoformat(), filters.end.isoformat()) == (start, end)


def test_a_custom_period_without_dates_keeps_the_input_and_shows_the_default(manager, db):
    form, filters = report_filters(
        user=manager, params=QueryDict("periodo=personalizado&desde=2026-02-01"), today=TODAY
    )

    assert form.errors
    assert form["desde"].value() == "2026-02-01"
    assert filters.preset == "trimestre"


def test_no_stage_is_flagged_when_every_stage_converts_alike(manager, executive):
    """Two stages entered in the period, on the same day, and none advanced: 0 % and 0 days
    everywhere, nothing stands out, so neither a bottleneck nor a slowest stage is named."""
    entered = NOW - timedelta(days=10)
    for stage in (Stage.PROSPECTING, Stage.QUALIFICATION):
        opportunity = OpportunityFactory(
            client__owner=executive, stage=stage, stage_changed_at=entered
        )
        StageChange.objects.create(
            opportunity=opportunity,
            from_stage="",
            to_stage=stage,
            probability=10,
            changed_at=entered,
        )

    analysis = report_for(manager).analysis

    assert [row.rate for row in analysis_rows(manager)] == [0, 0]
    assert analysis.bottleneck is None
    assert analysis.slowest is None


def analysis_rows(user):
    return [row for row in report_for(user).conversion if row.rate is not None]
