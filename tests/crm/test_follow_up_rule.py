"""One follow-up rule (crm/follow_up.py): the board, the list, the opportunity page, the
dashboard and the "Requiere seguimiento" filter say the same thing about the same rows."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from crm.follow_up import FollowUpState
from crm.models import Opportunity, Stage
from tests.factories import ActivityFactory, OpportunityFactory
from tests.matching import found

pytestmark = pytest.mark.django_db

BOARD = reverse("crm:opportunity_board")
LIST = reverse("crm:opportunity_list")
DASHBOARD = reverse("dashboard:home")


def cards_with(html: str, label: str) -> set[str]:
    """Names of the board cards that show `label`."""
    names = set()
    for card in html.split('data-testid="opportunity-card"')[1:]:
        card = card.split("</li>")[0]
        name = found(r"-name\"><a [^>]*>([^<]+)</a>", card).group(1)
        if label in card:
            names.add(name)
    return names


def dashboard_follow_up(html: str) -> str:
    section = html.split('aria-labelledby="follow-up-title"')[1]
    return section.split("</section>")[0]


@pytest.fixture
def pipeline(executive):
    """Today's disagreements: a fresh card with nothing planned (the board said "Sin
    seguimiento", the dashboard "al día"), and a stale one whose only planned activity was
    cancelled (the board counted it as planned, the dashboard as requiring follow-up)."""
    old = timezone.now() - timedelta(days=30)

    def opportunity(name, **kwargs):
        return OpportunityFactory(client__owner=executive, name=name, **kwargs)

    opportunity("Recién creada")  # prospecting, changed now, nothing planned
    cancelled = opportunity("Cita cancelada", stage=Stage.QUALIFICATION, stage_changed_at=old)
    ActivityFactory(opportunity=cancelled, cancelled_at=timezone.now())
    planned = opportunity("Con cita", stage=Stage.QUALIFICATION, stage_changed_at=old)
    ActivityFactory(opportunity=planned)
    opportunity("Olvidada", stage=Stage.PROPOSAL, stage_changed_at=old)
    touched = opportunity("Llamada ayer", stage=Stage.PROPOSAL, stage_changed_at=old)
    ActivityFactory(
        opportunity=touched, scheduled_at=None, done_at=timezone.now() - timedelta(days=1)
    )
    return executive


def test_the_board_and_the_dashboard_agree(client_as, pipeline):
    http = client_as(pipeline)
    board = http.get(BOARD).content.decode()
    dashboard = dashboard_follow_up(http.get(DASHBOARD).content.decode())

    required = cards_with(board, "Requiere seguimiento")
    assert required == {"Cita cancelada", "Olvidada"}
    assert {name for name in required if name in dashboard} == required
    assert "Con cita" not in dashboard and "Recién creada" not in dashboard
    # The cards with nothing planned yet are counted by the dashboard, not called "al día".
    unplanned = cards_with(board, "Sin próxima actividad")
    assert unplanned == {"Recién creada", "Llamada ayer"}
    assert "al día" not in dashboard
    assert "2 oportunidades abiertas aún no tienen próxima actividad programada." in dashboard


def test_a_board_with_only_unplanned_cards_is_not_called_up_to_date(client_as, executive):
    OpportunityFactory(client__owner=executive, name="Recién creada")
    http = client_as(executive)
    dashboard = dashboard_follow_up(http.get(DASHBOARD).content.decode())
    assert "al día" not in dashboard
    assert cards_with(http.get(BOARD).content.decode(), "Sin próxima actividad")
    assert "Ninguna oportunidad abierta requiere seguimiento." in dashboard
    assert "1 oportunidad abierta aún no tiene próxima actividad programada." in dashboard


def test_the_list_the_filter_and_the_opportunity_page_use_the_same_rule(client_as, pipeline):
    http = client_as(pipeline)
    rows = http.get(LIST).context["page_obj"].object_list
    states = {row.name: row.follow_up for row in rows}
    assert states == {
        "Recién creada": FollowUpState.UNPLANNED,
        "Cita cancelada": FollowUpState.REQUIRED,
        "Con cita": FollowUpState.PLANNED,
        "Olvidada": FollowUpState.REQUIRED,
        "Llamada ayer": FollowUpState.UNPLANNED,
    }
    filtered = http.get(LIST, {"follow_up": "on"}).context["page_obj"].object_list
    assert {row.name for row in filtered} == {"Cita cancelada", "Olvidada"}
    for opportunity in Opportunity.objects.all():
        page = http.get(opportunity.get_absolute_url()).content.decode()
        assert ("Requiere seguimiento" in page) == (
            states[opportunity.name] == FollowUpState.REQUIRED
        )


def test_the_annotation_and_the_anti_join_select_the_same_rows(pipeline):
    OpportunityFactory(stage=Stage.WON, stage_changed_at=timezone.now() - timedelta(days=90))
    annotated = {
        o.pk
        for o in Opportunity.objects.with_follow_up_state()
        if o.follow_up == FollowUpState.REQUIRED
    }
    assert annotated == set(Opportunity.objects.requiring_follow_up().values_list("pk", flat=True))
    nothing_planned = {
        o.pk
        for o in Opportunity.objects.with_follow_up_state()
        if o.follow_up in (FollowUpState.REQUIRED, FollowUpState.UNPLANNED)
    }
    assert nothing_planned == set(
        Opportunity.objects.without_next_activity().values_list("pk", flat=True)
    )
