"""CRM → Oportunidades → "Gestionar Oportunidad Perdida" (crm:opportunity_lose)."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import CompanySettings
from crm.models import ActivityType, Competitor, LossReason, Stage, StageChange
from crm.opportunities.forms.flows import months_later
from crm.opportunities.services import opportunity_log_follow_up, opportunity_share
from crm.services import ActivityInput
from tests.factories import ActivityFactory, OpportunityFactory

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
# (currency), the competitors' names, the edit rule's visibility setting.
LOSE_PAGE_QUERIES = 9


def url(opportunity) -> str:
    return reverse("crm:opportunity_lose", args=[opportunity.pk])


def in_three_months_at_nine() -> datetime:
    return timezone.make_aware(datetime.combine(months_later(timezone.localdate(), 3), time(9, 0)))


def form_data(opportunity, **overrides) -> dict:
    data = {
        "version": opportunity.version,
        "loss_reason": LossReason.COMPETITION,
        "competitor_name": "Servicios Técnicos Andinos",
        "loss_notes": "El cliente eligió por precio de instalación",
        "lessons_learned": "Presentar la propuesta técnica antes que la económica",
        "schedule": "on",
        "next_type": ActivityType.CALL,
        "next_at": timezone.localtime(in_three_months_at_nine()).strftime(LOCAL),
        "next_subject": "Mantener contacto / identificar oportunidades futuras",
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


def texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def opportunity(executive):
    return OpportunityFactory(client__owner=executive, stage=Stage.PROPOSAL, probability=50, **BANT)


# The page -------------------------------------------------------------------------------------


def test_the_form_offers_the_reasons_the_known_competitors_and_a_follow_up_in_3_months(
    client_as, opportunity
):
    Competitor.objects.create(name="Servicios Técnicos Andinos")
    Competitor.objects.create(name="Montajes del Lago")

    response = client_as(opportunity.owner).get(url(opportunity))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Gestionar Oportunidad Perdida" in page and "Motivo de pérdida" in page
    for reason in ("Precio", "Competencia", "Timing", "Presupuesto", "Sin respuesta", "Otro"):
        assert f">{reason}</label>" in page, reason
    for label in (
        "Competidor que ganó",
        "Notas adicionales",
        "Lecciones aprendidas",
        "Programar seguimiento futuro",
    ):
        assert label in page, label
    assert 'list="competitor-names"' in page
    assert '<option value="Montajes del Lago"></option>' in page
    assert '<option value="Servicios Técnicos Andinos"></option>' in page
    assert 'value="Mantener contacto / identificar oportunidades futuras"' in page
    assert f'value="{in_three_months_at_nine():%Y-%m-%dT%H:%M}"' in page


# Saving ---------------------------------------------------------------------------------------


def test_losing_to_a_new_competitor_grows_the_catalogue_and_schedules_the_follow_up(
    client_as, opportunity
):
    response = client_as(opportunity.owner).post(url(opportunity), form_data(opportunity))

    assert response.status_code == 302 and response["Location"] == opportunity.get_absolute_url()
    when = in_three_months_at_nine().strftime("%d/%m/%Y %H:%M")
    assert texts(response) == [
        f"{opportunity.name} se marcó como Perdida.",
        f"Seguimiento futuro programado para el {when}.",
    ]
    opportunity.refresh_from_db()
    assert (opportunity.stage, opportunity.probability) == (Stage.LOST, 0)
    assert opportunity.loss_reason == LossReason.COMPETITION
    assert opportunity.winning_competitor.name == "Servicios Técnicos Andinos"
    assert opportunity.loss_notes == "El cliente eligió por precio de instalación"
    assert opportunity.lessons_learned == "Presentar la propuesta técnica antes que la económica"
    row = StageChange.objects.get(opportunity=opportunity)
    assert (row.from_stage, row.to_stage, row.changed_by) == (
        Stage.PROPOSAL,
        Stage.LOST,
        opportunity.owner,
    )
    follow_up = opportunity.activities.get()
    assert (follow_up.type, follow_up.subject, follow_up.scheduled_at, follow_up.done_at) == (
        ActivityType.CALL,
        "Mantener contacto / identificar oportunidades futuras",
        in_three_months_at_nine(),
        None,
    )


def test_losing_lists_and_cancels_the_pre_sale_activities_chosen(client_as, opportunity):
    """Issue 8.3: the "Seguimiento" call no longer stays planned after Perdida."""
    follow_up = ActivityFactory(
        opportunity=opportunity,
        subject="Seguimiento",
        scheduled_at=timezone.now() + timedelta(days=2),
    )
    browser = client_as(opportunity.owner)
    page = browser.get(url(opportunity)).content.decode()
    assert re.search(rf'value="{follow_up.pk}" id="cancel-activity-{follow_up.pk}" checked', page)

    browser.post(url(opportunity), {**form_data(opportunity), "cancel_activities": follow_up.pk})

    follow_up.refresh_from_db()
    assert follow_up.cancelled_at is not None
    future = opportunity.activities.get(cancelled_at__isnull=True)
    assert future.subject == "Mantener contacto / identificar oportunidades futuras"


def test_the_one_click_no_response_lists_the_planned_activities_and_cancels_them(
    client_as, opportunity
):
    settings = CompanySettings.load()
    settings.no_answer_attempts = 3
    settings.save()
    for minutes in (30, 20, 10):
        ActivityFactory(
            opportunity=opportunity,
            scheduled_at=None,
            done_at=timezone.now() - timedelta(minutes=minutes),
            answered=False,
        )
    follow_up = ActivityFactory(
        opportunity=opportunity,
        subject="Seguimiento",
        scheduled_at=timezone.now() + timedelta(days=2),
    )
    browser = client_as(opportunity.owner)
    detail = reverse("crm:opportunity_detail", args=[opportunity.pk])

    page = browser.get(detail).content.decode()

    offer = page[page.index('data-testid="no-answer-offer"') :]
    offer = offer[: offer.index("</form>")]
    assert "3 intentos sin respuesta. ¿Mover la oportunidad a Perdida – Sin respuesta?" in offer
    assert "Seguimiento" in offer
    checkbox = rf'name="cancel_activities" value="{follow_up.pk}" id="no-answer-cancel-activity-'
    assert re.search(checkbox + rf'{follow_up.pk}" checked', offer)

    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', offer))
    response = browser.post(url(opportunity), {**fields, "cancel_activities": follow_up.pk})

    assert response.status_code == 302
    opportunity.refresh_from_db()
    follow_up.refresh_from_db()
    assert (opportunity.stage, opportunity.loss_reason) == (Stage.LOST, LossReason.NO_RESPONSE)
    assert follow_up.cancelled_at is not None


def test_a_known_competitor_is_reused_whatever_the_case_and_accents(client_as, opportunity):
    known = Competitor.objects.create(name="Servicios Técnicos Andinos")

    client_as(opportunity.owner).post(
        url(opportunity), form_data(opportunity, competitor_name="  servicios tecnicos ANDINOS ")
    )

    opportunity.refresh_from_db()
    assert opportunity.winning_competitor == known
    assert Competitor.objects.count() == 1


def test_a_reason_other_than_competition_needs_no_competitor(client_as, opportunity):
    client_as(opportunity.owner).post(
        url(opportunity),
        form_data(opportunity, loss_reason=LossReason.NO_RESPONSE, competitor_name=""),
    )
    opportunity.refresh_from_db()
    assert (opportunity.stage, opportunity.loss_reason) == (Stage.LOST, LossReason.NO_RESPONSE)
    assert opportunity.winning_competitor is None and Competitor.objects.count() == 0


def test_the_future_follow_up_can_be_left_out_even_with_a_half_typed_date(client_as, opportunity):
    response = client_as(opportunity.owner).post(
        url(opportunity), form_data(opportunity, schedule=None, next_at="el año que viene")
    )
    assert texts(response) == [f"{opportunity.name} se marcó como Perdida."]
    assert opportunity.activities.count() == 0


def test_a_lead_still_in_prospecting_can_be_lost_without_bant(client_as, executive):
    opportunity = OpportunityFactory(client__owner=executive)
    client_as(executive).post(
        url(opportunity), form_data(opportunity, loss_reason=LossReason.BUDGET)
    )
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.LOST


# Bad input: a Spanish message, everything typed kept -------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"loss_reason": None}, "Elija el motivo de pérdida."),
        ({"loss_reason": "mala suerte"}, "Escoja una opción válida."),
        (
            {"competitor_name": "   "},
            "Indique el competidor que ganó cuando el motivo es Competencia.",
        ),
        (
            {"next_at": (timezone.localtime() - timedelta(hours=1)).strftime(LOCAL)},
            "La próxima actividad debe estar en el futuro.",
        ),
        ({"next_at": ""}, "Ingrese la fecha y hora de la actividad."),
    ],
    ids=[
        "no reason",
        "unknown reason",
        "competition without competitor",
        "follow-up in the past",
        "follow-up without date",
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
    assert "La oportunidad no se marcó como perdida. Corrija lo marcado abajo." in page
    assert "Presentar la propuesta técnica antes que la económica" in page
    assert "El cliente eligió por precio de instalación" in page
    opportunity.refresh_from_db()
    assert (opportunity.stage, opportunity.version) == (Stage.PROPOSAL, 1)
    assert Competitor.objects.count() == 0 and opportunity.activities.count() == 0


def test_the_chosen_reason_stays_ticked_when_the_form_is_refused(client_as, opportunity):
    response = client_as(opportunity.owner).post(
        url(opportunity), form_data(opportunity, competitor_name="")
    )
    assert re.search(r'value="competition"[^>]*checked', response.content.decode())


def test_a_lost_opportunity_cannot_be_lost_again(client_as, executive):
    opportunity = OpportunityFactory(client__owner=executive, stage=Stage.LOST, probability=0)
    response = client_as(executive).get(url(opportunity))
    assert response.status_code == 302
    assert texts(response) == [f"{opportunity.name} ya está cerrada (Perdida)."]


# Two people at once ---------------------------------------------------------------------------


def test_marking_lost_on_an_older_version_is_refused_and_keeps_what_was_typed(opportunity):
    seller = Client()
    seller.force_login(opportunity.owner)
    version = seller.get(url(opportunity)).context["form"]["version"].value()
    opportunity_log_follow_up(
        user=opportunity.owner,
        opportunity_id=opportunity.pk,
        expected_version=1,
        done=ActivityInput(type=ActivityType.CALL, subject="Llamada de rescate"),
        probability=20,
    )

    response = seller.post(url(opportunity), form_data(opportunity, version=version))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Otra persona modificó esta oportunidad mientras usted escribía" in page
    assert "50 → 20" in page and "Llamada de rescate" in page
    assert "Presentar la propuesta técnica antes que la económica" in page
    assert response.context["form"]["version"].value() == "2"
    opportunity.refresh_from_db()
    assert (opportunity.stage, opportunity.probability) == (Stage.PROPOSAL, 20)
    assert Competitor.objects.count() == 0


# Access and cost -----------------------------------------------------------------------------


def test_an_opportunity_out_of_scope_answers_404(client_as, opportunity, other_executive):
    settings = CompanySettings.load()
    settings.opportunity_visibility = "own"
    settings.save()
    browser = client_as(other_executive)
    assert browser.get(url(opportunity)).status_code == 404
    assert browser.post(url(opportunity), form_data(opportunity)).status_code == 404
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.PROPOSAL


def test_a_colleague_it_was_shared_with_to_edit_may_manage_it(
    client_as, opportunity, other_executive
):
    settings = CompanySettings.load()
    settings.opportunity_visibility = "own"
    settings.save()
    owner = opportunity.owner
    opportunity_share(user=owner, opportunity=opportunity, colleague=other_executive)
    assert client_as(other_executive).get(url(opportunity)).status_code == 403  # "Ver"
    opportunity_share(user=owner, opportunity=opportunity, colleague=other_executive, level="edit")
    assert client_as(other_executive).get(url(opportunity)).status_code == 200


@pytest.mark.parametrize("activities", [1, 50])
def test_the_page_costs_the_same_with_1_or_50_activities(
    client_as, opportunity, activities, django_assert_num_queries
):
    ActivityFactory.create_batch(activities, opportunity=opportunity)
    ActivityFactory.create_batch(
        activities, opportunity=opportunity, scheduled_at=None, done_at=timezone.now()
    )
    Competitor.objects.bulk_create(
        Competitor(name=f"Competidor {n}", name_key=f"c{n}") for n in range(activities)
    )
    browser = client_as(opportunity.owner)
    browser.get(url(opportunity))
    with django_assert_num_queries(LOSE_PAGE_QUERIES):
        assert browser.get(url(opportunity)).status_code == 200
