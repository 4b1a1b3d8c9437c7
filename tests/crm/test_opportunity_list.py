"""CRM → Oportunidades, the list: filters, sorting, pages, totals of the filtered set, scope
and a fixed number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.list_columns import list_columns_save
from accounts.models import CompanySettings, Visibility
from accounts.roles import Role
from crm.list_columns import OPPORTUNITY_COLUMNS
from crm.models import Stage
from crm.opportunities.selectors.list import ListTotals
from crm.opportunities.services import opportunity_share
from tests.factories import (
    ActivityFactory,
    ClientFactory,
    OpportunityFactory,
    UserFactory,
    valid_rif,
)

pytestmark = pytest.mark.django_db

URL = reverse("crm:opportunity_list")
HTMX = {"HTTP_HX_REQUEST": "true"}


def listed(response) -> list[str]:
    return [opportunity.name for opportunity in response.context["page_obj"].object_list]


@pytest.fixture
def three(db, executive, other_executive):
    """Three opportunities whose every filtered and sorted value tells them apart."""
    executive.first_name, executive.last_name = "Ana", "Zamora"
    executive.save()
    other_executive.first_name, other_executive.last_name = "Beatriz", "Arias"
    other_executive.save()
    sabana = ClientFactory(
        name="Alimentos La Sabana, C.A.", tax_id=valid_rif(12345678), segment="A"
    )
    bariven = ClientFactory(name="Bariven, S.A.", tax_id=valid_rif(20000000), segment="C")
    return {
        "planta": OpportunityFactory(
            name="Ampliación de planta",
            client=sabana,
            owner=executive,
            stage=Stage.NEGOTIATION,
            estimated_value=Decimal("50000"),
            probability=75,
            expected_close_date=datetime.date(2030, 3, 1),
        ),
        "mantenimiento": OpportunityFactory(
            name="Mantenimiento anual",
            client=bariven,
            owner=other_executive,
            stage=Stage.PROSPECTING,
            estimated_value=Decimal("1000"),
            probability=10,
            expected_close_date=datetime.date(2030, 1, 15),
        ),
        "software": OpportunityFactory(
            name="Licencias de software",
            client=bariven,
            owner=executive,
            stage=Stage.WON,
            estimated_value=Decimal("8000.50"),
            probability=100,
            expected_close_date=datetime.date(2030, 2, 10),
        ),
    }


def test_it_lists_the_opportunities_soonest_close_first_with_their_columns(
    client_as, executive, three
):
    ActivityFactory(
        opportunity=three["planta"],
        subject="Reunión con gerencia",
        scheduled_at=None,
        done_at=timezone.now() - datetime.timedelta(days=1),
    )
    ActivityFactory(opportunity=three["planta"], subject="Enviar contrato")
    every_column = [column.key for column in OPPORTUNITY_COLUMNS.columns]
    list_columns_save(user=executive, column_set=OPPORTUNITY_COLUMNS, keys=every_column)

    response = client_as(executive).get(URL)

    assert response.status_code == 200
    assert listed(response) == [
        "Mantenimiento anual",
        "Licencias de software",
        "Ampliación de planta",
    ]
    html = response.content.decode()
    for text in (
        "Alimentos La Sabana, C.A.",
        "Negociación",
        "USD 50.000,00",
        "75 %",
        "USD 37.500,00",  # weighted
        "Ana Zamora",
        "01/03/2030",
        "Reunión con gerencia",
        "Enviar contrato",
    ):
        assert text in html


def test_the_totals_are_those_of_the_whole_filtered_set(client_as, executive, three):
    response = client_as(executive).get(URL)

    assert response.context["totals"] == ListTotals(
        count=3, total=Decimal("59000.50"), weighted=Decimal("45600.50")
    )
    html = response.content.decode()
    assert "USD 59.000,50" in html and "USD 45.600,50" in html

    filtered = client_as(executive).get(URL, {"stage": ["prospecting", "negotiation"]})
    assert filtered.context["totals"] == ListTotals(
        count=2, total=Decimal("51000.00"), weighted=Decimal("37600.00")
    )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"stage": ["prospecting", "won"]}, ["Mantenimiento anual", "Licencias de software"]),
        ({"stage": "negotiation"}, ["Ampliación de planta"]),
        ({"segment": "C"}, ["Mantenimiento anual", "Licencias de software"]),
        ({"client": "sabana"}, ["Ampliación de planta"]),
        ({"client": "alimentos la sabana ca"}, ["Ampliación de planta"]),
        ({"client": "J-20000000"}, ["Mantenimiento anual", "Licencias de software"]),
        ({"client": "j20000000"}, ["Mantenimiento anual", "Licencias de software"]),
        ({"q": "PLANTA"}, ["Ampliación de planta"]),
        ({"close_from": "2030-02-01"}, ["Licencias de software", "Ampliación de planta"]),
        ({"close_to": "15/01/2030"}, ["Mantenimiento anual"]),
        ({"value_min": "8000.50"}, ["Licencias de software", "Ampliación de planta"]),
        ({"value_max": "8000"}, ["Mantenimiento anual"]),
        ({"value_min": "8.000,50"}, ["Licencias de software", "Ampliación de planta"]),
        ({"value_max": "8.000"}, ["Mantenimiento anual"]),
        (
            {"value_min": "900", "value_max": "9000"},
            ["Mantenimiento anual", "Licencias de software"],
        ),
    ],
)
def test_it_filters(client_as, executive, three, params, expected):
    assert listed(client_as(executive).get(URL, params)) == expected


def test_it_filters_by_executive(client_as, executive, other_executive, three):
    response = client_as(executive).get(URL, {"owner": other_executive.pk})
    assert listed(response) == ["Mantenimiento anual"]


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ("name", ["Ampliación de planta", "Licencias de software", "Mantenimiento anual"]),
        ("-name", ["Mantenimiento anual", "Licencias de software", "Ampliación de planta"]),
        ("client", ["Ampliación de planta", "Mantenimiento anual", "Licencias de software"]),
        ("stage", ["Mantenimiento anual", "Ampliación de planta", "Licencias de software"]),
        ("-stage", ["Licencias de software", "Ampliación de planta", "Mantenimiento anual"]),
        ("value", ["Mantenimiento anual", "Licencias de software", "Ampliación de planta"]),
        ("-probability", ["Licencias de software", "Ampliación de planta", "Mantenimiento anual"]),
        ("-close", ["Ampliación de planta", "Licencias de software", "Mantenimiento anual"]),
        ("owner", ["Ampliación de planta", "Licencias de software", "Mantenimiento anual"]),
        ("-owner", ["Mantenimiento anual", "Ampliación de planta", "Licencias de software"]),
    ],
)
def test_it_sorts(client_as, executive, three, order, expected):
    assert listed(client_as(executive).get(URL, {"order": order})) == expected


def test_a_column_header_sorts_and_keeps_the_filters(client_as, executive, three):
    html = client_as(executive).get(URL, {"segment": "C"}).content.decode()
    assert 'href="?segment=C&amp;order=value"' in html


def test_it_shows_25_per_page_and_the_totals_of_all_pages(client_as, executive):
    client = ClientFactory(owner=executive)
    for day in range(30):
        OpportunityFactory(
            client=client,
            name=f"Oportunidad {day:02d}",
            expected_close_date=datetime.date(2030, 1, 1) + datetime.timedelta(days=day),
        )

    first = client_as(executive).get(URL)
    second = client_as(executive).get(URL, {"page": 2})

    assert len(listed(first)) == 25 and listed(second)[0] == "Oportunidad 25"
    assert len(listed(second)) == 5
    assert first.context["totals"].count == second.context["totals"].count == 30
    assert first.context["page_obj"].paginator.num_pages == 2
    assert "Página 1 de 2" in first.content.decode()


def test_the_htmx_request_gets_only_the_results(client_as, executive, three):
    response = client_as(executive).get(URL, {"segment": "A"}, **HTMX)

    html = response.content.decode()
    assert "<html" not in html and "Ampliación de planta" in html
    assert "Mantenimiento anual" not in html


def test_it_says_when_there_are_no_opportunities_yet(client_as, executive):
    html = client_as(executive).get(URL).content.decode()

    assert "Aún no hay oportunidades." in html
    assert f'href="{reverse("crm:opportunity_create")}"' in html


def test_it_says_when_no_opportunity_matches(client_as, executive, three):
    html = client_as(executive).get(URL, {"q": "nada de esto"}).content.decode()

    assert "Ninguna oportunidad coincide con estos filtros." in html


def test_a_bad_filter_gives_an_empty_list_not_an_error(client_as, executive, three):
    response = client_as(executive).get(URL, {"value_min": "mucho"})

    assert response.status_code == 200 and listed(response) == []
    assert response.context["totals"].count == 0


def test_the_toggle_leads_to_the_board_with_the_shared_filters(client_as, executive):
    html = client_as(executive).get(URL, {"segment": "A", "q": "x"}).content.decode()

    assert f'href="{reverse("crm:opportunity_board")}?segment=A"' in html
    assert "Tablero" in html and "Lista" in html


def test_in_own_mode_an_executive_lists_his_and_shared_and_totals_follow(
    client_as, executive, other_executive, three
):
    settings = CompanySettings.load()
    settings.opportunity_visibility = Visibility.OWN
    settings.save()
    opportunity_share(user=other_executive, opportunity=three["mantenimiento"], colleague=executive)
    hidden = OpportunityFactory(client=ClientFactory(owner=other_executive), name="Ajena")

    response = client_as(executive).get(URL)

    assert hidden.name not in listed(response)
    assert sorted(listed(response)) == sorted(
        ["Ampliación de planta", "Mantenimiento anual", "Licencias de software"]
    )
    assert response.context["totals"].count == 3
    assert client_as(other_executive).get(URL).context["totals"].count == 2


def test_a_manager_lists_everything_in_own_mode(client_as, manager, three):
    settings = CompanySettings.load()
    settings.opportunity_visibility = Visibility.OWN
    settings.save()

    assert client_as(manager).get(URL).context["totals"].count == 3


def test_a_deleted_opportunity_is_not_listed(client_as, executive, three):
    three["planta"].deleted_at = timezone.now()
    three["planta"].save()

    assert "Ampliación de planta" not in listed(client_as(executive).get(URL))


def many(rows: int) -> None:
    client = ClientFactory(owner=UserFactory(roles=[Role.EXECUTIVE]))
    with ActivityFactory.facts_at_end():
        for opportunity in OpportunityFactory.create_batch(rows, client=client):
            ActivityFactory(opportunity=opportunity)


@pytest.mark.parametrize("rows", [1, 50])
def test_it_runs_a_fixed_number_of_queries(client_as, executive, django_assert_num_queries, rows):
    many(rows)
    user_client = client_as(executive)
    user_client.get(URL)  # the first request of a session stamps it; measure the next one

    # session, user, permissions x2, roles, company settings (once per request), the totals
    # (count and sums in one query), the page of rows (activities by subqueries), the
    # executive options of the filter
    with django_assert_num_queries(10):  # + the follow-up rule's frequencies
        response = user_client.get(URL, {"client": "Empresa", "order": "-value"})

    assert response.context["totals"].count == rows


@pytest.mark.parametrize("rows", [1, 50])
def test_its_htmx_partial_runs_a_fixed_number_of_queries(
    client_as, executive, django_assert_num_queries, rows
):
    many(rows)
    user_client = client_as(executive)
    user_client.get(URL)

    with django_assert_num_queries(9):  # the same without the filter form's options
        user_client.get(URL, {"stage": ["prospecting", "proposal"]}, **HTMX)


def test_large_amounts_are_compact_with_the_full_value_on_hover(client_as, executive):
    OpportunityFactory(
        client=ClientFactory(owner=executive), estimated_value=Decimal("1000000000"), probability=10
    )

    html = client_as(executive).get(URL).content.decode()

    full = '<span class="amount-compact" title="USD 1.000.000.000,00">USD 1.000 MM</span>'
    weighted = '<span class="amount-compact" title="USD 100.000.000,00">USD 100 MM</span>'
    assert html.count(full) == 1 and html.count(weighted) == 1  # the totals
    # The row's, with the amount as it was typed (crm.money) in the same title.
    original = "Original: USD 1.000.000.000,00"
    assert f'title="USD 1.000.000.000,00 · {original}">USD 1.000 MM</span>' in html
    assert f'title="USD 100.000.000,00 · {original}">USD 100 MM</span>' in html
