"""Reads of quotes, scoped to what the user may see."""

from django.db.models import QuerySet

from accounts.roles import is_manager
from crm.models import Quote
from crm.selectors.opportunities import opportunities_visible_to


def quotes_expiring_for(*, user, days: int, limit: int = 10) -> QuerySet[Quote]:
    """Pending quotes whose validity ends within `days` days: the executive's own (the
    dashboard shows own figures), every visible one for a manager. One query."""
    quotes = Quote.objects.expiring_within(days).filter(
        opportunity__in=opportunities_visible_to(user=user).values("pk")
    )
    if not is_manager(user):
        quotes = quotes.filter(opportunity__owner=user)
    return quotes.select_related("opportunity").order_by("valid_until", "pk")[:limit]
