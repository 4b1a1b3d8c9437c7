import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from projects_ro.models import Project, ProjectStatus
from tests.factories import ClientFactory, ContractorFactory, ProjectFactory

URL = reverse("projects:list")
HTMX = {"HTTP_HX_REQUEST": "true"}


def gettext_es(message: str) -> str:
    with translation.override("es"):
        return translation.gettext(message)


def listed_codes(response) -> list[str]:
    return [project.code for project in response.context["page_obj"].object_list]


@pytest.fixture
def three_projects(db):
    """Three projects whose every sortable column orders them differently."""
    return {
        "A": ProjectFactory(
            code="PRY-A",
            name="Cableado",
            client=ClientFactory(name="Bariven"),
            status=ProjectStatus.PLANNED,
            start_date=datetime.date(2025, 1, 10),
            end_date=datetime.date(2025, 5, 1),
        ),
        "B": ProjectFactory(
            code="PRY-B",
            name="Acueducto",
            client=ClientFactory(name="Cementos Caribe"),
            status=ProjectStatus.IN_PROGRESS,
            start_date=datetime.date(2025, 3, 10),
            end_date=datetime.date(2025, 4, 1),
        ),
        "C": ProjectFactory(
            code="PRY-C",
            name="Bombeo",
            client=ClientFactory(name="Aceros del Sur"),
            status=ProjectStatus.COMPLETED,
            start_date=datetime.date(2025, 2, 10),
            end_date=datetime.date(2025, 6, 1),
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


def test_it_renders_the_full_page_with_filters_and_table(client_as, executive, three_projects):
    response = client_as(executive).get(URL)

    html = response.content.decode()
    assert "<html" in html
    assert 'role="search"' in html
    assert 'id="results"' in html
    assert "<table" in html
    assert "PRY-A" in html


def test_it_renders_only_the_results_partial_for_htmx(client_as, executive, three_projects):
    response = client_as(executive).get(URL, {"status": ProjectStatus.PLANNED}, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'role="search"' not in html
    assert "<table" in html
    assert "PRY-A" in html
    assert "PRY-B" not in html


def test_it_renders_the_full_page_for_a_boosted_htmx_request(client_as, executive, three_projects):
    response = client_as(executive).get(URL, **HTMX, HTTP_HX_BOOSTED="true")

    assert "<html" in response.content.decode()


def test_it_shows_each_projects_client_name_and_rif(client_as, executive):
    project = ProjectFactory(client=ClientFactory(name="Cementos Caribe"))

    html = client_as(executive).get(URL).content.decode()

    assert "Cementos Caribe" in html
    assert project.client.tax_id in html
    assert project.get_absolute_url() in html


def test_it_shows_how_many_contractors_each_project_has(client_as, executive):
    ProjectFactory(code="PRY-TRES", contractors=ContractorFactory.create_batch(3))
    ProjectFactory(code="PRY-CERO")

    response = client_as(executive).get(URL)

    counts = {p.code: p.contractor_count for p in response.context["page_obj"].object_list}
    assert counts == {"PRY-TRES": 3, "PRY-CERO": 0}
    assert '<td class="text-end" data-label="Contratistas">3</td>' in response.content.decode()


def test_it_counts_contractors_without_multiplying_them_by_a_search(client_as, executive):
    contractors = ContractorFactory.create_batch(2)
    ProjectFactory(code="PRY-X", client=ClientFactory(name="Bariven"), contractors=contractors)

    response = client_as(executive).get(URL, {"q": "bariven"})

    assert [p.contractor_count for p in response.context["page_obj"].object_list] == [2]


def test_it_shows_a_message_when_nothing_matches(client_as, executive, three_projects):
    response = client_as(executive).get(URL, {"q": "no existe"})

    html = response.content.decode()
    assert listed_codes(response) == []
    assert gettext_es("No project matches these filters.") in html
    assert "<table" not in html


def test_it_shows_the_empty_message_in_the_htmx_partial_too(client_as, executive, db):
    response = client_as(executive).get(URL, **HTMX)

    assert gettext_es("No project matches these filters.") in response.content.decode()


# Search and filters -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("pry-b", ["PRY-B"]),  # code, any case
        ("bombeo", ["PRY-C"]),  # name
        ("bariven", ["PRY-A"]),  # client name
        ("  caribe  ", ["PRY-B"]),  # surrounding spaces are ignored
    ],
)
def test_it_searches_projects_by_code_name_and_client_name(
    client_as, executive, three_projects, term, expected
):
    response = client_as(executive).get(URL, {"q": term})

    assert listed_codes(response) == expected


def test_it_searches_projects_by_client_rif(client_as, executive, three_projects):
    rif = three_projects["C"].client.tax_id

    response = client_as(executive).get(URL, {"q": rif})

    assert listed_codes(response) == ["PRY-C"]


def test_it_lists_everything_for_a_blank_search(client_as, executive, three_projects):
    response = client_as(executive).get(URL, {"q": "   "})

    assert sorted(listed_codes(response)) == ["PRY-A", "PRY-B", "PRY-C"]


def test_it_filters_projects_by_status(client_as, executive, three_projects):
    response = client_as(executive).get(URL, {"status": ProjectStatus.IN_PROGRESS})

    assert listed_codes(response) == ["PRY-B"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"started_from": "2025-02-10"}, ["PRY-B", "PRY-C"]),
        ({"started_until": "2025-02-10"}, ["PRY-C", "PRY-A"]),
        ({"started_from": "2025-02-01", "started_until": "2025-02-28"}, ["PRY-C"]),
        ({"started_from": "01/02/2025", "started_until": "28/02/2025"}, ["PRY-C"]),
    ],
)
def test_it_filters_projects_by_start_date_range(
    client_as, executive, three_projects, params, expected
):
    response = client_as(executive).get(URL, params)

    assert listed_codes(response) == expected


def test_it_combines_search_status_and_dates(client_as, executive, three_projects):
    params = {"q": "PRY", "status": ProjectStatus.PLANNED, "started_until": "2025-01-31"}

    response = client_as(executive).get(URL, params)

    assert listed_codes(response) == ["PRY-A"]


@pytest.mark.parametrize(
    "params",
    [
        {"started_from": "not-a-date"},
        {"started_until": "2025-13-45"},
        {"status": "bogus"},
        {"order": "password"},
        {"q": "x" * 5000},
    ],
)
def test_it_answers_invalid_filter_input_without_crashing(
    client_as, executive, three_projects, params
):
    response = client_as(executive).get(URL, params)

    assert response.status_code == 200


def test_it_explains_an_invalid_date_next_to_the_field(client_as, executive, three_projects):
    response = client_as(executive).get(URL, {"started_from": "not-a-date"})

    assert response.context["filter"].form.errors["started_from"]
    assert "invalid-feedback" in response.content.decode()


def test_it_filters_through_htmx_as_well(client_as, executive, three_projects):
    response = client_as(executive).get(URL, {"q": "acueducto"}, **HTMX)

    assert listed_codes(response) == ["PRY-B"]


# Ordering -----------------------------------------------------------------------------------


def test_it_orders_by_latest_start_date_by_default(client_as, executive, three_projects):
    response = client_as(executive).get(URL)

    assert listed_codes(response) == ["PRY-B", "PRY-C", "PRY-A"]


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ("code", "ABC"),
        ("name", "BCA"),
        ("client", "CAB"),
        ("status", "CBA"),
        ("start", "ACB"),
        ("end", "BAC"),
    ],
)
def test_it_orders_projects_by_each_sortable_column(
    client_as, executive, three_projects, order, expected
):
    user_client = client_as(executive)

    ascending = listed_codes(user_client.get(URL, {"order": order}))
    descending = listed_codes(user_client.get(URL, {"order": f"-{order}"}))

    assert ascending == [f"PRY-{letter}" for letter in expected]
    assert descending == [f"PRY-{letter}" for letter in reversed(expected)]


@pytest.mark.parametrize("order", [None, "start", "-start", "end", "-end"])
def test_it_lists_undated_projects_last_in_either_direction(
    client_as, executive, three_projects, order
):
    ProjectFactory(code="PRY-0-SIN-FECHA", start_date=None, end_date=None)

    response = client_as(executive).get(URL, {"order": order} if order else {})

    assert listed_codes(response)[-1] == "PRY-0-SIN-FECHA"


def test_it_marks_the_sorted_column_and_links_to_the_reverse_order(
    client_as, executive, three_projects
):
    html = client_as(executive).get(URL, {"order": "-start", "page": "1"}).content.decode()

    assert 'aria-sort="descending"' in html
    assert 'href="?order=start"' in html


def test_it_keeps_the_order_and_filters_across_pages(client_as, executive):
    for n in range(30):
        ProjectFactory(code=f"PRY-{n:03d}", status=ProjectStatus.IN_PROGRESS)

    response = client_as(executive).get(URL, {"order": "-code", "status": "in_progress"})

    html = response.content.decode()
    assert "order=-code" in html
    assert "page=2" in html
    assert "status=in_progress" in html


@pytest.mark.parametrize("order", ["status", "-status", "client", "start", "-end"])
def test_it_never_repeats_or_skips_a_project_across_pages_when_sorting_by_ties(
    client_as, executive, order
):
    # 120 rows sharing every sortable value: enough for PostgreSQL's sort to shuffle ties
    # differently from one LIMIT/OFFSET to the next when no unique column breaks them.
    same_client = ClientFactory()
    same_day = datetime.date(2025, 1, 1)
    Project.objects.bulk_create(
        Project(
            code=f"PRY-{(n * 7) % 120:03d}",
            name="Mismo nombre",
            client=same_client,
            status=ProjectStatus.IN_PROGRESS,
            start_date=same_day,
            end_date=same_day,
        )
        for n in range(120)
    )
    user_client = client_as(executive)

    seen = []
    for page in range(1, 6):
        seen += listed_codes(user_client.get(URL, {"order": order, "page": page}))

    assert sorted(seen) == [f"PRY-{n:03d}" for n in range(120)]


# Pagination ---------------------------------------------------------------------------------


@pytest.fixture
def thirty_projects(db):
    client = ClientFactory()
    return [ProjectFactory(code=f"PRY-{n:03d}", client=client) for n in range(30)]


def test_it_shows_25_projects_per_page(client_as, executive, thirty_projects):
    response = client_as(executive).get(URL, {"order": "code"})

    page = response.context["page_obj"]
    assert page.number == 1
    assert page.paginator.count == 30
    assert listed_codes(response) == [f"PRY-{n:03d}" for n in range(25)]
    assert 'rel="next"' in response.content.decode()


def test_it_shows_the_rest_on_page_2(client_as, executive, thirty_projects):
    response = client_as(executive).get(URL, {"order": "code", "page": "2"})

    assert response.context["page_obj"].number == 2
    assert listed_codes(response) == [f"PRY-{n:03d}" for n in range(25, 30)]
    assert 'rel="prev"' in response.content.decode()


def test_it_paginates_the_htmx_partial(client_as, executive, thirty_projects):
    response = client_as(executive).get(URL, {"order": "code", "page": "2"}, **HTMX)

    assert "<html" not in response.content.decode()
    assert listed_codes(response) == [f"PRY-{n:03d}" for n in range(25, 30)]


@pytest.mark.parametrize(("page", "expected"), [("99", 2), ("-1", 2), ("abc", 1), ("", 1)])
def test_it_falls_back_to_a_valid_page_for_a_bad_page_number(
    client_as, executive, thirty_projects, page, expected
):
    response = client_as(executive).get(URL, {"page": page})

    assert response.status_code == 200
    assert response.context["page_obj"].number == expected


# Query count --------------------------------------------------------------------------------


def project_with_contractors(n: int) -> None:
    contractors = ContractorFactory.create_batch(3)
    for _ in range(n):
        ProjectFactory(contractors=contractors)


@pytest.mark.parametrize("rows", [1, 50])
def test_it_runs_a_fixed_number_of_queries_whatever_the_volume(
    client_as, executive, django_assert_num_queries, rows
):
    project_with_contractors(rows)
    user_client = client_as(executive)
    user_client.get(URL)  # the first request of a session stamps it; measure the next one

    with django_assert_num_queries(8):  # + the client visibility setting
        response = user_client.get(URL, {"q": "PRY", "order": "client"})

    assert response.context["page_obj"].paginator.count == rows


@pytest.mark.parametrize("rows", [1, 50])
def test_its_htmx_partial_runs_a_fixed_number_of_queries(
    client_as, executive, django_assert_num_queries, rows
):
    project_with_contractors(rows)
    user_client = client_as(executive)
    user_client.get(URL)

    with django_assert_num_queries(8):
        user_client.get(URL, {"q": "PRY"}, **HTMX)
