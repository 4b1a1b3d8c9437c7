"""Contractors are read-only for commercial roles: every admin door is shut, the admin's open."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contractors_ro.models import Contractor
from tests.factories import ContractorFactory

ADMIN_VIEWS_WITH_OBJECT = ["change", "delete", "history"]
ADMIN_VIEWS = ["changelist", "add", "import", "export"]


@pytest.fixture
def contractor(db):
    return ContractorFactory(name="Original", tax_id="J-40000001-1")


def admin_url(view: str, contractor) -> str:
    args = [contractor.pk] if view in ADMIN_VIEWS_WITH_OBJECT else []
    return reverse(f"admin:contractors_ro_contractor_{view}", args=args)


def contractor_form_data(contractor) -> dict:
    return {
        "name": "Cambiado",
        "tax_id": contractor.tax_id,
        "specialty": "Civil",
        "contact_name": "",
        "phone": "",
        "email": "",
        "status": "suspended",
    }


def csv_upload() -> SimpleUploadedFile:
    content = "name,tax_id,specialty,status\nNuevo,J-40009999-9,Civil,active\n"
    return SimpleUploadedFile("contratistas.csv", content.encode(), content_type="text/csv")


@pytest.mark.parametrize("persona", ["executive", "manager"])
@pytest.mark.parametrize("view", ADMIN_VIEWS + ADMIN_VIEWS_WITH_OBJECT)
def test_commercial_roles_cannot_open_the_contractor_admin(
    client_as, personas, contractor, persona, view
):
    response = client_as(personas[persona]).get(admin_url(view, contractor))

    assert response.status_code == 403


@pytest.mark.parametrize("persona", ["executive", "manager"])
def test_commercial_roles_cannot_add_a_contractor_through_the_admin(
    client_as, personas, contractor, persona
):
    data = {**contractor_form_data(contractor), "tax_id": "J-40009999-9"}

    response = client_as(personas[persona]).post(admin_url("add", contractor), data)

    assert response.status_code == 403
    assert not Contractor.objects.filter(tax_id="J-40009999-9").exists()


@pytest.mark.parametrize("persona", ["executive", "manager"])
def test_commercial_roles_cannot_change_a_contractor_through_the_admin(
    client_as, personas, contractor, persona
):
    response = client_as(personas[persona]).post(
        admin_url("change", contractor), contractor_form_data(contractor)
    )

    assert response.status_code == 403
    contractor.refresh_from_db()
    assert (contractor.name, contractor.status) == ("Original", "active")


@pytest.mark.parametrize("persona", ["executive", "manager"])
def test_commercial_roles_cannot_delete_a_contractor_through_the_admin(
    client_as, personas, contractor, persona
):
    response = client_as(personas[persona]).post(admin_url("delete", contractor), {"post": "yes"})

    assert response.status_code == 403
    assert Contractor.objects.filter(pk=contractor.pk).exists()


@pytest.mark.parametrize("persona", ["executive", "manager"])
def test_commercial_roles_cannot_delete_contractors_with_a_changelist_action(
    client_as, personas, contractor, persona
):
    data = {"action": "delete_selected", "_selected_action": [contractor.pk], "post": "yes"}

    response = client_as(personas[persona]).post(admin_url("changelist", contractor), data)

    assert response.status_code == 403
    assert Contractor.objects.filter(pk=contractor.pk).exists()


@pytest.mark.parametrize("persona", ["executive", "manager"])
def test_commercial_roles_cannot_import_contractors(client_as, personas, contractor, persona):
    user_client = client_as(personas[persona])

    upload = user_client.post(
        admin_url("import", contractor), {"import_file": csv_upload(), "format": "0"}
    )
    confirm = user_client.post(
        reverse("admin:contractors_ro_contractor_process_import"),
        {"import_file_name": "x", "original_file_name": "x.csv", "format": "0"},
    )

    assert (upload.status_code, confirm.status_code) == (403, 403)
    assert not Contractor.objects.filter(tax_id="J-40009999-9").exists()


@pytest.mark.parametrize("persona", ["executive", "manager"])
def test_commercial_roles_cannot_export_contractors_through_the_admin(
    client_as, personas, contractor, persona
):
    response = client_as(personas[persona]).post(admin_url("export", contractor), {"format": "0"})

    assert response.status_code == 403


def test_users_without_a_role_cannot_open_the_contractor_admin(client_as, no_role_user, contractor):
    assert client_as(no_role_user).get(admin_url("change", contractor)).status_code == 403


def test_anonymous_users_are_sent_to_the_admin_login(client, contractor):
    response = client.get(admin_url("change", contractor))

    assert response.status_code == 302
    assert reverse("admin:login") in response.url


@pytest.mark.parametrize("view", ADMIN_VIEWS + ADMIN_VIEWS_WITH_OBJECT)
def test_the_administrator_opens_every_contractor_admin_page(
    client_as, administrator, contractor, view
):
    assert client_as(administrator).get(admin_url(view, contractor)).status_code == 200


def test_the_administrator_edits_a_contractor_through_the_admin(
    client_as, administrator, contractor
):
    response = client_as(administrator).post(
        admin_url("change", contractor), contractor_form_data(contractor)
    )

    assert response.status_code == 302
    contractor.refresh_from_db()
    assert (contractor.name, contractor.status) == ("Cambiado", "suspended")


def test_the_administrator_deletes_a_contractor_through_the_admin(
    client_as, administrator, contractor
):
    response = client_as(administrator).post(admin_url("delete", contractor), {"post": "yes"})

    assert response.status_code == 302
    assert not Contractor.objects.filter(pk=contractor.pk).exists()
