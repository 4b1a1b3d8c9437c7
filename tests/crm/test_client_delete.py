"""Eliminar: a confirmation, then the client goes to the recycle bin (restorable 30 days)."""

import html

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.models import CompanySettings, Visibility
from crm.models import ChangeRecord, Client
from tests.factories import ClientFactory, ContactFactory, ProjectFactory


def delete_url(client) -> str:
    return reverse("crm:client_delete", args=[client.pk])


def page_text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def sabana(executive):
    client = ClientFactory(name="Alimentos La Sabana, C.A.", owner=executive)
    ContactFactory(client=client, name="Carmen Rodríguez", is_primary=True)
    return client


# Access -------------------------------------------------------------------------------------


def test_it_sends_anonymous_users_to_sign_in(client, sabana):
    response = client.post(delete_url(sabana))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert Client.objects.filter(pk=sabana.pk).exists()


def test_it_forbids_users_without_a_role(client_as, no_role_user, sabana):
    assert client_as(no_role_user).get(delete_url(sabana)).status_code == 403
    assert client_as(no_role_user).post(delete_url(sabana)).status_code == 403
    assert Client.objects.filter(pk=sabana.pk).exists()


def test_it_answers_only_get_and_post(client_as, executive, sabana):
    assert client_as(executive).put(delete_url(sabana)).status_code == 405


def test_a_client_out_of_scope_is_not_found(client_as, other_executive, sabana):
    CompanySettings.objects.update_or_create(pk=1, defaults={"client_visibility": Visibility.OWN})

    assert client_as(other_executive).get(delete_url(sabana)).status_code == 404
    assert client_as(other_executive).post(delete_url(sabana)).status_code == 404
    assert Client.objects.filter(pk=sabana.pk).exists()


# Confirmation and deletion ------------------------------------------------------------------


def test_it_asks_before_sending_to_the_recycle_bin(client_as, executive, sabana):
    response = client_as(executive).get(delete_url(sabana))

    text = page_text(response)
    assert response.status_code == 200
    assert "¿Enviar a la papelera?" in text
    assert "Alimentos La Sabana, C.A." in text
    assert "durante 30 días" in text
    assert Client.objects.filter(pk=sabana.pk).exists()


@pytest.mark.parametrize("persona", ["executive", "manager", "admin"])
def test_it_moves_the_client_to_the_recycle_bin(client_as, personas, persona, sabana):
    user = personas[persona]
    user_client = client_as(user)

    response = user_client.post(delete_url(sabana))

    assert response.status_code == 302
    assert response.url == reverse("crm:client_list")
    assert not Client.objects.filter(pk=sabana.pk).exists()
    deleted = Client.all_objects.get(pk=sabana.pk)
    assert deleted.deleted_at is not None
    assert deleted.deleted_by == user
    assert ChangeRecord.objects.filter(client=deleted, action="deleted", changed_by=user).exists()
    assert user_client.get(sabana.get_absolute_url()).status_code == 404


def test_it_says_where_the_deleted_client_went(client_as, executive, sabana):
    response = client_as(executive).post(delete_url(sabana))

    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "Alimentos La Sabana, C.A. se envió a la papelera." in message
    assert f'<a href="{reverse("crm:recycle_bin")}">Abrir la papelera</a>' in message


def test_it_escapes_the_client_name_in_the_message(client_as, executive):
    risky = ClientFactory(name="<b>Negritas</b> C.A.", owner=executive)

    response = client_as(executive).post(delete_url(risky))

    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "&lt;b&gt;Negritas&lt;/b&gt;" in message


def test_a_client_with_projects_stays_and_the_reason_is_shown(client_as, executive, sabana):
    ProjectFactory(client=sabana)

    response = client_as(executive).post(delete_url(sabana))

    assert response.status_code == 200
    assert "Este cliente tiene proyectos, por eso no se puede eliminar" in page_text(response)
    assert Client.objects.filter(pk=sabana.pk).exists()


def test_a_client_already_in_the_recycle_bin_is_not_found(client_as, executive, sabana):
    user_client = client_as(executive)
    user_client.post(delete_url(sabana))

    assert user_client.post(delete_url(sabana)).status_code == 404
