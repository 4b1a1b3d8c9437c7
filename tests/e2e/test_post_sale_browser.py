"""In a real browser, the seed's "Realizar Seguimiento Post-Venta": an executive signs in, goes
CRM → Clientes, selects the client, opens the tab Actividades, "Crear actividad de
seguimiento" → "Llamada de satisfacción", performs it recording a dissatisfied client and
the problem, saves, creates the reclamo in one step and sees it. And the same kind of call
marked done in place from "Mis actividades" (htmx), offering the upselling opportunity."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import Notification
from accounts.roles import Role
from crm.models import Activity, ActivityType, Complaint, Stage
from tests.factories import (
    TEST_PASSWORD,
    ClientFactory,
    ContactFactory,
    OpportunityFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PROBLEM = "La instalación se retrasó dos semanas y el equipo llegó sin manual."


def sign_in(page: Page, url: str) -> None:
    page.goto(url)
    page.get_by_label("Usuario").fill("maria")
    page.get_by_label("Contraseña").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    expect(page.get_by_role("heading", name="Hola, María")).to_be_visible()


def open_the_client(page: Page, name: str) -> None:
    """Steps 2 and 3: "Ir a CRM → Clientes", "Seleccionar cliente"."""
    nav = page.get_by_role("navigation", name="Navegación principal")
    nav.get_by_role("button", name="CRM").click()
    nav.get_by_role("link", name="Clientes").click()
    expect(page.get_by_role("heading", name="Clientes", exact=True)).to_be_visible()
    page.locator("#results").get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()


def create_the_follow_up_activity(page: Page) -> None:
    """Steps 4 and 5: "Ir a tab Actividades", "Crear actividad de seguimiento: Llamada de
    satisfacción"."""
    page.get_by_role("link", name="Actividades", exact=True).click()
    page.get_by_role("button", name="Crear actividad de seguimiento").click()
    page.get_by_role("link", name="Llamada de satisfacción").click()
    expect(page.get_by_role("heading", name="Nueva actividad")).to_be_visible()


def test_an_executive_follows_up_a_sale_and_turns_the_problem_into_a_complaint(
    live_server, page: Page
):
    maria = UserFactory.create(username="maria", first_name="María", roles=[Role.EXECUTIVE])
    operations = UserFactory.create(username="operaciones", roles=[Role.OPERATIONS])
    client = ClientFactory.create(name="Alimentos La Sabana, C.A.", owner=maria)
    ContactFactory.create(client=client, name="Carmen Rodríguez", is_primary=True)
    OpportunityFactory.create(client=client, name="Línea de envasado", stage=Stage.WON)

    sign_in(page, live_server.url)
    open_the_client(page, "Alimentos La Sabana, C.A.")
    create_the_follow_up_activity(page)

    # The new activity comes prefilled: a satisfaction call with this client, planned (for
    # tomorrow at 9:00); the contact is one of the client's.
    form = page.locator("#activity-form")
    # The client's picker holds it (its select, hidden behind the search box, the value sent).
    expect(form.get_by_label("Cliente")).to_have_value("Alimentos La Sabana, C.A.")
    expect(form.locator("select[name=client]")).to_have_value(str(client.pk))
    expect(form.get_by_label("Tipo de actividad")).to_have_value("satisfaction_call")
    expect(form.get_by_label("Programada para una fecha y hora")).to_be_checked()
    form.get_by_label("Contacto").select_option(label="Carmen Rodríguez")
    form.get_by_role("button", name="Guardar").click()

    expect(page.get_by_role("heading", name="Llamada de satisfacción")).to_be_visible()
    expect(page.get_by_text("Actividad guardada.")).to_be_visible()

    # 6. Realizar actividad; 7. Registrar resultado.
    page.get_by_role("link", name="Marcar como realizada").click()
    results = page.get_by_role("group", name="Resultado del seguimiento post-venta")
    results.get_by_label("Nivel de satisfacción").select_option("2")
    results.get_by_label("Comentarios del cliente").fill("Molestos por el retraso.")
    results.get_by_label("Problemas identificados").fill(PROBLEM)
    page.get_by_role("button", name="Guardar").click()

    expect(page.get_by_text("Actividad marcada como realizada.")).to_be_visible()
    post_sale = page.get_by_test_id("post-sale-results")
    expect(post_sale.get_by_text("2/5")).to_be_visible()
    expect(post_sale.get_by_text(PROBLEM)).to_be_visible()

    # 8. Si hay problemas: crear ticket de soporte y notificar al área correspondiente.
    page.get_by_role("link", name="Crear reclamo").click()
    expect(page.get_by_role("heading", name="Crear reclamo")).to_be_visible()
    expect(page.get_by_label("Área responsable")).to_have_value("operations")
    expect(page.get_by_label("Prioridad")).to_have_value("high")
    page.get_by_role("button", name="Crear reclamo").click()

    complaint = Complaint.objects.get()
    expect(page).to_have_url(f"{live_server.url}{complaint.get_absolute_url()}")
    main = page.locator("main")
    expect(
        main.get_by_text("Problema identificado en: Llamada de satisfacción").first
    ).to_be_visible()
    expect(main.get_by_text(PROBLEM).first).to_be_visible()
    activity = Activity.objects.get(type=ActivityType.SATISFACTION_CALL)
    assert (complaint.source_activity, complaint.client) == (activity, client)
    assert activity.contact is not None
    assert activity.satisfaction_level == 2 and activity.contact.name == "Carmen Rodríguez"
    assert Notification.objects.filter(recipient=operations).exists()


def test_an_executive_marks_a_satisfaction_call_done_inline_in_the_agenda(live_server, page: Page):
    maria = UserFactory.create(username="maria", first_name="María", roles=[Role.EXECUTIVE])
    client = ClientFactory.create(name="Cementos Caribe, C.A.", owner=maria)
    won = OpportunityFactory.create(client=client, name="Silos", stage=Stage.WON)
    call = Activity.objects.create(
        type=ActivityType.SATISFACTION_CALL,
        subject="¿Cómo va la obra?",
        client=client,
        opportunity=won,
        owner=maria,
        scheduled_at=timezone.now() + timedelta(hours=3),
    )

    sign_in(page, live_server.url)
    page.goto(live_server.url + reverse("crm:activity_list"))
    expect(page.get_by_role("heading", name="Mis actividades")).to_be_visible()
    row = page.locator(f"#activity-{call.pk}")
    row.get_by_role("link", name="Marcar como realizada").click()

    # The form opens in place of the row, in the same page.
    results = row.get_by_role("group", name="Resultado del seguimiento post-venta")
    results.get_by_label("Nivel de satisfacción").select_option("4")
    results.get_by_label("Oportunidades de upselling").fill("Ampliar a dos silos más")
    row.get_by_role("button", name="Guardar").click()

    expect(row.get_by_text("Nivel de satisfacción: 4/5")).to_be_visible()
    expect(row.get_by_role("link", name="Crear oportunidad")).to_be_visible()
    expect(row.get_by_role("link", name="Marcar como realizada")).to_have_count(0)
    expect(page).to_have_url(live_server.url + reverse("crm:activity_list"))
    call.refresh_from_db()
    assert (call.satisfaction_level, call.upselling) == (4, "Ampliar a dos silos más")
