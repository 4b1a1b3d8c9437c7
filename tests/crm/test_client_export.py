"""CRM → Clientes → Exportar: the filtered list as Excel and CSV, safe to open."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from accounts.models import CompanySettings, Visibility
from crm.models import ClientKind, Industry, LeadSource
from crm.services import client_delete
from tests.factories import ActivityFactory, ClientFactory, ContactFactory, OpportunityFactory

XLSX_URL = reverse("crm:client_export", args=["xlsx"])
CSV_URL = reverse("crm:client_export", args=["csv"])
HEADERS = [
    "Nombre o razón social",
    "RIF/NIT",
    "Tipo",
    "Industria",
    "Segmento",
    "Dirección",
    "Teléfono",
    "Email",
    "Sitio web",
    "Fuente de lead",
    "Ejecutivo asignado",
    "Potencial de negocio",
    # The potential as it was typed (crm.money).
    "Moneda original",
    "Monto original",
    "Tasa (VES/USD)",
    "Contacto principal",
    "Contactos",
    "Oportunidades abiertas",
    "Última actividad",
    "Notas",
    "Creado",
    "Actualizado",
]
CREATED = datetime.datetime(2025, 3, 1, 15, tzinfo=datetime.UTC)  # 11:00 in Caracas
LAST_ACTIVITY = datetime.datetime(2025, 4, 2, 2, tzinfo=datetime.UTC)  # April 1st in Caracas


def xlsx_rows(response) -> list[list]:
    content = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [list(row) for row in sheet.iter_rows()]


def xlsx_values(response) -> list[list]:
    return [[cell.value for cell in row] for row in xlsx_rows(response)]


def csv_rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff"), "Excel needs the BOM to read the accents as UTF-8"
    return list(csv.reader(io.StringIO(content.removeprefix("\ufeff")), delimiter=";"))


def names_in(response, file_format: str) -> list[str]:
    rows = xlsx_values(response) if file_format == "xlsx" else csv_rows(response)
    return [row[0] for row in rows[1:]]


@pytest.fixture
def own_mode(db):
    settings = CompanySettings.load()
    settings.client_visibility = Visibility.OWN
    settings.save()


@pytest.fixture
def full_client(db, executive):
    """A client with every field filled, and formula-looking text where a user could type."""
    with time_machine.travel(CREATED):
        client = ClientFactory(
            name='=HYPERLINK("http://x")',
            tax_id="J-12345678-9",
            kind=ClientKind.COMPANY,
            industry=Industry.objects.get(name="Petróleo y gas"),
            segment="A",
            address="-2+3",
            phone="+58 212-5550101",
            email="compras@lasabana.com.ve",
            website="https://lasabana.com.ve",
            lead_source=LeadSource.EVENT,
            owner=executive,
            potential=Decimal("1234.50"),
            notes="@SUM(A1)",
        )
    ContactFactory(client=client, name="+1", is_primary=True)
    ContactFactory(client=client, name="Rafael Urdaneta")
    opportunity = OpportunityFactory(client=client)
    ActivityFactory(opportunity=opportunity, done_at=LAST_ACTIVITY)
    return client


# Access -------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [XLSX_URL, CSV_URL])
def test_it_redirects_anonymous_users_to_the_login(client, db, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("file_format", ["pdf", "XLSX", "xls", "json"])
def test_it_answers_404_for_an_unknown_format(client_as, executive, file_format):
    url = reverse("crm:client_export", args=[file_format])

    assert client_as(executive).get(url).status_code == 404


# Excel --------------------------------------------------------------------------------------


def test_it_downloads_an_excel_file_named_after_today(client_as, executive, full_client):
    with time_machine.travel(datetime.datetime(2026, 1, 31, 20, tzinfo=datetime.UTC)):
        response = client_as(executive).get(XLSX_URL)

    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == 'attachment; filename="clientes-2026-01-31.xlsx"'


def test_its_excel_file_has_the_seed_headers_in_bold(client_as, executive, full_client):
    rows = xlsx_rows(client_as(executive).get(XLSX_URL))

    assert [cell.value for cell in rows[0]] == HEADERS
    assert all(cell.font.bold for cell in rows[0])


def test_its_excel_file_holds_every_field_of_a_client(client_as, executive, full_client):
    values = xlsx_values(client_as(executive).get(XLSX_URL))[1]

    row = dict(zip(HEADERS, values, strict=True))
    assert row["RIF/NIT"] == "J-12345678-9"
    assert row["Tipo"] == "Empresa"
    assert row["Industria"] == "Petróleo y gas"
    assert row["Segmento"] == "A"
    assert row["Email"] == "compras@lasabana.com.ve"
    assert row["Sitio web"] == "https://lasabana.com.ve"
    assert row["Fuente de lead"] == "Evento"
    assert row["Ejecutivo asignado"] == str(executive)
    assert row["Contactos"] == 2
    assert row["Oportunidades abiertas"] == 1
    assert row["Última actividad"] == datetime.datetime(2025, 4, 1)
    assert row["Creado"] == datetime.datetime(2025, 3, 1)


def test_its_excel_file_keeps_formula_text_as_typed_in_string_cells_and_keeps_numbers(
    client_as, executive, full_client
):
    """No apostrophe in .xlsx: a string cell is never evaluated, so "+58 212…" stays a phone."""
    cells = dict(zip(HEADERS, xlsx_rows(client_as(executive).get(XLSX_URL))[1], strict=True))

    for header, expected in [
        ("Nombre o razón social", '=HYPERLINK("http://x")'),
        ("Dirección", "-2+3"),
        ("Notas", "@SUM(A1)"),
        ("Contacto principal", "+1"),
        ("Teléfono", "+58 212-5550101"),
        ("RIF/NIT", "J-12345678-9"),
    ]:
        assert cells[header].value == expected, header
        assert cells[header].data_type == "s", header
    potential = cells["Potencial de negocio"]
    assert potential.value == 1234.5
    assert potential.data_type == "n"
    assert potential.number_format == "#,##0.00"
    assert cells["Contactos"].data_type == "n"
    assert cells["Creado"].is_date
    assert cells["Actualizado"].is_date


def test_its_excel_file_leaves_empty_fields_empty(client_as, executive):
    ClientFactory(name="Mínimo", potential=None, industry=None, lead_source="")

    values = dict(zip(HEADERS, xlsx_values(client_as(executive).get(XLSX_URL))[1], strict=True))

    assert values["Potencial de negocio"] is None
    assert values["Industria"] is None
    assert values["Fuente de lead"] is None
    assert values["Contacto principal"] is None
    assert values["Contactos"] == 0
    assert values["Oportunidades abiertas"] == 0
    assert values["Última actividad"] is None


# CSV ----------------------------------------------------------------------------------------


def test_it_streams_a_csv_file_named_after_today(client_as, executive, full_client):
    with time_machine.travel(datetime.datetime(2026, 1, 31, 20, tzinfo=datetime.UTC)):
        response = client_as(executive).get(CSV_URL)

    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="clientes-2026-01-31.csv"'


def test_its_csv_file_is_utf8_with_bom_semicolons_and_the_seed_headers(
    client_as, executive, full_client
):
    rows = csv_rows(client_as(executive).get(CSV_URL))

    assert rows[0] == HEADERS
    assert len(rows) == 2


def test_its_csv_file_neutralises_formula_text_and_keeps_numbers(client_as, executive, full_client):
    row = dict(zip(HEADERS, csv_rows(client_as(executive).get(CSV_URL))[1], strict=True))

    assert row["Nombre o razón social"] == '\'=HYPERLINK("http://x")'
    assert row["Dirección"] == "'-2+3"
    assert row["Notas"] == "'@SUM(A1)"
    assert row["Contacto principal"] == "'+1"
    assert row["Teléfono"] == "'+58 212-5550101"
    assert row["RIF/NIT"] == "J-12345678-9"
    assert row["Potencial de negocio"] == "1234,50"  # a number in the users' Excel locale
    assert row["Contactos"] == "2"
    assert row["Oportunidades abiertas"] == "1"
    assert row["Última actividad"] == "2025-04-01"
    assert row["Creado"] == "2025-03-01"
    assert row["Tipo"] == "Empresa"
    assert row["Fuente de lead"] == "Evento"


# What is exported ---------------------------------------------------------------------------


@pytest.fixture
def three_clients(db, executive, other_executive):
    return [
        ClientFactory(name="Alimentos La Sabana", segment="A", owner=other_executive),
        ClientFactory(name="Bariven", segment="C", owner=executive),
        ClientFactory(name="María Pérez", segment="B", owner=executive, kind=ClientKind.PERSON),
    ]


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_it_exports_the_filtered_list_in_its_order_without_pagination(
    client_as, executive, three_clients, file_format
):
    for n in range(30):
        ClientFactory(name=f"Cliente {n:02d}", segment="B")
    url = reverse("crm:client_export", args=[file_format])

    response = client_as(executive).get(url, {"segment": "B", "order": "-name", "page": "2"})

    names = names_in(response, file_format)
    assert len(names) == 31
    assert names[0] == "María Pérez"
    assert names[-1] == "Cliente 00"


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_it_exports_what_the_search_finds(client_as, executive, three_clients, file_format):
    url = reverse("crm:client_export", args=[file_format])

    response = client_as(executive).get(url, {"q": "bariven"})

    assert names_in(response, file_format) == ["Bariven"]


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_it_exports_only_the_headers_for_an_invalid_filter(
    client_as, executive, three_clients, file_format
):
    url = reverse("crm:client_export", args=[file_format])

    response = client_as(executive).get(url, {"segment": "Z"})

    assert response.status_code == 200
    assert names_in(response, file_format) == []


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_in_own_mode_an_executive_exports_only_his_clients(
    client_as, executive, three_clients, own_mode, file_format
):
    url = reverse("crm:client_export", args=[file_format])

    response = client_as(executive).get(url)

    assert names_in(response, file_format) == ["Bariven", "María Pérez"]


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_in_own_mode_a_manager_exports_every_client(
    client_as, manager, three_clients, own_mode, file_format
):
    url = reverse("crm:client_export", args=[file_format])

    assert len(names_in(client_as(manager).get(url), file_format)) == 3


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_it_never_exports_deleted_clients_or_counts_deleted_contacts(
    client_as, executive, manager, three_clients, file_format
):
    client_delete(user=manager, client_id=three_clients[0].pk)
    ContactFactory(client=three_clients[1], deleted_at=CREATED)
    url = reverse("crm:client_export", args=[file_format])

    response = client_as(manager).get(url)

    rows = xlsx_values(response) if file_format == "xlsx" else csv_rows(response)
    assert [row[0] for row in rows[1:]] == ["Bariven", "María Pérez"]
    assert str(rows[1][HEADERS.index("Contactos")]) == "0"


# Query count --------------------------------------------------------------------------------


def clients_with_contacts(rows: int) -> None:
    industry = Industry.objects.get(name="Salud")
    for _ in range(rows):
        client = ClientFactory(industry=industry, potential=Decimal("1000.00"))
        ContactFactory(client=client, is_primary=True)
        ContactFactory.create_batch(2, client=client)
        ActivityFactory(opportunity=OpportunityFactory(client=client), done_at=LAST_ACTIVITY)


@pytest.mark.parametrize("rows", [1, 50])
@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_it_runs_a_fixed_number_of_queries_whatever_the_volume(
    client_as, executive, django_assert_num_queries, rows, file_format
):
    clients_with_contacts(rows)
    user_client = client_as(executive)
    user_client.get(reverse("crm:client_list"))  # the first request of a session stamps it
    url = reverse("crm:client_export", args=[file_format])

    # session, user, 2 x permissions, roles, company settings (for the clients' scope, then
    # for the opportunities'), the clients (contacts, opportunities and last activity by
    # subqueries of the same query), and the security log's event: the row count and the
    # insert, company settings (the amounts' display currency, crm.money; read once per request)
    with django_assert_num_queries(9):
        response = user_client.get(url, {"q": "Empresa", "order": "owner"})
        content = b"".join(response.streaming_content)

    assert content
