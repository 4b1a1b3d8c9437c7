import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from crm.concurrency import StaleVersionError
from crm.models import ChangeRecord, Client, Contact
from crm.services import (
    ContactInput,
    client_create,
    client_delete,
    client_restore,
    client_update,
    clients_set_segment,
)
from tests.factories import ClientFactory, ContactFactory, ProjectFactory, valid_rif

pytestmark = pytest.mark.django_db


def client_data(owner, **overrides):
    data = {
        "name": "Alimentos La Sabana, C.A.",
        "tax_id": valid_rif(30567123),
        "kind": "company",
        "segment": "A",
        "owner": owner,
        "email": "compras@lasabana.com.ve",
    }
    data.update(overrides)
    return data


def test_create_saves_the_client_its_contacts_and_a_created_history_row(executive):
    client = client_create(
        user=executive,
        data=client_data(executive),
        contacts=[
            ContactInput(name="Ana Pérez", position="Compras", is_primary=True),
            ContactInput(name="Luis Díaz", position="Finanzas"),
        ],
    )
    assert client.version == 1 and client.created_by == executive
    assert list(client.contacts.values_list("name", "is_primary")) == [
        ("Ana Pérez", True),
        ("Luis Díaz", False),
    ]
    assert client.change_records.filter(action=ChangeRecord.Action.CREATED).count() == 3


def test_create_refuses_a_rif_already_used_by_a_live_client(executive):
    existing = ClientFactory()
    with pytest.raises(ValidationError) as error:
        client_create(user=executive, data=client_data(executive, tax_id=existing.tax_id))
    assert "RIF/NIT" in str(error.value)


def test_a_deleted_clients_rif_can_be_used_again(executive):
    old = ClientFactory(owner=executive)
    client_delete(user=executive, client_id=old.pk)
    new = client_create(user=executive, data=client_data(executive, tax_id=old.tax_id))
    assert new.pk != old.pk


def test_update_records_each_changed_field_and_bumps_the_version(executive, manager):
    client = ClientFactory(segment="B", phone="")
    updated = client_update(
        user=manager,
        client_id=client.pk,
        expected_version=1,
        data={"segment": "A", "phone": "+58 212-5550101"},
    )
    assert updated.version == 2
    changes = {
        (c.field, c.old_value, c.new_value, c.changed_by_id, c.version)
        for c in ChangeRecord.objects.filter(action=ChangeRecord.Action.CHANGED)
    }
    assert changes == {
        ("segment", "B", "A", manager.pk, 2),
        ("phone", "", "+58 212-5550101", manager.pk, 2),
    }


def test_a_save_from_an_old_version_is_refused_and_changes_nothing(executive, other_executive):
    client = ClientFactory(name="Original")
    client_update(user=executive, client_id=client.pk, expected_version=1, data={"name": "A"})
    with pytest.raises(StaleVersionError) as error:
        client_update(
            user=other_executive, client_id=client.pk, expected_version=1, data={"name": "B"}
        )
    assert error.value.current.name == "A"
    client.refresh_from_db()
    assert client.name == "A" and client.version == 2


def test_the_database_allows_only_one_primary_contact_per_client():
    client = ClientFactory()
    ContactFactory(client=client, is_primary=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Contact.objects.create(client=client, name="Otro", is_primary=True)


def test_switching_the_primary_contact_in_one_save(executive):
    client = ClientFactory()
    first = ContactFactory(client=client, is_primary=True)
    second = ContactFactory(client=client, is_primary=False)
    client_update(
        user=executive,
        client_id=client.pk,
        expected_version=client.version,
        data={},
        contacts=[
            ContactInput(id=second.pk, version=1, name=second.name, is_primary=True),
            ContactInput(id=first.pk, version=1, name=first.name, is_primary=False),
        ],
    )
    assert client.contacts.get(is_primary=True) == second


def test_removing_a_contact_soft_deletes_it(executive):
    client = ClientFactory()
    contact = ContactFactory(client=client)
    client_update(
        user=executive,
        client_id=client.pk,
        expected_version=1,
        data={},
        contacts=[ContactInput(id=contact.pk, version=1, name=contact.name, delete=True)],
    )
    assert not client.contacts.exists()
    assert Contact.all_objects.get(pk=contact.pk).deleted_by == executive


def test_a_stale_contact_edit_is_refused(executive):
    client = ClientFactory()
    contact = ContactFactory(client=client, version=3)
    with pytest.raises(StaleVersionError):
        client_update(
            user=executive,
            client_id=client.pk,
            expected_version=1,
            data={},
            contacts=[ContactInput(id=contact.pk, version=2, name="Nuevo nombre")],
        )
    contact.refresh_from_db()
    assert contact.name != "Nuevo nombre"


def test_delete_hides_the_client_and_restore_brings_it_back(executive):
    client = ClientFactory(owner=executive)
    client_delete(user=executive, client_id=client.pk)
    assert not Client.objects.filter(pk=client.pk).exists()
    deleted = Client.all_objects.get(pk=client.pk)
    assert deleted.deleted_by == executive and deleted.purge_after is not None

    client_restore(user=executive, client_id=client.pk)
    assert Client.objects.filter(pk=client.pk).exists()
    actions = list(client.change_records.values_list("action", flat=True))
    assert actions[:2] == [ChangeRecord.Action.RESTORED, ChangeRecord.Action.DELETED]


def test_restore_is_refused_when_the_rif_was_reused(executive):
    client = ClientFactory(owner=executive)
    client_delete(user=executive, client_id=client.pk)
    ClientFactory(tax_id=client.tax_id)
    with pytest.raises(ValidationError):
        client_restore(user=executive, client_id=client.pk)


def test_a_client_with_projects_cannot_be_deleted(executive):
    project = ProjectFactory(client__owner=executive)
    with pytest.raises(ValidationError):
        client_delete(user=executive, client_id=project.client_id)


def test_bulk_segment_changes_only_what_differs_and_writes_history(executive):
    a = ClientFactory(segment="A")
    b = ClientFactory(segment="B")
    changed = clients_set_segment(
        user=executive, clients=Client.objects.filter(pk__in=[a.pk, b.pk]), segment="A"
    )
    assert changed == 1
    b.refresh_from_db()
    assert b.segment == "A" and b.version == 2
    assert b.change_records.get(field="segment").old_value == "B"


def test_bulk_segment_refuses_an_unknown_segment(executive):
    with pytest.raises(ValidationError):
        clients_set_segment(user=executive, clients=Client.objects.all(), segment="Z")
