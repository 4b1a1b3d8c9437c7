"""Reporte de Pipeline pages and files: the screen, the Excel workbook and the PDF show the
same figures (read back), in the user's scope, with a constant number of queries."""

import io
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.models import CompanySettings, Visibility
from crm.models import ActionPlan, Activity
from crm.reports.pdf import OfflineFetcher
from tests.crm.report_world import Q1, build_report_world
from tests.factories import ClientFactory, OpportunityFactory

PAGE = reverse("crm:report_pipeline")
EXCEL = reverse("crm:report_pipeline_export", args=["excel"])
PDF = reverse("crm:report_pipeline_export", args=["pdf"])


@pytest.fixture
def world(executive, other_executive):
    return build_report_world(executive_a=executive, executive_b=other_executive)


def q1(**params) -> str:
    return "?" + urlencode({**Q1, **params})


def workbook_of(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def summary_values(sheet) -> dict:
    """The first column's labels mapped to the rest of their row (the first occurrence)."""
    values = {}
    for row in sheet.iter_rows(values_only=True):
        if row and row[0] is not None and row[0] not in values:
            values[row[0]] = row[1:]
    return values


def pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


# The page ------------------------------------------------------------------------------------


def test_it_shows_the_hand_counted_totals_in_spanish_formats(client_as, manager, world):
    response = client_as(manager).get(PAGE + q1())

    html = response.content.decode()
    assert response.status_code == 200
    assert "310.000,00" in html and "205.000,00" in html  # totals by stage
    assert "3,88×" in html  # coverage 310.000 ÷ 80.000
    assert "Cohorte del período" in html  # the conversion definition is printed
    assert 'data-testid="funnel-chart"' in html and 'data-testid="projection-chart"' in html


def test_its_funnel_bars_open_the_opportunity_list_that_makes_them_up(client_as, manager, world):
    html = client_as(manager).get(PAGE + q1(segmento="A")).content.decode()

    assert (
        reverse("crm:opportunity_list")
        + "?segment=A&amp;stage=proposal&amp;close_from=2026-01-01&amp;close_to=2026-03-31"
    ) in html


def test_it_keeps_its_filters_in_the_export_and_plan_links(client_as, manager, world):
    html = client_as(manager).get(PAGE + q1(segmento="B")).content.decode()

    query = (
        "periodo=personalizado&amp;desde=2026-01-01&amp;hasta=2026-03-31"
        "&amp;ejecutivo=&amp;segmento=B"
    )
    assert f"{EXCEL}?{query}" in html
    assert f"{PDF}?{query}" in html
    assert f"{reverse('crm:report_action_plan_create')}?{query}" in html


def test_an_executive_in_own_mode_sees_none_of_the_others_figures(client_as, executive, world):
    settings = CompanySettings.load()
    settings.opportunity_visibility = Visibility.OWN
    settings.save()
    asked_for_b = q1(ejecutivo=str(world.b.pk))

    html = client_as(executive).get(PAGE + asked_for_b).content.decode()
    workbook = workbook_of(client_as(executive).get(EXCEL + asked_for_b))
    text = pdf_text(client_as(executive).get(PDF + asked_for_b))

    assert "210.000,00" in html and "310.000,00" not in html
    assert "40.000,00" not in html  # B's Propuesta
    assert summary_values(workbook["Resumen"])["Total"][:2] == (5, 210000)
    names = [row[0] for row in workbook["Detalle"].iter_rows(min_row=2, values_only=True)]
    assert names and all(world.opportunities[4].name != name for name in names)
    assert {row[4] for row in workbook["Detalle"].iter_rows(min_row=2, values_only=True)} == {
        str(executive)
    }
    assert "210.000,00" in text and "310.000,00" not in text


@pytest.mark.parametrize("rows", [1, 50])
def test_its_page_costs_the_same_queries_whatever_the_rows(
    client_as, manager, django_assert_num_queries, rows
):
    client = ClientFactory(owner=manager)
    OpportunityFactory.create_batch(rows, client=client, owner=manager)
    browser = client_as(manager)
    browser.get(PAGE)  # warm the session and the company settings

    with django_assert_num_queries(QUERIES):
        assert browser.get(PAGE).status_code == 200


# session and rights 5, report aggregates 5 (stages and projection; days in stage; won per
# month and the previous period; conversion; historic conversion), earlier plans 1, selects 2,
# the Metas of the period 2 (the team, then whether anyone has a goal: none here).
QUERIES = 16  # + the company settings: the amounts' display currency (crm.money)


# Excel --------------------------------------------------------------------------------------


def test_its_excel_summary_has_the_screen_figures_as_formatted_numbers(client_as, manager, world):
    response = client_as(manager).get(EXCEL + q1())
    workbook = workbook_of(response)
    summary = workbook["Resumen"]
    values = summary_values(summary)

    assert response["Content-Disposition"].startswith('attachment; filename="reporte-pipeline-')
    assert workbook.sheetnames == ["Resumen", "Detalle"]
    assert summary["A1"].value == "Reporte de Pipeline"
    assert values["Generado por"][0] == manager.get_full_name()
    assert values["Período"][0].startswith("Personalizado (01/01/2026 – 31/03/2026)")
    assert values["Prospección"][:3] == (3, 60000, 6000)
    assert values["Total"][:3] == (7, 310000, 205000)
    assert values["Cobertura"][0] == pytest.approx(3.875)
    total_cell = next(c for row in summary.iter_rows() for c in row if c.value == 310000)
    assert total_cell.data_type == "n" and total_cell.number_format == "#,##0.00"
    assert len(summary._charts) == 2


def test_its_excel_detail_lists_every_opportunity_of_the_period(client_as, manager, world):
    detail = workbook_of(client_as(manager).get(EXCEL + q1()))["Detalle"]

    names = sorted(row[0] for row in detail.iter_rows(min_row=2, values_only=True))
    # open with expected close in Q1 (1-7) and won or lost in Q1 (9, 10, 13, 14)
    assert names == sorted(f"Oportunidad {n}" for n in (1, 2, 3, 4, 5, 6, 7, 9, 10, 13, 14))


def test_its_excel_keeps_formula_like_names_as_text(client_as, manager, world):
    opportunity = world.opportunities[1]
    opportunity.name = '=HYPERLINK("http://x")'
    opportunity.save()

    detail = workbook_of(client_as(manager).get(EXCEL + q1()))["Detalle"]

    cell = next(row[0] for row in detail.iter_rows(min_row=2) if "HYPERLINK" in str(row[0].value))
    assert cell.data_type == "s"


def test_its_excel_streams_a_detail_with_numbers_and_dates(client_as, manager, world):
    response = client_as(manager).get(EXCEL + q1())

    assert response.streaming
    detail = workbook_of(response)["Detalle"]
    assert detail.freeze_panes == "A2"
    assert detail.auto_filter.ref == f"A1:S{detail.max_row}"  # + the originals
    header = [cell.value for cell in detail[1]]
    row = dict(zip(header, detail[2], strict=True))
    assert row["Valor estimado (USD)"].data_type == "n"
    assert row["Valor estimado (USD)"].number_format == "#,##0.00"
    assert row["Probabilidad (%)"].data_type == "n"
    assert row["En esta etapa desde"].is_date


@pytest.mark.parametrize("rows", [1, 50])
def test_its_excel_costs_the_same_queries_whatever_the_rows(
    client_as, manager, django_assert_num_queries, rows
):
    client = ClientFactory(owner=manager)
    OpportunityFactory.create_batch(
        rows, client=client, owner=manager, expected_close_date=timezone.localdate()
    )
    browser = client_as(manager)
    browser.get(PAGE)  # warm the session and the company settings

    with django_assert_num_queries(EXCEL_QUERIES):
        response = browser.get(EXCEL)
        detail = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["Detalle"]

    assert detail.max_row == rows + 1


EXCEL_QUERIES = 15  # session and rights 5, report aggregates 7, the Metas 1, the Detalle 1,
# the company settings (display currency)


# PDF ----------------------------------------------------------------------------------------


def test_its_pdf_has_the_filters_the_figures_and_page_numbers(client_as, manager, world):
    response = client_as(manager).get(PDF + q1())
    text = pdf_text(response)

    assert response["Content-Type"] == "application/pdf"
    assert "Reporte de Pipeline" in text
    assert "01/01/2026 – 31/03/2026" in text
    assert "310.000,00" in text and "205.000,00" in text
    assert "Página 1 de" in text


def test_its_pdf_is_rendered_without_fetching_anything(monkeypatch, client_as, manager, world):
    fetchers = []
    original = OfflineFetcher.__init__

    def spy(self, **kwargs):
        original(self, **kwargs)
        fetchers.append(self)

    monkeypatch.setattr(OfflineFetcher, "__init__", spy)
    client_as(manager).get(PDF + q1())

    assert fetchers and all(not f.refused for f in fetchers)
    with pytest.raises(ValueError):
        OfflineFetcher().fetch("https://example.com/font.woff")


def test_an_unknown_format_is_not_found(client_as, manager, db):
    assert (
        client_as(manager).get(reverse("crm:report_pipeline_export", args=["csv"])).status_code
        == 404
    )


# Action plans -------------------------------------------------------------------------------


def test_it_saves_an_action_plan_with_the_report_filters(client_as, manager, world):
    url = reverse("crm:report_action_plan_create") + q1(segmento="A")

    response = client_as(manager).post(
        url,
        {
            "objective": "Duplicar Prospección",
            "action_0": "Llamar a 10 prospectos",
            "owner_0": world.a.pk,
            "date_0": "2026-04-10",
        },
    )

    plan = ActionPlan.objects.get()
    assert response.status_code == 302 and response.url == plan.get_absolute_url()
    assert (plan.period_start.isoformat(), plan.period_end.isoformat(), plan.segment) == (
        "2026-01-01",
        "2026-03-31",
        "A",
    )
    assert [(i.description, i.owner) for i in plan.items.all()] == [
        ("Llamar a 10 prospectos", world.a)
    ]
    listed = client_as(manager).get(PAGE + q1()).content.decode()
    assert "Duplicar Prospección" in listed


def test_a_half_filled_action_keeps_what_was_typed(client_as, manager, world):
    response = client_as(manager).post(
        reverse("crm:report_action_plan_create") + q1(),
        {"objective": "Mejorar", "action_0": "Llamar", "owner_0": "", "date_0": ""},
    )

    assert response.status_code == 200
    assert ActionPlan.objects.count() == 0
    assert 'value="Llamar"' in response.content.decode()


def test_an_action_becomes_a_scheduled_activity(client_as, executive, world):
    client_as(executive).post(
        reverse("crm:report_action_plan_create") + q1(),
        {"objective": "Más reuniones", "action_0": "Reunión", "owner_0": executive.pk,
         "date_0": "2030-01-10"},
    )  # fmt: skip
    item = ActionPlan.objects.get().items.get()
    customer = world.opportunities[1].client

    response = client_as(executive).post(
        reverse("crm:report_action_schedule", args=[item.pk]),
        {"client": customer.pk, "type": "meeting", "scheduled_at": "2030-01-10T09:00"},
    )

    item.refresh_from_db()
    assert response.status_code == 302
    activity = Activity.objects.get(pk=item.activity_id)
    assert (activity.subject, activity.owner, activity.client, activity.type) == (
        "Reunión",
        executive,
        customer,
        "meeting",
    )


def test_an_executive_does_not_see_another_executives_plan(
    client_as, executive, other_executive, world
):
    client_as(other_executive).post(
        reverse("crm:report_action_plan_create") + q1(),
        {"objective": "Plan de B", "action_0": "x", "owner_0": other_executive.pk,
         "date_0": "2030-01-10"},
    )  # fmt: skip
    plan = ActionPlan.objects.get()

    assert client_as(executive).get(plan.get_absolute_url()).status_code == 404
    assert "Plan de B" not in client_as(executive).get(reverse("crm:report_index")).content.decode()
