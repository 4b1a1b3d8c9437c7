import pytest
from django.http import Http404
from guardian.shortcuts import assign_perm

from accounts.models import CompanySettings, Visibility
from crm.selectors.clients import (
    clients_visible_to,
    deleted_clients_visible_to,
    get_client_for_user_or_404,
)
from crm.services import client_delete
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_mode():
    settings = CompanySettings.load()
    settings.client_visibility = Visibility.OWN
    settings.save()


def test_in_all_mode_an_executive_sees_every_live_client(executive, other_executive):
    mine = ClientFactory(owner=executive)
    theirs = ClientFactory(owner=other_executive)
    assert set(clients_visible_to(user=executive)) == {mine, theirs}


def test_in_own_mode_an_executive_sees_only_his_and_shared_clients(
    own_mode, executive, other_executive
):
    mine = ClientFactory(owner=executive)
    theirs = ClientFactory(owner=other_executive)
    shared = ClientFactory(owner=other_executive)
    assign_perm("crm.view_client", executive, shared)
    assert set(clients_visible_to(user=executive)) == {mine, shared}
    with pytest.raises(Http404):
        get_client_for_user_or_404(user=executive, pk=theirs.pk)


def test_managers_and_admins_always_see_all(own_mode, manager, administrator, executive):
    client = ClientFactory(owner=executive)
    assert client in clients_visible_to(user=manager)
    assert client in clients_visible_to(user=administrator)


def test_deleted_clients_are_out_of_every_scope(executive, manager):
    client = ClientFactory(owner=executive)
    client_delete(user=executive, client_id=client.pk)
    assert client not in clients_visible_to(user=manager)
    with pytest.raises(Http404):
        get_client_for_user_or_404(user=executive, pk=client.pk)


def test_the_recycle_bin_shows_what_a_user_deleted_and_everything_to_admins(
    executive, other_executive, administrator
):
    mine = ClientFactory(owner=executive)
    theirs = ClientFactory(owner=other_executive)
    client_delete(user=executive, client_id=mine.pk)
    client_delete(user=other_executive, client_id=theirs.pk)
    assert list(deleted_clients_visible_to(user=executive)) == [mine]
    assert set(deleted_clients_visible_to(user=administrator)) == {mine, theirs}
