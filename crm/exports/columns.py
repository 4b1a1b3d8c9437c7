"""What a client export holds: one Column per spreadsheet column, shared by Excel and CSV."""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from operator import attrgetter

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.imports.columns import CLIENT_COLUMNS
from crm.models import CLIENT_FIELDS, Client, ClientKind, LeadSource

# Rows fetched per round trip: enough to be fast, few enough to keep memory flat.
CHUNK_SIZE = 2000


class Kind(StrEnum):
    TEXT = "text"
    MONEY = "money"  # a number with 2 decimals
    INTEGER = "integer"
    DATE = "date"


@dataclass(frozen=True)
class Column:
    header: str
    kind: Kind
    width: int  # Excel characters
    value: Callable[[Client], object]


def _labels(choices: type[models.Choices]) -> dict[str, str]:
    # Translated once per export: get_FOO_display() would translate every label of the
    # choices again for every row (a third of the time of a CSV export).
    return {value: str(label) for value, label in choices.choices}


def client_columns() -> tuple[Column, ...]:
    """The columns of a client export, in the active language: every client field
    (crm.models.CLIENT_FIELDS, headed with the words the import recognises, so an exported
    file can be edited and imported back) and, before the notes, the list's figures."""
    kinds, sources = _labels(ClientKind), _labels(LeadSource)
    zone = timezone.get_current_timezone()
    headers = {column.field: column.label for column in CLIENT_COLUMNS}

    def local_date(moment):
        return moment.astimezone(zone).date() if moment else None

    # Kind, width and value of the field columns; a plain text field is read as it is.
    fields = {
        "name": (Kind.TEXT, 40, None),
        "tax_id": (Kind.TEXT, 16, None),
        "kind": (Kind.TEXT, 16, lambda c: kinds.get(c.kind, c.kind)),
        "industry": (Kind.TEXT, 22, lambda c: c.industry.name if c.industry else ""),
        "segment": (Kind.TEXT, 10, None),
        "address": (Kind.TEXT, 40, None),
        "phone": (Kind.TEXT, 18, None),
        "email": (Kind.TEXT, 30, None),
        "website": (Kind.TEXT, 30, None),
        "lead_source": (Kind.TEXT, 16, lambda c: sources.get(c.lead_source, "")),
        "owner": (Kind.TEXT, 24, lambda c: str(c.owner)),
        "potential": (Kind.MONEY, 18, None),
        "notes": (Kind.TEXT, 50, None),
    }
    figures = (
        Column(_("Primary contact"), Kind.TEXT, 28, lambda c: c.primary_contact_name or ""),
        Column(_("Contacts"), Kind.INTEGER, 10, lambda c: c.contact_count),
        Column(_("Open opportunities"), Kind.INTEGER, 12, lambda c: c.open_opportunity_count),
        Column(_("Last activity"), Kind.DATE, 14, lambda c: local_date(c.last_activity_at)),
    )
    columns: list[Column] = []
    for name in CLIENT_FIELDS:
        if name == "notes":
            columns.extend(figures)
        kind, width, value = fields[name]
        columns.append(Column(headers[name], kind, width, value or attrgetter(name)))
    return (
        *columns,
        Column(_("Created"), Kind.DATE, 12, lambda c: local_date(c.created_at)),
        Column(_("Updated"), Kind.DATE, 12, lambda c: local_date(c.updated_at)),
    )


def client_rows(clients: QuerySet[Client], columns: Sequence[Column]) -> Iterator[list[object]]:
    """One list of raw values per client, read CHUNK_SIZE rows at a time (never all at once:
    on PostgreSQL through a server-side cursor)."""
    for client in clients.iterator(chunk_size=CHUNK_SIZE):
        yield [column.value(client) for column in columns]
