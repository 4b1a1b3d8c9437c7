"""In a real browser, the seed's "Cerrar Venta" and "Gestionar Oportunidad Perdida" word for
word: an executive opens an opportunity in Cierre and closes it as won, then opens one in
Propuesta and marks it lost to a competitor typed as a new name."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.roles import Role
from crm.models import ActivityType, Competitor, LossReason, Stage
from tests.factories import (
    TEST_PASSWORD,
    ClientFactory,
    ContactFactory,
    OpportunityFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BANT = {
    "bant_budget": True,
    "bant_authority": True,
    "bant_need": True,
    "bant_timeline": True,
}


def sign_in(page: Page, url: str) -> None:
    page.goto(url)
    page.get_by_label("Usuario").fill("maria")
    page.get_by_label("Contraseña").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    expect(page.get_by_role("heading", name="Hola, María")).to_be_visible()


def test_an_executive_closes_one_opportunity_as_won_and_another_as_lost(live_server, page: Page):
    maria = UserFactory.create(
        username="maria", first_name="María", last_name="González", roles=[Role.EXECUTIVE]
    )
    UserFactory.create(username="operaciones", roles=[Role.OPERATIONS])
    UserFactory.create(username="finanzas", roles=[Role.FINANCE])
    UserFactory.create(username="legal", roles=[Role.LEGAL])
    client = ClientFactory.create(name="Alimentos La Sabana, C.A.", owner=maria)
    ContactFactory.create(client=client, name="Juan Pérez", is_primary=True)
    closing = OpportunityFactory.create(
        name="Mantenimiento de planta 2027",
        client=client,
        stage=Stage.CLOSING,
        probability=90,
        estimated_value=Decimal("25000.00"),
        **BANT,
    )
    proposal = OpportunityFactory.create(
        name="Ampliación de cámaras de frío",
        client=client,
        stage=Stage.PROPOSAL,
        probability=50,
        **BANT,
    )
    today = timezone.localdate()

    sign_in(page, live_server.url)

    # "Cerrar Venta". 1. Recibir confirmación de cliente. 2-3. Seleccionar oportunidad.
    page.goto(live_server.url + reverse("crm:opportunity_detail", args=[closing.pk]))
    expect(page.get_by_role("heading", name="Mantenimiento de planta 2027")).to_be_visible()
    page.get_by_role("link", name="Cerrar Venta").click()
    expect(page.get_by_role("heading", name="Cerrar Venta", exact=True)).to_be_visible()
    # The estimated value and today are proposed.
    expect(page.get_by_label("Valor real de la venta")).to_have_value("25.000,00")
    expect(page.get_by_label("Fecha de cierre")).to_have_value(today.isoformat())

    # 4. Actualizar información: Valor real de la venta, Fecha de cierre, Términos acordados.
    info = page.get_by_role("group", name="Actualizar información")
    info.get_by_label("Valor real de la venta").fill("24000")
    info.get_by_label("Fecha de cierre").fill(today.isoformat())
    info.get_by_label("Términos acordados").fill("Pago a 30 días; entrega en 6 semanas")
    # 7. Agregar notas sobre: Términos del contrato, Condiciones especiales, Próximos pasos.
    notes = page.get_by_role("group", name="Agregar notas sobre")
    notes.get_by_label("Términos del contrato").fill("Contrato anual renovable")
    notes.get_by_label("Condiciones especiales").fill("5 % de descuento por pronto pago")
    notes.get_by_label("Próximos pasos").fill("Reunión de arranque con Operaciones")
    # 9. Notificar a áreas relevantes: Operaciones, Finanzas, Legal (si requiere contrato).
    areas = page.get_by_role("group", name="Notificar a áreas relevantes")
    expect(areas.get_by_text("Operaciones (para ejecución)")).to_be_visible()
    expect(areas.get_by_text("Finanzas (para facturación)")).to_be_visible()
    areas.get_by_label("Legal (si requiere contrato)").check()
    # 10. Programar actividad de seguimiento post-venta (proposed a month later).
    expect(page.get_by_label("Programar actividad de seguimiento post-venta")).to_be_checked()
    expect(page.get_by_label("Asunto")).to_have_value("Seguimiento post-venta")
    # 5-6 and 8: Guardar moves it to Ganada and registers "Venta cerrada".
    page.get_by_role("button", name="Guardar").click()

    expect(
        page.get_by_text("Venta cerrada. Se notificó a Operaciones, Finanzas y Legal.")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Mantenimiento de planta 2027")).to_be_visible()
    expect(page.locator("main").get_by_text("Ganada", exact=True).first).to_be_visible()
    closing.refresh_from_db()
    assert (closing.stage, closing.actual_value) == (Stage.WON, Decimal("24000.00"))
    assert closing.activities.filter(type=ActivityType.SALE_CLOSED).exists()
    assert closing.activities.filter(
        type=ActivityType.SATISFACTION_CALL, done_at__isnull=True
    ).exists()

    # "Gestionar Oportunidad Perdida". 2-3. Seleccionar oportunidad. 4. Mover a etapa Perdida.
    page.goto(live_server.url + reverse("crm:opportunity_detail", args=[proposal.pk]))
    expect(page.get_by_role("heading", name="Ampliación de cámaras de frío")).to_be_visible()
    page.get_by_role("link", name="Marcar como perdida").click()
    expect(page.get_by_role("heading", name="Gestionar Oportunidad Perdida")).to_be_visible()

    # 5. Ingresar información: Motivo de pérdida, Competidor que ganó, Notas adicionales.
    page.get_by_role("group", name="Motivo de pérdida").get_by_label("Competencia").check()
    page.get_by_label("Competidor que ganó").fill("Refrigeración Industrial del Centro")
    page.get_by_label("Notas adicionales").fill("Ofrecieron instalación sin costo")
    # 6. Registrar lecciones aprendidas.
    page.get_by_label("Lecciones aprendidas").fill("Incluir la instalación en la propuesta")
    # 8. Programar seguimiento futuro: mantener contacto, identificar oportunidades futuras.
    expect(page.get_by_label("Programar seguimiento futuro")).to_be_checked()
    # 7. Guardar.
    page.get_by_role("button", name="Guardar").click()

    expect(page.get_by_text("Ampliación de cámaras de frío se marcó como Perdida.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Seguimiento futuro programado para el"))).to_be_visible()
    expect(page.locator("main").get_by_text("Perdida", exact=True).first).to_be_visible()
    proposal.refresh_from_db()
    assert (proposal.stage, proposal.loss_reason) == (Stage.LOST, LossReason.COMPETITION)
    assert proposal.winning_competitor == Competitor.objects.get(
        name="Refrigeración Industrial del Centro"
    )
    planned = proposal.activities.get()
    assert planned.scheduled_at is not None
    assert planned.scheduled_at > timezone.now() + timedelta(days=80)
