"""The filters of the client list (CRM → Clientes), shared by the page and its exports."""

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Replace
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES

from accounts.selectors import assignable_executives
from config.forms import FilterForm
from crm.models import Client, ClientKind, Contact, Industry, LeadSource, Segment, name_key

# Separators people type (or not) inside a RIF/NIT: "J-12345678-9", "900.123.456-8".
TAX_ID_SEPARATORS = ("-", ".", " ")
# What a phone may carry besides digits: "+58 (212) 555-01.01".
PHONE_SEPARATORS = (" ", "-", "+", "(", ")", ".")
# A search is taken for a phone number only when it looks like one and has enough digits
# ("Empresa 12" must not list every client whose phone contains "12").
PHONE_MIN_DIGITS = 4


def _strip_chars(expression, chars):
    """A database expression of `expression` without any of `chars` (nested REPLACEs)."""
    for char in chars:
        expression = Replace(expression, Value(char), Value(""))
    return expression


def compact_tax_id(value: str) -> str:
    """How a RIF/NIT is compared whatever its punctuation: "j-12.345.678 9" -> "J123456789"."""
    value = value.upper()
    for char in TAX_ID_SEPARATORS:
        value = value.replace(char, "")
    return value


def phone_digits(value: str) -> str:
    """The digits of a searched phone, or "" when the text is not a phone number.

    The Venezuelan trunk zero goes: numbers are stored internationally ("+58 212-5550101"),
    people type them nationally ("0212 555 0101").
    """
    if not value or any(not (ch.isdigit() or ch in PHONE_SEPARATORS) for ch in value):
        return ""
    digits = "".join(ch for ch in value if ch.isdigit()).lstrip("0")
    return digits if len(digits) >= PHONE_MIN_DIGITS else ""


class ClientOrderingFilter(django_filters.OrderingFilter):
    """Sorts by the chosen column, then by name and pk, so that pages never repeat or skip
    rows sharing a value; clients without industry or activity go last in both directions
    (SQLite and PostgreSQL disagree on where NULLs go by default)."""

    NULLABLE = {"industry": "industry__name", "last_activity_at": "last_activity_at"}

    def get_ordering_value(self, param):
        value = super().get_ordering_value(param)
        descending = value.startswith("-")
        column = self.NULLABLE.get(value.removeprefix("-"))
        if column is None:
            return value
        return F(column).desc(nulls_last=True) if descending else F(column).asc(nulls_last=True)

    def filter(self, qs, value):
        ordered = super().filter(qs, value)
        if value in EMPTY_VALUES:
            return ordered
        # By name: the pk alone breaks ties (a second "name" would stop the index serving
        # "-name", see Client.Meta.indexes).
        tie_breaks = ("pk",) if value[0].removeprefix("-") == "name" else ("name", "pk")
        return ordered.order_by(*ordered.query.order_by, *tie_breaks)


class ClientFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search",
        label=_("Search"),
        # type="search": the filter form refreshes the results as the user types in it.
        widget=forms.SearchInput(
            attrs={"placeholder": _("Name, RIF/NIT, contact, email or phone")}
        ),
    )
    segment = django_filters.ChoiceFilter(choices=Segment.choices, label=_("Segment"))
    kind = django_filters.ChoiceFilter(choices=ClientKind.choices, label=_("Type"))
    industry = django_filters.ModelChoiceFilter(
        queryset=Industry.objects.order_by("name"), label=_("Industry")
    )
    owner = django_filters.ModelChoiceFilter(
        queryset=lambda request: assignable_executives(), label=_("Assigned executive")
    )
    lead_source = django_filters.ChoiceFilter(choices=LeadSource.choices, label=_("Lead source"))
    order = ClientOrderingFilter(
        fields=(
            ("name", "name"),
            ("tax_id", "tax_id"),
            ("segment", "segment"),
            ("owner", "owner"),  # the User's own ordering: first name, last name, username
            ("industry", "industry"),
            ("updated_at", "updated"),
            # Annotations of the selector (crm.selectors.client_list).
            ("open_opportunity_count", "opportunities"),
            ("last_activity_at", "last_activity"),
        ),
        label=_("Order by"),
    )

    class Meta:
        model = Client
        form = FilterForm
        fields = ["q", "segment", "kind", "industry", "owner", "lead_source"]

    def search(self, queryset: QuerySet[Client], name: str, value: str) -> QuerySet[Client]:
        """Name (also without accents or legal suffix), RIF/NIT with or without dashes, the
        client's email and phone, and the name, email or phone of any of its live contacts.

        Contacts are matched with EXISTS, not a join, so a client with two matching contacts
        is still one row (and the contact count stays right).
        """
        value = value.strip()
        if not value:
            return queryset
        matches = Q(name__icontains=value) | Q(email__icontains=value)
        contacts = Q(name__icontains=value) | Q(email__icontains=value)
        key = name_key(value)
        if key:
            matches |= Q(name_key__contains=key)
        tax_id = compact_tax_id(value)
        if tax_id:
            matches |= Q(tax_id_compact__contains=tax_id)
            queryset = queryset.annotate(
                tax_id_compact=_strip_chars(F("tax_id"), TAX_ID_SEPARATORS)
            )
        digits = phone_digits(value)
        if digits:
            matches |= Q(phone_digits__contains=digits)
            contacts |= Q(phone_digits__contains=digits)
            queryset = queryset.annotate(phone_digits=_strip_chars(F("phone"), PHONE_SEPARATORS))
        contact_rows = Contact.objects.filter(client=OuterRef("pk"))
        if digits:
            contact_rows = contact_rows.annotate(
                phone_digits=_strip_chars(F("phone"), PHONE_SEPARATORS)
            )
        return queryset.filter(matches | Q(Exists(contact_rows.filter(contacts))))
