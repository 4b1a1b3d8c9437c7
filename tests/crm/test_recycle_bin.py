from datetime import datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from crm.models import ChangeRecord, Client, Opportunity
from crm.opportunities.services import opportunity_delete
from crm.services import client_delete
from tests.factories import ClientFactory, OpportunityFactory

URL = reverse("crm:recycle_bin")
HTMX = {"HTTP_HX_REQUEST": "true"}


def restore_url(client, kind="cliente") -> str:
    return reverse("crm:recycle_bin_restore", args=[kind, client.pk])


def deleted_by(user, **fields) -> Client:
    """A client of `user` (only its owner or a manager deletes it) sent to the bin by them."""
    client = ClientFactory.create(**{"owner": user, **fields})
    client_delete(user=user, client_id=client.pk)
    return client


def listed(response) -> list[Client]:
    return [record for record, _detail in response.context["items"]]


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# Access -------------------------------------------------------------------------------------


def test_it_sends_anonymous_users_to_sign_in(client, db):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


# Listing -----------------------------------------------------------------------------------


def test_an_executive_sees_what_he_deleted_and_not_what_others_deleted(
    client_as, executive, other_executive
):
    mine = deleted_by(executive, name="Bariven")
    deleted_by(other_executive, name="Cementos Caribe")
    ClientFactory.create(name="Aceros del Sur")  # live: never in the bin

    response = client_as(executive).get(URL)

    assert listed(response) == [mine]
    html = response.content.decode()
    assert "Bariven" in html and mine.tax_id in html
    assert "Cementos Caribe" not in html and "Aceros del Sur" not in html


def test_a_manager_sees_only_what_he_deleted(client_as, manager, executive):
    mine = deleted_by(manager)
    deleted_by(executive)

    assert listed(client_as(manager).get(URL)) == [mine]


def test_an_admin_sees_everything_deleted(client_as, administrator, executive, other_executive):
    first = deleted_by(executive)
    second = deleted_by(other_executive)

    assert set(listed(client_as(administrator).get(URL))) == {first, second}


def test_it_shows_when_who_and_the_date_of_permanent_deletion(client_as, executive):
    moment = datetime(2026, 3, 10, 15, 30, tzinfo=timezone.get_current_timezone())
    with time_machine.travel(moment, tick=False):
        deleted_by(executive, name="Bariven")

    html = client_as(executive).get(URL).content.decode()

    assert "10/03/2026 15:30" in html
    assert str(executive) in html
    assert "Se eliminará definitivamente el 09/04/2026" in html
    assert "Restaurar" in html


def test_the_most_recently_deleted_come_first(client_as, executive):
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=2)):
        older = deleted_by(executive)
    newer = deleted_by(executive)

    assert listed(client_as(executive).get(URL)) == [newer, older]


def test_an_empty_bin_says_so(client_as, executive):
    assert "La papelera está vacía." in client_as(executive).get(URL).content.decode()


def test_it_paginates(client_as, executive):
    ClientFactory.create_batch(30, deleted_at=timezone.now(), deleted_by=executive)

    session = client_as(executive)

    assert len(listed(session.get(URL))) == 25
    assert len(listed(session.get(URL, {"page": 2}))) == 5


def test_htmx_gets_only_the_results(client_as, executive):
    deleted_by(executive, name="Bariven")

    html = client_as(executive).get(URL, **HTMX).content.decode()

    assert "<html" not in html
    assert "Bariven" in html


def test_an_unknown_kind_of_record_is_not_found(client_as, executive):
    assert client_as(executive).get(URL, {"tipo": "factura"}).status_code == 404


@pytest.mark.parametrize("rows", [1, 50])
def test_the_page_costs_the_same_queries_whatever_its_rows(
    client_as, executive, django_assert_num_queries, rows
):
    ClientFactory.create_batch(rows, deleted_at=timezone.now(), deleted_by=executive)
    session = client_as(executive)

    # Session, user, its two permission queries, its roles, the count, the page.
    with django_assert_num_queries(7):
        response = session.get(URL)

    assert len(listed(response)) == min(rows, 25)


# Restore -----------------------------------------------------------------------------------


def test_restoring_brings_the_client_back_with_a_history_row(client_as, executive):
    client = deleted_by(executive, name="Bariven")

    response = client_as(executive).post(restore_url(client), follow=True)

    assert response.redirect_chain == [(URL, 302)]
    assert "Se restauró «Bariven»." in messages_of(response)
    assert Client.objects.filter(pk=client.pk).exists()
    assert client.change_records.filter(action=ChangeRecord.Action.RESTORED).exists()
    assert listed(response) == []


def test_an_admin_restores_what_someone_else_deleted(client_as, administrator, executive):
    client = deleted_by(executive)

    client_as(administrator).post(restore_url(client))

    assert Client.objects.filter(pk=client.pk).exists()


def test_restore_is_refused_when_the_rif_was_used_again(client_as, executive):
    client = deleted_by(executive, name="Bariven")
    ClientFactory.create(tax_id=client.tax_id, name="Bariven nueva")

    response = client_as(executive).post(restore_url(client), follow=True)

    assert (
        f"Después de eliminar este cliente se creó otro con el RIF/NIT {client.tax_id}."
        in messages_of(response)
    )
    assert not Client.objects.filter(pk=client.pk).exists()
    assert listed(response) == [Client.all_objects.get(pk=client.pk)]


def test_restoring_what_someone_else_deleted_is_not_found(client_as, executive, other_executive):
    client = deleted_by(other_executive)

    assert client_as(executive).post(restore_url(client)).status_code == 404
    assert not Client.objects.filter(pk=client.pk).exists()


def test_a_manager_cannot_restore_what_an_executive_deleted(client_as, manager, executive):
    client = deleted_by(executive)

    assert client_as(manager).post(restore_url(client)).status_code == 404


def test_restoring_a_live_client_is_not_found(client_as, executive):
    client = ClientFactory.create(owner=executive)

    assert client_as(executive).post(restore_url(client)).status_code == 404


def test_restoring_an_unknown_kind_is_not_found(client_as, executive):
    client = deleted_by(executive)

    assert client_as(executive).post(restore_url(client, kind="factura")).status_code == 404
    assert not Client.objects.filter(pk=client.pk).exists()


# Opportunities: the second kind of the registry --------------------------------------------


def deleted_opportunity(user, **fields) -> Opportunity:
    opportunity = OpportunityFactory.create(**{"client__owner": user, **fields})
    opportunity_delete(user=user, opportunity_id=opportunity.pk)
    return opportunity


def test_deleted_opportunities_have_their_own_tab(client_as, executive):
    opportunity = deleted_opportunity(executive, name="Cableado sede Valencia")
    deleted_by(executive, name="Bariven")

    session = client_as(executive)
    clients_tab = session.get(URL)
    opportunities_tab = session.get(URL, {"tipo": "oportunidad"})

    assert "Oportunidades" in clients_tab.content.decode()
    assert "Cableado sede Valencia" not in clients_tab.content.decode()
    assert listed(opportunities_tab) == [opportunity]
    assert opportunity.client.name in opportunities_tab.content.decode()


def test_restoring_an_opportunity_brings_it_back(client_as, executive):
    opportunity = deleted_opportunity(executive, name="Cableado")

    response = client_as(executive).post(restore_url(opportunity, "oportunidad"))

    assert response.url == f"{URL}?tipo=oportunidad"
    assert Opportunity.objects.filter(pk=opportunity.pk).exists()


def test_an_opportunity_of_a_deleted_client_waits_for_its_client(client_as, executive):
    opportunity = deleted_opportunity(executive)
    client_delete(user=executive, client_id=opportunity.client_id)

    response = client_as(executive).post(restore_url(opportunity, "oportunidad"), follow=True)

    assert "Restaure primero su cliente." in messages_of(response)
    assert not Opportunity.objects.filter(pk=opportunity.pk).exists()


def test_an_opportunity_someone_else_deleted_is_not_found(client_as, executive, other_executive):
    opportunity = deleted_opportunity(other_executive)

    assert client_as(executive).post(restore_url(opportunity, "oportunidad")).status_code == 404


@pytest.mark.parametrize("rows", [1, 50])
def test_the_opportunities_tab_costs_the_same_queries_whatever_its_rows(
    client_as, executive, django_assert_num_queries, rows
):
    client = ClientFactory.create()
    OpportunityFactory.create_batch(
        rows, client=client, deleted_at=timezone.now(), deleted_by=executive
    )
    session = client_as(executive)

    with django_assert_num_queries(7):
        response = session.get(URL, {"tipo": "oportunidad"})

    assert len(listed(response)) == min(rows, 25)
