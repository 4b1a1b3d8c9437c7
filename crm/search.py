"""The one way the app searches text: a typed term against the `search_text` column of a
SearchTextModel (crm.models.base), through an index on both databases.

- The stored column and the term go through the same normaliser (`search_key`: no accents,
  no case), so "petroleos" and "PETRÓLEOS" both find "Petróleos".
- PostgreSQL: a `pg_trgm` GIN index on each `search_text`; `LIKE '%term%'` uses it.
- SQLite: an FTS5 table with the trigram tokenizer mirroring each `search_text` (kept by
  triggers on the table); a phrase MATCH finds the same substrings as LIKE, from the index.
  Terms shorter than a trigram (1–2 characters) read the column itself.

`search_q()` is the query helper every list's search calls; `AddSearchIndex` is the
migration operation that builds the index of one table on either database.
"""

from typing import Any

from django.db import DatabaseError, connections, models, transaction
from django.db import connection as default_connection
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.operations.base import Operation
from django.db.migrations.state import ProjectState
from django.db.models import Q
from django.db.models.expressions import RawSQL

from crm.models.base import compact_tax_id, name_key, search_key
from crm.phones import PHONE_SEPARATORS, phone_key

# A search is taken for a phone number only when it looks like one and has enough digits
# ("Empresa 12" must not list every client whose phone contains "12").
PHONE_MIN_DIGITS = 4
# The trigram tokenizer indexes three characters at a time: a shorter term has none.
TRIGRAM = 3


def phone_digits(value: str) -> str:
    """The digits of a searched phone, or "" when the text is not a phone number.

    The Venezuelan trunk zero goes: numbers are stored internationally ("+58 212-5550101"),
    people type them nationally ("0212 555 0101").
    """
    if not value or any(not (ch.isdigit() or ch in PHONE_SEPARATORS) for ch in value):
        return ""
    digits = phone_key(value).lstrip("0")
    return digits if len(digits) >= PHONE_MIN_DIGITS else ""


def search_terms(
    value: str, *, name: bool = False, tax_id: bool = False, phone: bool = False
) -> list[str]:
    """The normalised forms of a typed term that a row's `search_text` may contain: the text
    itself and, when asked, the name without legal suffix ("…la sabana ca" -> "…la sabana"),
    the RIF/NIT without separators and the phone's digits. A form containing another is
    dropped (whatever matches it matches the shorter one too)."""
    value = (value or "").strip()
    forms = [search_key(value)]
    if name:
        forms.append(name_key(value))
    if tax_id:
        forms.append(search_key(compact_tax_id(value)))
    if phone:
        forms.append(phone_digits(value))
    forms = list(dict.fromkeys(form for form in forms if form))
    return [form for form in forms if not any(o != form and o in form for o in forms)]


def search_table(model: type[models.Model]) -> str:
    """The SQLite FTS5 table that mirrors `model`'s `search_text`."""
    return f"{model._meta.db_table}_search"


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def search_q(model: type[models.Model], terms: list[str], *, prefix: str = "") -> Q:
    """Rows of `model` (or, with `prefix` such as "client__", rows whose related `model`)
    whose `search_text` contains any of `terms` (see `search_terms`), through the index.

    An empty `terms` matches nothing: callers skip the filter for a blank search.
    """
    if not terms:
        return Q(pk__in=[])
    matches = Q()
    for term in terms:
        if default_connection.vendor == "sqlite" and len(term) >= TRIGRAM:
            table = search_table(model)
            rows = RawSQL(  # noqa: S611 - the term is a parameter; the table is ours
                f'SELECT rowid FROM "{table}" WHERE "{table}" MATCH %s',  # noqa: S608
                [_fts_phrase(term)],
            )
            # The index finds the candidates; LIKE on those few rows keeps exactly what
            # PostgreSQL's trigram recheck keeps (FTS5 reads "*" in a phrase as a prefix).
            matches |= Q(**{f"{prefix}pk__in": rows, f"{prefix}search_text__contains": term})
        else:
            matches |= Q(**{f"{prefix}search_text__contains": term})
    return matches


# The index of one table's `search_text` -------------------------------------------------------

PG_NO_TRIGRAM = (
    "The search indexes need the PostgreSQL extension pg_trgm, and this database user may not "
    "create it. Ask the database administrator to run, once, in this database: "
    "CREATE EXTENSION IF NOT EXISTS pg_trgm;  then run the migrations again."
)


def _pg_index(table: str) -> str:
    return f"{table}_search_trgm"


def _sqlite_triggers(table: str) -> list[str]:
    # Identifiers are the app's own table names (SEARCHED_TABLES, migrations), never input.
    fts = f"{table}_search"
    delete = (
        f'INSERT INTO "{fts}"("{fts}", rowid, search_text) '  # noqa: S608
        "VALUES ('delete', old.id, old.search_text);"
    )
    insert = f'INSERT INTO "{fts}"(rowid, search_text) VALUES (new.id, new.search_text);'  # noqa: S608
    return [
        f'CREATE TRIGGER IF NOT EXISTS "{fts}_ai" AFTER INSERT ON "{table}" BEGIN {insert} END',
        f'CREATE TRIGGER IF NOT EXISTS "{fts}_ad" AFTER DELETE ON "{table}" BEGIN {delete} END',
        f'CREATE TRIGGER IF NOT EXISTS "{fts}_au" AFTER UPDATE OF search_text ON "{table}" '
        f"BEGIN {delete} {insert} END",
    ]


def _sqlite_rebuild(table: str) -> str:
    fts = f"{table}_search"
    return f'INSERT INTO "{fts}"("{fts}") VALUES (\'rebuild\')'  # noqa: S608


def create_search_index(schema_editor: BaseDatabaseSchemaEditor, table: str) -> None:
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
            if cursor.fetchone() is None:
                try:
                    with transaction.atomic(using=connection.alias):  # a savepoint
                        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                except DatabaseError as exc:  # insufficient privilege
                    raise RuntimeError(PG_NO_TRIGRAM) from exc
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{_pg_index(table)}" ON "{table}" '
            "USING gin (search_text gin_trgm_ops)"
        )
        # Fresh statistics of the just-filled column, so the planner estimates its matches.
        schema_editor.execute(f'ANALYZE "{table}"')
    elif connection.vendor == "sqlite":
        fts = f"{table}_search"
        schema_editor.execute(
            f'CREATE VIRTUAL TABLE IF NOT EXISTS "{fts}" USING fts5('
            f"search_text, content='{table}', content_rowid='id', tokenize='trigram')"
        )
        for trigger in _sqlite_triggers(table):
            schema_editor.execute(trigger)
        schema_editor.execute(_sqlite_rebuild(table))


def drop_search_index(schema_editor: BaseDatabaseSchemaEditor, table: str) -> None:
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{_pg_index(table)}"')
    elif connection.vendor == "sqlite":
        fts = f"{table}_search"
        for suffix in ("ai", "ad", "au"):
            schema_editor.execute(f'DROP TRIGGER IF EXISTS "{fts}_{suffix}"')
        schema_editor.execute(f'DROP TABLE IF EXISTS "{fts}"')


class AddSearchIndex(Operation):
    """The search index of `table`'s `search_text`: a pg_trgm GIN index on PostgreSQL, an
    FTS5 trigram table with its triggers on SQLite. Nothing in the model state changes."""

    reversible = True

    def __init__(self, table: str) -> None:
        self.table = table

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return (self.__class__.__name__, [self.table], {})

    def state_forwards(self, app_label: str, state: ProjectState) -> None:
        pass

    def database_forwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        create_search_index(schema_editor, self.table)

    def database_backwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        drop_search_index(schema_editor, self.table)

    def describe(self) -> str:
        return f"Search index (pg_trgm on PostgreSQL, FTS5 trigram on SQLite) of {self.table}"


SEARCHED_TABLES = (
    "crm_client",
    "crm_contact",
    "crm_opportunity",
    "crm_complaint",
    "documents_document",
)


def ensure_sqlite_search_triggers(using: str = "default") -> None:
    """After migrate: on SQLite, a later migration that rebuilds a searched table (SQLite's
    ALTER TABLE is a copy and rename) drops its triggers with it. Put back the missing ones
    and rebuild that table's index from the column, so it never goes stale silently."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        existing = {row[0] for row in cursor.fetchall()}
        for table in SEARCHED_TABLES:
            fts = f"{table}_search"
            if fts not in existing:
                continue  # its migration has not run yet
            if all(f"{fts}_{suffix}" in existing for suffix in ("ai", "ad", "au")):
                continue
            for trigger in _sqlite_triggers(table):
                cursor.execute(trigger)
            cursor.execute(_sqlite_rebuild(table))
