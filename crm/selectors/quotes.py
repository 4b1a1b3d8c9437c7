"""Reads of quotes, scoped to what the user may see."""

from django.db.models import QuerySet

from accounts.models import User
from accounts.roles import is_manager
from crm.models import Quote
from crm.opportunities.selectors.visibility import of_live_opportunities


def quotes_expiring_for(*, user: User, days: int, limit: int = 10) -> QuerySet[Quote]:
    """Pending quotes whose validity ends within `days` days: the executive's own (the
    dashboard shows own figures), every visible one for a manager. One query."""
    # A manager sees every live opportunity; an executive gets their own, and what they own
    # is visible to them whenever it is live: so the scope is the live opportunities, as the
    # anti-join of the few hidden ones (PostgreSQL turned an EXISTS against the visible ones
    # into a hash of all 100,000), narrowed to the owner for an executive.
    quotes = Quote.objects.expiring_within(days).filter(of_live_opportunities("opportunity"))
    if not is_manager(user):
        quotes = quotes.filter(opportunity__owner=user)
    return quotes.select_related("opportunity").order_by("valid_until", "pk")[:limit]
