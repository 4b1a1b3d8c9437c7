"""CRM → Clientes: the list page, its search, filters, order, pages and scope."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from accounts.list_columns import list_columns_save
from accounts.models import CompanySettings, Visibility
from accounts.roles import Role
from crm.list_columns import CLIENT_COLUMNS
from crm.models import Client, ClientKind, Industry, LeadSource, Stage
from crm.services import client_delete
from tests.factories import (
    ActivityFactory,
    ClientFactory,
    ContactFactory,
    OpportunityFactory,
    UserFactory,
    valid_rif,
)

URL = reverse("crm:client_list")
HTMX = {"HTTP_HX_REQUEST": "true"}


def gettext_es(message: str) -> str:
    with translation.override("es"):
        return translation.gettext(message)


def listed(response) -> list[str]:
    return [client.name for client in response.context["page_obj"].object_list]


@pytest.fixture
def own_mode(db):
    settings = CompanySettings.load()
    settings.client_visibility = Visibility.OWN
    settings.save()


@pytest.fixture
def three_clients(db, executive, other_executive):
    """Three clients whose every searchable and sortable value tells them apart."""
    petroleo = Industry.objects.get(name="Petróleo y gas")
    salud = Industry.objects.get(name="Salud")
    with time_machine.travel(datetime.datetime(2025, 3, 1, 12, tzinfo=datetime.UTC)):
        alimentos = ClientFactory(
            name="Alimentos La Sabana, C.A.",
            tax_id=valid_rif(12345678),
            segment="A",
            kind=ClientKind.COMPANY,
            industry=salud,
            lead_source=LeadSource.REFERRAL,
            owner=other_executive,
            email="compras@lasabana.com.ve",
            phone="+58 212-5550101",
        )
    with time_machine.travel(datetime.datetime(2025, 1, 1, 12, tzinfo=datetime.UTC)):
        bariven = ClientFactory(
            name="Bariven, S.A.",
            tax_id=valid_rif(20000000),
            segment="C",
            kind=ClientKind.COMPANY,
            industry=petroleo,
            lead_source=LeadSource.EVENT,
            owner=executive,
            email="info@bariven.example",
            phone="+58 414-1234567",
        )
    with time_machine.travel(datetime.datetime(2025, 2, 1, 12, tzinfo=datetime.UTC)):
        maria = ClientFactory(
            name="María Pérez",
            tax_id=valid_rif(9876543, kind="V"),
            segment="B",
            kind=ClientKind.PERSON,
            industry=None,
            lead_source=LeadSource.WEB,
            owner=executive,
            email="",
            phone="",
        )
    ContactFactory(client=alimentos, name="Rafael Urdaneta", email="rurdaneta@lasabana.com.ve")
    ContactFactory(
        client=bariven,
        name="Luisa Cáceres",
        email="lcaceres@bariven.example",
        phone="+58 241-8671234",
        is_primary=True,
    )
    return {"alimentos": alimentos, "bariven": bariven, "maria": maria}


# Access -------------------------------------------------------------------------------------


def test_it_redirects_anonymous_users_to_the_login(client, db):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_it_forbids_users_without_a_role(client_as, no_role_user):
    assert client_as(no_role_user).get(URL).status_code == 403


@pytest.mark.parametrize("persona", ["executive", "manager", "admin"])
def test_it_opens_to_commercial_roles_and_administrators(client_as, personas, persona):
    assert client_as(personas[persona]).get(URL).status_code == 200


def test_it_only_answers_get(client_as, executive):
    assert client_as(executive).post(URL).status_code == 405


# The page -----------------------------------------------------------------------------------


def test_it_renders_the_title_the_actions_and_the_table(client_as, executive, three_clients):
    html = client_as(executive).get(URL).content.decode()

    assert "<html" in html
    assert f'<h1 class="h3 mb-0">{gettext_es("Clients")}</h1>' in html
    assert gettext_es("Clients") == "Clientes"
    assert f'href="{reverse("crm:client_create")}"' in html
    assert gettext_es("New Client") == "Nuevo Cliente"
    assert ">Nuevo Cliente</a>" in html
    assert f'href="{reverse("crm:client_import")}"' in html
    assert f'href="{reverse("crm:contact_import")}"' in html
    assert f'href="{reverse("crm:recycle_bin")}"' in html
    assert 'role="search"' in html
    assert 'id="results"' in html
    assert "<table" in html


def test_its_search_box_refreshes_as_the_user_types(client_as, executive, db):
    html = client_as(executive).get(URL).content.decode()

    assert '<input type="search" name="q"' in html
    assert 'placeholder="Nombre, RIF/NIT, contacto, email o teléfono"' in html


def test_it_shows_the_seed_labels_in_spanish(client_as, executive, three_clients):
    html = client_as(executive).get(URL).content.decode()

    for label in (
        "Nombre o razón social",
        "RIF/NIT",
        "Segmento",
        "Industria",
        "Ejecutivo asignado",
        "Contacto principal",
        "Teléfono",
        "Contactos",
        "Tipo",
        "Fuente de lead",
        "Importar clientes",
        "Importar contactos",
        "Papelera",
        "Exportar",
        "Cambiar segmento",
    ):
        assert label in html, label


def test_it_hides_new_client_when_the_user_cannot_add(client_as, executive, monkeypatch):
    monkeypatch.setattr(
        "crm.views.client_list.module_rights", lambda user, module: {"view", "change"}
    )

    response = client_as(executive).get(URL)

    assert response.context["can_add"] is False
    assert f'href="{reverse("crm:client_create")}"' not in response.content.decode()


def test_it_hides_the_bulk_action_when_the_user_cannot_change(client_as, executive, monkeypatch):
    ClientFactory()
    monkeypatch.setattr("crm.views.client_list.module_rights", lambda user, module: {"view"})

    html = client_as(executive).get(URL).content.decode()

    assert reverse("crm:client_bulk_segment") not in html
    assert 'name="ids"' not in html


def test_it_shows_every_column_of_a_client(client_as, executive, three_clients):
    bariven = three_clients["bariven"]
    ContactFactory(client=bariven, name="Otro Contacto")
    every_column = [column.key for column in CLIENT_COLUMNS.columns]
    list_columns_save(user=executive, column_set=CLIENT_COLUMNS, keys=every_column)

    response = client_as(executive).get(URL, {"q": "bariven"})

    html = response.content.decode()
    row = response.context["page_obj"].object_list[0]
    assert (
        f'<a class="cell-text text-clamp-2" href="{bariven.get_absolute_url()}"'
        ' title="Bariven, S.A.">Bariven, S.A.</a>'
    ) in html
    assert bariven.tax_id in html
    assert "Petróleo y gas" in html
    assert str(bariven.owner) in html
    assert "Luisa Cáceres" in html
    assert "+58 414-1234567" in html
    assert row.contact_count == 2
    assert row.primary_contact_name == "Luisa Cáceres"
    assert '<td class="text-end" data-label="Contactos">2</td>' in html
    assert f'name="ids" value="{bariven.pk}"' in html


def test_it_counts_only_live_contacts_and_shows_no_deleted_primary(
    client_as, executive, three_clients
):
    bariven = three_clients["bariven"]
    bariven.contacts.update(deleted_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC))

    response = client_as(executive).get(URL, {"q": "bariven"})

    row = response.context["page_obj"].object_list[0]
    assert row.contact_count == 0
    assert row.primary_contact_name is None


def test_it_renders_only_the_results_partial_for_htmx(client_as, executive, three_clients):
    response = client_as(executive).get(URL, {"segment": "C"}, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'role="search"' not in html
    assert "<table" in html
    assert "Bariven" in html
    assert "Alimentos" not in html


def test_its_htmx_partial_carries_the_filters_into_the_export_links(
    client_as, executive, three_clients
):
    html = client_as(executive).get(URL, {"segment": "C", "page": "1"}, **HTMX).content.decode()

    assert f'href="{reverse("crm:client_export", args=["xlsx"])}?segment=C"' in html
    assert f'href="{reverse("crm:client_export", args=["csv"])}?segment=C"' in html
    assert 'name="return_query" value="?segment=C"' in html


def test_it_renders_the_full_page_for_a_boosted_htmx_request(client_as, executive, three_clients):
    response = client_as(executive).get(URL, **HTMX, HTTP_HX_BOOSTED="true")

    assert "<html" in response.content.decode()


def test_its_export_links_carry_no_query_when_nothing_is_filtered(client_as, executive, db):
    html = client_as(executive).get(URL).content.decode()

    assert f'href="{reverse("crm:client_export", args=["xlsx"])}"' in html
    assert f'href="{reverse("crm:client_export", args=["csv"])}"' in html


# Open opportunities and last activity -------------------------------------------------------


def at(day: int) -> datetime.datetime:
    return datetime.datetime(2025, 5, day, 15, tzinfo=datetime.UTC)


def test_it_counts_each_clients_open_opportunities(client_as, executive):
    client = ClientFactory(name="Con oportunidades")
    for stage in (Stage.PROSPECTING, Stage.NEGOTIATION, Stage.WON, Stage.LOST):
        OpportunityFactory(client=client, stage=stage)
    OpportunityFactory(client=client, deleted_at=at(1))
    ClientFactory(name="Sin oportunidades")

    response = client_as(executive).get(URL)

    counts = {c.name: c.open_opportunity_count for c in response.context["page_obj"].object_list}
    assert counts == {"Con oportunidades": 2, "Sin oportunidades": 0}


def test_in_own_mode_it_counts_only_the_opportunities_the_executive_may_see(
    client_as, executive, other_executive
):
    settings = CompanySettings.load()
    settings.opportunity_visibility = Visibility.OWN
    settings.save()
    client = ClientFactory(owner=executive)
    OpportunityFactory(client=client, owner=executive)
    OpportunityFactory(client=client, owner=other_executive)

    response = client_as(executive).get(URL)

    assert response.context["page_obj"].object_list[0].open_opportunity_count == 1


def test_it_shows_the_date_of_the_last_done_activity(client_as, executive):
    opportunity = OpportunityFactory(client=ClientFactory(name="Activo"))
    ActivityFactory(opportunity=opportunity, done_at=at(3))
    ActivityFactory(opportunity=opportunity, done_at=at(20))
    ActivityFactory(opportunity=opportunity, done_at=None, scheduled_at=at(28))  # planned
    ActivityFactory(opportunity=opportunity, done_at=at(25), deleted_at=at(26))
    ClientFactory(name="Inactivo")

    response = client_as(executive).get(URL)

    last = {c.name: c.last_activity_at for c in response.context["page_obj"].object_list}
    assert last == {"Activo": at(20), "Inactivo": None}
    assert "20/05/2025" in response.content.decode()


def test_it_orders_by_open_opportunities_and_last_activity_with_inactive_clients_last(
    client_as, executive
):
    busy, quiet, _idle = (ClientFactory(name=name) for name in ("Busy", "Quiet", "Idle"))
    OpportunityFactory.create_batch(2, client=busy)
    ActivityFactory(opportunity=OpportunityFactory(client=quiet), done_at=at(10))
    ActivityFactory(opportunity=OpportunityFactory(client=busy, stage=Stage.WON), done_at=at(2))
    user_client = client_as(executive)

    assert listed(user_client.get(URL, {"order": "-opportunities"})) == ["Busy", "Quiet", "Idle"]
    assert listed(user_client.get(URL, {"order": "opportunities"})) == ["Idle", "Quiet", "Busy"]
    assert listed(user_client.get(URL, {"order": "last_activity"})) == ["Busy", "Quiet", "Idle"]
    assert listed(user_client.get(URL, {"order": "-last_activity"})) == ["Quiet", "Busy", "Idle"]


# Empty states -------------------------------------------------------------------------------


def test_it_invites_to_create_the_first_client_when_there_is_none(client_as, executive, db):
    response = client_as(executive).get(URL)

    html = response.content.decode()
    assert gettext_es("There are no clients yet.") in html
    assert "<table" not in html


def test_it_says_when_nothing_matches_the_filters(client_as, executive, three_clients):
    response = client_as(executive).get(URL, {"q": "no existe"})

    html = response.content.decode()
    assert listed(response) == []
    assert gettext_es("No client matches these filters.") in html
    assert "<table" not in html


def test_it_shows_the_empty_message_in_the_htmx_partial_too(client_as, executive, three_clients):
    response = client_as(executive).get(URL, {"q": "no existe"}, **HTMX)

    assert gettext_es("No client matches these filters.") in response.content.decode()


# Search -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("sabana", ["Alimentos La Sabana, C.A."]),  # name, any case
        ("  BARIVEN ", ["Bariven, S.A."]),  # surrounding spaces, upper case
        ("maria perez", ["María Pérez"]),  # without accents
        ("alimentos la sabana ca", ["Alimentos La Sabana, C.A."]),  # legal suffix typed loosely
        ("Rafael", ["Alimentos La Sabana, C.A."]),  # a contact's name
        ("rurdaneta@lasabana", ["Alimentos La Sabana, C.A."]),  # a contact's email
        ("info@bariven", ["Bariven, S.A."]),  # the client's email
        ("0212 555 0101", ["Alimentos La Sabana, C.A."]),  # the client's phone, national form
        ("+58 414 1234567", ["Bariven, S.A."]),  # the client's phone, international form
        ("4141234567", ["Bariven, S.A."]),  # the client's phone, digits only
        ("0241-867", ["Bariven, S.A."]),  # a contact's phone
    ],
)
def test_it_searches_by_name_contact_email_and_phone(
    client_as, executive, three_clients, term, expected
):
    response = client_as(executive).get(URL, {"q": term})

    assert listed(response) == expected


def test_it_searches_a_contact_name_as_typed(client_as, executive, three_clients):
    response = client_as(executive).get(URL, {"q": "Luisa Cáceres"})

    assert listed(response) == ["Bariven, S.A."]


@pytest.mark.parametrize(
    "typed",
    [
        "J-12345678-{check}",  # as stored
        "J12345678{check}",  # without dashes
        "j-12345678{check}",  # lower case, one dash
        "j 12345678 {check}",  # with spaces
        "12345678",  # only the number
        "J1234",  # the beginning
    ],
)
def test_it_finds_a_client_by_rif_with_or_without_dashes(
    client_as, executive, three_clients, typed
):
    check = three_clients["alimentos"].tax_id[-1]

    response = client_as(executive).get(URL, {"q": typed.format(check=check)})

    assert listed(response) == ["Alimentos La Sabana, C.A."]


def test_it_finds_a_client_by_nit_with_or_without_dots(client_as, executive, db):
    ClientFactory(name="Cementos Andinos S.A.S.", tax_id="900.123.456-8")

    user_client = client_as(executive)

    assert listed(user_client.get(URL, {"q": "900.123.456-8"})) == ["Cementos Andinos S.A.S."]
    assert listed(user_client.get(URL, {"q": "9001234568"})) == ["Cementos Andinos S.A.S."]


def test_it_does_not_take_a_short_number_in_a_name_for_a_phone(client_as, executive, db):
    ClientFactory(name="Empresa 12", phone="+58 212-1200000")
    ClientFactory(name="Otra", phone="+58 212-5551212")

    response = client_as(executive).get(URL, {"q": "Empresa 12"})

    assert listed(response) == ["Empresa 12"]


def test_it_lists_a_client_once_when_several_contacts_match(client_as, executive, db):
    client = ClientFactory(name="Constructora Ávila")
    ContactFactory.create_batch(3, client=client, name="Pedro Gómez")

    response = client_as(executive).get(URL, {"q": "pedro"})

    assert listed(response) == ["Constructora Ávila"]
    assert response.context["page_obj"].paginator.count == 1
    assert response.context["page_obj"].object_list[0].contact_count == 3


def test_it_ignores_deleted_contacts_in_the_search(client_as, executive, three_clients):
    three_clients["alimentos"].contacts.update(
        deleted_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    )

    response = client_as(executive).get(URL, {"q": "Rafael"})

    assert listed(response) == []


def test_it_lists_everything_for_a_blank_search(client_as, executive, three_clients):
    response = client_as(executive).get(URL, {"q": "   "})

    assert len(listed(response)) == 3


# Filters ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"segment": "A"}, ["Alimentos La Sabana, C.A."]),
        ({"segment": "B"}, ["María Pérez"]),
        ({"kind": ClientKind.PERSON}, ["María Pérez"]),
        ({"kind": ClientKind.COMPANY}, ["Alimentos La Sabana, C.A.", "Bariven, S.A."]),
        ({"lead_source": LeadSource.EVENT}, ["Bariven, S.A."]),
        ({"lead_source": LeadSource.WEB}, ["María Pérez"]),
        ({"q": "a", "segment": "C", "kind": ClientKind.COMPANY}, ["Bariven, S.A."]),
    ],
)
def test_it_filters_by_segment_type_and_lead_source(
    client_as, executive, three_clients, params, expected
):
    response = client_as(executive).get(URL, params)

    assert listed(response) == expected


def test_it_filters_by_industry(client_as, executive, three_clients):
    industry = Industry.objects.get(name="Salud")

    response = client_as(executive).get(URL, {"industry": industry.pk})

    assert listed(response) == ["Alimentos La Sabana, C.A."]


def test_it_filters_by_assigned_executive(client_as, executive, three_clients):
    response = client_as(executive).get(URL, {"owner": executive.pk})

    assert listed(response) == ["Bariven, S.A.", "María Pérez"]


def test_it_offers_only_commercial_users_as_executives(client_as, executive, three_clients):
    outsider = UserFactory(username="contable", roles=[Role.FINANCE])

    response = client_as(executive).get(URL)

    choices = list(response.context["filter"].form.fields["owner"].queryset)
    assert executive in choices
    assert outsider not in choices


@pytest.mark.parametrize(
    "params",
    [
        {"segment": "Z"},
        {"kind": "robot"},
        {"industry": "999999"},
        {"industry": "abc"},
        {"owner": "999999"},
        {"lead_source": "spam"},
        {"order": "password"},
        {"q": "x" * 5000},
        {"q": "%_\\'\""},
    ],
)
def test_it_answers_invalid_filter_input_without_crashing(
    client_as, executive, three_clients, params
):
    response = client_as(executive).get(URL, params)

    assert response.status_code == 200


def test_it_explains_an_invalid_choice_next_to_the_field(client_as, executive, three_clients):
    response = client_as(executive).get(URL, {"segment": "Z"})

    assert response.context["filter"].form.errors["segment"]
    assert "invalid-feedback" in response.content.decode()


# Ordering -----------------------------------------------------------------------------------


def test_it_orders_by_name_by_default(client_as, executive, three_clients):
    response = client_as(executive).get(URL)

    assert listed(response) == ["Alimentos La Sabana, C.A.", "Bariven, S.A.", "María Pérez"]


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ("name", ["alimentos", "bariven", "maria"]),
        ("tax_id", ["alimentos", "bariven", "maria"]),  # J-12…, J-20…, V-09…
        ("segment", ["alimentos", "maria", "bariven"]),  # A, B, C
        ("updated", ["bariven", "maria", "alimentos"]),  # January, February, March
    ],
)
def test_it_orders_by_each_sortable_column(client_as, executive, three_clients, order, expected):
    names = [three_clients[key].name for key in expected]
    user_client = client_as(executive)

    assert listed(user_client.get(URL, {"order": order})) == names
    assert listed(user_client.get(URL, {"order": f"-{order}"})) == list(reversed(names))


def test_it_orders_by_assigned_executive_name(client_as, three_clients, manager):
    three_clients["alimentos"].owner.first_name = "Zoila"
    three_clients["alimentos"].owner.save()
    three_clients["bariven"].owner.first_name = "Ana"
    three_clients["bariven"].owner.save()

    response = client_as(manager).get(URL, {"order": "owner"})

    assert listed(response) == ["Bariven, S.A.", "María Pérez", "Alimentos La Sabana, C.A."]


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ("industry", ["bariven", "alimentos", "maria"]),  # Petróleo, Salud, none last
        ("-industry", ["alimentos", "bariven", "maria"]),  # Salud, Petróleo, none last
    ],
)
def test_it_orders_by_industry_with_clients_without_one_last(
    client_as, executive, three_clients, order, expected
):
    response = client_as(executive).get(URL, {"order": order})

    assert listed(response) == [three_clients[key].name for key in expected]


def test_it_marks_the_sorted_column_and_links_to_the_reverse_order(
    client_as, executive, three_clients
):
    html = client_as(executive).get(URL, {"order": "-segment", "page": "1"}).content.decode()

    assert 'aria-sort="descending"' in html
    assert 'href="?order=segment"' in html


@pytest.mark.parametrize("order", ["segment", "-segment", "industry", "owner", "-updated"])
def test_it_never_repeats_or_skips_a_client_across_pages_when_sorting_by_ties(
    client_as, executive, order
):
    owner = UserFactory(roles=[Role.EXECUTIVE])
    Client.objects.bulk_create(
        Client(
            name=f"Cliente {(n * 7) % 60:03d}",
            name_key=f"cliente {(n * 7) % 60:03d}",
            tax_id=valid_rif(50000000 + n),
            segment="B",
            owner=owner,
        )
        for n in range(60)
    )
    user_client = client_as(executive)

    seen = []
    for page in range(1, 4):
        seen += listed(user_client.get(URL, {"order": order, "page": page}))

    assert sorted(seen) == [f"Cliente {n:03d}" for n in range(60)]


# Pagination ---------------------------------------------------------------------------------


@pytest.fixture
def thirty_clients(db):
    owner = UserFactory(roles=[Role.EXECUTIVE])
    return [ClientFactory(name=f"Cliente {n:03d}", owner=owner, segment="A") for n in range(30)]


def test_it_shows_25_clients_per_page(client_as, executive, thirty_clients):
    response = client_as(executive).get(URL)

    page = response.context["page_obj"]
    assert page.paginator.count == 30
    assert listed(response) == [f"Cliente {n:03d}" for n in range(25)]
    assert 'rel="next"' in response.content.decode()


def test_it_shows_the_rest_on_page_2_keeping_filters_and_order(
    client_as, executive, thirty_clients
):
    response = client_as(executive).get(URL, {"segment": "A", "order": "-name", "page": "2"})

    html = response.content.decode()
    assert listed(response) == [f"Cliente {n:03d}" for n in reversed(range(5))]
    assert 'rel="prev"' in html
    assert "segment=A" in html
    assert "order=-name" in html


def test_it_paginates_the_htmx_partial(client_as, executive, thirty_clients):
    response = client_as(executive).get(URL, {"page": "2"}, **HTMX)

    assert "<html" not in response.content.decode()
    assert listed(response) == [f"Cliente {n:03d}" for n in range(25, 30)]


@pytest.mark.parametrize(("page", "expected"), [("99", 2), ("-1", 2), ("abc", 1), ("", 1)])
def test_it_falls_back_to_a_valid_page_for_a_bad_page_number(
    client_as, executive, thirty_clients, page, expected
):
    response = client_as(executive).get(URL, {"page": page})

    assert response.status_code == 200
    assert response.context["page_obj"].number == expected


# Scope --------------------------------------------------------------------------------------


def test_in_own_mode_an_executive_lists_and_counts_only_his_clients(
    client_as, executive, three_clients, own_mode
):
    response = client_as(executive).get(URL)

    assert listed(response) == ["Bariven, S.A.", "María Pérez"]
    assert response.context["page_obj"].paginator.count == 2
    assert "Alimentos La Sabana" not in response.content.decode()


def test_in_own_mode_a_search_does_not_reach_other_executives_clients(
    client_as, executive, three_clients, own_mode
):
    response = client_as(executive).get(URL, {"q": "rurdaneta@lasabana.com.ve"})

    assert listed(response) == []


def test_in_all_mode_an_executive_lists_every_client(client_as, executive, three_clients):
    assert len(listed(client_as(executive).get(URL))) == 3


@pytest.mark.parametrize("persona", ["manager", "admin"])
def test_managers_and_admins_list_every_client_even_in_own_mode(
    client_as, personas, three_clients, own_mode, persona
):
    assert len(listed(client_as(personas[persona]).get(URL))) == 3


def test_it_never_lists_deleted_clients(client_as, executive, manager, three_clients):
    client_delete(user=executive, client_id=three_clients["maria"].pk)

    for user in (executive, manager):
        response = client_as(user).get(URL)
        assert "María Pérez" not in listed(response)
        assert response.context["page_obj"].paginator.count == 2
        assert listed(client_as(user).get(URL, {"q": "maria"})) == []


# Query count --------------------------------------------------------------------------------


def clients_with_contacts(rows: int) -> None:
    industry = Industry.objects.get(name="Salud")
    for _ in range(rows):
        client = ClientFactory(industry=industry, potential=Decimal("1000.00"), segment="A")
        ContactFactory(client=client, is_primary=True)
        ContactFactory.create_batch(2, client=client)
        ActivityFactory(opportunity=OpportunityFactory(client=client), done_at=at(1))


@pytest.mark.parametrize("rows", [1, 50])
def test_it_runs_a_fixed_number_of_queries_whatever_the_volume(
    client_as, executive, django_assert_num_queries, rows
):
    clients_with_contacts(rows)
    user_client = client_as(executive)
    user_client.get(URL)  # the first request of a session stamps it; measure the next one

    # session, user, 2 x permissions, roles, company settings (for the clients' scope, then
    # for the opportunities'), count, the industry and executive options of the filters, the
    # page of clients (contacts, opportunities and last activity by subqueries)
    with django_assert_num_queries(10):
        response = user_client.get(URL, {"q": "Empresa", "segment": "A", "order": "owner"})

    assert response.context["page_obj"].paginator.count == rows


@pytest.mark.parametrize("rows", [1, 50])
def test_its_htmx_partial_runs_a_fixed_number_of_queries(
    client_as, executive, django_assert_num_queries, rows
):
    clients_with_contacts(rows)
    user_client = client_as(executive)
    user_client.get(URL)

    # the same without the filter form's options
    with django_assert_num_queries(8):
        user_client.get(URL, {"q": "Empresa"}, **HTMX)
