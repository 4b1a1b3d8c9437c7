import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def nav_links(client, user):
    client.force_login(user)
    html = client.get(reverse("dashboard:home")).content.decode()
    return html


def test_an_executive_sees_the_commercial_modules_but_not_administration(client, executive):
    html = nav_links(client, executive)
    assert reverse("projects:list") in html
    assert reverse("contractors:list") in html
    assert reverse("admin:index") not in html


def test_an_administrator_also_sees_administration(client, administrator):
    html = nav_links(client, administrator)
    assert reverse("admin:index") in html
    assert "Administración" in html


def test_a_user_without_role_gets_no_module(client, no_role_user):
    client.force_login(no_role_user)
    html = client.get(reverse("accounts:password_change")).content.decode()
    assert reverse("projects:list") not in html
    assert reverse("admin:index") not in html


def test_the_menu_is_in_spanish(client, manager):
    html = nav_links(client, manager)
    assert "Proyectos" in html and "Contratistas" in html and "Cerrar sesión" in html
