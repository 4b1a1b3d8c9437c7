import datetime
import re

import pytest
from django.urls import reverse

from contractors_ro.models import ContractorStatus
from projects_ro.models import ProjectStatus
from tests.factories import ClientFactory, ContractorFactory, ProjectFactory
from tests.matching import found


def detail_url(contractor) -> str:
    return reverse("contractors:detail", args=[contractor.pk])


def post_form_actions(html: str) -> list[str]:
    """The action of every form that posts, whatever the attribute order or quotes."""
    forms = re.findall(r"<form\b[^>]*>", html, flags=re.IGNORECASE)
    posting = [f for f in forms if re.search(r"method=[\"']?post", f, flags=re.IGNORECASE)]
    return [found(r"action=[\"']([^\"']*)", f).group(1) for f in posting]


def listed_codes(response) -> list[str]:
    return [project.code for project in response.context["contractor"].projects.all()]


@pytest.fixture
def contractor(db):
    return ContractorFactory(
        name="Eléctricas del Centro",
        tax_id="J-40000042-1",
        specialty="Electricidad",
        contact_name="Luisa Cáceres",
        phone="+58 241 555 0199",
        email="obras@electricas.example",
        status=ContractorStatus.ACTIVE,
    )


# Access -------------------------------------------------------------------------------------


def test_it_redirects_anonymous_users_to_the_login(client, contractor):
    response = client.get(detail_url(contractor))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_it_forbids_users_without_a_role(client_as, no_role_user, contractor):
    assert client_as(no_role_user).get(detail_url(contractor)).status_code == 403


@pytest.mark.parametrize("persona", ["executive", "other_executive", "manager", "admin"])
def test_it_shows_every_contractor_to_commercial_roles_and_administrators(
    client_as, personas, contractor, persona
):
    assert client_as(personas[persona]).get(detail_url(contractor)).status_code == 200


def test_it_answers_404_for_an_unknown_contractor(client_as, executive, contractor):
    url = reverse("contractors:detail", args=[contractor.pk + 1000])

    assert client_as(executive).get(url).status_code == 404


def test_it_only_answers_get(client_as, executive, contractor):
    assert client_as(executive).post(detail_url(contractor)).status_code == 405


# Content ------------------------------------------------------------------------------------


def test_it_shows_the_contractor_information(client_as, executive, contractor):
    html = client_as(executive).get(detail_url(contractor)).content.decode()

    for text in ("Eléctricas del Centro", "J-40000042-1", "Electricidad", "Luisa Cáceres"):
        assert text in html
    assert 'href="tel:+58 241 555 0199"' in html
    assert 'href="mailto:obras@electricas.example"' in html
    assert contractor.get_status_display() in html


def test_it_lists_the_contractors_projects_with_their_clients(client_as, executive, contractor):
    project = ProjectFactory(
        code="PRY-00042",
        name="Subestación Guarenas",
        client=ClientFactory(name="Cementos Caribe"),
        status=ProjectStatus.IN_PROGRESS,
        contractors=[contractor],
    )
    ProjectFactory(code="PRY-AJENO", contractors=[ContractorFactory()])

    response = client_as(executive).get(detail_url(contractor))

    html = response.content.decode()
    assert listed_codes(response) == ["PRY-00042"]
    assert "PRY-00042 · Subestación Guarenas" in html
    assert f'href="{project.get_absolute_url()}"' in html
    assert "Cementos Caribe" in html
    assert project.get_status_display() in html
    assert "PRY-AJENO" not in html


def test_it_lists_the_latest_projects_first_and_undated_ones_last(client_as, executive, contractor):
    for code, start in [
        ("PRY-SIN-FECHA", None),
        ("PRY-2024", datetime.date(2024, 6, 1)),
        ("PRY-2025", datetime.date(2025, 6, 1)),
    ]:
        ProjectFactory(code=code, start_date=start, contractors=[contractor])

    response = client_as(executive).get(detail_url(contractor))

    assert listed_codes(response) == ["PRY-2025", "PRY-2024", "PRY-SIN-FECHA"]


def test_it_says_so_when_the_contractor_has_no_project(client_as, executive, contractor):
    response = client_as(executive).get(detail_url(contractor))

    assert listed_codes(response) == []
    assert "list-group-item" not in response.content.decode()


@pytest.mark.parametrize("persona", ["executive", "manager"])
def test_it_offers_no_edit_control_to_commercial_roles(client_as, personas, contractor, persona):
    html = client_as(personas[persona]).get(detail_url(contractor)).content.decode()

    assert reverse("admin:contractors_ro_contractor_change", args=[contractor.pk]) not in html
    assert reverse("admin:contractors_ro_contractor_delete", args=[contractor.pk]) not in html
    assert reverse("admin:index") not in html
    assert post_form_actions(html) == [reverse("accounts:logout")]


# Query count --------------------------------------------------------------------------------


@pytest.mark.parametrize("projects", [1, 50])
def test_it_runs_a_fixed_number_of_queries_whatever_the_number_of_projects(
    client_as, executive, django_assert_num_queries, contractor, projects
):
    for _ in range(projects):
        ProjectFactory(contractors=[contractor, ContractorFactory()])
    user_client = client_as(executive)
    user_client.get(detail_url(contractor))  # the first request of a session stamps it

    with django_assert_num_queries(8):  # + the client visibility setting
        response = user_client.get(detail_url(contractor))

    assert response.content.decode().count("list-group-item") == projects
