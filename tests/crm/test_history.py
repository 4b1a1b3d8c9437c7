"""Field history (crm.history): values recorded as the screens show them, so the history and
the stale-edit table read "27.500,00 → 28.000,00", not "27500.00 → 28000"."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from crm.history import snapshot
from crm.models import ChangeRecord, Stage
from crm.opportunities.services import opportunity_update
from tests.factories import ActivityFactory, ClientFactory, OpportunityFactory

pytestmark = pytest.mark.django_db


def test_it_records_amounts_dates_choices_and_people_as_the_ui_shows_them(executive):
    opportunity = OpportunityFactory(
        client=ClientFactory(owner=executive, name="Alimentos La Sabana"),
        estimated_value=Decimal("27500.00"),
        expected_close_date=datetime.date(2026, 12, 15),
        stage=Stage.PROSPECTING,
    )

    values = snapshot(opportunity)

    assert values["estimated_value"] == "27.500,00"
    assert values["expected_close_date"] == "15/12/2026"
    assert values["stage"] == "Prospección"
    assert values["owner"] == str(executive)
    assert values["actual_value"] == ""
    assert values["bant_budget"] == ""  # not answered: neither Sí nor No


def test_it_records_a_moment_in_local_time_dd_mm_yyyy():
    moment = datetime.datetime(2026, 3, 2, 13, 30, tzinfo=datetime.UTC)  # 09:30 in Caracas

    assert snapshot(ActivityFactory(scheduled_at=moment))["scheduled_at"] == "02/03/2026 09:30"


def test_an_edit_is_recorded_with_formatted_values(executive, manager):
    opportunity = OpportunityFactory(
        client=ClientFactory(owner=executive), estimated_value=Decimal("27500.00")
    )

    opportunity_update(
        user=manager,
        opportunity_id=opportunity.pk,
        expected_version=1,
        data={"estimated_value": Decimal("28000"), "bant_budget": True},
    )

    changes = ChangeRecord.objects.filter(object_id=opportunity.pk, action="changed")
    assert {(c.field, c.old_value, c.new_value) for c in changes} == {
        ("estimated_value", "27.500,00", "28.000,00"),
        ("bant_budget", "", "Sí"),
    }


def test_the_same_amount_written_otherwise_is_no_change(executive, manager):
    opportunity = OpportunityFactory(
        client=ClientFactory(owner=executive), estimated_value=Decimal("27500.00")
    )

    opportunity_update(
        user=manager,
        opportunity_id=opportunity.pk,
        expected_version=1,
        data={"estimated_value": Decimal("27500")},
    )

    assert not ChangeRecord.objects.filter(object_id=opportunity.pk, action="changed").exists()


def test_today_is_recorded_as_the_ui_writes_it():
    today = timezone.localdate()
    opportunity = OpportunityFactory(expected_close_date=today)

    assert snapshot(opportunity)["expected_close_date"] == today.strftime("%d/%m/%Y")
