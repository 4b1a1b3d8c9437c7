from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from crm.models import Stage
from tests.factories import ActivityFactory, OpportunityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pipeline(executive):
    old = timezone.now() - timedelta(days=20)
    stale = OpportunityFactory(
        client__owner=executive, name="Olvidada", stage=Stage.QUALIFICATION, stage_changed_at=old
    )
    planned = OpportunityFactory(
        client__owner=executive, name="Con cita", stage=Stage.QUALIFICATION, stage_changed_at=old
    )
    ActivityFactory(opportunity=planned)
    return stale, planned


@pytest.mark.parametrize("url_name", ["crm:opportunity_list", "crm:opportunity_board"])
def test_the_requires_follow_up_filter_lists_only_stale_opportunities(
    client_as, executive, pipeline, url_name
):
    html = client_as(executive).get(reverse(url_name), {"follow_up": "on"}).content.decode()
    assert "Olvidada" in html and "Con cita" not in html
    assert "Requiere seguimiento" in html


def test_cards_show_the_requires_follow_up_badge(client_as, executive, pipeline):
    html = client_as(executive).get(reverse("crm:opportunity_board")).content.decode()
    assert html.count("Requiere seguimiento") >= 2  # the filter's label and the stale card
