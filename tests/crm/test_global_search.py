"""The navbar's global search (issue 14.4): clients, contacts, opportunities, quotes and
documents, each inside the user's scope, grouped by kind; a full page without JavaScript
and an htmx dropdown; a fixed number of queries whatever the volume."""

import pytest
from django.urls import reverse

from accounts.models import CompanySettings, Visibility
from accounts.roles import Role
from tests.documents.files import make_document, make_quote
from tests.factories import (
    ClientFactory,
    ContactFactory,
    OpportunityFactory,
    UserFactory,
    valid_rif,
)

pytestmark = pytest.mark.django_db

URL = reverse("crm:global_search")
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def own_mode(db):
    settings = CompanySettings.load()
    settings.client_visibility = Visibility.OWN
    settings.opportunity_visibility = Visibility.OWN
    settings.save()


@pytest.fixture
def world(executive, other_executive, private_storage):
    mine = ClientFactory(
        name="Petróleos del Orinoco, C.A.", tax_id=valid_rif(30111222), owner=executive
    )
    ContactFactory(
        client=mine, name="Ramón Gómez", email="rgomez@orinoco.com", phone="+58 286-9231234"
    )
    opportunity = OpportunityFactory(
        name="Mantenimiento Orinoco 2026", client=mine, owner=executive
    )
    make_quote(executive, opportunity=opportunity, number="COT-ORI-0042")
    make_document(executive, title="Contrato marco Orinoco", opportunity=opportunity)
    theirs = ClientFactory(
        name="Orinoco Logística", tax_id=valid_rif(30999888), owner=other_executive
    )
    OpportunityFactory(name="Flete Orinoco", client=theirs, owner=other_executive)
    return {"mine": mine, "theirs": theirs, "opportunity": opportunity}


def groups(response) -> dict[str, list[str]]:
    return {group.key: [hit.label for hit in group.hits] for group in response.context["groups"]}


def test_it_finds_every_kind_grouped_in_a_fixed_order(client_as, manager, world):
    response = client_as(manager).get(URL, {"q": "orinoco"})

    found = groups(response)
    assert list(found) == ["clients", "contacts", "opportunities", "documents"]
    assert sorted(found["clients"]) == ["Orinoco Logística", "Petróleos del Orinoco, C.A."]
    assert found["contacts"] == ["Ramón Gómez"]  # by the email's domain
    assert sorted(found["opportunities"]) == ["Flete Orinoco", "Mantenimiento Orinoco 2026"]
    assert "Contrato marco Orinoco" in found["documents"]


@pytest.mark.parametrize(
    ("term", "kind", "expected"),
    [
        ("J-30111222", "clients", ["Petróleos del Orinoco, C.A."]),  # RIF as typed
        ("J30111222", "clients", ["Petróleos del Orinoco, C.A."]),  # without dashes
        ("PETROLEOS", "clients", ["Petróleos del Orinoco, C.A."]),  # no accent, any case
        ("ramon gomez", "contacts", ["Ramón Gómez"]),
        ("0286 923 1234", "contacts", ["Ramón Gómez"]),  # the contact's phone
        ("rgomez@", "contacts", ["Ramón Gómez"]),
        ("cot-ori-0042", "quotes", ["COT-ORI-0042"]),  # the quote's number
        ("contrato marco", "documents", ["Contrato marco Orinoco"]),
    ],
)
def test_it_finds_each_kind_by_what_people_type(client_as, executive, world, term, kind, expected):
    response = client_as(executive).get(URL, {"q": term})

    assert groups(response)[kind] == expected


def test_in_own_mode_another_executives_records_are_not_found(
    client_as, executive, world, own_mode
):
    found = groups(client_as(executive).get(URL, {"q": "orinoco"}))

    assert found["clients"] == ["Petróleos del Orinoco, C.A."]
    assert found["opportunities"] == ["Mantenimiento Orinoco 2026"]
    assert "Orinoco Logística" not in str(found)
    assert "Flete Orinoco" not in str(found)


def test_the_hits_link_to_the_records_pages(client_as, executive, world):
    response = client_as(executive).get(URL, {"q": "orinoco"})

    urls = {group.key: [hit.url for hit in group.hits] for group in response.context["groups"]}
    assert world["mine"].get_absolute_url() in urls["clients"]
    assert urls["contacts"] == [world["mine"].get_absolute_url()]
    assert world["opportunity"].get_absolute_url() in urls["opportunities"]


def test_the_full_page_works_without_javascript(client_as, executive, world):
    html = client_as(executive).get(URL, {"q": "ramon"}).content.decode()

    assert "<html" in html
    assert 'role="search"' in html
    assert 'value="ramon"' in html
    assert "Ramón Gómez" in html
    assert "Contactos" in html  # the group's heading, in Spanish


def test_the_dropdown_is_a_partial_with_few_rows_and_a_link_to_all_results(
    client_as, manager, executive
):
    for n in range(8):
        ClientFactory(name=f"Orinoco {n}", owner=executive)
    http = client_as(manager)

    partial = http.get(URL, {"q": "orinoco", "dropdown": "1"}, **HTMX)
    page = http.get(URL, {"q": "orinoco"})

    html = partial.content.decode()
    assert "<html" not in html
    assert len(groups(partial)["clients"]) == 5 and partial.context["groups"][0].has_more
    assert f"{URL}?q=orinoco" in html
    assert len(groups(page)["clients"]) == 8


def test_nothing_found_says_so_and_a_blank_term_searches_nothing(client_as, executive, world):
    http = client_as(executive)

    assert "No se encontró nada para" in http.get(URL, {"q": "zzzz"}).content.decode()
    assert http.get(URL, {"q": "   "}).context["groups"] == []


def test_the_navbar_has_the_box_only_for_who_may_search(client_as, executive, db):
    handoff = UserFactory(roles=[Role.OPERATIONS])

    assert (
        'id="global-search-q"'
        in client_as(executive).get(reverse("dashboard:home")).content.decode()
    )
    assert (
        'id="global-search-q"'
        not in client_as(handoff).get(reverse("accounts:preferences")).content.decode()
    )


@pytest.mark.parametrize("rows", [1, 12])
def test_it_runs_a_fixed_number_of_queries_whatever_the_volume(
    client_as, executive, private_storage, django_assert_num_queries, rows
):
    for n in range(rows):
        client = ClientFactory(name=f"Orinoco {n}", owner=executive)
        ContactFactory(client=client, name=f"Contacto Orinoco {n}")
        opportunity = OpportunityFactory(name=f"Orinoco {n}", client=client, owner=executive)
        make_quote(executive, opportunity=opportunity, number=f"ORINOCO-{n}")
    http = client_as(executive)
    http.get(URL)

    # session, user, 2 × permissions, roles (navbar), company settings (clients' scope,
    # opportunities' scope), clients, contacts, opportunities, quotes, company settings
    # twice more (documents_visible_to's scope), documents
    with django_assert_num_queries(11):
        response = http.get(URL, {"q": "orinoco"})

    assert len(groups(response)["clients"]) == min(rows, 20)
