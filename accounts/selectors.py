"""Reads of people (users), for the choices of the CRM's forms and filters."""

from django.db.models import QuerySet

from accounts.models import User
from accounts.roles import COMMERCIAL_ROLES


def assignable_executives() -> QuerySet[User]:
    """Users who may own clients and opportunities: members of a commercial role."""
    return (
        User.objects.filter(is_active=True, groups__name__in=[r.value for r in COMMERCIAL_ROLES])
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
