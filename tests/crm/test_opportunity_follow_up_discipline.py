"""The FAQ on the opportunity page: "Requiere seguimiento" and "Perdida – Sin respuesta"."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from crm.models import ActivityType, LossReason, Stage
from tests.factories import ActivityFactory, OpportunityFactory

pytestmark = pytest.mark.django_db


def page(client_as, opportunity):
    url = reverse("crm:opportunity_detail", args=[opportunity.pk])
    return client_as(opportunity.owner).get(url).content.decode()


def unanswered_calls(opportunity, how_many):
    now = timezone.now()
    for minutes in range(how_many):
        ActivityFactory(
            opportunity=opportunity,
            type=ActivityType.CALL,
            scheduled_at=None,
            done_at=now - timedelta(minutes=minutes + 1),
            answered=False,
        )


def test_a_stale_opportunity_without_planned_activity_requires_follow_up(client_as):
    stale = OpportunityFactory(
        stage=Stage.PROPOSAL, stage_changed_at=timezone.now() - timedelta(days=6)
    )
    assert "Requiere seguimiento" in page(client_as, stale)
    ActivityFactory(opportunity=stale)
    assert "Requiere seguimiento" not in page(client_as, stale)


def test_a_recent_contact_keeps_it_up_to_date(client_as):
    fresh = OpportunityFactory(
        stage=Stage.PROPOSAL, stage_changed_at=timezone.now() - timedelta(days=30)
    )
    ActivityFactory(
        opportunity=fresh, scheduled_at=None, done_at=timezone.now() - timedelta(days=2)
    )
    assert "Requiere seguimiento" not in page(client_as, fresh)


def test_from_the_third_unanswered_attempt_by_default_one_click_moves_it_to_lost(client_as):
    # The seed: "Después de 3-5 intentos sin respuesta"; the company default is 3.
    opportunity = OpportunityFactory()
    unanswered_calls(opportunity, 2)
    assert 'data-testid="no-answer-offer"' not in page(client_as, opportunity)
    unanswered_calls(opportunity, 1)
    assert 'data-testid="no-answer-offer"' in page(client_as, opportunity)


def threshold(attempts: int) -> None:
    from accounts.models import CompanySettings

    settings = CompanySettings.load()
    settings.no_answer_attempts = attempts
    settings.save()


def test_after_five_unanswered_attempts_one_click_moves_it_to_lost(client_as):
    threshold(5)
    opportunity = OpportunityFactory()
    unanswered_calls(opportunity, 4)
    assert 'data-testid="no-answer-offer"' not in page(client_as, opportunity)
    unanswered_calls(opportunity, 1)
    html = page(client_as, opportunity)
    assert "5 intentos sin respuesta. ¿Mover" in html

    response = client_as(opportunity.owner).post(
        reverse("crm:opportunity_lose", args=[opportunity.pk]),
        {"version": opportunity.version, "loss_reason": "no_response", "loss_notes": "3"},
    )
    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.LOST and opportunity.loss_reason == LossReason.NO_RESPONSE


def test_the_threshold_is_a_company_setting(client_as):
    from accounts.models import CompanySettings

    settings = CompanySettings.load()
    settings.no_answer_attempts = 3
    settings.save()
    opportunity = OpportunityFactory()
    unanswered_calls(opportunity, 3)
    assert "3 intentos sin respuesta" in page(client_as, opportunity)


def test_the_page_shows_the_unanswered_attempts_before_the_threshold(client_as):
    """Issue 8.7: the count shows from the first attempt; the offer from the Nth."""
    threshold(3)
    opportunity = OpportunityFactory()
    assert "sin respuesta" not in page(client_as, opportunity)
    unanswered_calls(opportunity, 1)
    html = page(client_as, opportunity)
    assert ">1 intento sin respuesta</span>" in html
    assert 'data-testid="no-answer-offer"' not in html
    unanswered_calls(opportunity, 1)
    assert ">2 intentos sin respuesta</span>" in page(client_as, opportunity)
    unanswered_calls(opportunity, 1)
    html = page(client_as, opportunity)
    assert ">3 intentos sin respuesta</span>" in html
    assert 'data-testid="no-answer-offer"' in html
    closed = OpportunityFactory(stage=Stage.LOST)
    unanswered_calls(closed, 3)
    assert "sin respuesta" not in page(client_as, closed)
