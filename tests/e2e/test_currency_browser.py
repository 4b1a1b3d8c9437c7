"""In a real browser: an executive switches the opportunity list from USD to VES with the
page's USD | VES switch; totals and rows change currency, each row keeps its original amount
and rate on hover, and the choice stays on the board."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.roles import Role
from crm.models import ExchangeRate
from crm.opportunities.services import opportunity_create
from tests.factories import TEST_PASSWORD, ClientFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_executive_reads_the_list_in_bolivares(live_server, page: Page):
    maria = UserFactory.create(username="maria", first_name="María", roles=[Role.EXECUTIVE])
    client = ClientFactory(owner=maria, name="Alimentos La Sabana")
    ExchangeRate.objects.create(date=timezone.localdate(), ves_per_usd=Decimal("40"))
    opportunity_create(
        user=maria,
        data={
            "name": "Línea de envasado",
            "client": client,
            "estimated_value": Decimal("2000000.00"),
            "estimated_value_currency": "VES",
            "expected_close_date": timezone.localdate() + timedelta(days=30),
            "owner": maria,
        },
    )

    page.goto(live_server.url + "/")
    page.get_by_label("Usuario").fill("maria")
    page.get_by_label("Contraseña").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    page.goto(live_server.url + "/crm/oportunidades/")
    expect(page.get_by_test_id("total-value")).to_contain_text("USD 50,0 mil")

    # The page's switch (a user's name such as "Vives" would match a looser "VES").
    switch = page.get_by_test_id("currency-switch")
    switch.get_by_role("button", name="VES", exact=True).click()
    expect(page.get_by_test_id("total-value")).to_contain_text("VES 2,0 MM")
    row_value = page.locator("td .amount-compact").first
    expect(row_value).to_have_attribute(
        "title", "VES 2.000.000,00 · Original: VES 2.000.000,00 · 40,0000 VES/USD"
    )
    expect(switch.get_by_role("button", name="VES", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )

    page.get_by_role("link", name="Tablero").click()
    expect(page.get_by_test_id("total-prospecting")).to_contain_text("VES 2,0 MM")
