import re

import pytest
from django.urls import reverse

from projects_ro.models import ProjectStatus
from tests.factories import ClientFactory, ContractorFactory, ProjectFactory
from tests.matching import found


def detail_url(project) -> str:
    return reverse("projects:detail", args=[project.pk])


def post_form_actions(html: str) -> list[str]:
    """The action of every form that posts, whatever the attribute order or quotes."""
    forms = re.findall(r"<form\b[^>]*>", html, flags=re.IGNORECASE)
    posting = [f for f in forms if re.search(r"method=[\"']?post", f, flags=re.IGNORECASE)]
    return [found(r"action=[\"']([^\"']*)", f).group(1) for f in posting]


@pytest.fixture
def project(db):
    return ProjectFactory(
        code="PRY-00042",
        name="Subestación Guarenas",
        client=ClientFactory(name="Cementos Caribe, C.A.", tax_id="J-30000042-7"),
        status=ProjectStatus.IN_PROGRESS,
        manager="Pedro Márquez",
        location="Guarenas",
        contractors=[
            ContractorFactory(name="Eléctricas del Centro", specialty="Electricidad"),
            ContractorFactory(name="Andamios Oriente", specialty="Andamiaje"),
        ],
    )


# Access -------------------------------------------------------------------------------------


def test_it_redirects_anonymous_users_to_the_login(client, project):
    response = client.get(detail_url(project))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_it_forbids_users_without_a_role(client_as, no_role_user, project):
    assert client_as(no_role_user).get(detail_url(project)).status_code == 403


@pytest.mark.parametrize("persona", ["executive", "other_executive", "manager", "admin"])
def test_it_shows_every_project_to_commercial_roles_and_administrators(
    client_as, personas, project, persona
):
    assert client_as(personas[persona]).get(detail_url(project)).status_code == 200


def test_it_answers_404_for_an_unknown_project(client_as, executive, project):
    url = reverse("projects:detail", args=[project.pk + 1000])

    assert client_as(executive).get(url).status_code == 404


def test_it_only_answers_get(client_as, executive, project):
    assert client_as(executive).post(detail_url(project)).status_code == 405


# Content ------------------------------------------------------------------------------------


def test_it_shows_the_project_information(client_as, executive, project):
    html = client_as(executive).get(detail_url(project)).content.decode()

    for text in ("PRY-00042", "Subestación Guarenas", "Pedro Márquez", "Guarenas"):
        assert text in html
    assert project.get_status_display() in html


def test_it_shows_the_associated_client_name_and_rif(client_as, executive, project):
    html = client_as(executive).get(detail_url(project)).content.decode()

    assert (
        '<p class="fw-semibold mb-1" data-testid="project-client">Cementos Caribe, C.A.</p>' in html
    )
    assert "J-30000042-7" in html


def test_it_lists_the_contractors_with_links_to_them(client_as, executive, project):
    html = client_as(executive).get(detail_url(project)).content.decode()

    for contractor in project.contractors.all():
        assert contractor.name in html
        assert contractor.specialty in html
        assert f'href="{contractor.get_absolute_url()}"' in html


def test_it_says_so_when_no_contractor_is_assigned(client_as, executive):
    project = ProjectFactory()

    response = client_as(executive).get(detail_url(project))

    assert list(response.context["project"].contractors.all()) == []
    assert "list-group-item" not in response.content.decode()


@pytest.mark.parametrize("persona", ["executive", "manager"])
def test_it_offers_no_edit_control_to_commercial_roles(client_as, personas, project, persona):
    html = client_as(personas[persona]).get(detail_url(project)).content.decode()

    assert reverse("admin:projects_ro_project_change", args=[project.pk]) not in html
    assert reverse("admin:projects_ro_project_delete", args=[project.pk]) not in html
    assert reverse("admin:index") not in html
    assert post_form_actions(html) == [reverse("accounts:logout")]


# Query count --------------------------------------------------------------------------------


@pytest.mark.parametrize("contractors", [1, 50])
def test_it_runs_a_fixed_number_of_queries_whatever_the_number_of_contractors(
    client_as, executive, django_assert_num_queries, contractors
):
    project = ProjectFactory(contractors=ContractorFactory.create_batch(contractors))
    user_client = client_as(executive)
    user_client.get(detail_url(project))  # the first request of a session stamps it

    with django_assert_num_queries(8):  # + the client visibility setting
        response = user_client.get(detail_url(project))

    assert response.content.decode().count("list-group-item") == contractors
