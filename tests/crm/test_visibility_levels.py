"""The three visibility levels of CompanySettings (per entity) and the one edit rule behind
them: "Solo propias", "Ver todas, editar propias" (the default) and "Ver y editar todas".
Managers always edit everything; a share with level "edit" opens one record for changes;
activities and complaints follow their opportunity, else their client."""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from guardian.shortcuts import assign_perm

from accounts.models import CompanySettings, Visibility
from crm.opportunities.selectors.visibility import (
    get_editable_opportunity_or_403,
    opportunities_editable_by,
    opportunities_visible_to,
    user_can_edit_opportunity,
)
from crm.opportunities.services import opportunity_share
from crm.selectors.activities import get_editable_activity_or_403
from crm.selectors.clients import (
    clients_editable_by,
    clients_visible_to,
    get_client_for_user_or_404,
    user_can_edit_client,
)
from crm.selectors.complaints import get_editable_complaint_or_403
from crm.services.complaints import complaint_create
from tests.factories import ActivityFactory, ClientFactory, ContactFactory, OpportunityFactory

pytestmark = pytest.mark.django_db


def set_visibility(level: str) -> None:
    settings = CompanySettings.load()
    settings.client_visibility = level
    settings.opportunity_visibility = level
    settings.save()


@pytest.fixture
def records(executive, other_executive):
    """The executive's and the other executive's client with an opportunity each."""
    mine = ClientFactory(owner=executive, name="Cliente Propio")
    theirs = ClientFactory(owner=other_executive, name="Cliente Ajeno")
    return {
        "my_client": mine,
        "their_client": theirs,
        "my_opportunity": OpportunityFactory(client=mine, name="Oportunidad Propia"),
        "their_opportunity": OpportunityFactory(client=theirs, name="Oportunidad Ajena"),
    }


# The rule, in the selectors -------------------------------------------------------------------

LEVELS = {
    # level: (sees theirs, edits theirs)
    Visibility.OWN: (False, False),
    Visibility.VIEW_ALL: (True, False),
    Visibility.EDIT_ALL: (True, True),
}


@pytest.mark.parametrize("level", list(LEVELS))
def test_each_level_decides_what_an_executive_sees_and_edits(level, executive, records):
    set_visibility(level)
    sees, edits = LEVELS[level]
    mine, theirs = records["my_opportunity"], records["their_opportunity"]

    assert set(opportunities_visible_to(user=executive)) == ({mine, theirs} if sees else {mine})
    assert set(opportunities_editable_by(user=executive)) == ({mine, theirs} if edits else {mine})
    assert user_can_edit_opportunity(user=executive, opportunity=mine)
    assert user_can_edit_opportunity(user=executive, opportunity=theirs) is edits
    clients = {records["my_client"], records["their_client"]}
    assert set(clients_visible_to(user=executive)) == (clients if sees else {records["my_client"]})
    editable = set(clients_editable_by(user=executive))
    assert editable == (clients if edits else {records["my_client"]})
    assert user_can_edit_client(user=executive, client=records["their_client"]) is edits


@pytest.mark.parametrize("level", list(LEVELS))
def test_managers_see_and_edit_everything_whatever_the_level(level, manager, records):
    set_visibility(level)
    assert opportunities_editable_by(user=manager).count() == 2
    assert clients_editable_by(user=manager).count() == 2
    assert user_can_edit_opportunity(user=manager, opportunity=records["their_opportunity"])


def test_the_levels_are_per_entity(executive, records):
    settings = CompanySettings.load()
    settings.client_visibility = Visibility.EDIT_ALL
    settings.opportunity_visibility = Visibility.OWN
    settings.save()
    assert user_can_edit_client(user=executive, client=records["their_client"])
    assert records["their_opportunity"] not in opportunities_visible_to(user=executive)


def test_the_page_answers_404_out_of_scope_and_403_when_only_visible(executive, records):
    theirs = records["their_opportunity"]
    with pytest.raises(PermissionDenied):  # the default: view all, edit own
        get_editable_opportunity_or_403(user=executive, pk=theirs.pk)
    set_visibility(Visibility.OWN)
    with pytest.raises(Http404):
        get_editable_opportunity_or_403(user=executive, pk=theirs.pk)


def test_an_edit_share_opens_one_record_and_a_view_share_only_shows_it(
    executive, other_executive, records
):
    set_visibility(Visibility.OWN)
    theirs = records["their_opportunity"]
    opportunity_share(user=other_executive, opportunity=theirs, colleague=executive)
    assert theirs in opportunities_visible_to(user=executive)
    assert not user_can_edit_opportunity(user=executive, opportunity=theirs)
    opportunity_share(user=other_executive, opportunity=theirs, colleague=executive, level="edit")
    assert set(opportunities_editable_by(user=executive)) == {records["my_opportunity"], theirs}
    assert get_editable_opportunity_or_403(user=executive, pk=theirs.pk) == theirs


def test_a_client_edit_grant_opens_that_client(executive, records):
    theirs = records["their_client"]
    assign_perm("crm.change_client", executive, theirs)
    assert user_can_edit_client(user=executive, client=theirs)
    assert get_client_for_user_or_404(user=executive, pk=theirs.pk).user_can_edit


def test_the_editable_scope_costs_the_same_for_1_or_50_rows(executive, other_executive, records):
    set_visibility(Visibility.OWN)

    def cost() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            rows = list(opportunities_editable_by(user=executive))
        return len(queries.captured_queries), len(rows)

    cost()  # reads the user's roles once
    few = cost()
    for opportunity in OpportunityFactory.create_batch(49, client=records["their_client"]):
        opportunity_share(
            user=other_executive, opportunity=opportunity, colleague=executive, level="edit"
        )
    many = cost()
    assert many[1] == 50 and few[1] == 1
    assert many[0] == few[0]


# Activities and complaints follow their parent ------------------------------------------------


def test_an_activity_follows_its_opportunity(executive, other_executive, records):
    theirs = records["their_opportunity"]
    activity = ActivityFactory(opportunity=theirs)
    with pytest.raises(PermissionDenied):
        get_editable_activity_or_403(user=executive, pk=activity.pk)
    opportunity_share(user=other_executive, opportunity=theirs, colleague=executive, level="edit")
    assert get_editable_activity_or_403(user=executive, pk=activity.pk) == activity


def test_a_complaint_without_opportunity_follows_its_client(executive, other_executive, records):
    complaint = complaint_create(
        user=other_executive,
        client=records["their_client"],
        data={"subject": "Retraso", "description": "x", "area": "quality"},
    )
    with pytest.raises(PermissionDenied):
        get_editable_complaint_or_403(user=executive, pk=complaint.pk)
    set_visibility(Visibility.EDIT_ALL)
    assert get_editable_complaint_or_403(user=executive, pk=complaint.pk) == complaint


# Pages: no write controls on what the user may only view ------------------------------------


def test_the_opportunity_page_of_a_colleague_is_read_only(client_as, executive, records):
    page = client_as(executive).get(records["their_opportunity"].get_absolute_url())
    html = page.content.decode()
    assert page.status_code == 200
    for flag in ("can_edit", "can_follow_up", "can_move", "can_win", "can_lose", "can_delete"):
        assert not page.context[flag], flag
    assert 'data-testid="read-only"' in html
    assert "/editar/" not in html and "/seguimiento/" not in html and "/etapa/" not in html
    own = client_as(executive).get(records["my_opportunity"].get_absolute_url())
    assert own.context["can_edit"] and 'data-testid="read-only"' not in own.content.decode()


def test_the_board_lets_the_user_move_only_their_cards(client_as, executive, records):
    html = client_as(executive).get(reverse("crm:opportunity_board")).content.decode()
    mine, theirs = records["my_opportunity"], records["their_opportunity"]
    assert theirs.name in html  # seen...
    assert reverse("crm:opportunity_move", args=[mine.pk]) in html
    assert reverse("crm:opportunity_move", args=[theirs.pk]) not in html  # ...not moved


def test_the_list_offers_move_only_on_the_users_rows(client_as, executive, records):
    html = client_as(executive).get(reverse("crm:opportunity_list")).content.decode()
    assert reverse("crm:opportunity_move", args=[records["my_opportunity"].pk]) in html
    assert reverse("crm:opportunity_move", args=[records["their_opportunity"].pk]) not in html


def test_the_client_page_of_a_colleague_has_no_write_buttons(client_as, executive, records):
    theirs = records["their_client"]
    for tab in ("resumen", "actividades", "reclamos"):
        page = client_as(executive).get(reverse("crm:client_tab", args=[theirs.pk, tab]))
        html = page.content.decode()
        assert not page.context["can_edit"] and not page.context["can_delete"]
        assert reverse("crm:client_edit", args=[theirs.pk]) not in html
        assert f"{reverse('crm:activity_create')}?client={theirs.pk}" not in html
        assert f"{reverse('crm:complaint_create')}?client={theirs.pk}" not in html


def test_the_activity_form_refuses_a_client_the_user_may_only_view(client_as, executive, records):
    theirs = records["their_client"]
    ContactFactory(client=theirs)
    response = client_as(executive).post(
        reverse("crm:activity_create"),
        {"type": "call", "client": theirs.pk, "subject": "Llamada", "status": "done"},
    )
    assert response.status_code == 200
    assert "solo de consulta" in response.content.decode()
    assert not theirs.activities.exists()


# The data migration --------------------------------------------------------------------------


def test_the_migration_maps_the_old_all_to_view_and_edit_all_and_five_attempts_to_three():
    migration = importlib.import_module("accounts.migrations.0004_visibility_levels")
    CompanySettings.objects.update_or_create(
        pk=1,
        defaults={"client_visibility": "all", "opportunity_visibility": "own"},
    )
    CompanySettings.objects.filter(pk=1).update(no_answer_attempts=5)
    migration.forwards(apps, None)
    settings = CompanySettings.load()
    assert settings.client_visibility == Visibility.EDIT_ALL
    assert settings.opportunity_visibility == Visibility.OWN
    assert settings.no_answer_attempts == 3
