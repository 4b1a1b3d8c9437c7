"""CompanySettings.load() reads its row once per request, however many places ask (issue 13,
item 5), and a change is seen at once: by the next request, and within a request after save."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import CompanySettings, Visibility, company_settings_per_request
from tests.factories import ClientFactory, OpportunityFactory

pytestmark = pytest.mark.django_db

TABLE = CompanySettings._meta.db_table


def settings_queries(captured) -> int:
    return sum(TABLE in query["sql"] for query in captured)


@pytest.mark.parametrize(
    "page", ["dashboard:home", "crm:client_list", "crm:opportunity_board", "crm:activity_list"]
)
def test_a_page_reads_the_company_settings_once(client, executive, page):
    opportunity = OpportunityFactory(client=ClientFactory(owner=executive), owner=executive)
    client.force_login(executive)
    client.get(reverse("crm:opportunity_detail", args=[opportunity.pk]))  # the row exists

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(page))

    assert response.status_code == 200
    assert settings_queries(queries.captured_queries) == 1


def test_the_next_request_sees_a_change(client, executive, other_executive):
    ClientFactory(owner=other_executive, name="Cliente De Otro")
    settings = CompanySettings.load()
    settings.client_visibility = Visibility.OWN
    settings.save()
    client.force_login(executive)
    assert "Cliente De Otro" not in client.get(reverse("crm:client_list")).text

    settings.client_visibility = Visibility.VIEW_ALL
    settings.save()

    assert "Cliente De Otro" in client.get(reverse("crm:client_list")).text


def test_within_a_request_it_is_read_once_and_again_after_a_save():
    CompanySettings.load()  # the row exists (its first load also inserts it)

    with company_settings_per_request(), CaptureQueriesContext(connection) as queries:
        first = CompanySettings.load()
        assert CompanySettings.load() is first
        assert settings_queries(queries.captured_queries) == 1

        first.digest_hour = 9
        first.save()
        again = CompanySettings.load()

    assert again is not first
    assert again.digest_hour == 9


def test_outside_a_request_every_call_reads_the_row():
    CompanySettings.load()

    with CaptureQueriesContext(connection) as queries:
        assert CompanySettings.load() is not CompanySettings.load()

    assert settings_queries(queries.captured_queries) == 2
