"""Search through an index (crm.search): one normaliser for the stored `search_text` and for
the typed term, kept on every write path, read through pg_trgm (PostgreSQL) or an FTS5
trigram table (SQLite). Every test runs on whichever database the suite runs on."""

import pytest
from django.db import connection
from django.urls import reverse

from crm.models import Client, Complaint, Contact
from crm.models.base import search_key
from crm.search import ensure_sqlite_search_triggers, search_q, search_terms
from crm.services import client_create, client_update
from crm.services.clients import ContactInput
from tests.factories import (
    ActivityFactory,
    ClientFactory,
    ContactFactory,
    OpportunityFactory,
    valid_rif,
)

pytestmark = pytest.mark.django_db

CLIENTS = reverse("crm:client_list")
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 mirror")
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm")


def listed(response) -> list[str]:
    return [client.name for client in response.context["page_obj"].object_list]


def found(model, term: str) -> list[str]:
    return sorted(str(row) for row in model.objects.filter(search_q(model, search_terms(term))))


@pytest.fixture
def petroleos(db):
    client = ClientFactory(
        name="Petróleos de Oriente, C.A.",
        tax_id=valid_rif(31234567),
        email="Ventas@PetroOriente.com.ve",
        phone="+58 281-2654321",
    )
    ContactFactory(
        client=client, name="Begoña Ñáñez", email="BNanez@petroriente.com", phone="+58 414-7778899"
    )
    ClientFactory(name="Otra Empresa", tax_id=valid_rif(40000000), phone="+58 212-5550000")
    return client


# The normaliser -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("Petróleos", "petroleos"),
        ("  PETRÓLEOS   de\tOriente ", "petroleos de oriente"),
        ("Begoña Ñáñez", "begona nanez"),
        ("J-31234567-8", "j-31234567-8"),
    ],
)
def test_the_normaliser_strips_accents_case_and_extra_spaces(typed, key):
    assert search_key(typed) == key


def test_a_term_keeps_only_the_forms_not_implied_by_a_shorter_one():
    assert search_terms("Sabana") == ["sabana"]
    assert search_terms("J-1234-5", tax_id=True) == ["j-1234-5", "j12345"]
    assert search_terms("0212 555 0101", phone=True) == ["0212 555 0101", "2125550101"]
    assert search_terms("   ") == []


# The client list finds accents, RIF, phone and contacts, as typed ------------------------------


@pytest.mark.parametrize(
    "term",
    [
        "petroleos",  # without the accent
        "PETRÓLEOS",  # upper case with it
        "Petróleos de oriente",
        "petroleos de oriente ca",  # the legal suffix typed loosely
        "J312345678"[:9],  # the RIF without dashes (its beginning)
        "j-31234567",  # with a dash, lower case
        "ventas@petrooriente",  # the client's email, other case
        "0281 265 4321",  # the client's phone, national form
        "2654321",  # its digits
        "begona",  # a contact's name without its accents
        "ÑÁÑEZ",  # in upper case with them
        "bnanez@PETRORIENTE.com",  # a contact's email
        "0414-777 88 99",  # a contact's phone
    ],
)
def test_the_client_search_is_accent_and_case_insensitive_and_finds_every_part(
    client_as, executive, petroleos, term
):
    response = client_as(executive).get(CLIENTS, {"q": term})

    assert listed(response) == ["Petróleos de Oriente, C.A."]


def test_a_rif_with_its_check_digit_is_found_with_or_without_dashes(
    client_as, executive, petroleos
):
    http = client_as(executive)
    rif = petroleos.tax_id  # "J-31234567-d"

    assert listed(http.get(CLIENTS, {"q": rif})) == [petroleos.name]
    assert listed(http.get(CLIENTS, {"q": rif.replace("-", "")})) == [petroleos.name]


@pytest.mark.parametrize("term", ["p", "pe", "é", ","])
def test_terms_shorter_than_a_trigram_still_search(client_as, executive, petroleos, term):
    response = client_as(executive).get(CLIENTS, {"q": term})

    assert "Petróleos de Oriente, C.A." in listed(response)


@pytest.mark.parametrize("term", ['"', 'pe"tro', 'OR "x"', "zzz*", "a%b", "NEAR(a b)"])
def test_quotes_and_operators_in_a_term_are_searched_as_text(client_as, executive, petroleos, term):
    response = client_as(executive).get(CLIENTS, {"q": term})

    assert response.status_code == 200
    assert listed(response) == []


# Every write path keeps search_text -----------------------------------------------------------


def test_the_services_keep_it_when_a_client_and_its_contacts_are_created_and_edited(executive):
    client = client_create(
        user=executive,
        data={
            "name": "Café Ávila",
            "tax_id": valid_rif(51111111),
            "segment": "A",
            "owner": executive,
        },
        contacts=[ContactInput(name="José Núñez", email="jnunez@avila.com")],
    )
    assert found(Client, "cafe avila") == ["Café Ávila"]
    assert found(Contact, "jose nunez") == ["José Núñez"]

    contact = client.contacts.get()
    client_update(
        user=executive,
        client_id=client.pk,
        expected_version=client.version,
        data={"name": "Cafetería Ávila"},
        contacts=[
            ContactInput(
                id=contact.pk, version=contact.version, name="José Nuñez Ruíz", phone="0212-5551234"
            )
        ],
    )

    assert found(Client, "cafeteria") == ["Cafetería Ávila"]
    assert found(Client, "cafe avila") == []
    assert found(Contact, "ruiz") == ["José Nuñez Ruíz"]
    assert found(Contact, "2125551234") == ["José Nuñez Ruíz"]


def test_save_with_update_fields_writes_it_too():
    client = ClientFactory(name="Antes")
    client.name = "Después"
    client.save(update_fields=["name"])

    assert Client.objects.get(pk=client.pk).search_text.startswith("despues")


def test_bulk_create_bulk_update_and_update_keep_it(executive):
    rows = Client.objects.bulk_create(
        [
            Client(
                name=f"Panadería {n}", tax_id=valid_rif(60000000 + n), segment="B", owner=executive
            )
            for n in range(3)
        ]
    )
    assert found(Client, "panaderia") == ["Panadería 0", "Panadería 1", "Panadería 2"]

    rows[0].name = "Ferretería Única"
    Client.objects.bulk_update(rows[:1], ["name"])
    assert found(Client, "unica") == ["Ferretería Única"]

    Client.objects.filter(pk=rows[1].pk).update(name="Óptica Lumen")
    assert found(Client, "optica") == ["Óptica Lumen"]
    assert found(Client, "panaderia") == ["Panadería 2"]

    Contact.objects.bulk_create([Contact(client=rows[2], name="Ángela Díaz")])
    assert found(Contact, "angela diaz") == ["Ángela Díaz"]


def test_a_deleted_row_leaves_the_search(executive):
    client = ClientFactory(name="Transporte Ñandú")
    assert found(Client, "nandu") == ["Transporte Ñandú"]

    Client.all_objects.filter(pk=client.pk).delete()  # hard delete (the purge)

    assert found(Client, "nandu") == []
    assert not Client.all_objects.filter(search_q(Client, ["nandu"])).exists()


# The other lists' searches use it as well ----------------------------------------------------


def test_the_opportunity_list_finds_names_and_clients_without_accents(client_as, manager):
    client = ClientFactory(name="Petróleos del Lago", tax_id=valid_rif(32222222))
    OpportunityFactory(name="Perforación Pozo Ñ-3", client=client)
    OpportunityFactory(name="Otra cosa")
    http = client_as(manager)
    url = reverse("crm:opportunity_list")

    def names(params):
        return [o.name for o in http.get(url, params).context["page_obj"].object_list]

    assert names({"q": "perforacion pozo n-3"}) == ["Perforación Pozo Ñ-3"]
    assert names({"q": "PERFORACIÓN"}) == ["Perforación Pozo Ñ-3"]
    assert names({"client": "petroleos del lago"}) == ["Perforación Pozo Ñ-3"]
    assert names({"client": client.tax_id.replace("-", "")}) == ["Perforación Pozo Ñ-3"]


def test_the_complaint_list_finds_subject_and_client_without_accents(client_as, manager):
    client = ClientFactory(name="Lácteos Andinos")
    opportunity = OpportunityFactory(client=client)
    Complaint.objects.create(
        client=client,
        opportunity=opportunity,
        subject="Entrega tardía",
        description="El camión llegó sin refrigeración.",
        owner=manager,
        area="operations",
        priority="high",
    )
    http = client_as(manager)
    url = reverse("crm:complaint_list")

    for term in ("entrega tardia", "REFRIGERACION", "lacteos andinos"):
        assert http.get(url, {"q": term}).context["page_obj"].paginator.count == 1, term
    assert http.get(url, {"q": "nada de eso"}).context["page_obj"].paginator.count == 0


def test_the_agenda_filters_by_client_and_opportunity_without_accents(client_as, executive):
    opportunity = OpportunityFactory(
        name="Ampliación Galpón", client=ClientFactory(name="Depósito Ñaragua"), owner=executive
    )
    activity = ActivityFactory(opportunity=opportunity)
    http = client_as(executive)
    url = reverse("crm:activity_list")

    def subjects(params):
        sections = http.get(url, params).context["sections"]
        return [activity.subject for section in sections for activity in section.activities]

    for params in ({"client": "naragua"}, {"opportunity": "AMPLIACION galpon"}):
        assert subjects(params) == [activity.subject], params
    assert subjects({"client": "ninguno"}) == []


# The index is there and used -------------------------------------------------------------------


@on_postgresql
@pytest.mark.parametrize(
    "table", ["crm_client", "crm_contact", "crm_opportunity", "crm_complaint", "documents_document"]
)
def test_postgresql_has_a_trigram_index_and_the_search_uses_it(table):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s", [f"{table}_search_trgm"]
        )
        (definition,) = cursor.fetchone()
        assert "gin_trgm_ops" in definition
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN SELECT id FROM {table} WHERE search_text LIKE %s", ["%petroleos%"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"{table}_search_trgm" in plan


@on_sqlite
def test_sqlite_answers_the_client_search_from_the_fts5_index(executive):
    ClientFactory(name="Petróleos de Oriente")
    query = Client.objects.filter(search_q(Client, search_terms("petroleos"))).query
    sql, params = query.sql_with_params()

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())

    assert "VIRTUAL TABLE INDEX" in plan
    assert "crm_client_search" in plan


@on_sqlite
def test_sqlite_triggers_dropped_by_a_table_rebuild_are_put_back_and_the_index_rebuilt():
    with connection.cursor() as cursor:
        cursor.execute('DROP TRIGGER "crm_client_search_ai"')
    ClientFactory(name="Inserted While Unindexed")  # the FTS5 mirror misses it
    assert found(Client, "unindexed") == []

    ensure_sqlite_search_triggers()

    assert found(Client, "unindexed") == ["Inserted While Unindexed"]
    ClientFactory(name="Inserted Afterwards")
    assert found(Client, "afterwards") == ["Inserted Afterwards"]
