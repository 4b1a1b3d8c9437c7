"""What only a record's owner or a manager does, whatever the visibility level or the share:
deleting a client or an opportunity, and giving it to another owner (reassigning). Seeing
and editing are the rules of `crm.selectors` (`clients_editable_by`,
`opportunities_editable_by`); sharing is `crm.services.shares.may_share`."""

from django.core.exceptions import PermissionDenied

from accounts.models import User
from accounts.roles import is_manager
from crm.models import Client, Opportunity


def may_delete(user: User, record: Client | Opportunity) -> bool:
    """The owner and managers send a client or an opportunity to the recycle bin; a
    colleague who may edit it (a share at level "Editar", "Ver y editar todas") does not."""
    return record.owner_id == user.pk or is_manager(user)


def check_may_delete(*, user: User, record: Client | Opportunity) -> None:
    if not may_delete(user, record):
        raise PermissionDenied


def may_reassign(user: User) -> bool:
    """THE rule of who gives a record to another owner: only managers (and administrators).
    Every path that changes an owner (the client and opportunity forms and services, the
    client import) asks this."""
    return is_manager(user)


def check_owner_change(*, user: User, old_owner_id: int | None, new_owner_id: int | None) -> None:
    """Refuse a change of owner by someone who may not reassign (a new record takes the
    owner it is given: that is an assignment, not a reassignment)."""
    if old_owner_id is not None and new_owner_id != old_owner_id and not may_reassign(user):
        raise PermissionDenied
