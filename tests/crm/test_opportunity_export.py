"""CRM → Oportunidades → Exportar: the filtered opportunity list as Excel and CSV, streamed,
with numbers as numbers and formula-looking text neutralised, in the list's scope."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import CompanySettings, Visibility
from accounts.roles import Role
from crm.models import Stage
from crm.opportunities.services import opportunity_share
from tests.factories import ActivityFactory, ClientFactory, OpportunityFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("crm:opportunity_list")
HEADERS = [
    "Nombre",
    "Cliente",
    "RIF/NIT",
    "Etapa",
    "Valor (USD)",
    "Probabilidad (%)",
    "Valor ponderado (USD)",
    # The value as it was typed (crm.money): a factory row is USD without a frozen rate.
    "Moneda original",
    "Monto original",
    "Tasa (VES/USD)",
    "Responsable",
    "Cierre esperado",
    "Última actividad",
    "Asunto de la última actividad",
    "Próxima actividad",
    "Asunto de la próxima actividad",
]
DONE = datetime.datetime(2026, 3, 2, 14, 30, tzinfo=datetime.UTC)  # 10:30 in Caracas
NEXT = datetime.datetime(2030, 5, 4, 13, 0, tzinfo=datetime.UTC)  # 09:00 in Caracas


def url(file_format: str) -> str:
    return reverse("crm:opportunity_export", args=[file_format])


def xlsx_sheet(response):
    content = b"".join(response.streaming_content)
    return openpyxl.load_workbook(io.BytesIO(content)).active


def xlsx_values(response) -> list[list]:
    return [[cell.value for cell in row] for row in xlsx_sheet(response).iter_rows()]


def csv_rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content.removeprefix("\ufeff")), delimiter=";"))


def names_in(response, file_format: str) -> list[str]:
    rows = xlsx_values(response) if file_format == "xlsx" else csv_rows(response)
    return [row[0] for row in rows[1:]]


@pytest.fixture
def own_mode(db):
    settings = CompanySettings.load()
    settings.opportunity_visibility = Visibility.OWN
    settings.save()


@pytest.fixture
def risky(db, executive):
    """An opportunity whose user-typed text looks like formulas, with a done and a planned
    activity."""
    client = ClientFactory(name="-2+3 Servicios", tax_id="J-12345678-9", owner=executive)
    opportunity = OpportunityFactory(
        name='=HYPERLINK("http://x")',
        client=client,
        owner=executive,
        stage=Stage.NEGOTIATION,
        estimated_value=Decimal("50000.50"),
        probability=75,
        expected_close_date=datetime.date(2030, 3, 1),
    )
    ActivityFactory(opportunity=opportunity, subject="@SUM(A1)", done_at=DONE, scheduled_at=DONE)
    ActivityFactory(opportunity=opportunity, subject="Visita", scheduled_at=NEXT)
    return opportunity


# Access and format --------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_it_streams_a_file_named_after_today(client_as, executive, risky, file_format):
    with time_machine.travel(datetime.datetime(2026, 1, 31, 20, tzinfo=datetime.UTC)):
        response = client_as(executive).get(url(file_format))

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Disposition"] == (
        f'attachment; filename="oportunidades-2026-01-31.{file_format}"'
    )
    assert response["Content-Type"] == (
        "text/csv; charset=utf-8"
        if file_format == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


@pytest.mark.parametrize("file_format", ["pdf", "XLSX", "json"])
def test_it_answers_404_for_an_unknown_format(client_as, executive, file_format):
    assert client_as(executive).get(url(file_format)).status_code == 404


def test_the_list_offers_both_exports_with_its_filters(client_as, executive, risky):
    html = client_as(executive).get(LIST_URL, {"stage": "negotiation", "page": "1"}).text

    assert f'href="{url("xlsx")}?stage=negotiation"' in html
    assert f'href="{url("csv")}?stage=negotiation"' in html


# Excel --------------------------------------------------------------------------------------


def test_its_excel_file_has_the_list_columns_typed(client_as, executive, risky):
    sheet = xlsx_sheet(client_as(executive).get(url("xlsx")))

    assert [cell.value for cell in sheet[1]] == HEADERS
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:P2"
    cells = dict(zip(HEADERS, sheet[2], strict=True))
    for header, text in [
        ("Nombre", '=HYPERLINK("http://x")'),
        ("Cliente", "-2+3 Servicios"),
        ("Asunto de la última actividad", "@SUM(A1)"),
    ]:
        assert cells[header].value == text, header
        assert cells[header].data_type == "s", header  # a string: never evaluated
    assert cells["RIF/NIT"].value == "J-12345678-9"
    assert cells["Etapa"].value == "Negociación"
    assert cells["Valor (USD)"].value == 50000.5
    assert cells["Valor (USD)"].data_type == "n"
    assert cells["Valor (USD)"].number_format == "#,##0.00"
    assert cells["Probabilidad (%)"].value == 75
    assert cells["Valor ponderado (USD)"].value == pytest.approx(37500.375)
    assert cells["Responsable"].value == str(risky.owner)
    assert cells["Cierre esperado"].value == datetime.datetime(2030, 3, 1)
    assert cells["Cierre esperado"].is_date
    assert cells["Última actividad"].value == datetime.datetime(2026, 3, 2, 10, 30)
    assert cells["Próxima actividad"].value == datetime.datetime(2030, 5, 4, 9, 0)
    assert cells["Asunto de la próxima actividad"].value == "Visita"


def test_its_excel_file_leaves_missing_activities_empty(client_as, executive):
    OpportunityFactory(name="Sin actividades", client=ClientFactory(owner=executive))

    row = dict(zip(HEADERS, xlsx_values(client_as(executive).get(url("xlsx")))[1], strict=True))

    assert row["Nombre"] == "Sin actividades"
    assert row["Última actividad"] is None
    assert row["Asunto de la próxima actividad"] is None


# CSV ----------------------------------------------------------------------------------------


def test_its_csv_file_neutralises_formula_text_and_keeps_numbers(client_as, executive, risky):
    rows = csv_rows(client_as(executive).get(url("csv")))

    assert rows[0] == HEADERS
    row = dict(zip(HEADERS, rows[1], strict=True))
    assert row["Nombre"] == '\'=HYPERLINK("http://x")'
    assert row["Cliente"] == "'-2+3 Servicios"
    assert row["Asunto de la última actividad"] == "'@SUM(A1)"
    assert row["Valor (USD)"] == "50000,50"
    assert row["Probabilidad (%)"] == "75"
    assert row["Valor ponderado (USD)"] == "37500,38"
    assert row["Cierre esperado"] == "2030-03-01"
    assert row["Última actividad"] == "2026-03-02 10:30"
    assert row["Próxima actividad"] == "2030-05-04 09:00"


# What is exported ---------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_it_exports_every_row_of_the_filtered_list_in_its_order(client_as, executive, file_format):
    client = ClientFactory(owner=executive)
    for n in range(30):  # more than a page of the list
        OpportunityFactory(client=client, name=f"Propuesta {n:02d}", stage=Stage.PROPOSAL)
    OpportunityFactory(client=client, name="En prospección", stage=Stage.PROSPECTING)

    response = client_as(executive).get(
        url(file_format), {"stage": "proposal", "order": "-name", "page": "2"}
    )

    names = names_in(response, file_format)
    assert len(names) == 30
    assert names[0] == "Propuesta 29"
    assert names[-1] == "Propuesta 00"


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_it_exports_only_the_headers_for_an_invalid_filter(
    client_as, executive, risky, file_format
):
    response = client_as(executive).get(url(file_format), {"stage": "nope"})

    assert response.status_code == 200
    assert names_in(response, file_format) == []


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_in_own_mode_an_executive_never_exports_another_executives_rows(
    client_as, executive, other_executive, own_mode, file_format
):
    mine = OpportunityFactory(name="Mía", client=ClientFactory(owner=executive))
    shared = OpportunityFactory(name="Compartida", client=ClientFactory(owner=other_executive))
    OpportunityFactory(name="Ajena", client=ClientFactory(owner=other_executive))
    opportunity_share(user=other_executive, opportunity=shared, colleague=executive)

    names = names_in(client_as(executive).get(url(file_format), {"order": "name"}), file_format)

    assert names == ["Compartida", mine.name]


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_in_own_mode_a_manager_exports_every_row(
    client_as, manager, executive, other_executive, own_mode, file_format
):
    OpportunityFactory(client=ClientFactory(owner=executive))
    OpportunityFactory(client=ClientFactory(owner=other_executive))

    assert len(names_in(client_as(manager).get(url(file_format)), file_format)) == 2


def test_it_never_exports_opportunities_of_deleted_clients(client_as, manager, executive):
    OpportunityFactory(name="Viva", client=ClientFactory(owner=executive))
    OpportunityFactory(
        name="De un cliente borrado", client=ClientFactory(owner=executive, deleted_at=DONE)
    )

    assert names_in(client_as(manager).get(url("csv")), "csv") == ["Viva"]


# Query count --------------------------------------------------------------------------------


def many(rows: int) -> None:
    client = ClientFactory(owner=UserFactory(roles=[Role.EXECUTIVE]))
    with ActivityFactory.facts_at_end():
        for opportunity in OpportunityFactory.create_batch(rows, client=client):
            ActivityFactory(opportunity=opportunity, done_at=timezone.now())
            ActivityFactory(opportunity=opportunity)


@pytest.mark.parametrize("rows", [1, 50])
@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_it_runs_a_fixed_number_of_queries_whatever_the_volume(
    client_as, executive, django_assert_num_queries, rows, file_format
):
    many(rows)
    user_client = client_as(executive)
    user_client.get(LIST_URL)  # the first request of a session stamps it

    # session, user, 2 x permissions, roles, company settings (the scope and the amounts'
    # display currency, read once per request), the rows (their client, owner and
    # activities by joins and subqueries of the same query)
    with django_assert_num_queries(7):
        response = user_client.get(url(file_format), {"client": "Empresa", "order": "-value"})
        content = b"".join(response.streaming_content)

    if file_format == "xlsx":
        exported = openpyxl.load_workbook(io.BytesIO(content)).active.max_row - 1
    else:
        exported = len(content.decode("utf-8").splitlines()) - 1
    assert exported == rows


def test_the_benchmark_measure_times_a_streamed_download(client_as, executive, risky):
    from crm.exports.measure import measure_download

    download = measure_download(url("csv"), username=executive.username)

    assert download.status == 200
    assert download.streamed
    assert 0 < download.first_byte_s <= download.total_s
    body = b"".join(client_as(executive).get(url("csv")).streaming_content)
    assert download.size_bytes == len(body)
    assert download.peak_rss_mb >= download.idle_rss_mb > 0
