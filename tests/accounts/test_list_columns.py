"""'Columnas': the columns a user chooses in a list, remembered per user and per list."""

import pytest
from django.urls import reverse

from tests.factories import ClientFactory, OpportunityFactory

SAVE_CLIENTS = reverse("accounts:list_columns", args=["clients"])
SAVE_OPPORTUNITIES = reverse("accounts:list_columns", args=["opportunities"])
CLIENTS = reverse("crm:client_list")
OPPORTUNITIES = reverse("crm:opportunity_list")
HTMX = {"HTTP_HX_REQUEST": "true"}


def shown(html: str, label: str) -> bool:
    """Whether the list has a column of that (Spanish) label: its cells carry it."""
    return f'data-label="{label}"' in html


@pytest.fixture
def listed_client(executive):
    return ClientFactory(owner=executive, name="Alimentos La Sabana, C.A.")


def test_the_client_list_shows_the_default_columns_until_the_user_chooses(
    client_as, executive, listed_client
):
    html = client_as(executive).get(CLIENTS).content.decode()

    assert shown(html, "RIF/NIT")
    assert shown(html, "Teléfono")
    assert not shown(html, "Industria")
    assert not shown(html, "Actualizado")
    assert "Columnas" in html
    assert f'action="{SAVE_CLIENTS}"' in html


def test_it_remembers_the_chosen_columns_and_the_list_shows_only_those(
    client_as, executive, listed_client
):
    user_client = client_as(executive)

    response = user_client.post(
        SAVE_CLIENTS, {"columns": ["industry", "phone"], "next": f"{CLIENTS}?segment=A"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{CLIENTS}?segment=A"
    executive.refresh_from_db()
    assert executive.list_columns == {"clients": ["industry", "phone"]}
    html = user_client.get(CLIENTS).content.decode()
    assert shown(html, "Nombre o razón social")  # the name is always there
    assert shown(html, "Industria")
    assert shown(html, "Teléfono")
    assert not shown(html, "RIF/NIT")
    assert not shown(html, "Segmento")
    assert 'value="industry" id="list-column-industry" checked' in html
    assert 'value="tax_id" id="list-column-tax_id">' in html


def test_the_choice_belongs_to_the_user_who_made_it(
    client_as, executive, other_executive, listed_client
):
    client_as(executive).post(SAVE_CLIENTS, {"columns": ["industry"]})

    html = client_as(other_executive).get(CLIENTS).content.decode()

    assert shown(html, "RIF/NIT")
    assert not shown(html, "Industria")


def test_each_list_keeps_its_own_choice(client_as, executive, listed_client):
    OpportunityFactory(client=listed_client, owner=executive)
    user_client = client_as(executive)

    user_client.post(SAVE_CLIENTS, {"columns": ["industry"]})
    user_client.post(SAVE_OPPORTUNITIES, {"columns": ["stage"]})

    executive.refresh_from_db()
    assert executive.list_columns == {"clients": ["industry"], "opportunities": ["stage"]}
    clients = user_client.get(CLIENTS).content.decode()
    opportunities = user_client.get(OPPORTUNITIES).content.decode()
    assert shown(clients, "Industria") and not shown(clients, "Teléfono")
    assert shown(opportunities, "Etapa") and not shown(opportunities, "Valor")
    assert shown(opportunities, "Nombre")


def test_default_columns_forgets_the_choice(client_as, executive, listed_client):
    user_client = client_as(executive)
    user_client.post(SAVE_CLIENTS, {"columns": ["industry"]})

    user_client.post(SAVE_CLIENTS, {"reset": "1", "columns": ["industry"]})

    executive.refresh_from_db()
    assert executive.list_columns == {}
    html = user_client.get(CLIENTS).content.decode()
    assert shown(html, "RIF/NIT") and not shown(html, "Industria")


def test_unknown_columns_are_dropped_and_the_name_cannot_be_hidden(
    client_as, executive, listed_client
):
    user_client = client_as(executive)

    user_client.post(SAVE_CLIENTS, {"columns": ["password", "name"]})

    executive.refresh_from_db()
    assert executive.list_columns == {"clients": []}
    html = user_client.get(CLIENTS).content.decode()
    assert shown(html, "Nombre o razón social")
    assert not shown(html, "RIF/NIT")


def test_an_htmx_post_answers_the_lists_rows_in_place(client_as, executive, listed_client):
    response = client_as(executive).post(
        SAVE_CLIENTS,
        {"columns": ["industry"], "next": f"{CLIENTS}?segment={listed_client.segment}"},
        follow=True,
        **HTMX,
    )

    html = response.content.decode()
    assert response.redirect_chain[0][0] == f"{CLIENTS}?segment={listed_client.segment}"
    assert "<html" not in html  # the #results partial, not the page
    assert shown(html, "Industria")
    assert not shown(html, "RIF/NIT")


def test_it_goes_back_to_the_list_rather_than_to_another_site(client_as, executive):
    response = client_as(executive).post(
        SAVE_CLIENTS, {"columns": ["industry"], "next": "https://example.com/crm/clientes/"}
    )

    assert response["Location"] == CLIENTS


def test_an_unknown_list_answers_404(client_as, executive):
    response = client_as(executive).post(reverse("accounts:list_columns", args=["nope"]))

    assert response.status_code == 404


def test_users_who_cannot_see_the_list_cannot_choose_its_columns(client_as, no_role_user):
    response = client_as(no_role_user).post(SAVE_CLIENTS, {"columns": ["industry"]})

    assert response.status_code == 403
    no_role_user.refresh_from_db()
    assert no_role_user.list_columns == {}


def test_it_only_answers_post(client_as, executive):
    assert client_as(executive).get(SAVE_CLIENTS).status_code == 405


@pytest.mark.parametrize("rows", [1, 50])
def test_chosen_columns_cost_the_client_list_no_query(
    client_as, executive, django_assert_num_queries, rows
):
    for number in range(rows):
        ClientFactory(owner=executive, name=f"Empresa {number:02d}", segment="A")
    user_client = client_as(executive)
    user_client.post(SAVE_CLIENTS, {"columns": ["industry", "contacts", "updated"]})
    user_client.get(CLIENTS)

    # the same 11 queries as with the default columns (tests/crm/test_client_list.py)
    with django_assert_num_queries(10):
        response = user_client.get(CLIENTS, {"q": "Empresa", "segment": "A", "order": "owner"})

    assert shown(response.content.decode(), "Industria")


@pytest.mark.parametrize("next_value", ["true", "null", "[]", "accounts:preferences"])
def test_a_next_that_is_no_local_path_goes_back_to_the_list(client_as, executive, next_value):
    response = client_as(executive).post(
        SAVE_CLIENTS, {"columns": ["industry"], "next": next_value}
    )

    assert response.status_code == 302 and response["Location"] == CLIENTS
