import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import CompanySettings, Notification, Visibility
from accounts.roles import Role
from crm.models import Complaint, ComplaintStatus
from crm.services.complaints import complaint_create
from tests.factories import ClientFactory, OpportunityFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def make_complaint(client, **data):
    values = {"subject": "Factura errada", "description": "Monto duplicado", "area": "finance"}
    values.update(data)
    return complaint_create(user=client.owner, client=client, data=values)


def test_an_executive_registers_a_complaint_and_the_area_is_notified(client_as, executive):
    finance = UserFactory(roles=[Role.FINANCE])
    customer = ClientFactory(owner=executive)
    response = client_as(executive).post(
        reverse("crm:complaint_create"),
        {
            "client": customer.pk,
            "subject": "Retraso en la entrega",
            "description": "Llegó con 10 días de retraso",
            "area": "finance",
            "priority": "high",
        },
    )
    complaint = Complaint.objects.get()
    assert response["Location"] == complaint.get_absolute_url()
    assert complaint.owner == executive and complaint.status == ComplaintStatus.OPEN
    assert Notification.objects.filter(recipient=finance).exists()


def test_the_form_prefills_the_client_and_refuses_links_to_another_client(client_as, executive):
    customer = ClientFactory(owner=executive)
    other_project = ProjectFactory()
    other_opportunity = OpportunityFactory(client__owner=executive)
    page = client_as(executive).get(reverse("crm:complaint_create") + f"?client={customer.pk}")
    assert f'<option value="{customer.pk}" selected>' in page.content.decode()
    response = client_as(executive).post(
        reverse("crm:complaint_create"),
        {
            "client": customer.pk,
            "subject": "Texto que se conserva",
            "description": "d",
            "area": "operations",
            "priority": "low",
            "project": other_project.pk,
            "opportunity": other_opportunity.pk,
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and not Complaint.objects.exists()
    assert "El proyecto debe pertenecer al cliente." in html
    assert "La oportunidad debe pertenecer al cliente." in html
    assert "Texto que se conserva" in html


def test_closing_without_resolution_or_satisfaction_is_refused_and_input_kept(client_as, executive):
    complaint = make_complaint(ClientFactory(owner=executive))
    url = reverse("crm:complaint_edit", args=[complaint.pk])
    response = client_as(executive).post(
        url, {"version": 1, "status": "closed", "priority": "medium", "resolution": ""}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Describa cómo se resolvió el reclamo." in html
    response = client_as(executive).post(
        url,
        {"version": 1, "status": "closed", "priority": "medium", "resolution": "Nota de crédito"},
    )
    assert "Confirme con el cliente que está satisfecho antes de cerrar." in (
        response.content.decode()
    )
    assert "Nota de crédito" in response.content.decode()
    response = client_as(executive).post(
        url,
        {
            "version": 1,
            "status": "closed",
            "priority": "medium",
            "resolution": "Nota de crédito",
            "client_satisfied": "yes",
        },
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.CLOSED and complaint.client_satisfied


def test_a_stale_edit_is_refused_and_shows_what_changed(client_as, executive, manager):
    complaint = make_complaint(ClientFactory(owner=executive))
    url = reverse("crm:complaint_edit", args=[complaint.pk])
    client_as(manager).post(url, {"version": 1, "status": "in_progress", "priority": "urgent"})
    response = client_as(executive).post(
        url, {"version": 1, "status": "open", "priority": "low", "resolution": "Mi texto"}
    )
    html = response.content.decode()
    assert "Otra persona modificó este reclamo" in html and "Mi texto" in html
    complaint.refresh_from_db()
    assert complaint.priority == "urgent"


def test_the_list_shows_pending_complaints_by_default_and_filters(client_as, executive):
    customer = ClientFactory(owner=executive, name="Clínica Santa Paula")
    make_complaint(customer, subject="Pendiente")
    done = make_complaint(customer, subject="Ya cerrado")
    Complaint.objects.filter(pk=done.pk).update(status=ComplaintStatus.CLOSED)
    html = client_as(executive).get(reverse("crm:complaint_list")).content.decode()
    assert "Pendiente" in html and "Ya cerrado" not in html
    html = client_as(executive).get(reverse("crm:complaint_list") + "?status=").content.decode()
    assert "Ya cerrado" in html
    partial = client_as(executive).get(
        reverse("crm:complaint_list") + "?q=Santa", headers={"HX-Request": "true"}
    )
    assert "<html" not in partial.content.decode() and "Pendiente" in partial.content.decode()


def test_complaints_of_clients_out_of_scope_are_hidden(client_as, executive, other_executive):
    settings = CompanySettings.load()
    settings.client_visibility = Visibility.OWN
    settings.save()
    theirs = make_complaint(ClientFactory(owner=other_executive), subject="Ajeno")
    assert "Ajeno" not in client_as(executive).get(reverse("crm:complaint_list")).content.decode()
    url = reverse("crm:complaint_detail", args=[theirs.pk])
    assert client_as(executive).get(url).status_code == 404


def test_list_and_detail_queries_do_not_grow_with_rows(
    client_as, executive, django_assert_num_queries
):
    customer = ClientFactory(owner=executive)
    first = make_complaint(customer)
    http = client_as(executive)
    list_url = reverse("crm:complaint_list")
    detail_url = reverse("crm:complaint_detail", args=[first.pk])
    http.get(list_url)
    with CaptureQueriesContext(connection) as small_list:
        http.get(list_url)
    with CaptureQueriesContext(connection) as small_detail:
        http.get(detail_url)
    for _ in range(49):
        make_complaint(customer)
    with django_assert_num_queries(len(small_list.captured_queries)):
        http.get(list_url)
    with django_assert_num_queries(len(small_detail.captured_queries)):
        http.get(detail_url)
