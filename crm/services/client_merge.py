"""Merging two clients that are the same company ("Fusionar", managers only).

The manager chooses, field by field, which value the survivor keeps. In one transaction:

1. the merged-away client goes to the recycle bin with a pointer to the survivor
   (`Client.merged_into`), so it can never be restored over its moved rows;
2. the survivor takes the chosen values through `client_update` (validation, history);
3. every row of every table that points at the merged-away client (contacts,
   opportunities, activities, complaints, documents, projects, shares, history, …: the
   model's reverse relations, so a new table is never forgotten) is moved to the survivor,
   deleted rows included;
4. the survivor's history records the merge.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef
from django.db.models.expressions import Combinable
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import is_manager
from crm.concurrency import lock_and_check
from crm.history import record_action
from crm.models import ChangeRecord, Client, ClientUserObjectPermission, Contact
from crm.models.clients import CLIENT_FIELDS
from crm.money import original_amount, original_currency
from crm.services.clients import client_update

SURVIVOR, MERGED = "survivor", "merged"


@dataclass(frozen=True)
class MergeInput:
    survivor_id: int
    survivor_version: int
    merged_id: int
    merged_version: int
    # CLIENT_FIELDS name -> SURVIVOR or MERGED (a missing field keeps the survivor's value).
    choices: dict[str, str]


def related_rows(client: Client) -> dict[type[models.Model], int]:
    """How many rows of each related table point at the client (deleted ones included)."""
    counts = {}
    for relation in _relations():
        model, field = relation.related_model, relation.field.name
        counts[model] = model._base_manager.filter(**{field: client}).count()
    return counts


def _relations() -> list[models.ForeignObjectRel]:
    return [
        relation
        for relation in Client._meta.related_objects
        if relation.one_to_many or relation.one_to_one
    ]


@transaction.atomic
def client_merge(*, user: User, merge: MergeInput) -> Client:
    if not is_manager(user):
        raise PermissionDenied
    if merge.survivor_id == merge.merged_id:
        raise ValidationError(_("Choose two different clients to merge."))
    if set(merge.choices.values()) - {SURVIVOR, MERGED} or set(merge.choices) - set(CLIENT_FIELDS):
        raise ValidationError(_("Choose, for every field, which value the client keeps."))
    # Lock both rows in a fixed order, so two merges of the same pair cannot deadlock.
    first, second = sorted((merge.survivor_id, merge.merged_id))
    versions = {
        merge.survivor_id: merge.survivor_version,
        merge.merged_id: merge.merged_version,
    }
    locked = {
        pk: lock_and_check(Client, pk=pk, expected_version=versions[pk]) for pk in (first, second)
    }
    survivor, merged = locked[merge.survivor_id], locked[merge.merged_id]
    if survivor.is_deleted or merged.is_deleted:
        raise ValidationError(_("One of the clients is in the recycle bin: restore it first."))
    data = {
        name: getattr(merged, name) for name, choice in merge.choices.items() if choice == MERGED
    }
    if "potential" in data:
        # The amount as it was typed, in its currency (crm.money), not its USD value.
        data["potential"] = original_amount(merged, "potential")
        data["potential_currency"] = original_currency(merged, "potential")
    _retire(merged, survivor=survivor, user=user)
    survivor = client_update(
        user=user, client_id=survivor.pk, expected_version=survivor.version, data=data
    )
    _move_related_rows(source=merged, target=survivor)
    record_action(instance=merged, client=survivor, action=ChangeRecord.Action.MERGED, user=user)
    return survivor


def _retire(merged: Client, *, survivor: Client, user: User) -> None:
    merged.deleted_at = timezone.now()
    merged.deleted_by = user
    merged.merged_into = survivor
    merged.version += 1
    merged.save(update_fields=["deleted_at", "deleted_by", "merged_into", "version", "updated_at"])


def _move_related_rows(*, source: Client, target: Client) -> None:
    # One live primary contact per client: the survivor's stays; the other's only if it has none.
    if Contact.objects.filter(client=target, is_primary=True).exists():
        Contact._base_manager.filter(client=source, is_primary=True).update(is_primary=False)
    # A colleague the record was shared with on both sides keeps one grant.
    grants = ClientUserObjectPermission.objects
    grants.filter(content_object=source).filter(
        Exists(
            grants.filter(
                content_object=target, user=OuterRef("user"), permission=OuterRef("permission")
            )
        )
    ).delete()
    for relation in _relations():
        model, field = relation.related_model, relation.field.name
        rows = model._base_manager.filter(**{field: source})
        changes: dict[str, Client | Combinable] = {field: target}
        if model is not Client and any(f.name == "version" for f in model._meta.concrete_fields):
            changes["version"] = F("version") + 1  # an edit form opened before is now stale
        rows.update(**changes)
