"""Sharing a client ("Compartir"): level "Ver" shows it in "own only" visibility, level
"Editar" also lets the colleague change it and record its activities and complaints."""

import pytest
from django.urls import reverse

from accounts.models import CompanySettings, Notification, Visibility
from crm.services.clients import client_share
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


def set_visibility(level: str) -> None:
    settings = CompanySettings.load()
    settings.client_visibility = level
    settings.save()


@pytest.fixture
def customer(executive):
    return ClientFactory(owner=executive, name="Metalúrgica del Centro")


def share_url(client) -> str:
    return reverse("crm:client_share", args=[client.pk])


def edit_url(client) -> str:
    return reverse("crm:client_edit", args=[client.pk])


def test_the_owner_shares_with_view_and_the_colleague_only_reads(
    client_as, executive, other_executive, customer
):
    set_visibility(Visibility.OWN)
    assert client_as(other_executive).get(customer.get_absolute_url()).status_code == 404
    response = client_as(executive).post(
        share_url(customer), {"colleague": other_executive.pk, "level": "view"}
    )
    assert response.status_code == 302
    assert Notification.objects.filter(recipient=other_executive).exists()
    colleague = client_as(other_executive)
    page = colleague.get(customer.get_absolute_url())
    assert page.status_code == 200 and not page.context["can_edit"]
    assert colleague.get(edit_url(customer)).status_code == 403


def test_an_edit_share_lets_the_colleague_edit_that_client(
    client_as, executive, other_executive, customer
):
    assert client_as(other_executive).get(edit_url(customer)).status_code == 403  # view all
    client_as(executive).post(share_url(customer), {"colleague": other_executive.pk})  # "edit"
    assert client_as(other_executive).get(edit_url(customer)).status_code == 200
    html = client_as(executive).get(share_url(customer)).content.decode()
    assert 'badge text-bg-primary">Editar</span>' in html


def test_stopping_the_share_takes_the_access_back(client_as, executive, other_executive, customer):
    client_share(user=executive, client=customer, colleague=other_executive, level="edit")
    response = client_as(executive).post(share_url(customer), {"remove": other_executive.pk})
    assert response.status_code == 302
    assert client_as(other_executive).get(edit_url(customer)).status_code == 403


def test_the_client_page_offers_share_to_its_owner_only(
    client_as, executive, other_executive, manager, customer
):
    assert client_as(executive).get(customer.get_absolute_url()).context["can_share"]
    assert client_as(manager).get(customer.get_absolute_url()).context["can_share"]
    assert not client_as(other_executive).get(customer.get_absolute_url()).context["can_share"]
    client_share(user=executive, client=customer, colleague=other_executive, level="edit")
    assert client_as(other_executive).get(share_url(customer)).status_code == 403
