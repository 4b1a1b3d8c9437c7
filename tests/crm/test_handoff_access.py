"""Hand-offs that work for the receiving area: Operaciones, Finanzas, Legal and Calidad have
no CRM module, yet open (read-only) exactly the records they were notified about, the
complaint and the won opportunity with its agreed terms, and follow the resolution."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from accounts.roles import Role
from crm.opportunities.services import WonDetails, opportunity_move_stage
from crm.services.complaints import complaint_create, complaint_from_activity, complaint_update
from tests.factories import ActivityFactory, ClientFactory, OpportunityFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def operations(db):
    return UserFactory(username="operaciones", roles=[Role.OPERATIONS])


@pytest.fixture
def customer(executive):
    return ClientFactory(owner=executive, name="Transportes Andinos")


def close_sale(executive, customer):
    opportunity = OpportunityFactory(client=customer, stage="negotiation", name="Flota 2027")
    return opportunity_move_stage(
        user=executive,
        opportunity_id=opportunity.pk,
        expected_version=opportunity.version,
        to_stage="won",
        won=WonDetails(
            actual_value=Decimal("48000.00"),
            closed_on=date.today(),
            agreed_terms="Pago a 30 días, entrega en marzo",
            special_conditions="Instalación en dos fases",
            next_steps="Visita técnica",
            requires_contract=False,
        ),
    )


def open_complaint(executive, customer, area="operations"):
    return complaint_create(
        user=executive,
        client=customer,
        data={
            "subject": "Instalación incompleta",
            "description": "Faltan dos equipos",
            "area": area,
        },
    )


# The notifications name their record ------------------------------------------------------


def test_the_sale_notification_names_the_won_opportunity(executive, customer, operations):
    won = close_sale(executive, customer)
    notification = Notification.objects.get(recipient=operations)
    assert notification.opportunity == won and notification.complaint is None


def test_the_complaint_notification_names_the_complaint(executive, customer, operations):
    complaint = open_complaint(executive, customer)
    assert Notification.objects.get(recipient=operations).complaint == complaint


def test_the_post_sale_complaint_names_it_too(executive, customer, operations):
    opportunity = OpportunityFactory(client=customer)
    activity = ActivityFactory(
        opportunity=opportunity,
        type="satisfaction_call",
        scheduled_at=None,
        done_at=timezone.now(),
        problems="La factura llegó con errores",
    )
    complaint = complaint_from_activity(
        user=executive, activity=activity, area="operations", priority="high"
    )
    assert Notification.objects.get(recipient=operations).complaint == complaint


# What the area may open -------------------------------------------------------------------


def test_operations_reads_the_complaint_it_was_notified_about_and_its_resolution(
    client_as, executive, customer, operations
):
    complaint = open_complaint(executive, customer)
    complaint_update(
        user=executive,
        complaint_id=complaint.pk,
        expected_version=complaint.version,
        data={"status": "resolved", "resolution": "Se instalaron los equipos faltantes"},
    )
    page = client_as(operations).get(complaint.get_absolute_url())
    html = page.content.decode()
    assert page.status_code == 200 and not page.context["can_edit"]
    assert "Faltan dos equipos" in html and "Se instalaron los equipos faltantes" in html
    assert "Resuelto" in html  # the status, followed read-only
    assert reverse("crm:complaint_edit", args=[complaint.pk]) not in html
    assert customer.get_absolute_url() not in html  # no links into the CRM it cannot open


def test_operations_reads_the_won_opportunity_with_its_agreed_terms(
    client_as, executive, customer, operations
):
    won = close_sale(executive, customer)
    page = client_as(operations).get(won.get_absolute_url())
    html = page.content.decode()
    assert page.status_code == 200
    assert "Pago a 30 días, entrega en marzo" in html and "Instalación en dos fases" in html
    for flag in ("can_edit", "can_follow_up", "can_move", "can_share", "can_delete"):
        assert not page.context[flag], flag
    assert "/editar/" not in html and "/eliminar/" not in html
    assert 'data-testid="read-only"' in html


def test_nothing_else_opens(client_as, executive, customer, operations):
    won = close_sale(executive, customer)
    other_sale = OpportunityFactory(client=customer)
    colleague = UserFactory(username="operaciones2", roles=[Role.OPERATIONS])  # not notified
    http = client_as(operations)
    assert http.get(other_sale.get_absolute_url()).status_code == 403
    assert http.get(reverse("crm:opportunity_edit", args=[won.pk])).status_code == 403
    assert http.get(reverse("crm:opportunity_list")).status_code == 403
    assert http.get(customer.get_absolute_url()).status_code == 403
    assert client_as(colleague).get(won.get_absolute_url()).status_code == 403


def test_a_deleted_record_no_longer_opens(client_as, executive, customer, operations):
    won = close_sale(executive, customer)
    from crm.opportunities.services import opportunity_delete

    opportunity_delete(user=executive, opportunity_id=won.pk)
    assert client_as(operations).get(won.get_absolute_url()).status_code == 403


def test_the_read_only_opportunity_page_costs_the_same_for_1_or_50_activities(
    client_as, executive, customer, operations
):
    won = close_sale(executive, customer)
    http = client_as(operations)

    def cost() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert http.get(won.get_absolute_url()).status_code == 200
        return len(queries.captured_queries)

    cost()
    few = cost()
    with ActivityFactory.facts_at_end():
        for i in range(50):
            ActivityFactory(opportunity=won, done_at=timezone.now() - timedelta(hours=i + 1))
    assert cost() == few
