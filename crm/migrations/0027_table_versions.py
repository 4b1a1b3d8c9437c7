"""The write versions that config.aggregate_cache keys its cached aggregates on.

`cache_table_version` holds one row per tracked table: a random token that changes with
every committed write to that table (insert, update, delete, truncate), set by triggers
created here (their DDL in config.table_versions, shared with later migrations). It is a
plain table, not a model: Django's flush (between transactional tests) empties the models'
tables and fires the triggers, but keeps the versions.

PostgreSQL: a deferred constraint trigger per row, so the token changes at COMMIT, in the
writer's transaction (the data and its new token become visible together), after every
other lock the transaction took; each transaction first locks the '*' row, so writers
queue on one lock taken last and never deadlock on the versions. The token is changed
once per table per transaction (a transaction-local setting remembers it), however many
rows it wrote. TRUNCATE (Django's flush) has its own statement trigger.
SQLite: a trigger per row and kind of write; SQLite has one writer at a time.
"""

from django.db import migrations

from config.table_versions import track, untrack

TRACKED_TABLES = (
    "accounts_user",
    "accounts_user_groups",
    "auth_group",
    "auth_permission",
    "crm_activity",
    "crm_client",
    "crm_clientuserobjectpermission",
    "crm_complaint",
    "crm_contact",
    "crm_industry",
    "crm_opportunity",
    "crm_opportunityuserobjectpermission",
    "crm_quote",
    "crm_stagechange",
)

PG_FUNCTIONS = """
CREATE FUNCTION cache_bump_table_version() RETURNS trigger AS $$
DECLARE
    done_key text := 'rumbo.version_' || TG_TABLE_NAME;
BEGIN
    IF current_setting(done_key, true) IS DISTINCT FROM txid_current()::text THEN
        PERFORM set_config(done_key, txid_current()::text, true);
        PERFORM 1 FROM cache_table_version WHERE name = '*' FOR UPDATE;
        UPDATE cache_table_version SET token = md5(random()::text || clock_timestamp()::text)
            WHERE name = TG_TABLE_NAME;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
"""


def create(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE cache_table_version (name varchar(63) PRIMARY KEY, token varchar(32) NOT NULL)"
        )
        cursor.execute("INSERT INTO cache_table_version (name, token) VALUES ('*', '0')")
        if connection.vendor == "postgresql":
            cursor.execute(PG_FUNCTIONS)
    track(schema_editor, TRACKED_TABLES)


def drop(apps, schema_editor):
    connection = schema_editor.connection
    untrack(schema_editor, TRACKED_TABLES)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP FUNCTION IF EXISTS cache_bump_table_version()")
        cursor.execute("DROP TABLE cache_table_version")


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0026_opportunity_pipeline_period_index"),
        ("accounts", "0009_display_currency"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create, drop)]
