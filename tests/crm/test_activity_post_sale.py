"""Post-sale follow-up ("Realizar Seguimiento Post-Venta", steps 5 to 9): a satisfaction
activity records the level, comments, problems and upselling; problems lead to a reclamo in
one step, upselling to a new opportunity with its meeting."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from accounts.roles import Role
from crm.models import (
    Activity,
    ActivityType,
    Complaint,
    ComplaintArea,
    ComplaintPriority,
    Opportunity,
    Stage,
)
from tests.factories import (
    ActivityFactory,
    ClientFactory,
    ContactFactory,
    OpportunityFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def url(name: str, activity: Activity) -> str:
    return reverse(f"crm:{name}", args=[activity.pk])


def satisfaction_call(user, **kwargs) -> Activity:
    client = ClientFactory.create(owner=user, name="Alimentos La Sabana, C.A.")
    won = OpportunityFactory.create(client=client, stage=Stage.WON, name="Línea de envasado")
    return ActivityFactory.create(
        type=ActivityType.SATISFACTION_CALL,
        subject="Llamada de satisfacción",
        opportunity=won,
        owner=user,
        contact=ContactFactory.create(client=client, name="Carmen Rodríguez"),
        **kwargs,
    )


def done_satisfaction_call(user, **kwargs) -> Activity:
    return satisfaction_call(
        user, scheduled_at=None, done_at=timezone.now() - timedelta(hours=1), **kwargs
    )


def test_completing_a_satisfaction_call_records_the_post_sale_results(client_as, executive):
    activity = satisfaction_call(executive)
    user_client = client_as(executive)

    form = user_client.get(url("activity_complete", activity), **HTMX).content.decode()
    response = user_client.post(
        url("activity_complete", activity),
        {
            "version": 1,
            "done_at": local(timezone.now()),
            "satisfaction_level": "2",
            "client_comments": "La entrega llegó tarde",
            "problems": "Retraso de dos semanas en la instalación",
            "upselling": "Mantenimiento preventivo anual",
        },
        **HTMX,
    )

    for label in (
        "Nivel de satisfacción",
        "Comentarios del cliente",
        "Problemas identificados",
        "Oportunidades de upselling",
    ):
        assert label in form
    activity.refresh_from_db()
    assert (activity.satisfaction_level, activity.problems) == (
        2,
        "Retraso de dos semanas en la instalación",
    )
    content = response.content.decode()
    assert url("activity_complaint", activity) in content and "Crear reclamo" in content
    assert url("activity_upsell", activity) in content and "Crear oportunidad" in content


def test_a_satisfaction_activity_needs_its_level(client_as, executive):
    activity = satisfaction_call(executive)

    response = client_as(executive).post(
        url("activity_complete", activity), {"version": 1, "done_at": local(timezone.now())}
    )

    assert response.context["form"].errors["satisfaction_level"] == [
        "Elija el nivel de satisfacción (1 a 5)."
    ]


def test_without_problems_or_upselling_nothing_is_offered(client_as, executive):
    activity = done_satisfaction_call(executive, satisfaction_level=5)

    content = client_as(executive).get(url("activity_detail", activity)).content.decode()

    assert "Crear reclamo" not in content and "Crear oportunidad" not in content


def test_the_complaint_form_is_prefilled_from_the_activity(client_as, executive):
    activity = done_satisfaction_call(
        executive, satisfaction_level=2, problems="Retraso en la instalación"
    )

    response = client_as(executive).get(url("activity_complaint", activity))

    content = response.content.decode()
    form = response.context["form"]
    assert "Problema identificado en: Llamada de satisfacción" in content
    assert "Retraso en la instalación" in content
    assert form["area"].value() == ComplaintArea.OPERATIONS
    assert form["priority"].value() == ComplaintPriority.HIGH  # a dissatisfied client


def test_creating_the_complaint_notifies_the_area_and_opens_the_complaint(client_as, executive):
    finance = UserFactory.create(username="finanzas", roles=[Role.FINANCE])
    activity = done_satisfaction_call(executive, satisfaction_level=2, problems="Factura duplicada")

    response = client_as(executive).post(
        url("activity_complaint", activity), {"area": "finance", "priority": "urgent"}
    )

    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("crm:complaint_detail", args=[complaint.pk])
    assert (complaint.source_activity, complaint.client) == (activity, activity.client)
    assert (complaint.area, complaint.priority) == ("finance", "urgent")
    assert complaint.description == "Factura duplicada"
    assert complaint.subject == "Problema identificado en: Llamada de satisfacción"
    assert complaint.owner == activity.client.owner
    assert Notification.objects.filter(recipient=finance).exists()
    assert Group.objects.get(name=Role.FINANCE.value).user_set.count() == 1


def test_once_created_the_activity_links_to_its_complaint(client_as, executive):
    activity = done_satisfaction_call(executive, satisfaction_level=3, problems="Ruido")
    client_as(executive).post(
        url("activity_complaint", activity), {"area": "quality", "priority": "medium"}
    )
    complaint = Complaint.objects.get()

    content = client_as(executive).get(url("activity_detail", activity)).content.decode()

    assert reverse("crm:complaint_detail", args=[complaint.pk]) in content
    assert "Ver el reclamo" in content


def test_a_complaint_needs_an_area(client_as, executive):
    activity = done_satisfaction_call(executive, satisfaction_level=2, problems="Ruido")

    response = client_as(executive).post(
        url("activity_complaint", activity), {"area": "", "priority": "high"}
    )

    assert response.context["form"].errors["area"] == ["Elija el área que debe resolverlo."]
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("step", ["activity_complaint", "activity_upsell"])
def test_the_post_sale_steps_need_a_done_satisfaction_activity_that_records_them(
    client_as, executive, step
):
    planned = satisfaction_call(executive, problems="x", upselling="y")
    empty = done_satisfaction_call(executive, satisfaction_level=4)
    ordinary_call = ActivityFactory.create(
        owner=executive,
        opportunity=OpportunityFactory.create(client=ClientFactory.create(owner=executive)),
        scheduled_at=None,
        done_at=timezone.now(),
        problems="x",
        upselling="y",
    )
    user_client = client_as(executive)

    for activity in (planned, empty, ordinary_call):
        response = user_client.post(url(step, activity), {"area": "legal", "priority": "low"})
        assert response.status_code == 302
        assert response.url == url("activity_detail", activity)
    assert not Complaint.objects.exists()


def test_the_upsell_form_is_prefilled_from_the_upselling_text(client_as, executive):
    activity = done_satisfaction_call(
        executive,
        satisfaction_level=4,
        upselling="Mantenimiento preventivo anual\nY capacitación del personal",
    )

    response = client_as(executive).get(url("activity_upsell", activity))

    form = response.context["form"]
    assert form["name"].value() == "Mantenimiento preventivo anual"
    assert "Programar reunión" in response.content.decode()


def test_creating_the_upsell_opportunity_schedules_its_meeting(client_as, executive):
    activity = done_satisfaction_call(
        executive, satisfaction_level=4, upselling="Mantenimiento preventivo anual"
    )
    meeting_at = timezone.now().replace(second=0, microsecond=0) + timedelta(days=3)
    close = timezone.localdate() + timedelta(days=45)

    response = client_as(executive).post(
        url("activity_upsell", activity),
        {
            "name": "Mantenimiento preventivo 2026",
            "estimated_value": "8500.50",
            "expected_close_date": close.isoformat(),
            "meeting_at": local(meeting_at),
        },
    )

    opportunity = Opportunity.objects.get(name="Mantenimiento preventivo 2026")
    assert response.status_code == 302 and response.url == opportunity.get_absolute_url()
    assert (opportunity.client, opportunity.owner) == (activity.client, executive)
    assert opportunity.estimated_value == Decimal("8500.50")
    assert opportunity.stage == Stage.PROSPECTING
    assert opportunity.customer_needs == "Mantenimiento preventivo anual"
    assert opportunity.contact == activity.contact
    meeting = opportunity.activities.get()
    assert (meeting.type, meeting.scheduled_at) == (ActivityType.MEETING, meeting_at)
    assert meeting.subject == "Reunión: Mantenimiento preventivo 2026"


def test_the_upsell_meeting_and_close_date_cannot_be_in_the_past(client_as, executive):
    activity = done_satisfaction_call(executive, satisfaction_level=4, upselling="Más equipos")

    response = client_as(executive).post(
        url("activity_upsell", activity),
        {
            "name": "Más equipos",
            "estimated_value": "100",
            "expected_close_date": (timezone.localdate() - timedelta(days=1)).isoformat(),
            "meeting_at": local(timezone.now() - timedelta(hours=1)),
        },
    )

    errors = response.context["form"].errors
    assert errors["meeting_at"] == ["La reunión debe estar en el futuro."]
    assert errors["expected_close_date"] == [
        "La fecha estimada de cierre no puede estar en el pasado."
    ]
    assert not Opportunity.objects.filter(name="Más equipos").exists()


def test_users_without_the_right_to_add_cannot_take_the_steps(client_as, no_role_user, executive):
    activity = done_satisfaction_call(executive, satisfaction_level=1, problems="x", upselling="y")

    assert client_as(no_role_user).get(url("activity_complaint", activity)).status_code == 403
    assert client_as(no_role_user).get(url("activity_upsell", activity)).status_code == 403
