"""In a real browser, the navbar's global search (issue 14.4): an executive types a RIF
without dashes and sees the client under "Clientes" as she types; types a contact's phone
and reaches it with the keyboard (↓, Enter); and, with Enter in the box, gets the full
results page."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.roles import Role
from tests.factories import TEST_PASSWORD, ClientFactory, ContactFactory, UserFactory, valid_rif

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

RIF = valid_rif(31234567)


def test_the_navbar_search_finds_as_you_type_and_is_keyboard_navigable(live_server, page: Page):
    maria = UserFactory(username="maria", first_name="María", roles=[Role.EXECUTIVE])
    client = ClientFactory(name="Petróleos de Oriente, C.A.", tax_id=RIF, owner=maria)
    ContactFactory(client=client, name="Begoña Ñáñez", phone="+58 414-7778899")
    ClientFactory(name="Cementos Caribe, C.A.")

    page.goto(live_server.url + reverse("crm:client_list"))
    page.get_by_label("Usuario").fill("maria")
    page.get_by_label("Contraseña").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    # The list's "load" event: htmx has bound the box's input trigger (typing earlier, on a
    # busy machine, sent no request).
    page.wait_for_url(live_server.url + reverse("crm:client_list"))

    box = page.get_by_role("searchbox", name="Búsqueda global")
    results = page.locator("#global-search-results")

    # A RIF without dashes: the client, grouped under "Clientes", while typing.
    box.fill(RIF.replace("-", ""))
    expect(results).to_be_visible()
    expect(results.get_by_role("heading", name="Clientes")).to_be_visible()
    expect(results.get_by_role("link", name="Petróleos de Oriente, C.A.")).to_be_visible()
    expect(results).not_to_contain_text("Cementos Caribe")

    # A contact's phone, typed nationally; ↓ reaches it, Enter opens its client.
    box.fill("0414 777 8899")
    hit = results.get_by_role("link", name="Begoña Ñáñez")
    expect(hit).to_be_visible()
    expect(results.get_by_role("heading", name="Contactos")).to_be_visible()
    box.press("ArrowDown")
    expect(hit).to_be_focused()
    page.keyboard.press("Escape")
    expect(results).to_be_hidden()
    expect(box).to_be_focused()
    box.press("ArrowDown")
    expect(hit).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Petróleos de Oriente, C.A.")).to_be_visible()

    # Enter in the box: the full page, which needs no JavaScript.
    box = page.get_by_role("searchbox", name="Búsqueda global")
    box.fill("petroleos")
    box.press("Enter")
    expect(page.get_by_role("heading", name="Buscar", exact=True)).to_be_visible()
    expect(
        page.get_by_role("main").get_by_role("link", name="Petróleos de Oriente, C.A.")
    ).to_be_visible()
