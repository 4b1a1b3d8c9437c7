"""The opportunity page: header, BANT, last/next activity, one timeline, actions, scope."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import CompanySettings
from crm.models import ActivityType, Stage, StageChange
from crm.opportunities.services import opportunity_move_stage, opportunity_share, opportunity_update
from crm.services import ActivityInput, activity_create
from tests.factories import (
    ActivityFactory,
    ClientFactory,
    ContactFactory,
    OpportunityFactory,
)

pytestmark = pytest.mark.django_db

BANT = {
    "bant_budget": True,
    "bant_budget_note": "Presupuesto aprobado",
    "bant_authority": True,
    "bant_need": True,
    "bant_timeline": False,
}


def url(opportunity, **params) -> str:
    base = reverse("crm:opportunity_detail", args=[opportunity.pk])
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{base}?{query}" if query else base


def own_mode() -> None:
    settings = CompanySettings.load()
    settings.opportunity_visibility = "own"
    settings.save()


@pytest.fixture
def opportunity(executive):
    client = ClientFactory(owner=executive, name="Alimentos La Sabana, C.A.")
    return OpportunityFactory(
        client=client,
        name="Mantenimiento de planta 2027",
        contact=ContactFactory(client=client, name="Luis Rivas", position="Gerente de planta"),
        estimated_value=Decimal("25000.00"),
        expected_close_date=timezone.localdate() + timedelta(days=30),
        probability=10,
        **BANT,
    )


# Access and scope ---------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_sign_in(client, opportunity):
    response = client.get(url(opportunity))
    assert response.status_code == 302 and "/login" in response.url


def test_in_all_mode_colleagues_see_it(client_as, other_executive, opportunity):
    assert client_as(other_executive).get(url(opportunity)).status_code == 200


def test_a_shared_opportunity_is_visible_to_the_colleague(
    client_as, executive, other_executive, opportunity
):
    own_mode()
    opportunity_share(user=executive, opportunity=opportunity, colleague=other_executive)
    assert client_as(other_executive).get(url(opportunity)).status_code == 200


def test_managers_see_every_opportunity_in_own_mode(client_as, manager, opportunity):
    own_mode()
    assert client_as(manager).get(url(opportunity)).status_code == 200


def test_a_deleted_opportunity_answers_404(client_as, executive, opportunity):
    opportunity.deleted_at = timezone.now()
    opportunity.save()
    assert client_as(executive).get(url(opportunity)).status_code == 404


# Content ------------------------------------------------------------------------------------


def test_the_header_shows_stage_value_probability_owner_and_close_date(
    client_as, executive, opportunity
):
    opportunity.probability = 40
    opportunity.probability_overridden = True
    opportunity.save()
    page = client_as(executive).get(url(opportunity)).content.decode()
    assert '<h1 class="h3 mb-1">Mantenimiento de planta 2027</h1>' in page
    client_link = reverse("crm:client_detail", args=[opportunity.client_id])
    assert (
        f'href="{client_link}" data-testid="opportunity-client">Alimentos La Sabana, C.A.' in page
    )
    assert 'data-testid="stage-badge">Prospección<' in page
    # the amount in the display currency; its original and frozen rate in the title
    assert re.search(r'data-testid="estimated-value"><span [^>]*>USD 25\.000,00</span>', page)
    assert "40 % <span" in page and "(fijada a mano)" in page
    assert re.search(r'data-testid="weighted-value"><span [^>]*>USD 10\.000,00</span>', page)
    assert f'data-testid="owner">{executive}<' in page
    close = opportunity.expected_close_date.strftime("%d/%m/%Y")
    assert f'data-testid="expected-close-date">{close}<' in page
    assert "Luis Rivas (Gerente de planta)" in page


def test_a_default_probability_is_not_marked_as_set_by_hand(client_as, executive, opportunity):
    page = client_as(executive).get(url(opportunity)).content.decode()
    assert "(fijada a mano)" not in page


def test_it_shows_the_bant_answers(client_as, executive, opportunity):
    page = client_as(executive).get(url(opportunity)).content.decode()
    bant = page[page.index('data-testid="bant"') :]
    assert "Budget: ¿Tiene presupuesto?" in bant and "Presupuesto aprobado" in bant
    assert "Timeline: ¿Cuándo planea comprar?" in bant


def test_it_shows_the_last_and_the_next_activity(client_as, executive, opportunity):
    done_at = timezone.now() - timedelta(days=2)
    next_at = timezone.now() + timedelta(days=3)
    ActivityFactory(opportunity=opportunity, subject="Llamada inicial", done_at=done_at)
    ActivityFactory(opportunity=opportunity, subject="Reunión técnica", scheduled_at=next_at)
    page = client_as(executive).get(url(opportunity)).content.decode()
    last = page[
        page.index('data-testid="last-activity"') : page.index('data-testid="next-activity"')
    ]
    assert "Última actividad" in last and "Llamada inicial" in last
    assert timezone.localtime(done_at).strftime("%d/%m/%Y %H:%M") in last
    following = page[page.index('data-testid="next-activity"') :]
    assert "Próxima actividad" in following and "Reunión técnica" in following
    assert "Sin actividad programada" not in page


def test_it_warns_when_no_activity_is_scheduled(client_as, executive, opportunity):
    page = client_as(executive).get(url(opportunity)).content.decode()
    assert "Sin actividad programada" in page


def test_an_overdue_next_activity_is_flagged(client_as, executive, opportunity):
    ActivityFactory(opportunity=opportunity, scheduled_at=timezone.now() - timedelta(days=1))
    assert "Vencida" in client_as(executive).get(url(opportunity)).content.decode()


def test_the_timeline_merges_stage_changes_activities_and_field_changes_newest_first(
    client_as, executive, manager, opportunity
):
    opportunity_move_stage(
        user=manager,
        opportunity_id=opportunity.pk,
        expected_version=1,
        to_stage=Stage.QUALIFICATION,
    )
    activity_create(
        user=executive,
        client=opportunity.client,
        opportunity=opportunity,
        data=ActivityInput(
            type=ActivityType.CALL,
            subject="Llamada de calificación",
            done_at=timezone.now(),
            notes="Confirmó el presupuesto",
        ),
    )
    opportunity_update(
        user=executive,
        opportunity_id=opportunity.pk,
        expected_version=2,
        data={"estimated_value": Decimal("30000")},
    )

    response = client_as(executive).get(url(opportunity))

    kinds = [event.kind for event in response.context["timeline"].events]
    assert kinds[0] == "change" and kinds.index("activity") < kinds.index("stage")
    page = response.content.decode()
    timeline = page[page.index('id="timeline"') :]
    assert f"Prospección → Calificación por {manager}" in timeline
    assert "Llamada de calificación" in timeline and "Confirmó el presupuesto" in timeline
    assert "Realizada" in timeline
    assert "Valor estimado: 25.000,00 → 30.000,00" in timeline
    # The move's own history row for "stage" is not repeated next to its stage change.
    assert "Etapa: Prospección → Calificación" not in timeline


def test_planned_activities_are_in_the_timeline(client_as, executive, opportunity):
    ActivityFactory(opportunity=opportunity, subject="Enviar propuesta")
    page = client_as(executive).get(url(opportunity)).content.decode()
    timeline = page[page.index('id="timeline"') :]
    assert "Enviar propuesta" in timeline and "Programada" in timeline


def test_the_timeline_shows_a_page_and_see_more_brings_the_next(client_as, executive, opportunity):
    with ActivityFactory.facts_at_end():
        for n in range(25):
            ActivityFactory(opportunity=opportunity, done_at=timezone.now() - timedelta(hours=n))
    http = client_as(executive)
    first = http.get(url(opportunity))
    assert len(first.context["timeline"].events) == 20 and first.context["timeline"].has_more
    assert "Ver más" in first.content.decode()

    more = http.get(url(opportunity, timeline=2), HTTP_HX_REQUEST="true")
    page = more.content.decode()
    assert len(more.context["timeline"].events) == 25 and not more.context["timeline"].has_more
    assert page.lstrip().startswith('<section id="timeline"') and "<h1" not in page
    assert "Ver más" not in page


def test_a_won_opportunity_shows_the_sale_details_and_no_open_actions(
    client_as, executive, opportunity
):
    opportunity.stage = Stage.WON
    opportunity.probability = 100
    opportunity.actual_value = Decimal("24000")
    opportunity.closed_on = timezone.localdate()
    opportunity.agreed_terms = "Pago a 30 días"
    opportunity.save()
    response = client_as(executive).get(url(opportunity))
    page = response.content.decode()
    assert "Valor real de la venta" in page and "USD 24.000,00" in page
    assert "Pago a 30 días" in page
    assert "Sin actividad programada" not in page
    for flag in ("can_follow_up", "can_move", "can_win", "can_lose"):
        assert not response.context[flag]
    assert "Cerrar Venta" not in page


def test_a_lost_opportunity_shows_the_loss_details(client_as, executive, opportunity):
    opportunity.stage = Stage.LOST
    opportunity.probability = 0
    opportunity.loss_reason = "price"
    opportunity.lessons_learned = "Ofrecer financiamiento"
    opportunity.save()
    page = client_as(executive).get(url(opportunity)).content.decode()
    assert "Motivo de pérdida" in page and "Precio" in page
    assert "Ofrecer financiamiento" in page


# Actions ------------------------------------------------------------------------------------


def test_the_owner_sees_every_action_and_share_in_own_mode(client_as, executive, opportunity):
    own_mode()
    response = client_as(executive).get(url(opportunity))
    page = response.content.decode()
    targets = {
        "Editar": "crm:opportunity_edit",
        "Dar Seguimiento": "crm:opportunity_follow_up",
        "Mover etapa": "crm:opportunity_move",
        "Cerrar Venta": "crm:opportunity_win",
        "Marcar como perdida": "crm:opportunity_lose",
        "Compartir": "crm:opportunity_share",
        "Eliminar": "crm:opportunity_delete",
    }
    for label, name in targets.items():
        assert f'href="{reverse(name, args=[opportunity.pk])}">{label}</a>' in page


@pytest.mark.usefixtures("edit_all")
def test_share_is_not_offered_when_everyone_edits_everything(client_as, executive, opportunity):
    response = client_as(executive).get(url(opportunity))
    assert not response.context["can_share"] and ">Compartir</a>" not in response.content.decode()


def test_share_is_offered_in_view_all_edit_own_mode(client_as, executive, opportunity):
    response = client_as(executive).get(url(opportunity))
    assert response.context["can_share"] and ">Compartir</a>" in response.content.decode()


def test_a_colleague_it_was_shared_with_cannot_share_it_again(
    client_as, executive, other_executive, opportunity
):
    own_mode()
    opportunity_share(user=executive, opportunity=opportunity, colleague=other_executive)
    assert not client_as(other_executive).get(url(opportunity)).context["can_share"]


def test_a_manager_may_share_any_opportunity(client_as, manager, opportunity):
    own_mode()
    assert client_as(manager).get(url(opportunity)).context["can_share"]


# Query counts -------------------------------------------------------------------------------


def _queries(http, address) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert http.get(address).status_code == 200
    return len(queries.captured_queries)


def _add_history(opportunity, user, n: int) -> None:
    with ActivityFactory.facts_at_end():
        for i in range(n):
            ActivityFactory(opportunity=opportunity, done_at=timezone.now() - timedelta(hours=i))
            ActivityFactory(opportunity=opportunity)
            StageChange.objects.create(
                opportunity=opportunity,
                from_stage=Stage.PROSPECTING,
                to_stage=Stage.QUALIFICATION,
                probability=25,
                changed_by=user,
                changed_at=timezone.now() - timedelta(hours=i),
            )
    opportunity.products.add(*opportunity.products.model.objects.all()[:3])


def test_the_page_costs_the_same_queries_for_1_and_50_activities_and_stage_changes(
    client_as, executive, opportunity, django_assert_num_queries
):
    http = client_as(executive)
    _add_history(opportunity, executive, 1)
    http.get(url(opportunity))
    one = _queries(http, url(opportunity))
    _add_history(opportunity, executive, 49)
    for n in range(49):
        opportunity_update(
            user=executive,
            opportunity_id=opportunity.pk,
            expected_version=opportunity.version + n,
            data={"estimated_value": Decimal(1000 + n)},
        )
    with django_assert_num_queries(one):
        http.get(url(opportunity))
