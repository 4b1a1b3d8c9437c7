import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_carry_a_csp_without_unsafe_inline_scripts(client, executive):
    client.force_login(executive)
    response = client.get(reverse("dashboard:home"))
    policy = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]+)", policy).group(1)
    assert "'unsafe-inline'" not in policy
    assert "'self'" in script_src and "'nonce-" in script_src
    assert "frame-ancestors 'none'" in policy


def test_every_script_tag_is_served_by_the_app_with_the_nonce(client, executive):
    client.force_login(executive)
    response = client.get(reverse("dashboard:home"))
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    scripts = re.findall(r"<script[^>]*>", response.content.decode())
    assert scripts, "the page loads bootstrap and htmx"
    for tag in scripts:
        assert f'nonce="{nonce}"' in tag
        src = re.search(r'src="([^"]+)"', tag).group(1)
        assert src.startswith("/static/"), f"{src} is not served by the app"


def test_htmx_is_wired_with_csrf_and_served_locally(client, executive):
    client.force_login(executive)
    content = client.get(reverse("dashboard:home")).content.decode()
    assert 'hx-headers=\'{"X-CSRFToken": ' in content
    assert "/static/django_htmx/htmx-2.min.js" in content or "htmx" in content


def test_authenticated_pages_are_not_stored(client, executive):
    client.force_login(executive)
    cache_control = client.get(reverse("projects:list"))["Cache-Control"]
    assert "no-store" in cache_control and "private" in cache_control


def test_unknown_pages_show_the_generic_spanish_error_page(client, executive):
    client.force_login(executive)
    response = client.get("/no-existe/")
    assert response.status_code == 404
    assert "Página no encontrada" in response.content.decode()


def test_forbidden_pages_show_the_generic_spanish_error_page(client, no_role_user):
    client.force_login(no_role_user)
    response = client.get(reverse("projects:list"))
    assert response.status_code == 403
    assert "No tiene acceso a esta página" in response.content.decode()
