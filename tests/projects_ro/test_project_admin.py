"""Projects are read-only for commercial roles: every admin door is shut, the admin's open."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects_ro.models import Project
from tests.factories import ClientFactory, ContractorFactory, ProjectFactory

ADMIN_VIEWS_WITH_OBJECT = ["change", "delete", "history"]
ADMIN_VIEWS = ["changelist", "add", "import", "export"]


@pytest.fixture
def project(db):
    return ProjectFactory(code="PRY-00001", name="Original", contractors=[ContractorFactory()])


def admin_url(view: str, project) -> str:
    args = [project.pk] if view in ADMIN_VIEWS_WITH_OBJECT else []
    return reverse(f"admin:projects_ro_project_{view}", args=args)


def project_form_data(project) -> dict:
    return {
        "code": project.code,
        "name": "Cambiado",
        "client": project.client_id,
        "status": "completed",
        "manager": "Otro",
        "location": "",
        "description": "",
        "contractors": [],
    }


def csv_upload() -> SimpleUploadedFile:
    client = ClientFactory()
    content = f"code,name,client_tax_id,status\nPRY-99999,Nuevo,{client.tax_id},planned\n"
    return SimpleUploadedFile("proyectos.csv", content.encode(), content_type="text/csv")


@pytest.mark.parametrize("persona", ["executive", "manager"])
@pytest.mark.parametrize("view", ADMIN_VIEWS + ADMIN_VIEWS_WITH_OBJECT)
def test_commercial_roles_cannot_open_the_project_admin(
    client_as, personas, project, persona, view
):
    response = client_as(personas[persona]).get(admin_url(view, project))

    assert response.status_code == 403


@pytest.mark.parametrize("persona", ["executive", "manager"])
def test_commercial_roles_cannot_add_a_project_through_the_admin(
    client_as, personas, project, persona
):
    data = {**project_form_data(project), "code": "PRY-NUEVO"}

    response = client_as(personas[persona]).post(admin_url("add", project), data)

    assert response.status_code == 403
    assert not Project.objects.filter(code="PRY-NUEVO").exists()


@pytest.mark.parametrize("persona", ["executive", "manager"])
def test_commercial_roles_cannot_change_a_project_through_the_admin(
    client_as, personas, project, persona
):
    response = client_as(personas[persona]).post(
        admin_url("change", project), project_form_data(project)
    )

    assert response.status_code == 403
    project.refresh_from_db()
    assert (project.name, project.status) == ("Original", "planned")
    assert project.contractors.count() == 1


@pytest.mark.parametrize("persona", ["executive", "manager"])
def test_commercial_roles_cannot_delete_a_project_through_the_admin(
    client_as, personas, project, persona
):
    response = client_as(personas[persona]).post(admin_url("delete", project), {"post": "yes"})

    assert response.status_code == 403
    assert Project.objects.filter(pk=project.pk).exists()


@pytest.mark.parametrize("persona", ["executive", "manager"])
def test_commercial_roles_cannot_delete_projects_with_a_changelist_action(
    client_as, personas, project, persona
):
    data = {"action": "delete_selected", "_selected_action": [project.pk], "post": "yes"}

    response = client_as(personas[persona]).post(admin_url("changelist", project), data)

    assert response.status_code == 403
    assert Project.objects.filter(pk=project.pk).exists()


@pytest.mark.parametrize("persona", ["executive", "manager"])
def test_commercial_roles_cannot_import_projects(client_as, personas, project, persona):
    user_client = client_as(personas[persona])

    upload = user_client.post(
        admin_url("import", project), {"import_file": csv_upload(), "format": "0"}
    )
    confirm = user_client.post(
        reverse("admin:projects_ro_project_process_import"),
        {"import_file_name": "x", "original_file_name": "x.csv", "format": "0"},
    )

    assert (upload.status_code, confirm.status_code) == (403, 403)
    assert not Project.objects.filter(code="PRY-99999").exists()


@pytest.mark.parametrize("persona", ["executive", "manager"])
def test_commercial_roles_cannot_export_projects_through_the_admin(
    client_as, personas, project, persona
):
    response = client_as(personas[persona]).post(admin_url("export", project), {"format": "0"})

    assert response.status_code == 403


def test_users_without_a_role_cannot_open_the_project_admin(client_as, no_role_user, project):
    assert client_as(no_role_user).get(admin_url("change", project)).status_code == 403


def test_anonymous_users_are_sent_to_the_admin_login(client, project):
    response = client.get(admin_url("change", project))

    assert response.status_code == 302
    assert reverse("admin:login") in response.url


@pytest.mark.parametrize("view", ADMIN_VIEWS + ADMIN_VIEWS_WITH_OBJECT)
def test_the_administrator_opens_every_project_admin_page(client_as, administrator, project, view):
    assert client_as(administrator).get(admin_url(view, project)).status_code == 200


def test_the_administrator_edits_a_project_through_the_admin(client_as, administrator, project):
    response = client_as(administrator).post(
        admin_url("change", project), project_form_data(project)
    )

    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.name, project.status) == ("Cambiado", "completed")
    assert project.contractors.count() == 0


def test_the_administrator_deletes_a_project_through_the_admin(client_as, administrator, project):
    response = client_as(administrator).post(admin_url("delete", project), {"post": "yes"})

    assert response.status_code == 302
    assert not Project.objects.filter(pk=project.pk).exists()


def test_the_admin_rejects_an_end_date_before_the_start_date(client_as, administrator, project):
    data = {**project_form_data(project), "start_date": "2025-05-01", "end_date": "2025-04-01"}

    response = client_as(administrator).post(admin_url("change", project), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    project.refresh_from_db()
    assert project.name == "Original"
