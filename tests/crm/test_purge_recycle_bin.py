from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from crm.models import ChangeRecord, Client, Contact, Opportunity
from crm.recycle_bin import RETENTION_DAYS
from crm.services import client_delete
from tests.factories import ClientFactory, ContactFactory, OpportunityFactory

pytestmark = pytest.mark.django_db


def deleted_days_ago(days: int, *, by) -> Client:
    client = ClientFactory.create(owner=by)  # only its owner (or a manager) deletes it
    ContactFactory.create(client=client, is_primary=True)
    with time_machine.travel(timezone.now() - timedelta(days=days)):
        client_delete(user=by, client_id=client.pk)
    return client


def purge(*args) -> str:
    output = StringIO()
    call_command("purge_recycle_bin", *args, stdout=output)
    return output.getvalue()


def exists(client: Client) -> bool:
    return Client.all_objects.filter(pk=client.pk).exists()


def test_it_keeps_thirty_days_as_the_retention():
    assert RETENTION_DAYS == 30


def test_a_client_deleted_31_days_ago_is_purged_with_its_contacts_and_history(executive):
    old = deleted_days_ago(31, by=executive)

    output = purge()

    assert not exists(old)
    assert not Contact.all_objects.filter(client_id=old.pk).exists()
    assert not ChangeRecord.objects.filter(client_id=old.pk).exists()
    assert "crm.Client: 1 purged" in output
    assert "crm.Contact 1" in output


def test_a_client_deleted_29_days_ago_stays_in_the_bin(executive):
    recent = deleted_days_ago(29, by=executive)

    purge()

    assert exists(recent)
    assert Client.all_objects.get(pk=recent.pk).is_deleted


def test_live_clients_are_untouched(executive):
    live = ClientFactory.create()
    ContactFactory.create(client=live)

    purge()

    assert Client.objects.filter(pk=live.pk).exists()
    assert live.contacts.count() == 1


def test_a_contact_deleted_on_its_own_long_ago_is_purged(executive):
    client = ClientFactory.create()
    gone = ContactFactory.create(client=client)
    Contact.objects.filter(pk=gone.pk).update(
        deleted_at=timezone.now() - timedelta(days=40), deleted_by=executive
    )

    purge()

    assert not Contact.all_objects.filter(pk=gone.pk).exists()
    assert Client.objects.filter(pk=client.pk).exists()


def test_dry_run_only_counts(executive):
    old = deleted_days_ago(31, by=executive)

    output = purge("--dry-run")

    assert exists(old)
    assert "crm.Client: 1 would be purged" in output
    assert "nothing deleted" in output


def test_running_it_twice_deletes_nothing_more(executive):
    old = deleted_days_ago(31, by=executive)
    recent = deleted_days_ago(5, by=executive)
    purge()

    output = purge()

    assert not exists(old) and exists(recent)
    assert "crm.Client: 0 purged" in output
    assert "0 records" in output


def test_a_client_and_its_opportunity_both_long_deleted_go_in_one_run(executive):
    old = deleted_days_ago(31, by=executive)
    opportunity = OpportunityFactory.create(client=old)
    Opportunity.all_objects.filter(pk=opportunity.pk).update(
        deleted_at=timezone.now() - timedelta(days=31), deleted_by=executive
    )

    purge()

    assert not exists(old)
    assert not Opportunity.all_objects.filter(pk=opportunity.pk).exists()


def test_a_client_something_still_refers_to_is_kept_and_the_rest_purged(executive):
    protected = deleted_days_ago(31, by=executive)
    OpportunityFactory.create(client=protected)  # live: the client cannot go yet
    old = deleted_days_ago(31, by=executive)

    output = purge()

    assert exists(protected) and not exists(old)
    assert "crm.Client: 1 purged" in output
    assert "1 kept because other records still refer to them" in output
