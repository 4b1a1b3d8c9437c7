import pytest
from django.urls import reverse
from django.utils import translation

from contractors_ro.models import Contractor, ContractorStatus
from tests.factories import ContractorFactory, ProjectFactory

URL = reverse("contractors:list")
HTMX = {"HTTP_HX_REQUEST": "true"}


def gettext_es(message: str) -> str:
    with translation.override("es"):
        return translation.gettext(message)


def listed_names(response) -> list[str]:
    return [contractor.name for contractor in response.context["page_obj"].object_list]


@pytest.fixture
def three_contractors(db):
    """Three contractors whose every sortable column orders them differently."""
    return {
        "A": ContractorFactory(
            name="Andamios Oriente",
            tax_id="J-40000001-1",
            specialty="Electricidad",
            contact_name="Rafael Urdaneta",
            email="ventas@andamios.example",
            status=ContractorStatus.SUSPENDED,
        ),
        "B": ContractorFactory(
            name="Bombas del Tuy",
            tax_id="J-40000002-2",
            specialty="Tuberías",
            contact_name="Luisa Cáceres",
            email="info@bombastuy.example",
            status=ContractorStatus.ACTIVE,
        ),
        "C": ContractorFactory(
            name="Concretos Lara",
            tax_id="J-40000003-3",
            specialty="Civil",
            contact_name="José Félix Ribas",
            email="obras@concretoslara.example",
            status=ContractorStatus.INACTIVE,
        ),
    }


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


# Full page and htmx partial -----------------------------------------------------------------


def test_it_renders_the_full_page_with_filters_and_table(client_as, executive, three_contractors):
    html = client_as(executive).get(URL).content.decode()

    assert "<html" in html
    assert 'role="search"' in html
    assert "<table" in html
    for contractor in three_contractors.values():
        assert contractor.name in html
        assert contractor.tax_id in html
        assert contractor.get_absolute_url() in html


def test_it_renders_only_the_results_partial_for_htmx(client_as, executive, three_contractors):
    response = client_as(executive).get(URL, {"status": "active"}, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'role="search"' not in html
    assert "<table" in html
    assert "Bombas del Tuy" in html
    assert "Andamios Oriente" not in html


def test_it_shows_how_many_projects_each_contractor_has(client_as, executive, three_contractors):
    ProjectFactory.create_batch(2, contractors=[three_contractors["A"]])
    ProjectFactory(contractors=[three_contractors["A"], three_contractors["B"]])

    response = client_as(executive).get(URL)

    counts = {c.name: c.project_count for c in response.context["page_obj"].object_list}
    assert counts == {"Andamios Oriente": 3, "Bombas del Tuy": 1, "Concretos Lara": 0}


def test_it_shows_a_message_when_nothing_matches(client_as, executive, three_contractors):
    response = client_as(executive).get(URL, {"q": "no existe"}, **HTMX)

    html = response.content.decode()
    assert listed_names(response) == []
    assert gettext_es("No contractor matches these filters.") in html
    assert "<table" not in html


# Search and filters -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("bombas", ["Bombas del Tuy"]),  # name
        ("J-40000003", ["Concretos Lara"]),  # RIF
        ("tuberías", ["Bombas del Tuy"]),  # specialty
        ("URDANETA", ["Andamios Oriente"]),  # contact name
        ("concretoslara.example", ["Concretos Lara"]),  # contact e-mail
        ("   ", ["Andamios Oriente", "Bombas del Tuy", "Concretos Lara"]),
    ],
)
def test_it_searches_contractors_by_name_rif_specialty_and_contact(
    client_as, executive, three_contractors, term, expected
):
    response = client_as(executive).get(URL, {"q": term})

    assert listed_names(response) == expected


def test_it_filters_contractors_by_status(client_as, executive, three_contractors):
    response = client_as(executive).get(URL, {"status": ContractorStatus.INACTIVE})

    assert listed_names(response) == ["Concretos Lara"]


def test_it_filters_contractors_by_specialty(client_as, executive, three_contractors):
    ContractorFactory(name="Electro Zulia", specialty="Electricidad")

    response = client_as(executive).get(URL, {"specialty": "Electricidad"})

    assert listed_names(response) == ["Andamios Oriente", "Electro Zulia"]


def test_it_offers_each_specialty_once_in_the_filter(client_as, executive, three_contractors):
    ContractorFactory(specialty="Electricidad")

    response = client_as(executive).get(URL)

    choices = [value for value, _ in response.context["filter"].form.fields["specialty"].choices]
    assert choices == ["", "Civil", "Electricidad", "Tuberías"]


@pytest.mark.parametrize(
    "params", [{"status": "bogus"}, {"specialty": "Astronáutica"}, {"order": "tax_id"}]
)
def test_it_answers_invalid_filter_input_without_crashing(
    client_as, executive, three_contractors, params
):
    response = client_as(executive).get(URL, params)

    assert response.status_code == 200
    assert listed_names(response) == []


# Ordering -----------------------------------------------------------------------------------


def test_it_orders_by_name_by_default(client_as, executive, three_contractors):
    response = client_as(executive).get(URL)

    assert listed_names(response) == ["Andamios Oriente", "Bombas del Tuy", "Concretos Lara"]


@pytest.mark.parametrize(
    ("order", "expected"), [("name", "ABC"), ("specialty", "CAB"), ("status", "BCA")]
)
def test_it_orders_contractors_by_each_sortable_column(
    client_as, executive, three_contractors, order, expected
):
    user_client = client_as(executive)
    names = {key: contractor.name for key, contractor in three_contractors.items()}

    ascending = listed_names(user_client.get(URL, {"order": order}))
    descending = listed_names(user_client.get(URL, {"order": f"-{order}"}, **HTMX))

    assert ascending == [names[key] for key in expected]
    assert descending == [names[key] for key in reversed(expected)]


@pytest.mark.parametrize("order", [None, "name", "-specialty", "status"])
def test_it_never_repeats_or_skips_a_contractor_across_pages_when_sorting_by_ties(
    client_as, executive, order
):
    # 120 namesakes with one specialty and status: enough for PostgreSQL's sort to shuffle
    # ties differently from one LIMIT/OFFSET to the next when no unique column breaks them.
    Contractor.objects.bulk_create(
        Contractor(name="Servicios Generales", tax_id=f"J-{n:08d}-0", specialty="Civil")
        for n in range(120)
    )
    user_client = client_as(executive)

    seen = []
    for page in range(1, 6):
        params = {"page": page} | ({"order": order} if order else {})
        seen += [c.tax_id for c in user_client.get(URL, params).context["page_obj"].object_list]

    assert sorted(seen) == [f"J-{n:08d}-0" for n in range(120)]


# Pagination ---------------------------------------------------------------------------------


@pytest.fixture
def thirty_contractors(db):
    return [ContractorFactory(name=f"Contratista {n:03d}") for n in range(30)]


def test_it_shows_25_contractors_per_page_and_the_rest_on_page_2(
    client_as, executive, thirty_contractors
):
    user_client = client_as(executive)

    first = user_client.get(URL)
    second = user_client.get(URL, {"page": "2"})

    assert listed_names(first) == [f"Contratista {n:03d}" for n in range(25)]
    assert listed_names(second) == [f"Contratista {n:03d}" for n in range(25, 30)]
    assert 'rel="next"' in first.content.decode()


@pytest.mark.parametrize(("page", "expected"), [("99", 2), ("0", 2), ("dos", 1)])
def test_it_falls_back_to_a_valid_page_for_a_bad_page_number(
    client_as, executive, thirty_contractors, page, expected
):
    response = client_as(executive).get(URL, {"page": page})

    assert response.status_code == 200
    assert response.context["page_obj"].number == expected


# Query count --------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 50])
def test_it_runs_a_fixed_number_of_queries_whatever_the_volume(
    client_as, executive, django_assert_num_queries, rows
):
    ProjectFactory.create_batch(2, contractors=ContractorFactory.create_batch(rows))
    user_client = client_as(executive)
    user_client.get(URL)  # the first request of a session stamps it; measure the next one

    with django_assert_num_queries(8):
        response = user_client.get(URL, {"q": "Contratista", "order": "-status"})

    assert response.context["page_obj"].paginator.count == rows


@pytest.mark.parametrize("rows", [1, 50])
def test_its_htmx_partial_runs_a_fixed_number_of_queries(
    client_as, executive, django_assert_num_queries, rows
):
    ContractorFactory.create_batch(rows)
    user_client = client_as(executive)
    user_client.get(URL)

    with django_assert_num_queries(8):
        user_client.get(URL, {"specialty": "Electricidad"}, **HTMX)
