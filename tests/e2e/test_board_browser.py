"""In a real browser: an executive opens the pipeline board, drags a lead from Prospección to
Calificación, answers BANT and sees it qualified; then moves another card with the card's
stage selector and "Mover" button, from the keyboard."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.roles import Role
from crm.models import Stage, StageChange
from tests.factories import TEST_PASSWORD, ClientFactory, OpportunityFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_executive_drags_a_lead_to_qualification_and_moves_another_card(live_server, page: Page):
    maria = UserFactory.create(username="maria", first_name="María", roles=[Role.EXECUTIVE])
    client = ClientFactory.create(name="Alimentos La Sabana, C.A.", owner=maria)
    lead = OpportunityFactory.create(client=client, name="Ampliación de planta")
    qualified = OpportunityFactory.create(
        client=client,
        name="Mantenimiento anual",
        stage=Stage.QUALIFICATION,
        probability=25,
        bant_budget=True,
        bant_authority=True,
        bant_need=True,
        bant_timeline=True,
    )

    page.goto(live_server.url)
    page.get_by_label("Usuario").fill("maria")
    page.get_by_label("Contraseña").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    expect(page.get_by_role("heading", name="Hola, María")).to_be_visible()

    page.get_by_role("button", name="CRM").click()
    page.get_by_role("link", name="Oportunidades", exact=True).click()
    expect(page.get_by_role("heading", name="Oportunidades", exact=True)).to_be_visible()
    prospecting = page.get_by_test_id("column-prospecting")
    qualification = page.get_by_test_id("column-qualification")
    expect(prospecting.get_by_role("link", name="Ampliación de planta")).to_be_visible()
    expect(qualification).to_have_attribute(
        "title", "Prospección → Calificación: Cuando confirmas que es un lead calificado"
    )

    # Drag the lead by the card's edge (not its link or selector) onto Calificación.
    card = page.locator(f"#opportunity-{lead.pk}")
    card.drag_to(qualification, source_position={"x": 4, "y": 4})

    # Not qualified yet: the FAQ's BANT questions come first.
    expect(page.get_by_role("heading", name="¿Cómo califico un lead?")).to_be_visible()
    page.get_by_label("Budget: ¿Tiene presupuesto?").select_option(label="Sí")
    page.get_by_label("Authority: ¿Es el decisor?").select_option(label="Sí")
    page.get_by_label("Need: ¿Tiene una necesidad real?").select_option(label="Sí")
    page.get_by_label("Nota de necesidad").fill("La planta está al límite de su capacidad")
    page.get_by_label("Timeline: ¿Cuándo planea comprar?").select_option(label="No")
    page.get_by_label("Nota de timeline").fill("Compra en el próximo ejercicio")
    page.get_by_role("button", name="Guardar y mover a Calificación").click()

    expect(page.get_by_text("«Ampliación de planta» se movió a Calificación.")).to_be_visible()
    expect(qualification.get_by_role("link", name="Ampliación de planta")).to_be_visible()
    expect(prospecting.get_by_role("link", name="Ampliación de planta")).to_have_count(0)
    expect(page.get_by_test_id("count-qualification")).to_contain_text("2")
    row = StageChange.objects.get(opportunity=lead)
    assert (row.from_stage, row.to_stage, row.changed_by) == (
        Stage.PROSPECTING,
        Stage.QUALIFICATION,
        maria,
    )

    # The keyboard way: the card's stage selector and its "Mover" button.
    other = page.locator(f"#opportunity-{qualified.pk}")
    other.get_by_label("Mover «Mantenimiento anual» a la etapa").select_option(label="Propuesta")
    other.get_by_role("button", name="Mover").press("Enter")

    proposal = page.get_by_test_id("column-proposal")
    expect(proposal.get_by_role("link", name="Mantenimiento anual")).to_be_focused()
    expect(page.get_by_text("«Mantenimiento anual» se movió a Propuesta.")).to_be_visible()
    expect(page.get_by_test_id("count-proposal")).to_contain_text("1")
    qualified.refresh_from_db()
    assert (qualified.stage, qualified.probability) == (Stage.PROPOSAL, 50)

    # Dropped on "Ganada", a card opens "Cerrar Venta" (its own flow, not a bare move).
    page.locator(f"#opportunity-{lead.pk}").drag_to(
        page.get_by_text("Suelte aquí para cerrar como Ganada"), source_position={"x": 4, "y": 4}
    )
    expect(page).to_have_url(re.compile(rf"/oportunidades/{lead.pk}/ganada/$"))
