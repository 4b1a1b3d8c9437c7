"""In a real browser, the seed's "Crear Nuevo Cliente" word for word: an executive signs in,
goes CRM → Clientes → Nuevo Cliente, fills steps 3 to 8 with two contacts, saves, sees the
client page, and finds the client again by its RIF in the list."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.roles import Role
from crm.models import Client, Industry
from tests.factories import TEST_PASSWORD, ClientFactory, UserFactory, valid_rif

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

RIF = valid_rif(31234567)


def go_to_clients(page: Page) -> None:
    """Step 1: "Ir a CRM → Clientes"."""
    nav = page.get_by_role("navigation", name="Navegación principal")
    nav.get_by_role("button", name="CRM").click()
    nav.get_by_role("link", name="Clientes").click()
    expect(page.get_by_role("heading", name="Clientes", exact=True)).to_be_visible()


def test_an_executive_creates_a_client_with_two_contacts_and_finds_it(live_server, page: Page):
    UserFactory(username="maria", first_name="María", last_name="González", roles=[Role.EXECUTIVE])
    # A flush between transactional tests empties the catalogue the migration fills.
    Industry.objects.get_or_create(name="Alimentos y bebidas")
    ClientFactory(name="Cementos Caribe, C.A.")

    page.goto(live_server.url)
    page.get_by_label("Usuario").fill("maria")
    page.get_by_label("Contraseña").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    expect(page.get_by_role("heading", name="Hola, María")).to_be_visible()

    # 1. Ir a CRM → Clientes. 2. Clic en Nuevo Cliente.
    go_to_clients(page)
    page.get_by_role("link", name="Nuevo Cliente").click()
    expect(page.get_by_role("heading", name="Nuevo Cliente")).to_be_visible()

    # 3. Ingresar información básica.
    basic = page.get_by_role("group", name="Información básica")
    basic.get_by_label("Nombre o razón social").fill("Alimentos La Sabana, C.A.")
    basic.get_by_label("RIF/NIT").fill(RIF.replace("-", ""))
    basic.get_by_label("Tipo").select_option(label="Empresa")
    basic.get_by_label("Industria").select_option(label="Alimentos y bebidas")
    basic.get_by_label("Segmento").select_option(label="A")

    # 4. Ingresar información de contacto.
    contact_info = page.get_by_role("group", name="Información de contacto")
    contact_info.get_by_label("Dirección").fill("Av. Principal de Los Ruices, Caracas")
    contact_info.get_by_label("Teléfono").fill("0212-555-0101")
    contact_info.get_by_label("Email").fill("compras@lasabana.com.ve")
    contact_info.get_by_label("Sitio web").fill("www.lasabana.com.ve")

    # 5. Agregar contactos principales: two, the first one primary.
    first = page.get_by_role("group", name="Contacto 1")
    first.get_by_label("Nombre del contacto").fill("Carmen Rodríguez")
    first.get_by_label("Cargo").fill("Gerente de Compras")
    first.get_by_label("Email").fill("carmen@lasabana.com.ve")
    first.get_by_label("Teléfono").fill("0414-123-4567")
    first.get_by_label("Es contacto principal").check()
    page.get_by_role("button", name="Agregar otro contacto").click()
    second = page.get_by_role("group", name="Contacto 2")
    expect(second).to_be_visible()
    expect(second.get_by_label("Nombre del contacto")).to_be_focused()
    expect(first.get_by_label("Nombre del contacto")).to_have_value("Carmen Rodríguez")
    expect(first.get_by_label("Es contacto principal")).to_be_checked()
    second.get_by_label("Nombre del contacto").fill("José Pérez")
    second.get_by_label("Cargo").fill("Jefe de Mantenimiento")
    second.get_by_label("Email").fill("jose@lasabana.com.ve")
    second.get_by_label("Teléfono").fill("0212-555-0102")
    expect(second.get_by_label("Es contacto principal")).not_to_be_checked()

    # 6. Ingresar información comercial.
    business = page.get_by_role("group", name="Información comercial")
    business.get_by_label("Fuente de lead").select_option(label="Referido")
    owner = business.get_by_label("Ejecutivo asignado")
    expect(owner.locator("option:checked")).to_have_text("María González")
    business.get_by_label("Potencial de negocio").fill("150000")

    # 7. Agregar notas. 8. Guardar.
    page.get_by_role("group", name="Notas").get_by_label("Notas").fill(
        "Referido por Cementos Caribe."
    )
    page.get_by_role("button", name="Guardar").click()

    # The client page.
    expect(page.get_by_role("heading", name="Alimentos La Sabana, C.A.")).to_be_visible()
    expect(page.get_by_text("Cliente Alimentos La Sabana, C.A. creado.")).to_be_visible()
    expect(page.get_by_test_id("client-tax-id")).to_have_text(RIF)
    expect(page.get_by_test_id("primary-contact")).to_have_text("Carmen Rodríguez")
    page.get_by_role("link", name="Contactos").click()
    expect(page).to_have_url(re.compile(r"/contactos/$"))
    expect(page.get_by_role("cell", name="Carmen Rodríguez")).to_be_visible()
    expect(page.get_by_role("cell", name="José Pérez")).to_be_visible()
    client = Client.objects.get(tax_id=RIF)
    assert client.contacts.count() == 2
    assert client.owner.username == "maria"

    # Back to CRM → Clientes: the RIF in the search box finds it.
    go_to_clients(page)
    results = page.locator("#results")
    expect(results.get_by_text("Cementos Caribe, C.A.")).to_be_visible()
    page.get_by_role("search").get_by_label("Buscar").fill(RIF)
    page.get_by_role("search").get_by_label("Buscar").press("Enter")
    expect(results.get_by_text("Cementos Caribe, C.A.")).to_have_count(0)
    expect(results.get_by_role("link", name="Alimentos La Sabana, C.A.")).to_be_visible()
    expect(results.get_by_text(RIF)).to_be_visible()


def test_enter_in_a_text_box_saves_rather_than_adding_a_contact(live_server, page: Page):
    UserFactory(username="maria", first_name="María", roles=[Role.EXECUTIVE])
    page.goto(live_server.url)
    page.get_by_label("Usuario").fill("maria")
    page.get_by_label("Contraseña").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    page.goto(live_server.url + reverse("crm:client_create"))

    name = page.get_by_label("Nombre o razón social")
    name.fill("Ferretería El Tornillo")
    name.press("Enter")

    # The form was submitted to be saved: the missing RIF/NIT is reported, input kept.
    expect(page.get_by_text("El cliente no se guardó.")).to_be_visible()
    expect(page.get_by_label("Nombre o razón social")).to_have_value("Ferretería El Tornillo")
    expect(page.get_by_role("group", name="Contacto 2")).to_have_count(0)
