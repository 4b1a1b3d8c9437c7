"""Sharing and ownership mean what they say (issue 12, items 11-13): a "Ver" share only shows
the record; deleting is for the owner and managers; the owner always finds their records in
the Papelera; only managers reassign, on every path; in "own" mode a project of a hidden
client shows the project but not the client."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import CompanySettings, Visibility
from crm.models import Client, Opportunity, Stage
from crm.opportunities.services import opportunity_delete, opportunity_share
from crm.services import client_update
from crm.services.clients import client_delete, client_share
from tests.factories import ClientFactory, ContractorFactory, OpportunityFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def set_visibility(*, clients: str | None = None, opportunities: str | None = None) -> None:
    settings = CompanySettings.load()
    settings.client_visibility = clients or settings.client_visibility
    settings.opportunity_visibility = opportunities or settings.opportunity_visibility
    settings.save()


@pytest.fixture
def opportunity(executive):
    return OpportunityFactory(
        client=ClientFactory(owner=executive), name="Planta Norte", stage=Stage.PROSPECTING
    )


# 11. A "Ver" share reads only; deleting is for the owner and managers --------------------------


def test_a_view_share_of_an_opportunity_allows_no_write(
    client_as, executive, other_executive, opportunity
):
    set_visibility(opportunities=Visibility.OWN)
    opportunity_share(user=executive, opportunity=opportunity, colleague=other_executive)
    colleague = client_as(other_executive)
    page = colleague.get(opportunity.get_absolute_url())
    assert page.status_code == 200
    assert not page.context["can_edit"] and not page.context["can_move"]
    assert not page.context["can_delete"]

    pk = opportunity.pk
    edit = colleague.post(
        reverse("crm:opportunity_edit", args=[pk]),
        {"name": "Cambiado", "version": opportunity.version},
    )
    move = colleague.post(
        reverse("crm:opportunity_move", args=[pk]),
        {"to_stage": Stage.QUALIFICATION, "version": opportunity.version},
    )
    delete = colleague.post(reverse("crm:opportunity_delete", args=[pk]))

    assert (edit.status_code, move.status_code, delete.status_code) == (403, 403, 403)
    opportunity.refresh_from_db()
    assert opportunity.name == "Planta Norte" and opportunity.stage == Stage.PROSPECTING
    assert opportunity.deleted_at is None


def test_a_view_share_of_a_client_allows_no_write(client_as, executive, other_executive):
    set_visibility(clients=Visibility.OWN)
    customer = ClientFactory(owner=executive, name="Metalúrgica del Centro")
    client_share(user=executive, client=customer, colleague=other_executive, level="view")
    colleague = client_as(other_executive)
    assert colleague.get(customer.get_absolute_url()).status_code == 200
    assert colleague.get(reverse("crm:client_edit", args=[customer.pk])).status_code == 403
    assert colleague.post(reverse("crm:client_delete", args=[customer.pk])).status_code == 403
    assert Client.objects.filter(pk=customer.pk).exists()


def test_an_edit_share_lets_the_colleague_edit_but_not_delete(
    client_as, executive, other_executive, opportunity
):
    opportunity_share(
        user=executive, opportunity=opportunity, colleague=other_executive, level="edit"
    )
    colleague = client_as(other_executive)
    page = colleague.get(opportunity.get_absolute_url())
    assert page.context["can_edit"] and not page.context["can_delete"]
    assert f"crm/oportunidades/{opportunity.pk}/eliminar/" not in page.content.decode()
    delete_url = reverse("crm:opportunity_delete", args=[opportunity.pk])
    assert colleague.get(delete_url).status_code == 403
    assert colleague.post(delete_url).status_code == 403
    assert Opportunity.objects.filter(pk=opportunity.pk).exists()
    with pytest.raises(PermissionDenied):
        opportunity_delete(user=other_executive, opportunity_id=opportunity.pk)


def test_view_and_edit_all_does_not_let_a_colleague_delete(
    client_as, executive, other_executive, opportunity, edit_all
):
    customer = opportunity.client
    colleague = client_as(other_executive)
    assert colleague.get(reverse("crm:client_edit", args=[customer.pk])).status_code == 200
    assert colleague.post(reverse("crm:client_delete", args=[customer.pk])).status_code == 403
    assert colleague.post(reverse("crm:opportunity_delete", args=[opportunity.pk])).status_code == (
        403
    )
    with pytest.raises(PermissionDenied):
        client_delete(user=other_executive, client_id=customer.pk)
    assert Client.objects.filter(pk=customer.pk).exists()


def test_a_manager_deletes_and_the_owner_finds_it_in_the_bin_and_restores_it(
    client_as, executive, manager, opportunity
):
    http = client_as(manager)
    assert http.post(reverse("crm:opportunity_delete", args=[opportunity.pk])).status_code == 302
    assert http.post(reverse("crm:client_delete", args=[opportunity.client_id])).status_code == 302

    owner = client_as(executive)
    bin_url = reverse("crm:recycle_bin")
    clients = [record for record, _ in owner.get(bin_url).context["items"]]
    opportunities = [
        record for record, _ in owner.get(bin_url, {"tipo": "oportunidad"}).context["items"]
    ]
    assert clients == [opportunity.client] and opportunities == [opportunity]

    restore = "crm:recycle_bin_restore"
    assert owner.post(reverse(restore, args=["cliente", opportunity.client_id])).status_code == 302
    assert owner.post(reverse(restore, args=["oportunidad", opportunity.pk])).status_code == 302
    assert owner.get(opportunity.get_absolute_url()).status_code == 200


def test_a_colleague_does_not_see_the_owners_deleted_records(
    client_as, manager, other_executive, opportunity
):
    opportunity_delete(user=manager, opportunity_id=opportunity.pk)
    response = client_as(other_executive).get(reverse("crm:recycle_bin"), {"tipo": "oportunidad"})
    assert list(response.context["items"]) == []


# 12. Only a manager reassigns, on every path ---------------------------------------------------


def client_form_data(http, client, **changes) -> dict:
    """What the edit page posts when nothing is touched, with `changes` on top."""
    form = http.get(reverse("crm:client_edit", args=[client.pk])).context["form"]
    data = {field.html_name: field.value() for field in form}
    data = {name: "" if value is None else value for name, value in data.items()}
    management = form.contacts.management_form
    data.update({field.html_name: field.value() for field in management})
    for row in form.contacts.forms:
        data.update({f.html_name: f.value() for f in row if f.value() not in (None, False)})
    return {**data, **changes}


def test_an_executive_cannot_reassign_a_client_through_the_edit_form(
    client_as, executive, other_executive
):
    customer = ClientFactory(owner=executive, name="Bariven")
    http = client_as(executive)
    form = http.get(reverse("crm:client_edit", args=[customer.pk])).context["form"]
    assert form.fields["owner"].disabled

    response = http.post(
        reverse("crm:client_edit", args=[customer.pk]),
        client_form_data(http, customer, owner=other_executive.pk, name="Bariven S.A."),
    )

    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.name == "Bariven S.A." and customer.owner == executive  # owner= ignored


def test_the_client_service_refuses_a_reassignment_by_an_executive(executive, other_executive):
    customer = ClientFactory(owner=executive)
    with pytest.raises(PermissionDenied):
        client_update(
            user=executive,
            client_id=customer.pk,
            expected_version=customer.version,
            data={"owner": other_executive},
        )
    customer.refresh_from_db()
    assert customer.owner == executive


def test_a_manager_reassigns_a_client_through_the_edit_form(
    client_as, manager, executive, other_executive
):
    customer = ClientFactory(owner=executive)
    http = client_as(manager)
    response = http.post(
        reverse("crm:client_edit", args=[customer.pk]),
        client_form_data(http, customer, owner=other_executive.pk),
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.owner == other_executive


# 13. "Own" mode: projects show no hidden client -------------------------------------------------


@pytest.fixture
def hidden_project(other_executive):
    set_visibility(clients=Visibility.OWN)
    hidden = ClientFactory(owner=other_executive, name="Cliente Reservado", tax_id="J-40000001-3")
    return ProjectFactory(client=hidden, code="PRY-900", name="Planta de tratamiento")


def test_the_project_list_and_page_hide_a_client_the_executive_may_not_see(
    client_as, executive, hidden_project
):
    mine = ProjectFactory(client=ClientFactory(owner=executive, name="Aceros Propios"))
    http = client_as(executive)

    listing = http.get(reverse("projects:list")).content.decode()
    assert "PRY-900" in listing and "Aceros Propios" in listing
    assert "Cliente Reservado" not in listing and "J-40000001-3" not in listing
    detail = http.get(hidden_project.get_absolute_url()).content.decode()
    assert "Planta de tratamiento" in detail
    assert "Cliente Reservado" not in detail and "J-40000001-3" not in detail
    assert 'data-testid="hidden-client"' in detail
    assert "Aceros Propios" in http.get(mine.get_absolute_url()).content.decode()


def test_searching_projects_by_a_hidden_clients_name_finds_nothing(
    client_as, executive, manager, hidden_project
):
    search = {"q": "Reservado"}
    assert client_as(executive).get(reverse("projects:list"), search).context[
        "page_obj"
    ].paginator.count == (0)
    assert client_as(manager).get(reverse("projects:list"), search).context[
        "page_obj"
    ].paginator.count == (1)


def test_a_contractors_page_hides_a_hidden_clients_name(client_as, executive, hidden_project):
    contractor = ContractorFactory()
    hidden_project.contractors.add(contractor)
    html = client_as(executive).get(contractor.get_absolute_url()).content.decode()
    assert "PRY-900" in html and "Cliente Reservado" not in html


def test_the_complaint_forms_project_select_offers_only_visible_clients_projects(
    client_as, executive, hidden_project
):
    mine = ProjectFactory(client=ClientFactory(owner=executive), code="PRY-100")
    form = client_as(executive).get(reverse("crm:complaint_create")).context["form"]
    assert list(form.fields["project"].queryset) == [mine]


def test_in_view_all_mode_the_client_is_shown(client_as, executive, hidden_project):
    set_visibility(clients=Visibility.VIEW_ALL)
    html = client_as(executive).get(hidden_project.get_absolute_url()).content.decode()
    assert "Cliente Reservado" in html
