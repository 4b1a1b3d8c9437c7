"""Integers typed or posted by a user (ids, versions, counts, pages) are checked against the
column's range before any query: a 20-digit id is "no such record", never an OverflowError
(SQLite answered 500 on `contacts-0-id=99999999999999999999` and on the bulk segment's ids)."""

import pytest
from django.urls import reverse

from crm.forms.base import int_or_none
from crm.models import Client, Contact
from tests.crm.test_client_form import edit_payload, edit_url
from tests.factories import ActivityFactory, ClientFactory, ContactFactory, OpportunityFactory

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"  # 20 digits: more than a 64-bit column holds
BIGINT_MAX = 2**63 - 1


@pytest.fixture
def saved_client(executive):
    existing = ClientFactory(owner=executive)
    ContactFactory(client=existing, name="Carmen Rodríguez", is_primary=True)
    ContactFactory(client=existing, name="José Pérez", is_primary=False)
    return existing


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("12", 12),
        (" 7 ", 7),
        (str(BIGINT_MAX), BIGINT_MAX),
        (str(BIGINT_MAX + 1), None),
        (HUGE, None),
        ("-" + HUGE, None),
        ("²", None),  # a digit to str.isdigit(), not to int()
        ("1_000", None),  # int() reads it; nobody types it
        ("1e3", None),
        ("", None),
        (None, None),
        ("9" * 5000, None),  # past int()'s digit limit
    ],
)
def test_a_submitted_integer_is_read_only_within_the_columns_range(typed, read):
    assert int_or_none(typed) == read


def test_a_positive_column_refuses_a_negative_number():
    assert int_or_none("-1", column="PositiveIntegerField") is None
    assert int_or_none("-1") == -1


def test_the_client_edit_form_takes_a_20_digit_contact_id_as_no_contact_of_this_client(
    client_as, executive, saved_client
):
    data = edit_payload(saved_client)
    data["contacts-0-id"] = HUGE

    response = client_as(executive).post(edit_url(saved_client), data)

    assert response.status_code == 200
    assert "no pertenece al cliente" in response.content.decode()
    assert Contact.objects.filter(client=saved_client).count() == 2


def test_the_client_edit_form_takes_a_20_digit_version_as_invalid(
    client_as, executive, saved_client
):
    data = edit_payload(saved_client)
    data["version"] = HUGE
    data["contacts-0-version"] = HUGE

    response = client_as(executive).post(edit_url(saved_client), data)

    assert response.status_code == 200
    assert "Este formulario está desactualizado o fue alterado." in response.content.decode()
    saved_client.refresh_from_db()
    assert saved_client.version == 1


def test_the_bulk_segment_refuses_a_20_digit_id_as_a_client_not_in_the_list(client_as, manager):
    client = ClientFactory(segment="B")

    response = client_as(manager).post(
        reverse("crm:client_bulk_segment"), {"ids": [HUGE, str(client.pk)], "segment": "A"}
    )

    assert response.status_code == 302
    client.refresh_from_db()
    assert client.segment == "B"


def test_the_bulk_segment_with_only_a_20_digit_id_changes_nothing(client_as, manager):
    client = ClientFactory(segment="B")

    response = client_as(manager).post(
        reverse("crm:client_bulk_segment"), {"ids": [HUGE], "segment": "A"}
    )

    assert response.status_code in (200, 302)
    assert Client.objects.get(pk=client.pk).segment == "B"


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("crm:complaint_create", {"client": HUGE}),
        ("crm:complaint_create", {"client": "²"}),
        ("crm:activity_create", {"client": HUGE, "opportunity": HUGE}),
        ("crm:opportunity_create", {"client": HUGE}),
        ("crm:opportunity_client_contacts", {"client": HUGE}),
        ("crm:client_list", {"page": HUGE}),
        ("crm:opportunity_list", {"page": HUGE, "owner": HUGE}),
        ("crm:client_list", {"owner": HUGE, "industry": HUGE}),
        ("crm:activity_list", {"owner": HUGE, "page": HUGE}),
        ("crm:report_sales", {"ejecutivo": HUGE, "industria": HUGE}),
        ("dashboard:home", {"ejecutivo": HUGE}),
        ("documents:list", {"uploaded_by": HUGE}),
    ],
)
def test_a_20_digit_id_in_a_query_string_never_breaks_a_page(client_as, manager, name, query):
    assert client_as(manager).get(reverse(name), query).status_code in (200, 404)


def test_a_20_digit_version_or_page_on_the_board_and_the_move_page(client_as, executive):
    opportunity = OpportunityFactory(client=ClientFactory(owner=executive))
    user_client = client_as(executive)
    move = reverse("crm:opportunity_move", args=[opportunity.pk])
    column = reverse("crm:opportunity_board_column", args=["prospecting"])

    assert user_client.get(move, {"version": HUGE}).status_code == 200
    assert user_client.post(move, {"to_stage": "qualification", "version": HUGE}).status_code in (
        200,
        302,
    )
    assert user_client.get(column, {"page": HUGE}).status_code in (200, 404)
    assert user_client.get(opportunity.get_absolute_url(), {"timeline": HUGE}).status_code == 200


def test_a_20_digit_activity_to_cancel_when_winning(client_as, executive):
    opportunity = OpportunityFactory(client=ClientFactory(owner=executive), stage="closing")
    ActivityFactory(owner=executive, opportunity=opportunity, client=opportunity.client)

    response = client_as(executive).post(
        reverse("crm:opportunity_win", args=[opportunity.pk]),
        {"version": opportunity.version, "cancel_activities": [HUGE, "²"]},
    )

    assert response.status_code in (200, 302)
