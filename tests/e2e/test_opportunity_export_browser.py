"""In a real browser: an executive filters the opportunity list by stage, then downloads it
as Excel and CSV from the list's own buttons, and the files hold exactly the filtered rows
(all of them, not the page), with numbers as numbers."""

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from accounts.roles import Role
from crm.models import Stage
from tests.factories import TEST_PASSWORD, ClientFactory, OpportunityFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_executive_exports_the_filtered_opportunity_list(live_server, page: Page):
    maria = UserFactory(username="maria", first_name="María", roles=[Role.EXECUTIVE])
    client = ClientFactory(owner=maria, name="Alimentos La Sabana")
    for n in range(30):  # more than a page
        OpportunityFactory(
            client=client,
            name=f"Propuesta {n:02d}",
            stage=Stage.PROPOSAL,
            estimated_value=Decimal("1500.50"),
        )
    OpportunityFactory(client=client, name="Prospecto aparte", stage=Stage.PROSPECTING)

    page.goto(live_server.url + "/")
    page.get_by_label("Usuario").fill("maria")
    page.get_by_label("Contraseña").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    page.goto(live_server.url + "/crm/oportunidades/")
    page.locator("#id_stage").select_option("proposal")
    page.get_by_role("button", name="Filtrar").click()
    expect(page.get_by_test_id("total-count")).to_have_text("30")

    with page.expect_download() as excel:
        page.get_by_role("link", name="Excel").click()
    assert excel.value.suggested_filename.startswith("oportunidades-")
    sheet = load_workbook(io.BytesIO(Path(excel.value.path()).read_bytes())).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 30
    assert {row[3] for row in rows} == {"Propuesta"}
    assert {row[4] for row in rows} == {1500.5}

    with page.expect_download() as text:
        page.get_by_role("link", name="CSV").click()
    content = Path(text.value.path()).read_text(encoding="utf-8-sig")
    lines = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert len(lines) == 31
    assert "Prospecto aparte" not in content
