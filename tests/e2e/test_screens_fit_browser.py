"""In a real browser, at a laptop's 1366 px and a phone's 390 px, with a 200-character
unbroken name in the data: the page never scrolls sideways, the client list's last column is
on screen, "Columnas" hides a column for good, "Filtros" unfolds the filters and the board
shows one stage at a time."""

import pytest
from playwright.sync_api import Page, expect

from accounts.roles import Role
from crm.models import Stage
from tests.factories import TEST_PASSWORD, ClientFactory, OpportunityFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LONG_NAME = "Corporacion" + "X" * 189
PAGE_WIDTH = "document.documentElement.scrollWidth"


def world() -> None:
    maria = UserFactory(
        username="maria", first_name="María", last_name="González", roles=[Role.EXECUTIVE]
    )
    long_client = ClientFactory(name=LONG_NAME, owner=maria, notes="Nota. " * 200)
    other = ClientFactory(name="Alimentos La Sabana, C.A.", owner=maria)
    OpportunityFactory(client=long_client, name="Proyecto" + "Y" * 142)
    OpportunityFactory(client=other, name="Ampliación de planta")
    OpportunityFactory(client=other, name="Mantenimiento anual", stage=Stage.PROPOSAL)


def sign_in(page: Page, url: str) -> None:
    page.goto(url)
    page.get_by_label("Usuario").fill("maria")
    page.get_by_label("Contraseña").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    expect(page.get_by_role("heading", name="Hola, María")).to_be_visible()


def test_at_1366_px_the_client_list_fits_and_columnas_hides_a_column(live_server, page: Page):
    world()
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, live_server.url)

    page.goto(f"{live_server.url}/crm/clientes/")
    assert page.evaluate(PAGE_WIDTH) <= 1366
    last_header = page.locator("table thead th").last
    expect(last_header).to_be_visible()
    box = last_header.bounding_box()
    assert box is not None
    assert box["x"] + box["width"] <= 1366
    scroller = page.locator(".table-responsive")
    assert scroller.evaluate("el => el.scrollWidth <= el.clientWidth")
    name = page.get_by_role("link", name=LONG_NAME)
    assert name.get_attribute("title") == LONG_NAME
    name_box = name.bounding_box()
    assert name_box is not None
    assert name_box["height"] < 60  # two lines at most
    expect(page.get_by_role("columnheader", name="Teléfono")).to_be_visible()

    page.get_by_text("Columnas", exact=True).click()
    page.get_by_label("Teléfono").uncheck()
    page.get_by_role("button", name="Aplicar").click()
    expect(page.get_by_role("columnheader", name="Teléfono")).to_have_count(0)
    expect(page.get_by_role("columnheader", name="RIF/NIT")).to_be_visible()

    page.reload()
    expect(page.get_by_role("columnheader", name="Teléfono")).to_have_count(0)

    page.get_by_role("link", name=LONG_NAME).click()
    assert page.evaluate(PAGE_WIDTH) <= 1366
    page.get_by_text("Ver más").click()
    expect(page.get_by_text("Ver menos")).to_be_visible()


def test_at_390_px_nothing_scrolls_sideways_and_the_board_shows_one_stage(live_server, page: Page):
    world()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url)

    page.goto(f"{live_server.url}/crm/oportunidades/tablero/")
    assert page.evaluate(PAGE_WIDTH) <= 390
    prospecting = page.get_by_test_id("column-prospecting")
    proposal = page.get_by_test_id("column-proposal")
    expect(prospecting).to_be_visible()
    expect(proposal).to_be_hidden()

    switcher = page.get_by_role("navigation", name="Etapas del tablero")
    switcher.get_by_role("link", name="Propuesta").click()
    expect(proposal.get_by_role("link", name="Mantenimiento anual")).to_be_visible()
    expect(prospecting).to_be_hidden()
    expect(switcher.get_by_role("link", name="Propuesta")).to_have_attribute("aria-current", "true")
    assert "column=proposal" in page.url
    assert page.evaluate(PAGE_WIDTH) <= 390

    page.goto(f"{live_server.url}/crm/oportunidades/")
    assert page.evaluate(PAGE_WIDTH) <= 390

    page.goto(f"{live_server.url}/crm/clientes/")
    assert page.evaluate(PAGE_WIDTH) <= 390
    search = page.get_by_label("Buscar")
    expect(search).to_be_hidden()
    page.get_by_test_id("filters-toggle").click()
    expect(search).to_be_visible()
    page.get_by_role("link", name=LONG_NAME).click()
    assert page.evaluate(PAGE_WIDTH) <= 390


def test_without_javascript_filtros_columnas_and_the_stage_switcher_still_work(
    live_server, browser
):
    world()
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{live_server.url}/cuentas/login/")
    page.get_by_label("Usuario").fill("maria")
    page.get_by_label("Contraseña").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()

    page.goto(f"{live_server.url}/crm/clientes/")
    search = page.get_by_label("Buscar")
    expect(search).to_be_hidden()
    page.get_by_test_id("filters-toggle").click()  # the #filters target unfolds them
    expect(search).to_be_visible()

    page.get_by_text("Columnas", exact=True).click()  # a <details>
    page.get_by_label("RIF/NIT").uncheck()
    page.get_by_role("button", name="Aplicar").click()  # a plain POST, back to the list
    expect(page.get_by_role("heading", name="Clientes", exact=True)).to_be_visible()
    expect(page.locator('td[data-label="RIF/NIT"]')).to_have_count(0)
    expect(page.locator('td[data-label="Teléfono"]').first).to_be_visible()

    page.goto(f"{live_server.url}/crm/oportunidades/tablero/")
    proposal = page.get_by_test_id("column-proposal")
    expect(proposal).to_be_hidden()
    page.get_by_role("navigation", name="Etapas del tablero").get_by_role(
        "link", name="Propuesta"
    ).click()
    expect(proposal.get_by_role("link", name="Mantenimiento anual")).to_be_visible()
    assert page.evaluate(PAGE_WIDTH) <= 390
    context.close()
