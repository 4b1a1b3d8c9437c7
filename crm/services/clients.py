"""Writes to clients and contacts. Each service validates, saves, records history; atomic."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.notifications import notify
from crm.concurrency import lock_and_check
from crm.history import record_action, record_changes, snapshot
from crm.models import (
    CLIENT_FIELDS,
    CONTACT_FIELDS,
    ChangeRecord,
    Client,
    Contact,
    Opportunity,
    Segment,
)
from crm.ownership import check_may_delete, check_owner_change
from crm.services.currency import set_typed_amount
from crm.services.shares import ShareLevel, share_record, unshare_record


@dataclass
class ContactInput:
    """One row of the contacts part of the client form."""

    name: str
    position: str = ""
    email: str = ""
    phone: str = ""
    is_primary: bool = False
    id: int | None = None
    version: int | None = None
    delete: bool = False


@transaction.atomic
def client_create(*, user: User, data: dict, contacts: Sequence[ContactInput] = ()) -> Client:
    """Create a client with its contacts ("Crear Nuevo Cliente", steps 3 to 8)."""
    client = Client(created_by=user, **{name: data[name] for name in CLIENT_FIELDS if name in data})
    set_typed_amount(client, data, "potential", on=timezone.localdate())
    client.full_clean()
    client.save()
    record_changes(instance=client, client=client, before=None, user=user)
    _save_contacts(client=client, contacts=contacts, user=user)
    return client


@transaction.atomic
def client_update(
    *,
    user: User,
    client_id: int,
    expected_version: int,
    data: dict,
    contacts: Sequence[ContactInput] = (),
) -> Client:
    """Save a client edited from `expected_version`; raise StaleVersionError if it moved on.
    Only managers change the owner (`crm.ownership.check_owner_change`)."""
    client = lock_and_check(Client, pk=client_id, expected_version=expected_version)
    before = snapshot(client)
    old_owner_id = client.owner_id
    set_typed_amount(client, data, "potential", on=timezone.localdate())
    for name in CLIENT_FIELDS:
        if name in data and name != "potential":
            setattr(client, name, data[name])
    check_owner_change(user=user, old_owner_id=old_owner_id, new_owner_id=client.owner_id)
    client.version += 1
    client.full_clean()
    client.save()
    record_changes(instance=client, client=client, before=before, user=user)
    _save_contacts(client=client, contacts=contacts, user=user)
    return client


def _lone_contact_is_primary(*, client: Client, contacts: Sequence[ContactInput]) -> None:
    """The only contact a client keeps is its primary contact, ticked or not."""
    kept = [row for row in contacts if not row.delete]
    if len(kept) != 1:
        return
    mentioned = [row.id for row in contacts if row.id is not None]
    if not client.contacts.exclude(pk__in=mentioned).exists():
        kept[0].is_primary = True


def _save_contacts(*, client: Client, contacts: Sequence[ContactInput], user: User) -> None:
    _lone_contact_is_primary(client=client, contacts=contacts)
    # Deletions and demotions first, the primary last: the one-primary constraint holds at
    # every statement, not only at the end.
    ordered = sorted(contacts, key=lambda c: (not c.delete, c.is_primary))
    for row in ordered:
        if row.id is None:
            if row.delete:
                continue
            contact = Contact(
                client=client, created_by=user, **{f: getattr(row, f) for f in CONTACT_FIELDS}
            )
            contact.full_clean()
            contact.save()
            record_changes(instance=contact, client=client, before=None, user=user)
            continue
        # A row posted without its version is refused as stale: no version is negative.
        version = -1 if row.version is None else row.version
        contact = lock_and_check(Contact, pk=row.id, expected_version=version)
        if contact.client_id != client.pk or contact.is_deleted:
            raise ValidationError(_("This contact does not belong to the client."))
        if row.delete:
            soft_delete(contact, user=user)
            record_action(
                instance=contact, client=client, action=ChangeRecord.Action.DELETED, user=user
            )
            continue
        before = snapshot(contact)
        for field in CONTACT_FIELDS:
            setattr(contact, field, getattr(row, field))
        if snapshot(contact) == before:
            continue
        contact.version += 1
        contact.full_clean()
        contact.save()
        record_changes(instance=contact, client=client, before=before, user=user)


def soft_delete(instance: Client | Contact | Opportunity, *, user: User) -> None:
    instance.deleted_at = timezone.now()
    instance.deleted_by = user
    instance.version += 1
    instance.save(update_fields=["deleted_at", "deleted_by", "version", "updated_at"])


@transaction.atomic
def client_delete(*, user: User, client_id: int) -> Client:
    """Move a client (and with it its contacts) to the recycle bin: its owner or a manager."""
    client = Client.objects.select_for_update().get(pk=client_id)
    check_may_delete(user=user, record=client)
    if client.projects.exists():
        raise ValidationError(
            _("This client has projects, so it cannot be deleted. Ask an administrator.")
        )
    soft_delete(client, user=user)
    record_action(instance=client, client=client, action=ChangeRecord.Action.DELETED, user=user)
    return client


@transaction.atomic
def client_restore(*, user: User, client_id: int) -> Client:
    """Bring a client back from the recycle bin, unless its RIF/NIT was reused meanwhile."""
    client = Client.all_objects.select_for_update().get(pk=client_id, deleted_at__isnull=False)
    if client.merged_into is not None:
        raise ValidationError(
            _("This client was merged into %(survivor)s, which now has its records.")
            % {"survivor": client.merged_into.name}
        )
    if Client.objects.filter(tax_id=client.tax_id).exists():
        raise ValidationError(
            _("Another client with RIF/NIT %(tax_id)s was created after this one was deleted.")
            % {"tax_id": client.tax_id}
        )
    client.deleted_at = None
    client.deleted_by = None
    client.version += 1
    client.save(update_fields=["deleted_at", "deleted_by", "version", "updated_at"])
    record_action(instance=client, client=client, action=ChangeRecord.Action.RESTORED, user=user)
    return client


@transaction.atomic
def clients_set_segment(*, user: User, clients: QuerySet[Client], segment: str) -> int:
    """Bulk action: set the segment of the given (already scoped) clients; returns how many
    changed. Saved one by one through the model so that each change is in the history."""
    if segment not in Segment.values:
        raise ValidationError(_("Choose segment A, B or C."))
    changed = 0
    for client in clients.select_for_update(of=("self",)).select_related("industry", "owner"):
        if client.segment == segment:
            continue
        before = snapshot(client)
        client.segment = segment
        client.version += 1
        client.save(update_fields=["segment", "version", "updated_at"])
        record_changes(instance=client, client=client, before=before, user=user)
        changed += 1
    return changed


def client_share(
    *, user: User, client: Client, colleague: User, level: str = ShareLevel.VIEW
) -> None:
    """Let a colleague see a client ("own only" visibility) or also change it ("edit")."""
    share_record(user=user, record=client, colleague=colleague, level=level)
    notify(
        recipients=[colleague],
        subject=_("%(user)s shared the client %(name)s with you")
        % {"user": user, "name": client.name},
        url=client.get_absolute_url(),
    )


def client_unshare(*, user: User, client: Client, colleague: User) -> None:
    unshare_record(user=user, record=client, colleague=colleague)
