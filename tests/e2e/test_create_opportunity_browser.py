"""In a real browser, the seed's "Crear Oportunidad de Negocio" word for word: an executive
signs in, goes CRM → Oportunidades → Nueva Oportunidad, fills steps 3 to 8 (the contact list
follows the chosen client), saves, and sees the opportunity page with its next activity."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.roles import Role
from crm.models import Activity, Opportunity, ProductService, Stage, StageChange, StageSetting
from tests.factories import TEST_PASSWORD, ClientFactory, ContactFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DEFAULT_PROBABILITIES = {
    Stage.PROSPECTING: 10,
    Stage.QUALIFICATION: 25,
    Stage.PROPOSAL: 50,
    Stage.NEGOTIATION: 75,
    Stage.CLOSING: 90,
}


def restore_catalogues() -> None:
    """A flush between transactional tests empties what the data migration filled."""
    for stage, probability in DEFAULT_PROBABILITIES.items():
        StageSetting.objects.get_or_create(
            stage=stage, defaults={"default_probability": probability}
        )
    for name in ("Consultoría", "Mantenimiento industrial", "Obras civiles"):
        ProductService.objects.get_or_create(name=name)


def choose(page: Page, box, typed: str, label: str) -> None:
    """Type part of a name into a picker, go down to the result with ↓ and take it with
    Enter (the keyboard only)."""
    box.fill(typed)
    listbox = page.locator("#" + str(box.get_attribute("aria-controls")))
    expect(listbox.get_by_role("option").first).to_contain_text(label)
    expect(box).to_have_attribute("aria-expanded", "true")
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", re.compile(r"_option_1$"))
    box.press("Enter")
    expect(box).to_have_value(label)
    expect(box).to_have_attribute("aria-expanded", "false")


def test_an_executive_creates_an_opportunity_and_sees_its_next_activity(live_server, page: Page):
    restore_catalogues()
    maria = UserFactory(
        username="maria", first_name="María", last_name="González", roles=[Role.EXECUTIVE]
    )
    sabana = ClientFactory(name="Alimentos La Sabana, C.A.", owner=maria)
    ContactFactory(client=sabana, name="Luis Rivas", position="Gerente de planta", is_primary=True)
    ContactFactory(client=sabana, name="Ana Suárez", position="Compras")
    orinoco = ClientFactory(name="Constructora Orinoco, C.A.", owner=maria)
    ContactFactory(client=orinoco, name="Pedro Pérez", position="Presidente", is_primary=True)
    close_date = timezone.localdate() + timedelta(days=60)
    meeting_day = timezone.localdate() + timedelta(days=3)

    page.goto(live_server.url)
    page.get_by_label("Usuario").fill("maria")
    page.get_by_label("Contraseña").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    expect(page.get_by_role("heading", name="Hola, María")).to_be_visible()

    # 1. Ir a CRM → Oportunidades. 2. Clic en Nueva Oportunidad.
    nav = page.get_by_role("navigation", name="Navegación principal")
    nav.get_by_role("button", name="CRM").click()
    nav.get_by_role("link", name="Oportunidades").click()
    expect(page.get_by_role("heading", name="Oportunidades", exact=True)).to_be_visible()
    page.get_by_role("link", name="Nueva Oportunidad").click()
    expect(page.get_by_role("heading", name="Nueva Oportunidad")).to_be_visible()

    # 3. Ingresar información.
    information = page.get_by_role("group", name="Información", exact=True)
    information.get_by_label("Nombre de la oportunidad").fill("Mantenimiento de planta 2027")
    # The client: typed into the picker's search box, chosen with the keyboard.
    client_box = information.get_by_label("Cliente", exact=True)
    expect(client_box).to_have_attribute("role", "combobox")
    contact_select = information.get_by_label("Contacto principal")
    choose(page, client_box, "orinoco", "Constructora Orinoco, C.A.")
    expect(contact_select.locator("option")).to_have_text(
        ["Sin contacto", "Pedro Pérez (Presidente)"]
    )
    choose(page, client_box, "la saba", "Alimentos La Sabana, C.A.")
    expect(contact_select.locator("option")).to_have_text(
        ["Sin contacto", "Luis Rivas (Gerente de planta)", "Ana Suárez (Compras)"]
    )
    contact_select.select_option(label="Luis Rivas (Gerente de planta)")
    information.get_by_label("Valor estimado").fill("1.500.000,50")  # as typed in Venezuela
    expect(information.get_by_label("Moneda", exact=True)).to_have_value("USD")
    information.get_by_label("Fecha estimada de cierre").fill(close_date.isoformat())
    probability = information.get_by_label("Probabilidad de cierre (%)")
    expect(information.get_by_text("Por defecto: 10 % para Prospección")).to_be_visible()
    probability.fill("15")

    # 4. Seleccionar etapa del pipeline.
    page.get_by_label("Etapa", exact=True).select_option(label="Prospección")

    # 5. Ingresar detalles.
    details = page.get_by_role("group", name="Ingresar detalles")
    details.get_by_label("Consultoría").check()
    details.get_by_label("Mantenimiento industrial").check()
    details.get_by_label("Necesidades del cliente").fill("Reducir las paradas no planificadas")
    details.get_by_label("Competencia").fill("Servicios Industriales del Lago")
    details.get_by_label("Factores de decisión").fill("Precio y tiempo de respuesta")

    # 6. Asignar responsable.
    page.get_by_label("Responsable").select_option(label="María González")

    # 7. Programar próxima actividad.
    next_activity = page.get_by_role("group", name="Programar próxima actividad")
    next_activity.get_by_label("Tipo").select_option(label="Reunión")
    next_activity.get_by_label("Fecha y hora").fill(f"{meeting_day.isoformat()}T10:00")
    next_activity.get_by_label("Asunto").fill("Visita técnica a la planta")

    # 8. Guardar.
    page.get_by_role("button", name="Guardar").click()

    expect(page.get_by_role("heading", name="Mantenimiento de planta 2027")).to_be_visible()
    expect(page.get_by_test_id("opportunity-client")).to_have_text("Alimentos La Sabana, C.A.")
    expect(page.get_by_test_id("stage-badge")).to_have_text("Prospección")
    expect(page.get_by_test_id("estimated-value")).to_have_text("USD 1.500.000,50")
    expect(page.get_by_test_id("probability")).to_contain_text("15 %")
    expect(page.get_by_test_id("probability")).to_contain_text("(fijada a mano)")
    expect(page.get_by_test_id("owner")).to_have_text("María González")
    expect(page.get_by_test_id("expected-close-date")).to_have_text(close_date.strftime("%d/%m/%Y"))
    upcoming = page.get_by_test_id("next-activity")
    expect(upcoming).to_contain_text("Próxima actividad")
    expect(upcoming).to_contain_text("Visita técnica a la planta")
    expect(upcoming).to_contain_text(f"{meeting_day.strftime('%d/%m/%Y')} 10:00")
    expect(page.get_by_test_id("products")).to_have_text("Consultoría, Mantenimiento industrial")

    opportunity = Opportunity.objects.get()
    assert opportunity.contact.name == "Luis Rivas"
    assert StageChange.objects.filter(opportunity=opportunity, to_stage=Stage.PROSPECTING).exists()
    activity = Activity.objects.get(opportunity=opportunity)
    assert activity.done_at is None and activity.owner == maria
