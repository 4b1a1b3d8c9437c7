"""What an export holds: one Column per spreadsheet column, shared by Excel and CSV.

Rows are read with `values()` in chunks (plain dicts, never model instances: a tenth of the
time and no object kept), and each Column turns a dict into its cell's raw value.
"""

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import tzinfo
from decimal import Decimal
from enum import StrEnum
from operator import itemgetter
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import Currency
from crm.imports.columns import CLIENT_COLUMNS
from crm.models import CLIENT_FIELDS, Client, ClientKind, LeadSource, Opportunity, Stage
from crm.money import amount_column, amount_columns, currency_attr, original_amount

# Rows fetched per round trip: enough to be fast, few enough to keep memory flat.
CHUNK_SIZE = 2000

type Row = dict[str, Any]  # a values() row


class Kind(StrEnum):
    TEXT = "text"
    MONEY = "money"  # a number with 2 decimals
    RATE = "rate"  # an exchange rate (VES per USD), every decimal kept
    INTEGER = "integer"
    DATE = "date"
    DATETIME = "datetime"  # a date and time (local time)


@dataclass(frozen=True)
class Column:
    header: str | Promise  # lazy: written in the language of the request that exports
    kind: Kind
    width: int  # Excel characters
    value: Callable[[Row], object] | None = None  # the cell's value from a values() row


def _labels(choices: type[models.Choices]) -> dict[str, str]:
    # Translated once per export: get_FOO_display() would translate every label of the
    # choices again for every row (a third of the time of a CSV export).
    return {value: str(label) for value, label in choices.choices}


def person(row: Mapping, prefix: str) -> str:
    """A user's name as User.__str__ gives it, from the `<prefix>__first_name`, `__last_name`
    and `__username` of a values() row."""
    first, last = row[f"{prefix}__first_name"], row[f"{prefix}__last_name"]
    return f"{first} {last}".strip() or row[f"{prefix}__username"]


def _person_fields(prefix: str) -> tuple[str, ...]:
    return (f"{prefix}__first_name", f"{prefix}__last_name", f"{prefix}__username")


def local_date(zone: tzinfo) -> Callable[[str], Callable[[Mapping], object]]:
    """`local_date(zone)(field)`: a row's aware datetime `field` as its local date (None when
    empty); the zone is read once per export, not per cell."""

    def of(field: str) -> Callable[[Mapping], object]:
        return lambda row: row[field].astimezone(zone).date() if row[field] else None

    return of


def local_datetime(zone: tzinfo) -> Callable[[str], Callable[[Mapping], object]]:
    """Likewise, the local date and time (naive, as a spreadsheet holds it)."""

    def of(field: str) -> Callable[[Mapping], object]:
        return lambda row: row[field].astimezone(zone).replace(tzinfo=None) if row[field] else None

    return of


def value_rows(
    queryset: QuerySet, fields: Sequence[str], columns: Sequence[Column]
) -> Iterator[list[object]]:
    """One list of raw values per row of `queryset`, read as values() dicts CHUNK_SIZE rows
    at a time (never all at once: on PostgreSQL through a server-side cursor)."""
    values: list[Callable[[Row], object]] = []
    for column in columns:
        if column.value is None:  # only a sheet written from ready rows may leave it out
            raise TypeError(f"The column {column.header} has no value to read from a row.")
        values.append(column.value)
    for row in queryset.values(*fields).iterator(chunk_size=CHUNK_SIZE):
        yield [value(row) for value in values]


# Clients ------------------------------------------------------------------------------------

CLIENT_VALUE_FIELDS = (
    *(name for name in CLIENT_FIELDS if name not in ("industry", "owner", "potential")),
    *amount_columns("potential"),
    "industry__name",
    *_person_fields("owner"),
    "primary_contact_name",
    "contact_count",
    "open_opportunity_count",
    "last_activity_at",
    "created_at",
    "updated_at",
)


def original_columns(field: str) -> tuple[Column, ...]:
    """The amount as it was typed: its currency, the amount in it and the VES per USD frozen
    with it (the extra columns beside an amount shown in the display currency)."""
    rate = f"{field}_rate"
    return (
        Column(_("Original currency"), Kind.TEXT, 10, itemgetter(currency_attr(field))),
        Column(_("Original amount"), Kind.MONEY, 18, lambda row: original_amount(row, field)),
        Column(_("Rate (VES/USD)"), Kind.RATE, 14, itemgetter(rate)),
    )


def in_currency(header: str | Promise, currency: str) -> str:
    """ "Valor (VES)": a header naming the currency of its amounts."""
    return f"{header} ({currency})"


def client_columns(currency: str = Currency.USD) -> tuple[Column, ...]:
    """The columns of a client export, in the active language: every client field
    (crm.models.CLIENT_FIELDS, headed with the words the import recognises, so an exported
    file can be edited and imported back) and, before the notes, the list's figures."""
    kinds, sources = _labels(ClientKind), _labels(LeadSource)
    day = local_date(timezone.get_current_timezone())
    headers = {column.field: column.label for column in CLIENT_COLUMNS}

    # Kind, width and value of the field columns; a plain text field is read as it is.
    fields = {
        "name": (Kind.TEXT, 40, None),
        "tax_id": (Kind.TEXT, 16, None),
        "kind": (Kind.TEXT, 16, lambda c: kinds.get(c["kind"], c["kind"])),
        "industry": (Kind.TEXT, 22, itemgetter("industry__name")),
        "segment": (Kind.TEXT, 10, None),
        "address": (Kind.TEXT, 40, None),
        "phone": (Kind.TEXT, 18, None),
        "email": (Kind.TEXT, 30, None),
        "website": (Kind.TEXT, 30, None),
        "lead_source": (Kind.TEXT, 16, lambda c: sources.get(c["lead_source"], "")),
        "owner": (Kind.TEXT, 24, lambda c: person(c, "owner")),
        "potential": (Kind.MONEY, 18, itemgetter(amount_column("potential", currency))),
        "notes": (Kind.TEXT, 50, None),
    }
    figures = (
        Column(_("Primary contact"), Kind.TEXT, 28, itemgetter("primary_contact_name")),
        Column(_("Contacts"), Kind.INTEGER, 10, itemgetter("contact_count")),
        Column(_("Open opportunities"), Kind.INTEGER, 12, itemgetter("open_opportunity_count")),
        Column(_("Last activity"), Kind.DATE, 14, day("last_activity_at")),
    )
    columns: list[Column] = []
    for name in CLIENT_FIELDS:
        if name == "notes":
            columns.extend(figures)
        kind, width, value = fields[name]
        if name == "potential":
            # In USD the import's own header (it reads USD): the file can be imported back.
            header = (
                headers[name] if currency == Currency.USD else in_currency(headers[name], currency)
            )
            columns.append(Column(header, kind, width, value))
            columns.extend(original_columns("potential"))
            continue
        columns.append(Column(headers[name], kind, width, value or itemgetter(name)))
    return (
        *columns,
        Column(_("Created"), Kind.DATE, 12, day("created_at")),
        Column(_("Updated"), Kind.DATE, 12, day("updated_at")),
    )


def client_rows(clients: QuerySet[Client], columns: Sequence[Column]) -> Iterator[list[object]]:
    return value_rows(clients, CLIENT_VALUE_FIELDS, columns)


# Opportunities ------------------------------------------------------------------------------

OPPORTUNITY_VALUE_FIELDS = (
    "name",
    "client__name",
    "client__tax_id",
    "stage",
    *amount_columns("estimated_value"),
    "probability",
    *_person_fields("owner"),
    "expected_close_date",
    "last_activity_at",
    "last_activity_subject",
    "next_activity_at",
    "next_activity_subject",
)


def _weighted(currency: str) -> Callable[[Mapping], object]:
    """Value × probability in `currency`, as Opportunity.weighted_value computes it."""
    column = amount_column("estimated_value", currency)

    def weighted(row: Mapping) -> Decimal | None:
        value = row[column]
        return None if value is None else value * row["probability"] / 100

    return weighted


def opportunity_columns(currency: str = Currency.USD) -> tuple[Column, ...]:
    """The columns of the opportunity list (crm.list_columns.OPPORTUNITY_COLUMNS), every one
    of them, with the activities split into date and subject so that dates stay dates; the
    amounts in `currency` (the user's display currency), then the value as it was typed."""
    stages = _labels(Stage)
    value = amount_column("estimated_value", currency)
    moment = local_datetime(timezone.get_current_timezone())
    return (
        Column(_("Name"), Kind.TEXT, 40, itemgetter("name")),
        Column(_("Client"), Kind.TEXT, 36, itemgetter("client__name")),
        Column(_("RIF/NIT"), Kind.TEXT, 16, itemgetter("client__tax_id")),
        Column(_("Stage"), Kind.TEXT, 14, lambda o: stages.get(o["stage"], o["stage"])),
        Column(in_currency(_("Value"), currency), Kind.MONEY, 16, itemgetter(value)),
        Column(_("Probability (%)"), Kind.INTEGER, 12, itemgetter("probability")),
        Column(in_currency(_("Weighted value"), currency), Kind.MONEY, 16, _weighted(currency)),
        *original_columns("estimated_value"),
        Column(_("Owner"), Kind.TEXT, 24, lambda o: person(o, "owner")),
        Column(_("Expected close"), Kind.DATE, 14, itemgetter("expected_close_date")),
        Column(_("Last activity"), Kind.DATETIME, 16, moment("last_activity_at")),
        Column(_("Last activity subject"), Kind.TEXT, 36, itemgetter("last_activity_subject")),
        Column(_("Next activity"), Kind.DATETIME, 16, moment("next_activity_at")),
        Column(_("Next activity subject"), Kind.TEXT, 36, itemgetter("next_activity_subject")),
    )


def opportunity_rows(
    opportunities: QuerySet[Opportunity], columns: Sequence[Column]
) -> Iterator[list[object]]:
    """`opportunities` must carry with_activity_dates() (the list's activity columns)."""
    return value_rows(opportunities, OPPORTUNITY_VALUE_FIELDS, columns)
