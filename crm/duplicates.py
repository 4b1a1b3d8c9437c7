"""Likely duplicates of a client about to be created: warned about, not forbidden.

An exact RIF/NIT match among live clients is an error (the form and a database constraint
refuse it); a client with the same normalised name, e-mail domain or phone number is only
probably the same company, so the user sees the list and may save anyway.
"""

from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet, Value
from django.db.models.functions import Replace

from accounts.models import User
from crm.models import Client, name_key
from crm.phones import PHONE_SEPARATORS, national_digits
from crm.selectors.clients import clients_visible_to

# Shared by unrelated people: the same domain says nothing about being the same company.
FREE_MAIL_DOMAINS = frozenset(
    {
        "aol.com",
        "cantv.net",
        "gmail.com",
        "googlemail.com",
        "hotmail.com",
        "hotmail.es",
        "icloud.com",
        "live.com",
        "mail.com",
        "me.com",
        "msn.com",
        "outlook.com",
        "outlook.es",
        "proton.me",
        "protonmail.com",
        "yahoo.com",
        "yahoo.es",
        "ymail.com",
    }
)
MAX_SHOWN = 10


def email_domain(email: str) -> str:
    """The company domain of an e-mail address; blank for free-mail providers."""
    domain = (email or "").strip().rpartition("@")[2].lower()
    return "" if "@" not in (email or "") or domain in FREE_MAIL_DOMAINS else domain


def _digits_of(field: str) -> F | Replace:
    """The field with the usual phone punctuation removed, computed in the database."""
    expression: F | Replace = F(field)
    for char in PHONE_SEPARATORS:
        expression = Replace(expression, Value(char), Value(""))
    return expression


def _flag(condition: Q) -> ExpressionWrapper:
    return ExpressionWrapper(condition, output_field=BooleanField())


def likely_duplicates(
    *, user: User, name: str, tax_id: str, email: str, phone: str, exclude_pk: int | None = None
) -> QuerySet[Client]:
    """Live clients the user may see that look like the one being entered, in one query.

    Each result says why through `same_name`, `same_tax_id`, `same_email_domain` and
    `same_phone`. Clients the user cannot see are never revealed.
    """
    criteria: dict[str, Q] = {}
    if key := name_key(name or ""):
        criteria["same_name"] = Q(name_key=key)
    if tax_id:
        criteria["same_tax_id"] = Q(tax_id=tax_id)
    if domain := email_domain(email):
        criteria["same_email_domain"] = Q(email__iendswith=f"@{domain}")
    if digits := national_digits(phone):
        criteria["same_phone"] = Q(phone_digits__endswith=digits)
    if not criteria:
        return Client.objects.none()
    match = Q()
    for condition in criteria.values():
        match |= condition
    flags = {
        name: _flag(criteria[name]) if name in criteria else Value(False)
        for name in ("same_name", "same_tax_id", "same_email_domain", "same_phone")
    }
    clients = (
        clients_visible_to(user=user)
        .annotate(phone_digits=_digits_of("phone"))
        .filter(match)
        .annotate(**flags)
        .select_related("owner")
        .order_by("name", "pk")
    )
    if exclude_pk is not None:
        clients = clients.exclude(pk=exclude_pk)
    return clients[:MAX_SHOWN]
