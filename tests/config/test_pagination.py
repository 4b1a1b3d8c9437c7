"""The shared paginator (config.pagination): keys first, the back half read from the end.

Every page of every sort, put end to end, must be exactly the list in its order (no row
repeated or skipped, ties and NULLs included), in the same number of queries whatever the
page, with Django's page-number semantics kept."""

from decimal import Decimal

import pytest
from django.core.paginator import UnorderedObjectListWarning
from django.db import connection
from django.db.models import F
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from config.pagination import KeysFirstPaginator, paginate
from crm.filters.clients import ClientFilter
from crm.models import Client, Industry, Opportunity, Stage
from crm.opportunities.filters import OpportunityFilter
from crm.opportunities.selectors.list import opportunity_list, opportunity_list_totals
from crm.selectors.clients import client_list
from tests.factories import ClientFactory, OpportunityFactory, UserFactory

pytestmark = pytest.mark.django_db


def page_request(page):
    return RequestFactory().get("/", {} if page is None else {"page": page})


@pytest.fixture
def pipeline():
    """23 opportunities with many ties (value, probability, stage, owner) and a deleted one."""
    owners = [
        UserFactory(first_name=name, last_name="Pérez", roles=[Role.EXECUTIVE])
        for name in ("Zoe", "Ana", "Ana")
    ]
    industry = Industry.objects.create(name="Banca")
    stages = list(Stage.values)
    for n in range(23):
        client = ClientFactory(
            name=f"Cliente {n % 5}",
            owner=owners[n % 3],
            segment="ABC"[n % 3],
            industry=industry if n % 4 else None,
        )
        OpportunityFactory(
            client=client,
            name=f"Oportunidad {n % 7}",
            estimated_value=Decimal(1000 * (n % 4)),
            probability=10 * (n % 3),
            stage=stages[n % len(stages)],
        )
    gone = OpportunityFactory(name="Borrada")
    Opportunity.objects.filter(pk=gone.pk).update(deleted_at=gone.stage_changed_at)
    return owners


def all_pages(queryset, per_page=4, count=None):
    """Every page's rows end to end, and the number of pages."""
    first = paginate(page_request(1), queryset, per_page=per_page, count=count)
    rows = []
    for number in first.paginator.page_range:
        rows += list(paginate(page_request(number), queryset, per_page=per_page, count=count))
    return rows, first.paginator.num_pages


OPPORTUNITY_SORTS = ["name", "client", "stage", "value", "probability", "close", "owner"]
CLIENT_SORTS = [
    "name",
    "tax_id",
    "segment",
    "owner",
    "industry",
    "updated",
    "opportunities",
    "last_activity",
]


@pytest.mark.parametrize("sign", ["", "-"])
@pytest.mark.parametrize("sort", OPPORTUNITY_SORTS)
def test_the_pages_of_every_opportunity_sort_are_the_list_in_order(pipeline, sort, sign):
    manager = UserFactory(roles=[Role.MANAGER])
    filters = OpportunityFilter({"order": sign + sort})
    rows = opportunity_list(user=manager, filters=filters)
    totals = opportunity_list_totals(user=manager, filters=filters)
    expected = list(rows)
    assert len(expected) == 23 == totals.count
    paged, num_pages = all_pages(rows, count=totals.count)
    assert [row.pk for row in paged] == [row.pk for row in expected]
    assert num_pages == 6
    # Each row keeps the annotations the list shows.
    assert all(hasattr(row, "follow_up_state") and hasattr(row, "user_can_edit") for row in paged)


@pytest.mark.parametrize("sign", ["", "-"])
@pytest.mark.parametrize("sort", CLIENT_SORTS)
def test_the_pages_of_every_client_sort_are_the_list_in_order(pipeline, sort, sign):
    rows = client_list(user=pipeline[0], filters=ClientFilter({"order": sign + sort}))
    expected = [row.pk for row in rows]
    assert len(expected) == Client.objects.count()
    paged, _num_pages = all_pages(rows, per_page=3)
    assert [row.pk for row in paged] == expected


def test_a_late_page_is_read_from_the_end_in_the_same_queries(pipeline, django_assert_num_queries):
    rows = Opportunity.objects.order_by(F("probability").desc(nulls_last=True))
    with django_assert_num_queries(2):  # the count and the page
        first = list(paginate(page_request(1), rows, per_page=5))
    with django_assert_num_queries(2):
        last = list(paginate(page_request(5), rows, per_page=5))
    ordered = list(rows.order_by("-probability", "pk"))
    assert first == ordered[:5]
    assert last == ordered[20:]


def test_the_page_reads_its_keys_first_and_a_late_page_from_the_end(pipeline):
    manager = UserFactory(roles=[Role.MANAGER])
    rows = client_list(user=manager, filters=ClientFilter({}))
    count = rows.count()
    with CaptureQueriesContext(connection) as first:
        list(paginate(page_request(1), rows, per_page=5, count=count))
    with CaptureQueriesContext(connection) as last:
        list(paginate(page_request(99), rows, per_page=5, count=count))
    (first_sql,), (last_sql,) = [query["sql"] for query in first], [q["sql"] for q in last]
    # The keys come from a bare subquery (no per-row subquery inside it), in the list's
    # order for an early page and in the reversed order for a late one.
    marker = '"crm_client"."id" IN (SELECT '
    keys = first_sql[first_sql.index(marker) :]
    assert "LIMIT 5" in keys and "ORDER BY" in keys and keys.count("SELECT") == 1
    late_keys = last_sql[last_sql.index(marker) :]
    assert '"name" DESC' in late_keys and "OFFSET" not in late_keys


def test_bad_or_too_large_page_numbers_give_the_nearest_page(pipeline):
    rows = Opportunity.objects.order_by("name", "pk")
    assert paginate(page_request("abc"), rows, per_page=10).number == 1
    assert paginate(page_request(None), rows, per_page=10).number == 1
    last = paginate(page_request(999), rows, per_page=10)
    assert (last.number, last.paginator.num_pages, len(last)) == (3, 3, 3)
    assert list(last) == list(rows)[20:]
    assert paginate(page_request(-2), rows, per_page=10).number == 3


def test_a_known_count_saves_the_count_query(pipeline, django_assert_num_queries):
    rows = Opportunity.objects.order_by("name", "pk")
    with django_assert_num_queries(1):
        page = paginate(page_request(2), rows, per_page=10, count=23)
        assert len(list(page)) == 10


def test_an_empty_list_has_one_empty_page(db, django_assert_num_queries):
    with django_assert_num_queries(1):
        page = paginate(page_request(3), Opportunity.objects.all())
        assert (page.number, list(page)) == (1, [])


def test_lists_and_values_querysets_are_sliced_as_django_does(pipeline):
    assert list(paginate(page_request(2), list(range(30)), per_page=10)) == list(range(10, 20))
    names = Opportunity.objects.order_by("name", "pk").values_list("name", flat=True)
    assert list(paginate(page_request(3), names, per_page=10)) == list(names)[20:]


def test_an_unordered_queryset_gets_the_pk_order(pipeline):
    with pytest.warns(UnorderedObjectListWarning):
        paginator = KeysFirstPaginator(Opportunity.objects.order_by(), 10)
    rows = list(paginator.page(1)) + list(paginator.page(2)) + list(paginator.page(3))
    assert [row.pk for row in rows] == sorted(Opportunity.objects.values_list("pk", flat=True))
