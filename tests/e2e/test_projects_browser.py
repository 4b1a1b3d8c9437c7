"""In a real browser: an executive signs in, opens Proyectos, opens a project, sees its client
and finds no edit control."""

import pytest
from playwright.sync_api import Page, expect

from accounts.roles import Role
from tests.factories import (
    TEST_PASSWORD,
    ClientFactory,
    ContractorFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_executive_reads_a_project_and_its_client(live_server, page: Page):
    UserFactory.create(username="maria", first_name="María", roles=[Role.EXECUTIVE])
    client = ClientFactory.create(name="Alimentos La Sabana, C.A.")
    ProjectFactory.create(
        code="PRY-2026-001",
        name="Ampliación de planta de envasado",
        client=client,
        contractors=[ContractorFactory.create(name="Montajes Industriales Zulia, C.A.")],
    )

    page.goto(live_server.url)
    expect(page.get_by_role("heading", name="Rumbo CRM")).to_be_visible()
    page.get_by_label("Usuario").fill("maria")
    page.get_by_label("Contraseña").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    expect(page.get_by_role("heading", name="Hola, María")).to_be_visible()

    page.get_by_role("link", name="Proyectos", exact=True).first.click()
    expect(page.get_by_role("heading", name="Proyectos")).to_be_visible()
    page.get_by_role("link", name="PRY-2026-001").click()

    expect(page.get_by_role("heading", name="Ampliación de planta de envasado")).to_be_visible()
    expect(page.get_by_test_id("project-client")).to_have_text("Alimentos La Sabana, C.A.")
    expect(page.get_by_text(client.tax_id)).to_be_visible()
    expect(page.get_by_role("link", name="Montajes Industriales Zulia, C.A.")).to_be_visible()

    # Read only: nothing to edit, delete or save, and no way into Django admin.
    main = page.locator("main")
    for word in ("Editar", "Eliminar", "Guardar", "Modificar"):
        expect(main.get_by_role("button", name=word)).to_have_count(0)
        expect(main.get_by_role("link", name=word)).to_have_count(0)
    expect(main.locator("form")).to_have_count(0)
    expect(page.get_by_role("link", name="Administración")).to_have_count(0)
