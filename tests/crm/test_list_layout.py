"""Screens that fit: filters folded behind "Filtros" with the number of active ones, rows
that stack as "label: value" on phones (data-label on every cell of every list), long
names that wrap or clamp with the full text in their title, long notes behind "Ver más"."""

import re

import pytest
from django.urls import reverse

from crm.services import client_delete
from crm.services.complaints import complaint_create
from tests.factories import (
    ActivityFactory,
    ClientFactory,
    ContractorFactory,
    OpportunityFactory,
    ProjectFactory,
)
from tests.matching import found

pytestmark = pytest.mark.django_db

CLIENTS = reverse("crm:client_list")
HTMX = {"HTTP_HX_REQUEST": "true"}
LONG_NAME = "Corporacion" + "X" * 189  # 200 characters, no space


def filter_count(html: str) -> str:
    return found(r'data-testid="filter-count"[^>]*>(\d+)<', html).group(1)


def test_the_filters_fold_behind_a_filtros_button(client_as, executive):
    html = client_as(executive).get(CLIENTS).content.decode()

    assert re.search(r'<a class="btn btn-outline-secondary d-md-none" href="#filters"', html)
    assert 'data-bs-toggle="collapse"' in html
    assert 'aria-controls="filters"' in html
    assert 'class="collapse d-md-block" id="filters"' in html  # folded on phones only
    assert "Filtros" in html


def test_the_filtros_button_counts_the_active_filters_not_the_order(client_as, executive):
    user_client = client_as(executive)

    assert filter_count(user_client.get(CLIENTS).content.decode()) == "0"
    html = user_client.get(CLIENTS, {"segment": "A", "kind": "", "q": "sabana", "order": "name"})
    assert filter_count(html.content.decode()) == "2"


def test_the_htmx_rows_update_the_count_out_of_band(client_as, executive):
    html = client_as(executive).get(CLIENTS, {"segment": "B"}, **HTMX).content.decode()

    assert re.search(r'id="filter-count"[^>]*hx-swap-oob="true">1<', html)


def test_a_list_with_an_invalid_filter_opens_its_filters(client_as, executive):
    html = client_as(executive).get(CLIENTS, {"segment": "Z"}).content.decode()

    assert 'class="collapse d-md-block show" id="filters"' in html


def _world(executive):
    client = ClientFactory(owner=executive, name=LONG_NAME)
    OpportunityFactory(client=client, owner=executive)
    complaint_create(
        user=executive,
        client=client,
        data={"subject": "Retraso", "description": "x", "area": "quality"},
    )
    ProjectFactory(client=client, contractors=[ContractorFactory()])
    deleted = ClientFactory(owner=executive)
    client_delete(user=executive, client_id=deleted.pk)


@pytest.mark.parametrize(
    ("url_name", "unlabelled"),
    [
        ("crm:client_list", 1),  # the row's checkbox for the bulk action
        ("crm:opportunity_list", 0),
        ("crm:complaint_list", 0),
        ("projects:list", 0),
        ("contractors:list", 0),
        ("crm:recycle_bin", 1),  # the "Restaurar" button
    ],
)
def test_every_list_stacks_its_rows_with_a_label_on_each_cell(
    client_as, manager, url_name, unlabelled
):
    _world(manager)

    html = client_as(manager).get(reverse(url_name)).content.decode()

    assert "table-stack" in html
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    cells = re.findall(r"<td[^>]*>", body)
    assert len(cells) > unlabelled
    assert len([cell for cell in cells if "data-label=" not in cell]) == unlabelled


@pytest.mark.parametrize("url_name", ["crm:client_list", "crm:opportunity_list"])
def test_a_long_name_is_clamped_with_the_whole_name_in_its_title(client_as, executive, url_name):
    _world(executive)

    html = client_as(executive).get(reverse(url_name)).content.decode()

    assert re.search(rf'class="cell-text text-clamp-2"[^>]*title="{LONG_NAME}"', html)


def test_the_lists_use_the_full_width(client_as, executive):
    html = client_as(executive).get(CLIENTS).content.decode()

    assert '<main id="main" class="container-fluid py-4"' in html


def test_long_client_notes_fold_behind_ver_mas(client_as, executive):
    notes = "Nota larga del cliente. " * 40
    client = ClientFactory(owner=executive, notes=notes)

    html = client_as(executive).get(client.get_absolute_url()).content.decode()

    assert '<details class="long-text-more">' in html
    assert "Ver más" in html
    assert '<div class="long-text long-text-clamp" aria-hidden="true">' in html


def test_short_notes_are_shown_whole(client_as, executive):
    client = ClientFactory(owner=executive, notes="Cliente puntual.")

    html = client_as(executive).get(client.get_absolute_url()).content.decode()

    assert '<div class="long-text">Cliente puntual.</div>' in html
    assert "long-text-more" not in html


def test_long_activity_notes_fold_behind_ver_mas(client_as, executive):
    activity = ActivityFactory(
        opportunity=OpportunityFactory(client=ClientFactory(owner=executive)),
        notes="Detalle de la llamada. " * 40,
    )

    html = client_as(executive).get(reverse("crm:activity_detail", args=[activity.pk]))

    assert '<details class="long-text-more">' in html.content.decode()
