"""Deleting an opportunity ("Eliminar"): to the recycle bin, restorable for 30 days."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.models import CompanySettings
from crm.models import ChangeRecord, Opportunity
from tests.factories import ClientFactory, OpportunityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def opportunity(executive):
    return OpportunityFactory(client=ClientFactory(owner=executive), name="Planta Norte")


def delete_url(opportunity) -> str:
    return reverse("crm:opportunity_delete", args=[opportunity.pk])


def test_it_asks_for_confirmation_first(client_as, executive, opportunity):
    response = client_as(executive).get(delete_url(opportunity))
    page = response.content.decode()
    assert response.status_code == 200
    assert "¿Enviar a la papelera?" in page
    assert "Se enviará a la papelera y podrá restaurarse durante 30 días" in page
    assert Opportunity.objects.filter(pk=opportunity.pk).exists()


def test_deleting_sends_it_to_the_recycle_bin(client_as, executive, opportunity):
    http = client_as(executive)
    response = http.post(delete_url(opportunity))

    assert response.status_code == 302 and response.url == reverse("crm:opportunity_list")
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "Planta Norte se envió a la papelera." in message
    assert f'href="{reverse("crm:recycle_bin")}"' in message
    detail = reverse("crm:opportunity_detail", args=[opportunity.pk])
    assert http.get(detail).status_code == 404
    deleted = Opportunity.all_objects.get(pk=opportunity.pk)
    assert deleted.deleted_at is not None and deleted.deleted_by == executive
    assert ChangeRecord.objects.filter(
        object_id=opportunity.pk, action=ChangeRecord.Action.DELETED
    ).exists()


def test_an_opportunity_out_of_scope_answers_404(client_as, other_executive, opportunity):
    settings = CompanySettings.load()
    settings.opportunity_visibility = "own"
    settings.save()
    assert client_as(other_executive).post(delete_url(opportunity)).status_code == 404
    assert Opportunity.objects.filter(pk=opportunity.pk).exists()


def test_an_already_deleted_opportunity_answers_404(client_as, executive, opportunity):
    http = client_as(executive)
    http.post(delete_url(opportunity))
    assert http.post(delete_url(opportunity)).status_code == 404
