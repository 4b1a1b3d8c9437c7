"""The triggers that keep `cache_table_version` (config.aggregate_cache's write versions) for
a table, shared by the migrations that track tables (crm 0027, whose docstring says how
they work, and documents 0003). Table names are the migrations' constants, never input."""

from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def track(schema_editor: BaseDatabaseSchemaEditor, tables: tuple[str, ...]) -> None:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                "INSERT INTO cache_table_version (name, token) VALUES (%s, %s)", [table, "0"]
            )
            if connection.vendor == "postgresql":
                cursor.execute(
                    f'CREATE CONSTRAINT TRIGGER "{table}_version" AFTER INSERT OR UPDATE OR DELETE'
                    f' ON "{table}" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW'
                    " EXECUTE FUNCTION cache_bump_table_version()"
                )
                cursor.execute(
                    f'CREATE TRIGGER "{table}_version_truncate" AFTER TRUNCATE ON "{table}"'
                    " FOR EACH STATEMENT EXECUTE FUNCTION cache_bump_table_version()"
                )
            elif connection.vendor == "sqlite":
                for event in ("INSERT", "UPDATE", "DELETE"):
                    bump = f"UPDATE cache_table_version SET token = lower(hex(randomblob(8))) WHERE name = '{table}'"  # noqa: S608, E501
                    cursor.execute(
                        f'CREATE TRIGGER "{table}_version_{event.lower()}" AFTER {event}'
                        f' ON "{table}" BEGIN {bump}; END'
                    )


def untrack(schema_editor: BaseDatabaseSchemaEditor, tables: tuple[str, ...]) -> None:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for table in tables:
            if connection.vendor == "postgresql":
                cursor.execute(f'DROP TRIGGER IF EXISTS "{table}_version" ON "{table}"')
                cursor.execute(f'DROP TRIGGER IF EXISTS "{table}_version_truncate" ON "{table}"')
            else:
                for event in ("insert", "update", "delete"):
                    cursor.execute(f'DROP TRIGGER IF EXISTS "{table}_version_{event}"')
            cursor.execute("DELETE FROM cache_table_version WHERE name = %s", [table])
