"""The client page's Oportunidades, Actividades and Reclamos tabs."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import CompanySettings, Visibility
from crm.services.complaints import complaint_create
from tests.factories import ActivityFactory, ClientFactory, OpportunityFactory

pytestmark = pytest.mark.django_db


def tab(client, slug):
    return reverse("crm:client_tab", args=[client.pk, slug])


def add_rows(customer, how_many):
    with ActivityFactory.facts_at_end():
        for i in range(how_many):
            opportunity = OpportunityFactory(client=customer, name=f"Oportunidad {i}")
            ActivityFactory(opportunity=opportunity, subject=f"Actividad {i}")
            complaint_create(
                user=customer.owner,
                client=customer,
                data={"subject": f"Reclamo {i}", "description": "d", "area": "quality"},
            )


def test_the_tabs_follow_the_seeds_order(client_as, executive):
    customer = ClientFactory(owner=executive)
    response = client_as(executive).get(reverse("crm:client_detail", args=[customer.pk]))
    labels = [label for _slug, label in response.context["tabs"]]
    assert [str(label) for label in labels] == [
        "Resumen",
        "Contactos",
        "Oportunidades",
        "Actividades",
        "Proyectos",
        "Reclamos",
        "Documentos",
        "Historial",
    ]


def test_each_tab_lists_the_clients_records_with_its_create_button(client_as, executive):
    customer = ClientFactory(owner=executive)
    add_rows(customer, 1)
    http = client_as(executive)
    html = http.get(tab(customer, "oportunidades")).content.decode()
    assert "Oportunidad 0" in html and f"?client={customer.pk}" in html
    html = http.get(tab(customer, "actividades")).content.decode()
    assert "Actividad 0" in html and "Llamada de satisfacción" in html
    assert "Crear actividad de seguimiento" in html
    html = http.get(tab(customer, "reclamos")).content.decode()
    assert "Reclamo 0" in html and "Nuevo reclamo" in html


def test_other_executives_opportunities_and_their_activities_stay_hidden_in_own_mode(
    client_as, executive, other_executive
):
    settings = CompanySettings.load()
    settings.opportunity_visibility = Visibility.OWN
    settings.save()
    customer = ClientFactory(owner=executive)
    theirs = OpportunityFactory(client=customer, owner=other_executive, name="Ajena")
    ActivityFactory(opportunity=theirs, subject="Llamada ajena")
    http = client_as(executive)
    assert "Ajena" not in http.get(tab(customer, "oportunidades")).content.decode()
    assert "Llamada ajena" not in http.get(tab(customer, "actividades")).content.decode()


@pytest.mark.parametrize("slug", ["oportunidades", "actividades", "reclamos"])
def test_the_tabs_cost_the_same_queries_for_1_and_50_rows(client_as, executive, slug):
    customer = ClientFactory(owner=executive)
    add_rows(customer, 1)
    http = client_as(executive)
    http.get(tab(customer, slug))
    with CaptureQueriesContext(connection) as one:
        http.get(tab(customer, slug))
    add_rows(customer, 49)
    with CaptureQueriesContext(connection) as fifty:
        http.get(tab(customer, slug), headers={"HX-Request": "true"})
    with CaptureQueriesContext(connection) as fifty_full:
        http.get(tab(customer, slug))
    assert len(fifty_full) == len(one)
    assert len(fifty) == len(one)
