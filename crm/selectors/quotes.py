"""Reads of quotes, scoped to what the user may see."""

from django.db.models import Exists, OuterRef, QuerySet

from accounts.models import User
from accounts.roles import is_manager
from crm.models import Quote
from crm.opportunities.selectors.visibility import opportunities_visible_to


def quotes_expiring_for(*, user: User, days: int, limit: int = 10) -> QuerySet[Quote]:
    """Pending quotes whose validity ends within `days` days: the executive's own (the
    dashboard shows own figures), every visible one for a manager. One query."""
    # EXISTS per quote: the few expiring quotes are checked, not 100,000 opportunities hashed.
    visible = opportunities_visible_to(user=user).filter(pk=OuterRef("opportunity_id"))
    quotes = Quote.objects.expiring_within(days).filter(Exists(visible))
    if not is_manager(user):
        quotes = quotes.filter(opportunity__owner=user)
    return quotes.select_related("opportunity").order_by("valid_until", "pk")[:limit]
