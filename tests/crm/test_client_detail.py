"""The client page: header, tabs Resumen / Contactos / Proyectos / Historial, htmx, scope."""

import html
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from accounts.models import CompanySettings, Visibility
from crm.history import record_changes, snapshot
from crm.models import Client, Industry
from projects_ro.models import ProjectStatus
from tests.factories import (
    ClientFactory,
    ContactFactory,
    OpportunityFactory,
    ProjectFactory,
    UserFactory,
)

HTMX = {"HTTP_HX_REQUEST": "true"}
TABS = ["resumen", "contactos", "proyectos", "historial"]


def detail_url(client, tab=None) -> str:
    if tab is None:
        return reverse("crm:client_detail", args=[client.pk])
    return reverse("crm:client_tab", args=[client.pk, tab])


def page_text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def sabana(executive):
    client = ClientFactory(
        name="Alimentos La Sabana, C.A.",
        owner=executive,
        segment="A",
        industry=Industry.objects.get_or_create(name="Alimentos y bebidas")[0],
        address="Av. Principal de Los Ruices",
        phone="+58 212-5550101",
        email="compras@lasabana.com.ve",
        website="https://www.lasabana.com.ve",
        lead_source="referral",
        potential=Decimal("150000.00"),
        notes="Referido por Cementos Caribe.",
    )
    ContactFactory(client=client, name="Carmen Rodríguez", position="Compras", is_primary=True)
    ContactFactory(client=client, name="José Pérez", is_primary=False)
    return client


def add_history(client, user, count: int) -> None:
    for number in range(count):
        before = snapshot(client)
        client.notes = f"Nota {number}"
        client.version += 1
        client.save()
        record_changes(instance=client, client=client, before=before, user=user)


# Access -------------------------------------------------------------------------------------


def test_it_sends_anonymous_users_to_sign_in(client, sabana):
    response = client.get(detail_url(sabana))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("persona", ["executive", "other_executive", "manager", "admin"])
@pytest.mark.parametrize("tab", TABS)
def test_every_tab_opens_to_every_commercial_role(client_as, personas, persona, sabana, tab):
    response = client_as(personas[persona]).get(detail_url(sabana, tab))

    assert response.status_code == 200
    assert response.context["tab"] == tab


def test_an_unknown_tab_is_not_found(client_as, executive, sabana):
    assert client_as(executive).get(detail_url(sabana, "facturas")).status_code == 404


def test_a_client_in_the_recycle_bin_is_not_found(client_as, executive, sabana):
    Client.objects.filter(pk=sabana.pk).update(deleted_at=timezone.now())

    assert client_as(executive).get(detail_url(sabana)).status_code == 404


def test_other_executives_clients_are_not_found_in_own_mode(
    client_as, executive, other_executive, manager, sabana
):
    CompanySettings.objects.update_or_create(pk=1, defaults={"client_visibility": Visibility.OWN})

    for tab in TABS:
        assert client_as(other_executive).get(detail_url(sabana, tab)).status_code == 404
    assert client_as(executive).get(detail_url(sabana)).status_code == 200
    assert client_as(manager).get(detail_url(sabana)).status_code == 200


def test_other_executives_clients_are_visible_in_all_mode(client_as, other_executive, sabana):
    assert client_as(other_executive).get(detail_url(sabana)).status_code == 200


# Header and buttons -------------------------------------------------------------------------


def test_the_header_shows_name_rif_segment_and_executive(client_as, executive, sabana):
    text = page_text(client_as(executive).get(detail_url(sabana)))

    assert '<h1 class="h3 mb-1">Alimentos La Sabana, C.A.</h1>' in text
    assert sabana.tax_id in text
    assert "Segmento" in text
    assert str(executive) in text


@pytest.mark.parametrize("persona", ["executive", "manager", "admin"])
def test_it_offers_edit_and_delete_to_roles_that_may(client_as, personas, persona, sabana):
    text = page_text(client_as(personas[persona]).get(detail_url(sabana)))

    assert f'href="{reverse("crm:client_edit", args=[sabana.pk])}">Editar</a>' in text
    assert f'href="{reverse("crm:client_delete", args=[sabana.pk])}">Eliminar</a>' in text


def test_it_hides_edit_and_delete_from_a_read_only_user(client_as, sabana):
    reader = UserFactory(username="lector")
    reader.user_permissions.set(
        Permission.objects.filter(content_type__app_label="crm", codename__startswith="view_")
    )

    response = client_as(reader).get(detail_url(sabana))

    text = page_text(response)
    assert response.status_code == 200
    assert response.context["can_edit"] is False
    assert response.context["can_delete"] is False
    assert "Editar" not in text
    assert "Eliminar" not in text
    # No projects right either: that tab is simply absent, and not found.
    assert "Proyectos" not in text
    assert client_as(reader).get(detail_url(sabana, "proyectos")).status_code == 404


# Tabs ---------------------------------------------------------------------------------------


def test_the_tabs_are_plain_links_that_htmx_can_load(client_as, executive, sabana):
    text = page_text(client_as(executive).get(detail_url(sabana)))

    for tab, label in zip(TABS, ["Resumen", "Contactos", "Proyectos", "Historial"], strict=True):
        url = detail_url(sabana, tab)
        assert f'href="{url}"' in text
        assert f'hx-get="{url}"' in text
        assert f">{label}</a>" in text
    assert 'hx-push-url="true"' in text
    assert 'aria-current="page"' in text


def test_the_summary_shows_the_client_and_its_primary_contact(client_as, executive, sabana):
    text = page_text(client_as(executive).get(detail_url(sabana)))

    for value in (
        "Empresa",
        "Alimentos y bebidas",
        "Av. Principal de Los Ruices",
        "+58 212-5550101",
        "compras@lasabana.com.ve",
        'href="https://www.lasabana.com.ve"',
        "Referido",
        "150.000,00",
        "Referido por Cementos Caribe.",
        "Carmen Rodríguez",
    ):
        assert value in text
    assert "José Pérez" not in text


def test_the_contacts_tab_lists_every_live_contact(client_as, executive, sabana):
    ContactFactory(client=sabana, name="Contacto Borrado", deleted_at=timezone.now())

    text = page_text(client_as(executive).get(detail_url(sabana, "contactos")))

    assert "Carmen Rodríguez" in text
    assert "José Pérez" in text
    assert "Contacto Borrado" not in text
    assert text.count('class="contact-row"') == 2
    assert "Principal" in text


def test_the_projects_tab_lists_the_clients_projects_read_only(client_as, executive, sabana):
    project = ProjectFactory(
        client=sabana, code="PRY-2026-001", name="Planta", status=ProjectStatus.IN_PROGRESS
    )
    ProjectFactory(code="PRY-OTRO")

    text = page_text(client_as(executive).get(detail_url(sabana, "proyectos")))

    assert f'href="{reverse("projects:detail", args=[project.pk])}">PRY-2026-001</a>' in text
    assert "En ejecución" in text
    assert "PRY-OTRO" not in text
    assert "Solo lectura" in text


def test_the_history_tab_shows_who_changed_what_from_what_to_what(
    client_as, executive, manager, sabana
):
    before = snapshot(sabana)
    sabana.segment = "C"
    sabana.version += 1
    sabana.save()
    record_changes(instance=sabana, client=sabana, before=before, user=manager)

    text = page_text(client_as(executive).get(detail_url(sabana, "historial")))

    assert str(manager) in text
    assert "Segmento" in text
    assert "A → C" in text
    assert sabana.name in text


def test_the_history_tab_is_paginated(client_as, executive, sabana):
    add_history(sabana, executive, 30)
    user_client = client_as(executive)

    first = user_client.get(detail_url(sabana, "historial"))
    second = user_client.get(detail_url(sabana, "historial"), {"page": 2})

    assert page_text(first).count('class="history-row"') == 25
    assert page_text(second).count('class="history-row"') == 5
    assert "Nota 29" in page_text(first)
    assert "Nota 0" in page_text(second)


# htmx ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("tab", TABS)
def test_an_htmx_request_gets_only_the_tabs_and_the_panel(client_as, executive, sabana, tab):
    response = client_as(executive).get(detail_url(sabana, tab), **HTMX)

    text = page_text(response)
    assert response.status_code == 200
    assert "<html" not in text
    assert "<h1" not in text
    assert 'class="nav nav-tabs' in text
    assert f'data-tab="{tab}"' in text


def test_boosted_and_history_restore_requests_get_the_full_page(client_as, executive, sabana):
    user_client = client_as(executive)

    boosted = user_client.get(detail_url(sabana), **HTMX, HTTP_HX_BOOSTED="true")
    restored = user_client.get(
        detail_url(sabana, "contactos"), **HTMX, HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )

    assert "<html" in boosted.content.decode()
    assert "<html" in restored.content.decode()


def test_an_htmx_request_for_an_unknown_tab_is_not_found(client_as, executive, sabana):
    assert client_as(executive).get(detail_url(sabana, "nada"), **HTMX).status_code == 404


# Queries: the same number for 1 row and for 50 ----------------------------------------------


def fill(client, user, rows: int) -> None:
    ContactFactory.create_batch(rows, client=client)
    ProjectFactory.create_batch(rows, client=client)
    add_history(client, user, rows)


# Session, user, user and group permissions, roles, company setting, client (with industry
# and owner); then the tab: its primary contact or its contacts, or a page (count + rows).
QUERIES = {None: 8, "resumen": 8, "contactos": 8, "proyectos": 9, "historial": 9}


@pytest.mark.parametrize("tab", list(QUERIES))
@pytest.mark.parametrize("rows", [1, 50])
@pytest.mark.parametrize("htmx", [False, True])
def test_each_tab_runs_the_same_queries_for_1_or_50_rows(
    client_as, executive, django_assert_num_queries, tab, rows, htmx
):
    client = ClientFactory(owner=executive)
    fill(client, executive, rows)
    user_client = client_as(executive)
    url = detail_url(client, tab)
    headers = HTMX if htmx else {}
    user_client.get(url, **headers)  # the first request of a session stamps it

    with django_assert_num_queries(QUERIES[tab]):
        response = user_client.get(url, **headers)

    assert response.status_code == 200


def test_amounts_on_the_client_page_are_compact_with_the_full_value_on_hover(
    client_as, executive, sabana
):
    OpportunityFactory(client=sabana, estimated_value=Decimal("2500000"))

    summary = page_text(client_as(executive).get(detail_url(sabana)))
    tab = page_text(client_as(executive).get(detail_url(sabana, "oportunidades")))

    # in the display currency (USD by default), the original amount as typed on hover too
    assert (
        '<span class="amount-compact" title="USD 150.000,00 · Original: USD 150.000,00">' in summary
    )
    assert "USD 150 mil</span>" in summary
    assert (
        '<span class="amount-compact" title="USD 2.500.000,00 · Original: USD 2.500.000,00">' in tab
    )
    assert "USD 2,5 MM</span>" in tab
