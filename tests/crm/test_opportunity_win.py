"""CRM → Oportunidades → "Cerrar Venta" (crm:opportunity_win)."""

import re
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import CompanySettings, Notification
from accounts.roles import Role
from crm.models import Activity, ActivityType, Stage, StageChange
from crm.opportunities.forms.flows import months_later
from crm.opportunities.services import WonDetails, opportunity_move_stage, opportunity_update
from tests.factories import ActivityFactory, OpportunityFactory, UserFactory

pytestmark = pytest.mark.django_db

BANT = {
    "bant_budget": True,
    "bant_authority": True,
    "bant_need": True,
    "bant_timeline": True,
}
LOCAL = "%Y-%m-%dT%H:%M"
# Session, user, 3 for roles and rights, company settings (visibility), the opportunity with
# its activity dates, its planned activities (cancel or keep on closing), company settings
# (currency), people per hand-off area, the accepted quote whose total prefills "Valor real
# de la venta", the edit rule's visibility setting.
WIN_PAGE_QUERIES = 10


def url(opportunity) -> str:
    return reverse("crm:opportunity_win", args=[opportunity.pk])


def next_month_at_nine() -> datetime:
    return timezone.make_aware(datetime.combine(months_later(timezone.localdate(), 1), time(9, 0)))


def form_data(opportunity, **overrides) -> dict:
    data = {
        "version": opportunity.version,
        "actual_value": "24000.00",
        "closed_on": timezone.localdate().isoformat(),
        "agreed_terms": "Pago a 30 días, entrega en 6 semanas",
        "contract_terms": "Contrato anual renovable",
        "special_conditions": "Descuento de 5 % por pronto pago",
        "next_steps": "Reunión de arranque con Operaciones",
        "requires_contract": "on",
        "schedule": "on",
        "next_type": ActivityType.SATISFACTION_CALL,
        "next_at": timezone.localtime(next_month_at_nine()).strftime(LOCAL),
        "next_subject": "Seguimiento post-venta",
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


def texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def opportunity(executive):
    return OpportunityFactory(
        client__owner=executive,
        stage=Stage.CLOSING,
        probability=90,
        estimated_value=Decimal("25000.00"),
        **BANT,
    )


@pytest.fixture
def areas():
    return {
        Role.OPERATIONS: UserFactory(roles=[Role.OPERATIONS], email="ops@rumbo.test"),
        Role.FINANCE: UserFactory(roles=[Role.FINANCE], email="fin@rumbo.test"),
        Role.LEGAL: UserFactory(roles=[Role.LEGAL], email="legal@rumbo.test"),
    }


# The page -------------------------------------------------------------------------------------


def test_the_form_proposes_the_estimated_value_today_and_a_post_sale_call_in_a_month(
    client_as, opportunity, areas
):
    response = client_as(opportunity.owner).get(url(opportunity))

    assert response.status_code == 200
    page = response.content.decode()
    for label in (
        "Cerrar Venta",
        "Valor real de la venta",
        "Fecha de cierre",
        "Términos acordados",
        "Agregar notas sobre",
        "Términos del contrato",
        "Condiciones especiales",
        "Próximos pasos",
        "Notificar a áreas relevantes",
        "Operaciones (para ejecución)",
        "Finanzas (para facturación)",
        "Legal (si requiere contrato)",
        "Programar actividad de seguimiento post-venta",
    ):
        assert label in page, label
    assert 'value="25.000,00"' in page
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in page
    assert f'value="{next_month_at_nine():%Y-%m-%dT%H:%M}"' in page
    assert 'value="Seguimiento post-venta"' in page
    assert '<option value="satisfaction_call" selected>Llamada de satisfacción</option>' in page
    assert "1 persona" in page


def test_an_area_without_people_is_flagged(client_as, opportunity):
    page = client_as(opportunity.owner).get(url(opportunity)).content.decode()
    assert "Nadie tiene este rol: pida a un administrador que lo asigne." in page


# Saving ---------------------------------------------------------------------------------------


def test_closing_the_sale_moves_to_won_registers_the_activity_notifies_and_plans_post_sale(
    client_as, opportunity, areas, django_capture_on_commit_callbacks
):
    browser = client_as(opportunity.owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(url(opportunity), form_data(opportunity))

    assert response.status_code == 302 and response["Location"] == opportunity.get_absolute_url()
    assert texts(response) == ["Venta cerrada. Se notificó a Operaciones, Finanzas y Legal."]
    opportunity.refresh_from_db()
    assert (opportunity.stage, opportunity.probability) == (Stage.WON, 100)
    assert opportunity.actual_value == Decimal("24000.00")
    assert opportunity.closed_on == timezone.localdate()
    assert opportunity.agreed_terms == "Pago a 30 días, entrega en 6 semanas"
    assert opportunity.contract_terms == "Contrato anual renovable"
    assert opportunity.special_conditions == "Descuento de 5 % por pronto pago"
    assert opportunity.next_steps == "Reunión de arranque con Operaciones"
    row = StageChange.objects.get(opportunity=opportunity)
    assert (row.from_stage, row.to_stage, row.changed_by) == (
        Stage.CLOSING,
        Stage.WON,
        opportunity.owner,
    )
    sale = opportunity.activities.get(type=ActivityType.SALE_CLOSED)
    assert sale.subject == "Venta cerrada" and sale.done_at is not None
    post_sale = opportunity.activities.get(done_at__isnull=True)
    assert (post_sale.type, post_sale.subject, post_sale.scheduled_at) == (
        ActivityType.SATISFACTION_CALL,
        "Seguimiento post-venta",
        next_month_at_nine(),
    )
    assert set(Notification.objects.values_list("recipient", flat=True)) == {
        user.pk for user in areas.values()
    }
    assert sorted(message.to[0] for message in mail.outbox) == [
        "fin@rumbo.test",
        "legal@rumbo.test",
        "ops@rumbo.test",
    ]
    assert all("Pago a 30 días" in message.body for message in mail.outbox)


def planned(opportunity, subject, kind=ActivityType.CALL, days=3):
    return ActivityFactory(
        opportunity=opportunity,
        type=kind,
        subject=subject,
        scheduled_at=timezone.now() + timedelta(days=days),
    )


def test_the_page_lists_the_planned_activities_to_cancel_or_keep(client_as, opportunity):
    """Issue 8.3: pre-sale follow-ups ticked to cancel, a post-sale activity kept."""
    follow_up = planned(opportunity, "Seguimiento")
    survey = planned(opportunity, "Encuesta de arranque", ActivityType.SATISFACTION_SURVEY)

    page = client_as(opportunity.owner).get(url(opportunity)).content.decode()

    assert "Actividades aún programadas para esta oportunidad" in page
    assert re.search(rf'value="{follow_up.pk}" id="cancel-activity-{follow_up.pk}" checked', page)
    assert re.search(rf'value="{survey.pk}" id="cancel-activity-{survey.pk}">', page)
    assert "Seguimiento" in page and "Encuesta de arranque" in page


def test_closing_cancels_the_ticked_activities_and_keeps_the_others(client_as, opportunity):
    follow_up = planned(opportunity, "Seguimiento")
    demo = planned(opportunity, "Demo técnica", ActivityType.MEETING)
    survey = planned(opportunity, "Encuesta de arranque", ActivityType.SATISFACTION_SURVEY)
    elsewhere = ActivityFactory(scheduled_at=timezone.now() + timedelta(days=1))
    done_meanwhile = planned(opportunity, "Llamada ya hecha")
    Activity.objects.filter(pk=done_meanwhile.pk).update(done_at=timezone.now())

    ticked = [follow_up.pk, elsewhere.pk, done_meanwhile.pk]
    response = client_as(opportunity.owner).post(
        url(opportunity), {**form_data(opportunity), "cancel_activities": ticked}
    )

    assert response.status_code == 302
    for activity in (follow_up, demo, survey, elsewhere):
        activity.refresh_from_db()
    assert follow_up.cancelled_at is not None and follow_up.done_at is None
    assert demo.cancelled_at is None and survey.cancelled_at is None
    assert elsewhere.cancelled_at is None
    done_meanwhile.refresh_from_db()
    assert done_meanwhile.cancelled_at is None and done_meanwhile.done_at is not None
    still_planned = opportunity.activities.filter(done_at__isnull=True, cancelled_at__isnull=True)
    assert set(still_planned.values_list("subject", flat=True)) == {
        "Demo técnica",
        "Encuesta de arranque",
        "Seguimiento post-venta",
    }
    assert opportunity.activities.count() == 6  # nothing deleted: + sale closed + post-sale
    page = client_as(opportunity.owner).get(opportunity.get_absolute_url()).content.decode()
    next_activity = page[page.index('data-testid="next-activity"') :][:400]
    assert "Seguimiento" not in next_activity.replace("Seguimiento post-venta", "")


def test_a_refused_form_keeps_the_choices_made(client_as, opportunity):
    follow_up = planned(opportunity, "Seguimiento")
    call = planned(opportunity, "Llamada de cierre")

    response = client_as(opportunity.owner).post(
        url(opportunity),
        {**form_data(opportunity, agreed_terms=""), "cancel_activities": [call.pk]},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert re.search(rf'value="{follow_up.pk}" id="cancel-activity-{follow_up.pk}">', page)
    assert re.search(rf'value="{call.pk}" id="cancel-activity-{call.pk}" checked', page)
    follow_up.refresh_from_db()
    assert follow_up.cancelled_at is None


def test_a_refused_move_cancels_nothing(opportunity):
    follow_up = planned(opportunity, "Seguimiento")
    with pytest.raises(ValidationError):
        opportunity_move_stage(
            user=opportunity.owner,
            opportunity_id=opportunity.pk,
            expected_version=opportunity.version,
            to_stage=Stage.WON,
            won=WonDetails(actual_value=None, closed_on=None, agreed_terms=""),
            cancel_activities=[follow_up.pk],
        )
    follow_up.refresh_from_db()
    assert follow_up.cancelled_at is None


def test_the_sale_closed_notification_carries_what_the_areas_need(
    client_as, opportunity, areas, django_capture_on_commit_callbacks, settings
):
    """Issue 8.5: terms, contract terms, conditions, next steps, the real value formatted
    as on screen with its currency, and a link to the opportunity, in the app and by email."""
    settings.SITE_URL = "https://crm.rumbo.test"
    with django_capture_on_commit_callbacks(execute=True):
        client_as(opportunity.owner).post(
            url(opportunity), form_data(opportunity, actual_value="1234567.50")
        )

    notification = Notification.objects.get(recipient=areas[Role.OPERATIONS])
    link = opportunity.get_absolute_url()
    assert notification.url == link
    for text in (
        "Valor real de la venta: USD 1.234.567,50",
        "Términos acordados:\nPago a 30 días, entrega en 6 semanas",
        "Términos del contrato:\nContrato anual renovable",
        "Condiciones especiales:\nDescuento de 5 % por pronto pago",
        "Próximos pasos:\nReunión de arranque con Operaciones",
    ):
        assert text in notification.body
    email = next(message for message in mail.outbox if message.to == ["ops@rumbo.test"])
    assert "Términos del contrato:\nContrato anual renovable" in email.body
    assert "Valor real de la venta: USD 1.234.567,50" in email.body
    assert f"https://crm.rumbo.test{link}" in email.body


def test_without_a_contract_legal_is_not_told(
    client_as, opportunity, areas, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(opportunity.owner).post(
            url(opportunity), form_data(opportunity, requires_contract=None)
        )

    assert texts(response) == ["Venta cerrada. Se notificó a Operaciones y Finanzas."]
    assert areas[Role.LEGAL].pk not in Notification.objects.values_list("recipient", flat=True)
    assert "legal@rumbo.test" not in [message.to[0] for message in mail.outbox]


def test_the_post_sale_follow_up_can_be_left_out(client_as, opportunity):
    client_as(opportunity.owner).post(
        url(opportunity), form_data(opportunity, schedule=None, next_subject="")
    )
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.WON
    assert not opportunity.activities.filter(done_at__isnull=True).exists()


def test_the_seed_order_works_from_the_opportunity_in_proposal_too(client_as, executive):
    """Any open stage can be won: the rule is the won details, not the previous stage."""
    opportunity = OpportunityFactory(client__owner=executive, stage=Stage.PROPOSAL, **BANT)
    response = client_as(executive).post(url(opportunity), form_data(opportunity))
    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.WON


# Bad input: a Spanish message, everything typed kept -------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"actual_value": ""}, "Ingrese el valor real de la venta."),
        ({"actual_value": "-10"}, "El valor real no puede ser negativo."),
        ({"actual_value": "mucho"}, "Escriba un monto como 1.500.000,50."),
        (
            {"closed_on": (timezone.localdate() + timedelta(days=2)).isoformat()},
            "La fecha de cierre no puede estar en el futuro.",
        ),
        ({"closed_on": ""}, "Ingrese la fecha de cierre."),
        ({"agreed_terms": "   "}, "Describa los términos acordados."),
        (
            {"next_at": (timezone.localtime() - timedelta(days=1)).strftime(LOCAL)},
            "La próxima actividad debe estar en el futuro.",
        ),
    ],
    ids=[
        "no real value",
        "negative value",
        "value not a number",
        "future close date",
        "no close date",
        "no terms",
        "post-sale in the past",
    ],
)
def test_bad_input_is_refused_with_a_spanish_message_keeping_the_input(
    client_as, opportunity, overrides, message
):
    response = client_as(opportunity.owner).post(
        url(opportunity), form_data(opportunity, **overrides)
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "La venta no se cerró. Corrija lo marcado abajo." in page
    assert "Contrato anual renovable" in page
    assert "Reunión de arranque con Operaciones" in page
    opportunity.refresh_from_db()
    assert (opportunity.stage, opportunity.version) == (Stage.CLOSING, 1)
    assert opportunity.activities.count() == 0
    assert Notification.objects.count() == 0


def test_an_opportunity_already_closed_cannot_be_won_again(client_as, executive):
    for stage in (Stage.WON, Stage.LOST):
        opportunity = OpportunityFactory(client__owner=executive, stage=stage)
        response = client_as(executive).post(url(opportunity), form_data(opportunity))
        assert response.status_code == 302
        assert response["Location"] == opportunity.get_absolute_url()
        label = "Ganada" if stage == Stage.WON else "Perdida"
        assert texts(response) == [f"{opportunity.name} ya está cerrada ({label})."]
        assert opportunity.activities.count() == 0


# Two people at once ---------------------------------------------------------------------------


def test_closing_on_an_older_version_is_refused_and_nothing_is_overwritten(opportunity, manager):
    seller = Client()
    seller.force_login(opportunity.owner)
    version = seller.get(url(opportunity)).context["form"]["version"].value()
    opportunity_update(
        user=manager,
        opportunity_id=opportunity.pk,
        expected_version=1,
        data={"estimated_value": Decimal("30000.00")},
    )

    response = seller.post(url(opportunity), form_data(opportunity, version=version))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Otra persona modificó esta oportunidad mientras usted escribía" in page
    assert "25.000,00 → 30.000,00" in page
    assert "Pago a 30 días, entrega en 6 semanas" in page
    assert response.context["form"]["version"].value() == "2"
    opportunity.refresh_from_db()
    assert (opportunity.stage, opportunity.estimated_value) == (Stage.CLOSING, 30000)
    assert opportunity.activities.count() == 0

    saved_again = seller.post(url(opportunity), form_data(opportunity, version=2))
    assert saved_again.status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.WON


# Access and cost -----------------------------------------------------------------------------


def test_an_opportunity_out_of_scope_answers_404(client_as, opportunity, other_executive):
    settings = CompanySettings.load()
    settings.opportunity_visibility = "own"
    settings.save()
    browser = client_as(other_executive)
    assert browser.get(url(opportunity)).status_code == 404
    assert browser.post(url(opportunity), form_data(opportunity)).status_code == 404
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.CLOSING


def test_a_hand_off_area_without_crm_rights_cannot_close_sales(client_as, opportunity, areas):
    assert client_as(areas[Role.FINANCE]).get(url(opportunity)).status_code == 403


@pytest.mark.parametrize("activities", [1, 50])
def test_the_page_costs_the_same_with_1_or_50_activities(
    client_as, opportunity, areas, activities, django_assert_num_queries
):
    ActivityFactory.create_batch(activities, opportunity=opportunity)
    ActivityFactory.create_batch(
        activities, opportunity=opportunity, scheduled_at=None, done_at=timezone.now()
    )
    browser = client_as(opportunity.owner)
    browser.get(url(opportunity))
    with django_assert_num_queries(WIN_PAGE_QUERIES):
        assert browser.get(url(opportunity)).status_code == 200
