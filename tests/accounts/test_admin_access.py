import pytest
from django.urls import reverse

from accounts.models import CompanySettings, Visibility
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_membership_of_administrador_opens_django_admin_without_staff_flag(client, administrator):
    assert not administrator.is_staff
    client.force_login(administrator)
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_commercial_role_cannot_open_django_admin(client, manager):
    client.force_login(manager)
    assert client.get(reverse("admin:index")).status_code == 403


def test_an_admin_assigns_a_role_to_a_user(client, administrator):
    from django.contrib.auth.models import Group

    user = UserFactory(username="nuevo")
    client.force_login(administrator)
    group = Group.objects.get(name="Ejecutivo Comercial")
    response = client.post(
        reverse("admin:accounts_user_change", args=[user.pk]),
        {
            "username": "nuevo",
            "first_name": "Nuevo",
            "last_name": "Ejecutivo",
            "email": "nuevo@rumbo.test",
            "is_active": "on",
            "groups": [group.pk],
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-11-27",
            "date_joined_1": "09:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(user.groups.values_list("name", flat=True)) == ["Ejecutivo Comercial"]


def test_company_settings_default_to_seeing_everything_and_editing_own():
    settings = CompanySettings.load()
    assert settings.client_visibility == Visibility.VIEW_ALL
    assert settings.opportunity_visibility == Visibility.VIEW_ALL
    assert settings.no_answer_attempts == 3  # the seed: "Después de 3-5 intentos"
    assert CompanySettings.load().pk == settings.pk == 1


def test_the_settings_page_offers_the_three_visibility_levels_in_spanish(client, administrator):
    CompanySettings.load()
    client.force_login(administrator)
    page = client.get(reverse("admin:accounts_companysettings_change", args=[1]))
    html = page.content.decode()
    for label in ("Solo propias", "Ver todas, editar propias", "Ver y editar todas"):
        assert label in html
    assert "intentos sin respuesta" in html.lower()


def test_an_admin_switches_visibility_to_own_records(client, administrator):
    CompanySettings.load()
    client.force_login(administrator)
    response = client.post(
        reverse("admin:accounts_companysettings_change", args=[1]),
        {
            "company_name": "Rumbo",
            "currency": "USD",
            "client_visibility": "own",
            "opportunity_visibility": "own",
            "no_answer_attempts": 3,
            "digest_hour": 7,
        },
    )
    assert response.status_code == 302
    assert CompanySettings.load().opportunity_visibility == Visibility.OWN


def test_admin_login_sends_to_the_app_login_and_back_to_admin(client, administrator):
    response = client.get(reverse("admin:login") + "?next=/admin/accounts/user/")
    assert response.status_code == 302
    assert response.url == reverse("accounts:login") + "?next=/admin/accounts/user/"

    administrator.set_password("Una-clave-de-prueba-1")
    administrator.save()
    response = client.post(
        response.url,
        {"username": administrator.username, "password": "Una-clave-de-prueba-1"},
    )
    assert response.status_code == 302
    assert response.url == "/admin/accounts/user/"
    assert client.get(response.url).status_code == 200


def test_admin_login_ignores_a_foreign_next_and_opens_admin_for_an_administrator(
    client, administrator
):
    client.force_login(administrator)
    response = client.get(reverse("admin:login") + "?next=https://evil.example/")
    assert response.status_code == 302
    assert response.url == reverse("admin:index")


@pytest.mark.parametrize("next_value", ["true", "null", "admin:index"])
def test_admin_login_ignores_a_next_that_is_no_local_path(client, administrator, next_value):
    client.force_login(administrator)
    response = client.get(reverse("admin:login"), {"next": next_value})
    assert response.status_code == 302
    assert response.url == reverse("admin:index")


def test_admin_login_refuses_a_signed_in_commercial_user(client, executive):
    client.force_login(executive)
    assert client.get(reverse("admin:login")).status_code == 403


def test_an_anonymous_admin_page_goes_through_the_app_login(client):
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:login"))
    assert response.status_code == 200


def test_admin_login_never_offers_its_staff_only_form_to_an_administrador(client, administrator):
    """An Administrador is not staff: Django's own admin form would refuse them ("cuenta de
    personal"); admin sign-in goes through the app's login instead (config.admin_site)."""
    administrator.set_password("Una-clave-de-prueba-1")
    administrator.save()
    assert not administrator.is_staff

    posted = client.post(
        reverse("admin:login"),
        {"username": administrator.username, "password": "Una-clave-de-prueba-1"},
    )
    assert posted.status_code == 302
    assert posted.url.startswith(reverse("accounts:login"))

    page = client.get(reverse("admin:login"), follow=True)
    assert "personal" not in page.content.decode()
    signed_in = client.post(
        page.redirect_chain[-1][0],
        {"username": administrator.username, "password": "Una-clave-de-prueba-1"},
        follow=True,
    )
    assert signed_in.redirect_chain[-1][0] == reverse("admin:index")
    assert signed_in.status_code == 200
