"""In a real browser, the seed's "Enviar Cotización" word for word: an executive prepares a
quote in Word, goes CRM → Oportunidades, selects the opportunity, opens the Documentos tab,
clicks Subir Documento, uploads it as Tipo Cotización with its number, validity and total,
saves, sends it to the client by email and, in the same step, the app records "Cotización
enviada", moves the opportunity to Propuesta and schedules the follow-up in 3-5 days."""

from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.functional import empty
from playwright.sync_api import Page, expect

from accounts.roles import Role
from crm.models import ActivityType, Stage
from documents.models import PRIVATE_STORAGE
from tests.documents.files import docx
from tests.factories import (
    TEST_PASSWORD,
    ClientFactory,
    ContactFactory,
    OpportunityFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BANT = {"bant_budget": True, "bant_authority": True, "bant_need": True, "bant_timeline": True}


@pytest.fixture
def private_files(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "privado", "base_url": None},
        },
    }
    PRIVATE_STORAGE._wrapped = empty
    yield
    PRIVATE_STORAGE._wrapped = empty


def test_an_executive_uploads_a_quote_and_sends_it_to_the_client(
    live_server, page: Page, tmp_path, private_files
):
    maria = UserFactory.create(
        username="maria", first_name="María", last_name="González", roles=[Role.EXECUTIVE]
    )
    client = ClientFactory.create(name="Alimentos La Sabana, C.A.", owner=maria)
    ContactFactory.create(
        client=client, name="Juan Pérez", email="juan.perez@lasabana.com.ve", is_primary=True
    )
    opportunity = OpportunityFactory.create(
        name="Mantenimiento de planta 2027", client=client, stage=Stage.QUALIFICATION, **BANT
    )
    # 1. Preparar cotización (en Word/Excel).
    quote_file = tmp_path / "Cotización mantenimiento 2027.docx"
    quote_file.write_bytes(docx())
    validity = timezone.localdate() + timedelta(days=30)

    page.goto(live_server.url)
    page.get_by_label("Usuario").fill("maria")
    page.get_by_label("Contraseña").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()

    # 2. Ir a CRM → Oportunidades. 3. Seleccionar oportunidad.
    nav = page.get_by_role("navigation", name="Navegación principal")
    nav.get_by_role("button", name="CRM").click()
    nav.get_by_role("link", name="Oportunidades", exact=True).click()
    page.get_by_role("link", name="Mantenimiento de planta 2027").click()
    expect(page.get_by_role("heading", name="Mantenimiento de planta 2027")).to_be_visible()
    # 4. Ir a tab Documentos. 5. Clic en Subir Documento.
    page.get_by_role("link", name="Documentos", exact=True).last.click()
    expect(page.get_by_text("0 documentos")).to_be_visible()
    page.get_by_role("link", name="Subir Documento").click()
    expect(page.get_by_role("heading", name="Subir Documento")).to_be_visible()
    # 6. Seleccionar archivo de cotización.
    page.get_by_label("Archivo").set_input_files(str(quote_file))
    # 7. Ingresar información: Tipo: Cotización, Número, Fecha de validez, Monto total.
    expect(page.get_by_label("Tipo")).to_have_value("quote")
    page.get_by_label("Título").fill("Cotización mantenimiento 2027")
    page.get_by_label("Número de cotización").fill("COT-2026-031")
    page.get_by_label("Fecha de validez").fill(validity.isoformat())
    page.get_by_label("Monto total").fill("24500.00")
    # 8. Guardar.
    page.get_by_role("button", name="Guardar").click()
    expect(page.get_by_text("Documento Cotización mantenimiento 2027 guardado.")).to_be_visible()

    # 9. Enviar cotización al cliente por email (the primary contact is proposed).
    expect(page.get_by_role("heading", name="Enviar cotización COT-2026-031")).to_be_visible()
    step9 = page.get_by_role("group", name="9. Enviar cotización al cliente por email")
    expect(step9.get_by_label("Para")).to_have_value(str(client.contacts.get().pk))
    step9.get_by_label("Cc").fill("gerencia@lasabana.com.ve")
    expect(step9.get_by_label("Asunto")).to_have_value(
        "Cotización COT-2026-031 – Mantenimiento de planta 2027"
    )
    expect(step9.get_by_text("Cotización mantenimiento 2027.docx")).to_be_visible()
    # 10. Actualizar oportunidad: actividad, etapa Propuesta, seguimiento en 3-5 días.
    step10 = page.get_by_role("group", name="10. Actualizar oportunidad")
    expect(step10.get_by_text("Registrar actividad «Cotización enviada»")).to_be_visible()
    expect(step10.get_by_text("a la etapa «Propuesta»")).to_be_visible()
    proposed = step10.get_by_label("Programar seguimiento el").input_value()
    days = (datetime.fromisoformat(proposed).date() - timezone.localdate()).days
    assert 3 <= days <= 5
    # 11. Guardar.
    page.get_by_role("button", name="Guardar").click()

    expect(
        page.get_by_text(
            "Cotización COT-2026-031 enviada a juan.perez@lasabana.com.ve; "
            "la oportunidad quedó actualizada."
        )
    ).to_be_visible()
    expect(page.get_by_test_id("stage-badge")).to_have_text("Propuesta")
    table = page.get_by_test_id("document-table")
    expect(table.get_by_text("COT-2026-031 · Enviada")).to_be_visible()
    [sent] = mail.outbox
    assert sent.to == ["juan.perez@lasabana.com.ve"] and sent.cc == ["gerencia@lasabana.com.ve"]
    assert sent.attachments[0][0] == "Cotización mantenimiento 2027.docx"
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.PROPOSAL
    assert opportunity.activities.filter(type=ActivityType.QUOTE_SENT, done_at__isnull=False)
    assert opportunity.activities.filter(done_at__isnull=True).count() == 1
