import pytest
from django.urls import reverse

from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def sign_in(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_login_page_is_in_spanish(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="es">' in content
    assert "Iniciar sesión" in content
    assert "Usuario" in content and "Contraseña" in content


def test_it_signs_in_with_the_right_password_and_lands_on_the_dashboard(client, executive):
    response = sign_in(client, executive.username, TEST_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:home")


def test_it_refuses_a_wrong_password_with_a_spanish_message(client, executive):
    response = sign_in(client, executive.username, "no-es-la-clave")
    assert response.status_code == 200
    assert "Por favor, introduzca un nombre de usuario y clave correctos" in (
        response.content.decode()
    )


def test_it_locks_the_username_after_five_failures_for_fifteen_minutes(client, executive):
    import time_machine

    with time_machine.travel("2026-11-27 10:00:00-04:00", tick=False) as traveller:
        for _ in range(5):
            sign_in(client, executive.username, "mala-clave")
        locked = sign_in(client, executive.username, TEST_PASSWORD)
        assert locked.status_code == 429
        assert "bloqueada" in locked.content.decode()

        traveller.shift(60 * 10)
        assert sign_in(client, executive.username, TEST_PASSWORD).status_code == 429

        # Each attempt while locked restarts the 15 minutes.
        traveller.shift(60 * 14)
        assert sign_in(client, executive.username, TEST_PASSWORD).status_code == 429

        traveller.shift(60 * 16)
        assert sign_in(client, executive.username, TEST_PASSWORD).status_code == 302


def test_lockout_is_per_username_not_per_address(client, executive, other_executive):
    for _ in range(5):
        sign_in(client, executive.username, "mala-clave")
    assert sign_in(client, executive.username, TEST_PASSWORD).status_code == 429
    assert sign_in(client, other_executive.username, TEST_PASSWORD).status_code == 302


def test_an_inactive_user_cannot_sign_in(client):
    user = UserFactory(username="inactivo", is_active=False)
    assert sign_in(client, user.username, TEST_PASSWORD).status_code == 200
    assert "_auth_user_id" not in client.session


def test_logout_needs_post_and_ends_the_session(client, executive):
    client.force_login(executive)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("dashboard:home")).status_code == 302


def test_an_overlong_username_is_refused_by_the_form_not_a_500(client):
    """django-axes records every failed attempt's username (255 characters at most): one
    longer than any username must be refused before it is tried (PostgreSQL answered 500)."""
    response = sign_in(client, "x" * 300, "clave")
    assert response.status_code == 200
    assert response.context["form"].errors["username"]
    assert 'value="' + "x" * 300 + '"' in response.content.decode()  # kept as typed
