"""Reporte de Ventas, Pérdidas, Actividades and Conversión y ciclo: figures against the hand
count of tests/crm/report_world.py (Q1 2026), their pages, files and scope."""

import io
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import urlencode

import pytest
import time_machine
from django.http import QueryDict
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.models import CompanySettings, Visibility
from crm.models import LossReason, Opportunity
from crm.reports.activities import activities_report
from crm.reports.filters import report_filters
from crm.reports.losses import losses_report
from crm.reports.sales import sales_report
from crm.services.forecasts import take_forecast_snapshots
from tests.crm.report_world import NOW, Q1, TODAY, build_report_world
from tests.factories import ActivityFactory

SLUGS = {
    "ventas": "crm:report_sales",
    "perdidas": "crm:report_losses",
    "actividades": "crm:report_activities",
    "conversion": "crm:report_conversion",
    "precision": "crm:report_forecast",
}


@pytest.fixture
def world(executive, other_executive):
    world = build_report_world(executive_a=executive, executive_b=other_executive)
    for number, reason, lesson in ((13, LossReason.PRICE, "Ofrecer pago en cuotas"),
                                   (14, LossReason.COMPETITION, "")):  # fmt: skip
        opportunity = world.opportunities[number]
        opportunity.loss_reason = reason
        opportunity.lessons_learned = lesson
        opportunity.save()
    for month in (1, 2, 3):  # Precisión del pronóstico compares Q1 with frozen forecasts
        take_forecast_snapshots(today=date(2026, month, 1))
    return world


def filters_for(user, **params):
    query = QueryDict(mutable=True)
    query.update({**Q1, **params})
    return report_filters(user=user, params=query, today=TODAY)[1]


def table(report, table_id):
    return next(t for t in report.tables if t.id == table_id)


def test_sales_counts_won_per_month_against_a_year_earlier(manager, world):
    report = sales_report(filters=filters_for(manager))

    monthly = table(report, "won-by-month")
    assert [row[:5] for row in monthly.rows] == [
        ["Ene 2026", 0, 0, 0, 0],
        ["Feb 2026", 1, Decimal("24000"), 0, 0],
        ["Mar 2026", 1, Decimal("15000"), 0, 0],
    ]
    assert monthly.footer[1:3] == [2, Decimal("39000")]


def test_sales_compares_with_the_same_months_a_year_earlier(manager, world):
    report = sales_report(filters=filters_for(manager, desde="2026-11-01", hasta="2026-12-31"))

    # 11 (50.000, Nov 2025) and 12 (30.000, Dec 2025) were won a year before
    assert [row[3:5] for row in table(report, "won-by-month").rows] == [
        [1, Decimal("50000")],
        [1, Decimal("30000")],
    ]


def test_sales_gives_win_rate_average_deal_and_breakdowns(manager, world):
    report = sales_report(filters=filters_for(manager))

    won, value, rate, average = (f.value for f in report.figures[:4])
    assert (won, value) == (2, Decimal("39000"))
    assert rate == pytest.approx(0.5)  # 2 won, 2 lost (13, 14)
    assert average == Decimal("19500")
    segments = {row[0]: row[1:4] for row in table(report, "by-segment").rows}
    assert segments == {"A": [1, Decimal("24000"), 2], "B": [1, Decimal("15000"), 0]}


def test_sales_cycle_runs_from_creation_to_the_close_date(manager, world):
    for number, days in ((9, 30), (10, 50)):
        opportunity = world.opportunities[number]
        created = opportunity.closed_on - timedelta(days=days)
        Opportunity.objects.filter(pk=opportunity.pk).update(
            created_at=NOW.replace(year=created.year, month=created.month, day=created.day)
        )

    report = sales_report(filters=filters_for(manager))

    assert [f.value for f in report.figures[4:6]] == [30, 50]  # nearest rank of 30, 50


def test_losses_by_reason_competitor_and_lessons(manager, world):
    report = losses_report(filters=filters_for(manager))

    assert [f.value for f in report.figures] == [2, Decimal("30000")]  # 12.000 + 18.000
    reasons = {row[0]: row[1:] for row in table(report, "by-reason").rows}
    assert reasons == {"Precio": [1, Decimal("12000")], "Competencia": [1, Decimal("18000")]}
    assert [row[1] for row in table(report, "lessons").rows] == ["Oportunidad 13"]


def test_activities_planned_done_and_overdue(manager, executive, world):
    opportunity = world.opportunities[1]
    ActivityFactory(opportunity=opportunity, scheduled_at=NOW - timedelta(days=10))  # overdue
    ActivityFactory(
        opportunity=opportunity,
        scheduled_at=NOW - timedelta(days=20),
        done_at=NOW - timedelta(days=19),
    )

    report = activities_report(filters=filters_for(manager))

    planned, done, overdue = (f.value for f in report.figures[:3])
    assert (planned, done, overdue) == (2, 1, 1)


def test_activities_overdue_counts_the_current_hour_apart_and_nothing_ahead(manager, world):
    opportunity = world.opportunities[1]
    now = NOW.replace(minute=25)
    for minutes in (-40, -5, -1, 0, 10):  # before the hour, in it, now and ahead
        ActivityFactory(opportunity=opportunity, scheduled_at=now + timedelta(minutes=minutes))

    with time_machine.travel(now, tick=False):
        report = activities_report(filters=filters_for(manager))

    assert report.figures[2].value == 3  # -40 (cached part), -5 and -1 (this hour)
    by_type = table(report, "by-type")
    assert sum(row[4] for row in by_type.rows) == 3


def test_an_executive_in_own_mode_never_sees_others_sales_or_losses(executive, world):
    settings = CompanySettings.load()
    settings.opportunity_visibility = Visibility.OWN
    settings.save()

    sales = sales_report(filters=filters_for(executive, ejecutivo=str(world.b.pk)))
    losses = losses_report(filters=filters_for(executive, ejecutivo=str(world.b.pk)))

    assert [f.value for f in sales.figures[:2]] == [1, Decimal("24000")]  # only 9, not 10
    assert [row[0] for row in table(sales, "by-executive").rows] == [str(executive)]
    assert [f.value for f in losses.figures] == [2, Decimal("30000")]


@pytest.mark.parametrize("slug", list(SLUGS))
def test_each_report_page_its_excel_and_its_pdf_agree(client_as, manager, world, slug):
    query = "?" + urlencode(Q1)
    browser = client_as(manager)

    page = browser.get(reverse(SLUGS[slug]) + query)
    excel = browser.get(reverse("crm:report_export", args=[slug, "excel"]) + query)
    pdf = browser.get(reverse("crm:report_export", args=[slug, "pdf"]) + query)

    assert page.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(excel.streaming_content)))
    assert workbook.sheetnames == ["Resumen", "Detalle"]
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    first = page.context["report"].figures[0]
    summary = {row[0]: row[1] for row in workbook["Resumen"].iter_rows(values_only=True) if row}
    assert summary[str(first.label)] == pytest.approx(float(first.value))
    assert str(first.label) in text


@pytest.mark.parametrize("rows", [1, 50])
@pytest.mark.parametrize("slug", list(SLUGS))
def test_each_report_page_costs_the_same_queries(
    client_as, manager, django_assert_num_queries, rows, slug
):
    from tests.factories import ClientFactory, OpportunityFactory

    client = ClientFactory(owner=manager)
    with ActivityFactory.facts_at_end():
        for opportunity in OpportunityFactory.create_batch(rows, client=client, owner=manager):
            ActivityFactory(opportunity=opportunity)
    browser = client_as(manager)
    browser.get(reverse(SLUGS[slug]))

    with django_assert_num_queries(QUERIES[slug]):
        assert browser.get(reverse(SLUGS[slug])).status_code == 200


# Actividades: one grouped query (type × executive) serves both of its tables (was two),
# + 1 for the activities that fell overdue in the current hour (not cached).
# + 1 each: the company settings for the amounts' display currency (crm.money).
QUERIES = {"ventas": 14, "perdidas": 13, "actividades": 14, "conversion": 11, "precision": 12}


@pytest.mark.parametrize("slug", list(SLUGS))
def test_an_executive_in_own_mode_finds_no_other_executive_in_any_report_or_file(
    client_as, executive, other_executive, world, slug
):
    settings = CompanySettings.load()
    settings.opportunity_visibility = Visibility.OWN
    settings.client_visibility = Visibility.OWN
    settings.save()
    b_client = world.opportunities[10].client
    ActivityFactory(opportunity=world.opportunities[10], subject="Llamada de B",
                    scheduled_at=NOW - timedelta(days=5))  # fmt: skip
    query = "?" + urlencode({**Q1, "ejecutivo": other_executive.pk})
    browser = client_as(executive)

    html = browser.get(reverse(SLUGS[slug]) + query).content.decode()
    excel = browser.get(reverse("crm:report_export", args=[slug, "excel"]) + query)
    pdf = browser.get(reverse("crm:report_export", args=[slug, "pdf"]) + query)

    workbook = load_workbook(io.BytesIO(b"".join(excel.streaming_content)))
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    cells = {str(v) for row in workbook["Detalle"].iter_rows(values_only=True) for v in row}
    cells |= {str(v) for row in workbook["Resumen"].iter_rows(values_only=True) for v in row}
    for foreign in (str(other_executive), b_client.name, "15.000,00", "Llamada de B"):
        assert foreign not in html
        assert foreign not in text
    assert not {str(other_executive), b_client.name, "Llamada de B", "15000"} & cells
