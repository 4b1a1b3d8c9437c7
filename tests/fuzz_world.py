"""The records the fuzz tests act on: one of each thing a form or a page works on."""

from dataclasses import dataclass
from datetime import timedelta

from django.http import QueryDict
from django.utils import timezone

from crm.models import Stage
from crm.reports.filters import report_filters
from crm.services import client_delete
from crm.services.action_plans import ActionInput, action_plan_create
from crm.services.complaints import complaint_create
from tests.factories import (
    ActivityFactory,
    ClientFactory,
    ContactFactory,
    OpportunityFactory,
    ProjectFactory,
)

BANT = {"bant_budget": True, "bant_authority": True, "bant_need": True, "bant_timeline": True}


@dataclass
class World:
    manager: object
    executive: object
    client: object
    contact: object
    opportunity: object  # in Prospección
    proposal: object  # in Propuesta, BANT answered
    closing: object  # in Cierre, BANT answered
    activity: object  # planned
    meeting: object  # a planned meeting (minutes and a follow-up when completed)
    post_sale: object  # a done satisfaction call with a problem and an upsell
    complaint: object
    plan: object
    deleted_client: object
    project: object


def build_world(*, manager, executive) -> World:
    client = ClientFactory.create(owner=executive, name="Alimentos La Sabana, C.A.")
    contact = ContactFactory.create(client=client, is_primary=True)
    ContactFactory.create(client=client, is_primary=False)
    opportunity = OpportunityFactory.create(client=client, owner=executive)
    proposal = OpportunityFactory.create(
        client=client, owner=executive, stage=Stage.PROPOSAL, **BANT
    )
    closing = OpportunityFactory.create(client=client, owner=executive, stage=Stage.CLOSING, **BANT)
    activity = ActivityFactory.create(opportunity=opportunity)
    meeting = ActivityFactory.create(
        opportunity=proposal, type="meeting", subject="Reunión de alcance"
    )
    post_sale = ActivityFactory.create(
        opportunity=closing,
        type="satisfaction_call",
        scheduled_at=None,
        done_at=timezone.now() - timedelta(days=1),
        satisfaction_level=2,
        problems="Factura con error",
        upselling="Ampliar el contrato de mantenimiento",
    )
    complaint = complaint_create(
        user=executive,
        client=client,
        data={"subject": "Retraso", "description": "x", "area": "quality"},
    )
    _form, filters = report_filters(user=manager, params=QueryDict())
    plan = action_plan_create(
        user=manager,
        filters=filters,
        report="sales",
        objective="Recuperar la cartera",
        actions=[
            ActionInput(
                description="Llamar a los clientes sin contacto",
                owner=executive,
                due_date=timezone.localdate() + timedelta(days=7),
            )
        ],
    )
    gone = ClientFactory.create(owner=executive, name="Cliente en la papelera")
    client_delete(user=manager, client_id=gone.pk)
    return World(
        manager=manager,
        executive=executive,
        client=client,
        contact=contact,
        opportunity=opportunity,
        proposal=proposal,
        closing=closing,
        activity=activity,
        meeting=meeting,
        post_sale=post_sale,
        complaint=complaint,
        plan=plan,
        deleted_client=gone,
        project=ProjectFactory.create(),
    )
