"""Sharing one record (a client, an opportunity) with a colleague, "Compartir": guardian
object grants at a level. "view" lets them see it where the company's visibility is "own
only"; "edit" also lets them change it (see the edit rules in crm.selectors)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from guardian.shortcuts import assign_perm, remove_perm

from accounts.models import User
from accounts.roles import COMMERCIAL_ROLES, is_manager, user_roles
from audit.models import EventKind
from audit.services import record_security_event
from crm.models import Client, Opportunity


class ShareLevel(models.TextChoices):
    VIEW = "view", gettext_lazy("View")
    EDIT = "edit", gettext_lazy("Edit")


def _permissions(record: Client | Opportunity, level: str) -> tuple[str, ...]:
    model = f"{record._meta.app_label}.{{}}_{record._meta.model_name}"
    view, change = model.format("view"), model.format("change")
    return (view, change) if level == ShareLevel.EDIT else (view,)


def may_share(user: User, record: Client | Opportunity) -> bool:
    """The owner and managers share a record; a colleague it was shared with does not."""
    return record.owner_id == user.pk or is_manager(user)


@transaction.atomic
def share_record(
    *, user: User, record: Client | Opportunity, colleague: User, level: str = ShareLevel.VIEW
) -> None:
    """Grant `colleague` the level on `record`; sharing again sets the new level."""
    if not may_share(user, record):
        raise PermissionDenied
    if colleague.pk == record.owner_id:
        raise ValidationError(_("The owner already sees it."))
    if level not in ShareLevel.values:
        raise ValidationError(_("Choose whether the colleague may view or edit it."))
    if not set(COMMERCIAL_ROLES) & user_roles(colleague):
        raise ValidationError(_("Choose a colleague with a commercial role."))
    wanted = _permissions(record, level)
    for permission in _permissions(record, ShareLevel.EDIT):
        if permission not in wanted:
            remove_perm(permission, colleague, record)
    for permission in wanted:
        assign_perm(permission, colleague, record)
    record_security_event(
        kind=EventKind.SHARE_GRANTED,
        user=user,
        target=_described(record),
        detail=f"with: {colleague.get_username()}; level: {level}",
    )


def _described(record: Client | Opportunity) -> str:
    return f"{record._meta.model_name} #{record.pk} {record}"


@transaction.atomic
def unshare_record(*, user: User, record: Client | Opportunity, colleague: User) -> None:
    if not may_share(user, record):
        raise PermissionDenied
    for permission in _permissions(record, ShareLevel.EDIT):
        remove_perm(permission, colleague, record)
    record_security_event(
        kind=EventKind.SHARE_REVOKED,
        user=user,
        target=_described(record),
        detail=f"with: {colleague.get_username()}",
    )
