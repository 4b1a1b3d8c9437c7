"""The client list's "Última actividad" sort, both ways, clients never contacted last (as
crm.filters.clients.ClientOrderingFilter sorts it), served by an index on PostgreSQL. SQLite
cannot declare NULLS LAST in an index, and sorts that column as before."""

from django.db import migrations

INDEXES = {
    "client_sort_activity_asc": '"last_activity_at" ASC NULLS LAST',
    "client_sort_activity_desc": '"last_activity_at" DESC NULLS LAST',
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, key in INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "crm_client" '
            f'({key}, "name", "id", "owner_id", "deleted_at")'
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("crm", "0028_opportunity_open_client_index")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
