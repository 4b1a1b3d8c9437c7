"""In a real browser, the seed's "Generar Reporte de Pipeline" word for word, as a manager:
CRM → Reportes, Reporte de Pipeline, filter by Período, Ejecutivo and Segmento de cliente,
read the figures and the analysis, export (Excel and PDF, both downloaded and read back), and
create an action plan."""

import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from accounts.roles import Role
from crm.models import ActionPlan, Stage
from tests.factories import TEST_PASSWORD, ClientFactory, OpportunityFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_manager_generates_the_pipeline_report_exports_it_and_plans(live_server, page: Page):
    UserFactory.create(
        username="gerente", first_name="Ana", last_name="Rodríguez", roles=[Role.MANAGER]
    )
    maria = UserFactory.create(
        username="maria", first_name="María", last_name="González", roles=[Role.EXECUTIVE]
    )
    pedro = UserFactory.create(
        username="pedro", first_name="Pedro", last_name="Díaz", roles=[Role.EXECUTIVE]
    )
    close = timezone.localdate() + timedelta(days=1)
    if close.year != timezone.localdate().year:
        close = timezone.localdate()
    segment_a = ClientFactory.create(owner=maria, segment="A")
    OpportunityFactory.create(
        client=segment_a,
        stage=Stage.PROSPECTING,
        probability=10,
        estimated_value=Decimal("12000"),
        expected_close_date=close,
    )
    OpportunityFactory.create(
        client=segment_a,
        stage=Stage.NEGOTIATION,
        probability=70,
        estimated_value=Decimal("30000"),
        expected_close_date=close,
    )
    OpportunityFactory.create(
        client=ClientFactory.create(owner=maria, segment="B"),
        estimated_value=Decimal("5000"),
        expected_close_date=close,
    )
    other = ClientFactory.create(owner=pedro, segment="A")
    OpportunityFactory.create(
        client=other, estimated_value=Decimal("7000"), expected_close_date=close
    )

    page.goto(live_server.url + "/")
    page.get_by_label("Usuario").fill("gerente")
    page.get_by_label("Contraseña").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    expect(page.get_by_role("heading", name="Hola, Ana")).to_be_visible()

    # 1. Ir a CRM → Reportes
    page.get_by_role("button", name="CRM").click()
    page.get_by_role("link", name="Reportes").click()
    expect(page.get_by_role("heading", name="Reportes", exact=True)).to_be_visible()
    # 2. Seleccionar Reporte de Pipeline
    page.get_by_role("link", name="Reporte de Pipeline").click()
    # 3. Filtrar por: Período, Ejecutivo, Segmento de cliente
    page.get_by_label("Período").select_option(label="Este año")
    page.get_by_label("Ejecutivo").select_option(label="María González")
    page.get_by_label("Segmento del cliente").select_option(label="A")
    page.get_by_role("button", name="Filtrar").click()
    expect(page).to_have_url(re.compile(f"periodo=anio.*ejecutivo={maria.pk}&segmento=A"))
    # 4. El reporte muestra: oportunidades, valor total y ponderado por etapa, proyección
    totals = page.get_by_test_id("stage-totals")
    expect(totals).to_contain_text("2")
    expect(totals).to_contain_text("42.000,00")  # 12.000 + 30.000
    expect(totals).to_contain_text("22.200,00")  # 1.200 + 21.000
    expect(page.get_by_role("heading", name="Proyección de ventas")).to_be_visible()
    expect(page.get_by_role("img", name="Embudo del pipeline por etapa")).to_be_visible()
    # 5. Analizar
    expect(page.get_by_text("¿Hay suficientes oportunidades en prospección?")).to_be_visible()
    expect(page.get_by_text("¿Hay cuellos de botella en alguna etapa?")).to_be_visible()
    expect(page.get_by_text("¿Cuál es la tasa de conversión por etapa?")).to_be_visible()
    # 6. Exportar reporte: Excel and PDF
    with page.expect_download() as excel:
        page.get_by_role("link", name="Excel").click()
    assert excel.value.suggested_filename.endswith(".xlsx")
    with open(excel.value.path(), "rb") as handle:
        workbook = load_workbook(io.BytesIO(handle.read()))
    summary_rows = list(workbook["Resumen"].iter_rows(values_only=True))
    total_row = next(row for row in summary_rows if row[0] == "Total")
    assert total_row[1:4] == (2, 42000, 22200)
    with page.expect_download() as pdf:
        page.get_by_role("link", name="PDF").click()
    with open(pdf.value.path(), "rb") as handle:
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(handle.read())).pages)
    assert "42.000,00" in text and "María González" in text
    # 7. Crear plan de acción para mejorar pipeline
    page.get_by_role("link", name="Crear plan de acción").click()
    page.get_by_label("Objetivo").fill("Duplicar las oportunidades en Prospección")
    page.get_by_label("Acción 1").fill("Llamar a diez prospectos del segmento A")
    page.locator("#id_owner_0").select_option(label="María González")
    page.locator("#id_date_0").fill((timezone.localdate() + timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Guardar").click()
    expect(page.get_by_text("Plan de acción guardado.")).to_be_visible()
    plan = ActionPlan.objects.get()
    assert (plan.executive, plan.segment) == (maria, "A")
    page.get_by_role("link", name="Abrir el reporte con estos filtros").click()
    expect(
        page.get_by_role("link", name="Duplicar las oportunidades en Prospección")
    ).to_be_visible()
